"""Alembic migrations of the store; run programmatically by `scanner.store.open_store`."""
