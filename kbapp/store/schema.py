"""Every table of the database on one ``Base.metadata``: what the migrations must create.

Importing this module imports each table module once; nothing in the store imports it
back, so there is no import circle. Alembic's ``env.py`` and the schema tests use it.
"""

from __future__ import annotations

from kbapp.store import (  # noqa: F401  (imported for their tables)
    customer_models,
    metrics_models,
    models,
    notify_models,
    plan_models,
    records_models,
    staging,
    team_models,
)
from kbapp.store.base import Base

metadata = Base.metadata

__all__ = ["Base", "metadata"]
