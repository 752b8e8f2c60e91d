"""User, agency and API-token administration in the browser (csphub.access decides who may)."""
