"""Alembic migrations (one linear history)."""
