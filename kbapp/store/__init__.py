"""Persistence: the database behind incidents and the action log (SQLAlchemy + Alembic)."""

from kbapp.store.db import Store, StoreError

__all__ = ["Store", "StoreError"]
