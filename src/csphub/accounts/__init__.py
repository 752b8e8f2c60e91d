"""Agencies, users' membership of them, roles and API tokens."""
