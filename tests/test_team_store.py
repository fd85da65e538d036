"""The store on both databases: the same Alembic migrations bring SQLite and a real
PostgreSQL server (tests/pgserver.py) to exactly the schema the ORM declares."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kbapp.store.db import Store, current_revision, head_revision
from kbapp.store.schema import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kbapp.sqlite3'}"
    return request.getfixturevalue("pg_url")


def test_the_migrations_make_exactly_the_declared_schema_on_both_databases(db_url):
    store = Store.open(db_url)
    try:
        assert current_revision(store) == head_revision()
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
    finally:
        store.close()


def test_a_second_open_finds_the_schema_at_head_and_changes_nothing(db_url):
    Store.open(db_url).close()
    store = Store.open(db_url)
    try:
        assert current_revision(store) == head_revision()
    finally:
        store.close()
