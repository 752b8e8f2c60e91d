"""The web layer above every domain: the API object and token auth, the one error shape, the
page decorator, the site URL map, context processors and the audit page. Domain apps import
nothing from here (tests/test_layering.py holds it with an import-linter contract)."""
