"""KnowledgeBase: the one Qt-free entry point for the CLI, the tests and the GUI.

It is cheap to construct: the library is parsed on first use and the search index is
opened on first search, so the GUI can show its window before either is ready.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from kbapp.home import DataHome, resolve_home
from kbapp.model import Document, Problem

ProgressFn = Callable[[int, int], None]


class KnowledgeBase:
    def __init__(self, home: DataHome, db_url: str | None = None, shipped_dir: Path | None = None):
        self.home = home
        self.db_url = db_url or home.database_url()
        self._shipped_dir = shipped_dir
        self._lock = threading.RLock()
        self._library = None
        self._index = None
        self._store = None
        self._incidents = None

    @classmethod
    def open(cls, home: str | Path | None = None, db_url: str | None = None, shipped_dir: Path | None = None) -> "KnowledgeBase":
        return cls(resolve_home(home), db_url=db_url, shipped_dir=shipped_dir)

    # -- library -------------------------------------------------------------
    @property
    def library(self):
        from kbapp.library import Library
        from kbapp.resources import playbooks_dir

        with self._lock:
            if self._library is None:
                shipped = self._shipped_dir if self._shipped_dir is not None else playbooks_dir()
                self._library = Library(shipped=shipped, writable=self.home.library)
                self._library.reload()
            return self._library

    def reload_library(self) -> None:
        with self._lock:
            first_use = self._library is None
        library = self.library  # first use parses the library already
        if not first_use:
            library.reload()

    def documents(self) -> list[Document]:
        return self.library.documents()

    def get(self, doc_id: str) -> Document | None:
        return self.library.get(doc_id)

    def problems(self) -> list[Problem]:
        return self.library.problems()

    def lint(self, paths: Iterable[Path] | None = None) -> list[Problem]:
        from kbapp.library import lint_paths

        if paths is None:
            return self.library.problems()
        return lint_paths(paths)

    def render_html(self, doc_id: str, **options) -> str:
        from kbapp.render import render_document

        doc = self.get(doc_id)
        if doc is None:
            raise KeyError(doc_id)
        return render_document(doc, **options)

    def import_paths(self, paths: Iterable[Path], progress: Callable[[str], None] | None = None):
        from kbapp.importer import import_paths

        result = import_paths(self, [Path(p) for p in paths], progress=progress)
        return result

    # -- search --------------------------------------------------------------
    @property
    def index(self):
        from kbapp.search.index import SearchIndex

        with self._lock:
            if self._index is None:
                self._index = SearchIndex(self.home.index)
            return self._index

    def sync_index(self, progress: ProgressFn | None = None, force: bool = False):
        """Bring the index up to date with the library (incremental by content hash)."""
        return self.index.sync(self.library.documents(), progress=progress, force=force)

    def search(self, query: str, *, limit: int = 20, kind: str | None = None, category: str | None = None,
               level: str | None = None, tag: str | None = None):
        return self.index.search(query, limit=limit, kind=kind, category=category, level=level, tag=tag)

    def add_document(self, doc: Document) -> None:
        """Make one new or changed document searchable at once, without a rebuild."""
        self.library.add(doc)
        self.index.update_documents([doc])

    # -- store and incidents ------------------------------------------------
    @property
    def store(self):
        from kbapp.store.db import Store

        with self._lock:
            if self._store is None:
                self._store = Store.open(self.db_url, backup_dir=self.home.backups)
            return self._store

    @property
    def incidents(self):
        from kbapp.incidents.service import IncidentService

        with self._lock:
            if self._incidents is None:
                self._incidents = IncidentService(self.store, self)
            return self._incidents

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
            if self._store is not None:
                self._store.close()
                self._store = None
