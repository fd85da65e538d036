"""Fixtures shared by the core's tests."""

from __future__ import annotations

import pytest

import kbapp.search.index as index_module


@pytest.fixture
def indexed(monkeypatch) -> list[str]:
    """The ids of the documents the index writes, in order."""
    written: list[str] = []
    original = index_module.index_fields

    def counting(doc):
        written.append(doc.id)
        return original(doc)

    monkeypatch.setattr(index_module, "index_fields", counting)
    return written


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL server for the whole session (tests/pgserver.py)."""
    from pgserver import start_server, stop_server

    server = start_server()
    yield server
    stop_server(server)


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh, empty database on the session's server: its SQLAlchemy URL."""
    return pg_server.create_database()
