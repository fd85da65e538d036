"""KnowledgeBase: the one Qt-free entry point for the CLI, the tests and the GUI.

It is cheap to construct: the library is parsed on first use and the search index is
opened on first search, so the GUI can show its window before either is ready.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbapp.errors import NotFoundError
from kbapp.facade_backups import BackupCommands
from kbapp.facade_metrics import MetricsReads
from kbapp.home import DataHome, resolve_home
from kbapp.local_first import DeskCopy
from kbapp.model import Document, Problem
from kbapp.read_only_home import Scratch
from kbapp.threads import built_once, off_ui_thread

if TYPE_CHECKING:

    from kbapp.catalogue import Catalogue, Scan
    from kbapp.identity import Engineer
    from kbapp.importer import ImportResult
    from kbapp.incidents.knowledge import IncidentKnowledge
    from kbapp.incidents.service import IncidentService
    from kbapp.incidents.watcher import Watcher
    from kbapp.library import Library
    from kbapp.notify.outbox import NotificationService
    from kbapp.plan.changes import ChangeRequestService
    from kbapp.plan.customers import CustomerService
    from kbapp.plan.inspection_plans import InspectionPlanService
    from kbapp.plan.visits import VisitService
    from kbapp.records.service import RecordService
    from kbapp.reports.changes import PlaybookChangeService
    from kbapp.reports.lessons import LessonService
    from kbapp.reports.service import ReportService
    from kbapp.reports.similar import SimilarIncident
    from kbapp.search.index import SearchIndex, SyncReport
    from kbapp.search.types import SearchHit, SearchResults
    from kbapp.store.db import Store
    from kbapp.sync import DeskSync
    from kbapp.training import Training

ProgressFn = Callable[[int, int], None]


class _BuildLock:
    """The facade's lock, held while a part is built: opening the store (migrations, the
    backup before them), parsing the library. The window's thread must never wait on it
    (kbapp.threads); once a part is built, reading it takes no lock at all."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def __enter__(self) -> _BuildLock:
        off_ui_thread("KnowledgeBase (building a part or waiting for one)")
        self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def quietly(self) -> threading.RLock:
        """The lock without the check (closing, at the window's exit)."""
        return self._lock


class KnowledgeBase(MetricsReads, BackupCommands, DeskCopy):
    def __init__(self, home: DataHome, db_url: str | None = None, shipped_dir: Path | None = None, *,
                 index_mmap: bool = True, index_many_queries: bool = False) -> None:
        self.home = home
        self._index_mmap = index_mmap  # False for a command that asks one query (kbapp.search.index)
        # With index_mmap False: opened as fast, yet scored for many queries (the window).
        self._index_many_queries = index_many_queries
        self.db_url = db_url or home.database_url()
        self._shipped_dir = shipped_dir
        self._lock = _BuildLock()  # held while a part is built (the store opened, the index made)
        self._library_lock = _BuildLock()  # held while the library is loaded: a search never waits for it
        self._library: Library | None = None
        self._index: SearchIndex | None = None
        self._index_notice: str | None = None
        # A read-only home's index, catalogue and migrated copy live outside it (kbapp.read_only_home).
        self._scratch = Scratch(home.index) if home.read_only else None
        self._metrics_copy: Store | None = None  # a read-only home's figures are derived in a copy
        self._store: Store | None = None
        self._incidents: IncidentService | None = None
        self._reports: ReportService | None = None
        self._lessons: LessonService | None = None
        self._changes: PlaybookChangeService | None = None
        self._incident_documents: IncidentKnowledge | None = None
        self._notifications: NotificationService | None = None
        self._records: RecordService | None = None
        self._change_requests: ChangeRequestService | None = None
        self._visits: VisitService | None = None
        self._customers: CustomerService | None = None
        self._inspection_plans: InspectionPlanService | None = None
        self._training: Training | None = None
        self._team: DeskSync | None = None
        self._library_listeners: list[Callable[[], None]] = []
        self.actor_override: str | None = None  # --actor / $KBAPP_ACTOR: set by the command line only
        self._engineer: Engineer | None = None
        self._engineer_read = False
        self._engineer_lock = threading.Lock()

    @classmethod
    def open(cls, home: str | Path | None = None, db_url: str | None = None, shipped_dir: Path | None = None, *,
             index_mmap: bool = True, index_many_queries: bool = False) -> KnowledgeBase:
        return cls(resolve_home(home), db_url=db_url, shipped_dir=shipped_dir, index_mmap=index_mmap,
                   index_many_queries=index_many_queries)

    # -- library -------------------------------------------------------------
    @property
    def library(self) -> Library:
        from kbapp.library import Library

        library = self._library
        if library is not None:
            return library
        # Loaded under a lock of its own: a search or the store (self._lock) never waits
        # for the library, and the library reads only the files that changed (the catalogue).
        with self._library_lock:
            if self._library is None:
                (shipped, _), (writable, _) = self._library_roots()
                if not self.home.incidents.exists() and not self.home.read_only:  # once per home; a stat after
                    self.incident_documents.backfill_if_missing()
                library = Library(shipped=shipped, writable=writable, on_change=self._library_changed,
                                  catalogue=self._catalogue_path())
                library.reload()
                self._library = library
            return self._library

    def on_library_changed(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` after every change of the library (a reload, an import, a new
        report, lesson, record or approved change), on the thread that made it; returns a
        function that stops it. The window keeps its document count live with it."""
        self._library_listeners.append(listener)

        def stop() -> None:
            if listener in self._library_listeners:
                self._library_listeners.remove(listener)

        return stop

    def _library_changed(self) -> None:
        from kbapp import opchanges

        opchanges.record(opchanges.LIBRARY)  # the window's screens learn of it with the write's changes
        for listener in list(self._library_listeners):
            listener()

    def reload_library(self) -> None:
        first_use = self._library is None
        library = self.library  # first use parses the library already
        if not first_use:
            library.reload()

    def documents(self) -> list[Document]:
        return self.library.documents()

    def document_count(self) -> int:
        """How many documents the library holds (none parsed to count them)."""
        return self.library.count()

    def get(self, doc_id: str) -> Document | None:
        return self.library.get(doc_id)

    def problems(self) -> list[Problem]:
        return self.library.problems()

    def lint(self, paths: Iterable[Path] | None = None) -> list[Problem]:
        from kbapp.library import lint_paths

        if paths is None:
            return self.library.problems()
        return lint_paths(paths)

    def render_html(self, doc_id: str, **options: Any) -> str:
        from kbapp.render import render_document

        doc = self.get(doc_id)
        if doc is None:
            raise NotFoundError(f"id: no document {doc_id!r} in the library", field="id")
        return render_document(doc, **options)

    def import_paths(self, paths: Iterable[Path], progress: Callable[[str], None] | None = None,
                     replace: bool | frozenset[str] = False) -> ImportResult:
        """Import files and folders (kbapp.importer); ``replace``: a file with an id the
        library already has replaces that document instead of being refused."""
        from kbapp.importer import import_paths

        self.home.refuse_write("the import")
        result = import_paths(self, [Path(p) for p in paths], progress=progress, replace=replace)
        if result.imported:
            from kbapp.sync import share_files

            share_files(self, result.imported)  # the other desks copy them (kbapp.sync)
        return result

    # -- who is acting (kbapp.identity) -----------------------------------------
    @property
    def engineer(self) -> Engineer | None:
        """The data home's engineer (name and role), or None when nobody was named yet."""
        from kbapp.identity import load_engineer

        with self._engineer_lock:  # one small file, read once: not the build lock
            if not self._engineer_read:
                self._engineer, self._engineer_read = load_engineer(self.home.root), True
            return self._engineer

    def set_engineer(self, name: str, role: str = "") -> Engineer:
        """Name the engineer of this data home; from now on their name is on every action."""
        from kbapp.identity import save_engineer

        self.home.refuse_write("the engineer's name")
        engineer = save_engineer(self.home.root, name, role)
        with self._engineer_lock:
            self._engineer, self._engineer_read = engineer, True
        return engineer

    def actor_name(self) -> str:
        """Who an action is logged as when its caller names nobody (kbapp.identity)."""
        from kbapp.incidents.validate import default_actor

        if self.actor_override:
            return self.actor_override
        engineer = self.engineer
        return engineer.name if engineer is not None else default_actor()

    # -- search --------------------------------------------------------------
    @property
    def index(self) -> SearchIndex:
        from kbapp.search.index import SearchIndex

        if self._index is not None:  # built: no lock, so the window never waits on one
            return self._index
        with self._lock:
            if self._index is None:
                index = self._index = SearchIndex(self._index_root(), mmap=self._index_mmap)
                if self._index_many_queries:
                    index.one_query = False  # numpy's scoring at any size (kbapp.search.ranking)
                return index
            return self._index

    def _library_roots(self) -> tuple[tuple[Path, bool], ...]:
        from kbapp.resources import playbooks_dir

        shipped = self._shipped_dir if self._shipped_dir is not None else playbooks_dir()
        return (Path(shipped), True), (self.home.library, False)

    def scan_library(self) -> Scan:
        """The library as the catalogue sees it (kbapp.catalogue): every file stat'ed, only
        new and changed ones read. Cheap when nothing changed; the library stays unparsed."""
        return self._catalogue().scan()

    def _catalogue(self) -> Catalogue:
        from kbapp.catalogue import Catalogue

        return Catalogue(self._catalogue_path(), self._library_roots())

    def _catalogue_path(self) -> Path:
        return self._index_root() / "catalogue.sqlite3"

    def _index_root(self) -> Path:
        """The home's index folder; a read-only home's copy of it, in the scratch folder."""
        return self._scratch.index if self._scratch is not None else self.home.index

    def sync_index(self, progress: ProgressFn | None = None, force: bool = False) -> SyncReport:
        """Bring the index up to date with the library (incremental by content hash).
        ``force`` rebuilds it, after writing the past incidents' documents again.

        With the library loaded (the window, import) its documents are compared; otherwise
        (a new ``kbapp search``) the catalogue says what changed and only that is parsed."""
        if force and not self.home.read_only:
            self.incident_documents.rebuild()
        library = self._library
        if library is not None:  # its hashes: a document only catalogued is parsed if the index needs it

            def documents_of(ids: list[str]) -> list[Document]:
                return [doc for doc in map(library.get, ids) if doc is not None]

            report = self.index.sync_hashes(library.hashes(), documents_of, progress=progress, force=force)
            report.notice = library.notice
            return report
        if not self.home.incidents.exists() and not self.home.read_only:  # the first time only (a stat after)
            self.incident_documents.backfill_if_missing()
        catalogue = self._catalogue()
        # Files and index both as the last sync left them: nothing to compare (one walk).
        digest = "" if force else catalogue.stat_digest()
        if digest and self.index.synced_from(digest):
            from kbapp.search.index import SyncReport

            return SyncReport()
        scan = catalogue.scan()
        wanted = {doc_id: entry.hash for doc_id, entry in scan.documents.items()}

        def load(ids: list[str]) -> list[Document]:
            return [doc for doc in map(scan.document, ids) if doc is not None]

        report = self.index.sync_hashes(wanted, load, progress=progress, force=force)
        report.notice = scan.notice
        if digest:
            self.index.remember_synced(catalogue.stat_digest())  # (the catalogue as the scan left it)
        return report

    def search(self, query: str, *, limit: int = 20, kind: str | None = None, category: str | None = None,
               level: str | None = None, tag: str | None = None) -> SearchResults:
        """Search; an index found unreadable mid-search is rebuilt from the library and asked
        again (``take_index_notice`` then says so, once)."""
        results = self.index.search(query, limit=limit, kind=kind, category=category, level=level, tag=tag)
        failure = self.index.take_read_failure()
        if failure is not None:
            report = self.sync_index()
            self._index_notice = f"index rebuilt ({failure}): {report.added} documents"
            results = self.index.search(query, limit=limit, kind=kind, category=category, level=level, tag=tag)
        return results

    def take_index_notice(self) -> str | None:
        """What the last search did to the index the user should know (a rebuild), once."""
        notice, self._index_notice = self._index_notice, None
        return notice

    def add_document(self, doc: Document, *, build: bool = True) -> None:
        """Make one new or changed document searchable at once, without a rebuild.
        ``build=False``: with no usable index yet, leave it to the next sync."""
        from kbapp.search.index import IndexBusy

        self.library.add(doc)
        if not build and self.index.needs_rebuild():
            return
        try:
            self.index.update_documents([doc])
        except IndexBusy:
            # No usable index yet (first use, or damaged): build it, the new document included.
            if build:
                self.sync_index()

    def remove_document(self, doc_id: str) -> None:
        """Take one document out of the library and the index at once (its file is gone)."""
        self.library.remove(doc_id)
        self.index.remove_documents([doc_id])

    # -- store and incidents ------------------------------------------------
    @property
    def store(self) -> Store:
        from kbapp.store.db import Store

        if self._store is not None:  # built: no lock, so the window never waits on one
            return self._store
        with self._lock:
            if self._store is None:
                from kbapp.store import backups, staging
                from kbapp.store.db import sqlite_path

                database = sqlite_path(self.db_url)
                if self._scratch is not None:  # read only: never migrated, recovered or backed up here
                    if database is not None:
                        store = Store.open_read_only(database, self.home.root, self._scratch.path)
                    else:  # a team server: read as ever, but nothing written from this home
                        store = Store.open(self.db_url, backup_dir=None)
                        store.read_only_home = self.home.root
                    self._store = store
                    return store
                existed = False
                if database is not None:
                    # A lost database stops here, never becomes a new empty one (DatabaseLost).
                    backups.refuse_lost_database(self.home, database)
                    existed = backups.database_state(database) == backups.OK
                store = Store.open(self.db_url, backup_dir=self.home.backups)
                # Library files of writes committed just before a crash, put in place now.
                staging.recover(store, [self.home.library])
                if existed and database is not None:
                    backups.daily_backup(self.home, database)  # once a day, with a retention count
                self._store = store
                return store
            return self._store

    def _close_store(self) -> None:
        self._incidents = self._reports = self._lessons = self._changes = None
        self._incident_documents = self._notifications = self._records = None
        self._change_requests = self._visits = self._customers = self._inspection_plans = None
        self._training = self._team = None
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def incidents(self) -> IncidentService:
        from kbapp.incidents.service import IncidentService

        def make() -> IncidentService:
            incidents = IncidentService(self.store, self)
            incidents.after_commit = self.incident_documents.after_commit
            return incidents

        return built_once(self, "_incidents", self._lock, make)

    @property
    def incident_documents(self) -> IncidentKnowledge:
        """Solved incidents as redacted, searchable documents (kbapp.incidents.knowledge)."""
        from kbapp.incidents.knowledge import IncidentKnowledge

        return built_once(self, "_incident_documents", self._lock, lambda: IncidentKnowledge(self))

    @property
    def notifications(self) -> NotificationService:
        """The notification outbox (kbapp.notify): e-mail and webhooks, each sent once."""
        from kbapp.notify.outbox import NotificationService

        return built_once(self, "_notifications", self._lock, lambda: NotificationService(self.store, self))

    def notifications_if_open(self) -> NotificationService | None:
        """The notification service if it was made already (never opens the store)."""
        return self._notifications

    def watcher(self, clock: Callable[[], dt.datetime] | None = None) -> Watcher:
        """A deadline watcher (kbapp.incidents.watcher) on this knowledge base; on a team
        desk, one that escalates from the desk's copy when the server does not answer."""
        if self.shares_database:
            from kbapp.incidents.desk_watch import DeskWatcher

            return DeskWatcher(self, clock=clock)
        from kbapp.incidents.watcher import Watcher

        return Watcher(self, clock=clock)

    @property
    def records(self) -> RecordService:
        from kbapp.records.service import RecordService

        return built_once(self, "_records", self._lock, lambda: RecordService(self.store, self))

    @property
    def change_requests(self) -> ChangeRequestService:
        """Change requests of the trial operation (kbapp.plan.changes)."""
        from kbapp.plan.changes import ChangeRequestService

        return built_once(self, "_change_requests", self._lock, lambda: ChangeRequestService(self.store, self))

    @property
    def customers(self) -> CustomerService:
        """The customers served, their systems and warranties (kbapp.plan.customers)."""
        from kbapp.plan.customers import CustomerService

        return built_once(self, "_customers", self._lock, lambda: CustomerService(self.store, self))

    @property
    def visits(self) -> VisitService:
        """Follow-up visits (定期回访, kbapp.plan.visits)."""
        from kbapp.plan.visits import VisitService

        return built_once(self, "_visits", self._lock, lambda: VisitService(self.store, self))

    @property
    def inspection_plans(self) -> InspectionPlanService:
        """Scheduled inspections and backup checks (kbapp.plan.inspection_plans)."""
        from kbapp.plan.inspection_plans import InspectionPlanService

        return built_once(self, "_inspection_plans", self._lock, lambda: InspectionPlanService(self.store, self))

    @property
    def training(self) -> Training:
        """Drills, inspections and training packs (kbapp.training)."""
        from kbapp.training import Training

        return built_once(self, "_training", self._lock, lambda: Training(self))

    @property
    def reports(self) -> ReportService:
        from kbapp.reports.service import ReportService

        return built_once(self, "_reports", self._lock, lambda: ReportService(self.store, self))

    @property
    def lessons(self) -> LessonService:
        from kbapp.reports.lessons import LessonService

        return built_once(self, "_lessons", self._lock, lambda: LessonService(self.store, self))

    @property
    def changes(self) -> PlaybookChangeService:
        from kbapp.reports.changes import PlaybookChangeService

        return built_once(self, "_changes", self._lock, lambda: PlaybookChangeService(self.store, self))

    @property
    def team(self) -> DeskSync:
        """This desk's copy of what every desk wrote to the shared database (kbapp.sync)."""
        from kbapp.sync import DeskSync

        return built_once(self, "_team", self._lock, lambda: DeskSync(self))

    @property
    def shares_database(self) -> bool:
        """True when the database is a server other desks use too (team mode)."""
        from kbapp.sync import is_team_url

        return is_team_url(self.db_url)

    def similar(self, text: str, *, limit: int = 5,
                exclude_incident: int | None = None) -> tuple[list[SimilarIncident], list[SearchHit]]:
        """Past incidents and reports/lessons/records like ``text`` (more-like-this)."""
        from kbapp.reports.similar import SIMILAR_DOC_KINDS, similar_incidents

        incidents = similar_incidents(self.store, text, limit=limit, exclude_id=exclude_incident)
        docs = self.index.similar(text, limit=limit, kinds=SIMILAR_DOC_KINDS).hits
        return incidents, docs

    def render_with_history(self, doc_id: str, **options: Any) -> str:
        """A playbook rendered with its lessons under each step and past skip/fail counts."""
        doc = self.get(doc_id)
        if doc is None:
            raise NotFoundError(f"id: no document {doc_id!r} in the library", field="id")
        if doc.kind in ("playbook", "checklist"):
            lessons = self.desk_lessons  # a team desk offline: its copy's, its own offline lessons included
            options.setdefault("lessons", lessons.for_playbook(doc.id))
            options.setdefault("step_stats", lessons.step_stats(doc.id))
            options.setdefault("lesson_links", True)
        return self.render_html(doc_id, **options)

    def close(self) -> None:
        self.close_replica()
        with self._lock.quietly():
            if self._index is not None:
                self._index.close()
                self._index = None
            if self._store is not None:
                self._store.close()
                self._store = None
            if self._metrics_copy is not None:
                self._metrics_copy.close()
                self._metrics_copy = None
            if self._scratch is not None:
                self._scratch.close()
