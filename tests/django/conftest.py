"""Django tests run twice in CI: on SQLite, and on PostgreSQL (`make test-postgres`)."""
