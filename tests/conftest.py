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
