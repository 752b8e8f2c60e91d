"""Shared pieces of the web app: the base model every record extends, GOV.UK form rendering."""
