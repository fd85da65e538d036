"""A desk's copy of what the team wrote: the shared database's change log, pulled into
this data home's library and its own search index.

Every report, lesson, problem record, approved playbook version, imported document and
solved incident written on any desk is in the database, and the write added an entry to
``change_log`` (kbapp/store/changelog.py) with an id in commit order. A desk keeps the
last id it copied (its cursor, ``sync.json`` in the data home, per database). ``pull()``
reads the entries after it, renders each changed row as the Markdown document the
writing desk made (the same functions, so a desk's own writes come back unchanged and are
not written again), writes the files, brings the index up to date incrementally and only
then moves the cursor on. Interrupted at any point, the next pull does the same work
again: writing a document is idempotent, so nothing is lost and nothing doubled.

One database session per pull batch; files are written after it ends. Qt-free: the
window calls ``pull()`` on a background thread, the command line before it reads.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from kbapp.errors import KbEnvironmentError

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase

log = logging.getLogger(__name__)

STATE_FILE = "sync.json"
BATCH = 2000
SKEW_LIMIT_S = 60.0  # a desk clock further than this from the server's is shown


def desk_now() -> dt.datetime:
    """This desk's clock (the tests move it)."""
    return dt.datetime.now(dt.UTC)


def skew_notice(seconds: float | None) -> str | None:
    """What to tell the engineer about a desk clock ``seconds`` ahead of the server's
    (negative: behind); None within a minute either way."""
    if seconds is None or abs(seconds) <= SKEW_LIMIT_S:
        return None
    way = "ahead of" if seconds > 0 else "behind"
    amount = abs(seconds)
    said = f"{amount / 3600:.1f} h" if amount >= 3600 else f"{amount / 60:.0f} min" if amount >= 120 else \
        f"{amount:.0f} s"
    return f"this desk's clock is {said} {way} the server's: times made here are off by as much"


class SyncError(KbEnvironmentError, RuntimeError):
    """The shared database cannot be reached or read; the message says why, in one line."""


@dataclass
class SyncResult:
    changes: int = 0  # change-log entries read
    written: list[Path] = field(default_factory=list)  # library files written or rewritten
    removed: list[Path] = field(default_factory=list)  # library files taken out (a reopened incident)
    cursor: int = 0  # the last change id this desk has copied
    server: str = ""
    skew_s: float | None = None  # this desk's clock minus the server's, in seconds

    @property
    def skew_notice(self) -> str | None:
        return skew_notice(self.skew_s)

    def to_json(self) -> dict[str, Any]:
        return {"changes": self.changes, "written": [str(p) for p in self.written],
                "removed": [str(p) for p in self.removed], "cursor": self.cursor, "server": self.server,
                "clock_skew_s": None if self.skew_s is None else round(self.skew_s, 3)}

    def summary(self) -> str:
        return (f"{self.changes} change(s) since the last sync: {len(self.written)} document(s) written, "
                f"{len(self.removed)} removed; cursor {self.cursor}")


@dataclass(frozen=True)
class _Doc:
    """One document to put into the library: ``text`` None means take it out."""
    rel_path: str  # below the library folder
    text: str | None
    replaces_prefix: str = ""  # older files of the same document (a renamed title) to remove


def server_key(url: str) -> str:
    """The database a cursor belongs to, without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an odd URL is still a key
        return url


def safe_rel_path(rel: str) -> str | None:
    """``rel`` if it names a Markdown file inside the library, else None (a row from a
    hostile or broken database must not write outside the data home)."""
    path = PurePosixPath(rel.replace("\\", "/"))
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") or p.startswith(".") for p in path.parts):
        return None
    if path.suffix.lower() not in (".md", ".markdown"):
        return None
    return path.as_posix()


def _plain_name(path: str) -> str | None:
    name = Path(path).name if path else ""
    return name if name and safe_rel_path(name) else None


class DeskSync:
    def __init__(self, kb: KnowledgeBase, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.kb = kb
        self.clock = clock  # None: desk_now()

    def _now(self) -> dt.datetime:
        return (self.clock or desk_now)()

    # -- the clocks --------------------------------------------------------------------
    def clock_skew(self) -> float:
        """This desk's clock minus the server's, in seconds, measured at the middle of one
        round trip (the server's CURRENT_TIMESTAMP). Raises SyncError when unreachable."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        from kbapp.store.db import StoreError

        try:
            store = self.kb.store  # opened (connected, migrations checked) outside the round trip timed
            before = self._now()
            server = store.read(lambda s: s.scalar(text("SELECT CURRENT_TIMESTAMP")))
        except (StoreError, DBAPIError) as exc:
            raise SyncError(str(exc).splitlines()[0]) from None
        after = self._now()
        if isinstance(server, str):  # SQLite answers with text, in UTC
            server = dt.datetime.fromisoformat(server)
        if server.tzinfo is None:
            server = server.replace(tzinfo=dt.UTC)
        middle = before + (after - before) / 2
        return (middle - server).total_seconds()

    # -- the cursor ------------------------------------------------------------------
    @property
    def state_path(self) -> Path:
        return self.kb.home.root / STATE_FILE

    def cursor(self) -> int:
        """The last change id copied from this database (0: never synced with it)."""
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        entry = state.get("servers", {}).get(server_key(self.kb.db_url)) if isinstance(state, dict) else None
        return int(entry.get("cursor", 0)) if isinstance(entry, dict) else 0

    def _save_cursor(self, cursor: int) -> None:
        from kbapp.fsutil import atomic_write_text

        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            if not isinstance(state, dict):
                state = {}
        except (OSError, ValueError):
            state = {}
        state.setdefault("servers", {})[server_key(self.kb.db_url)] = {"cursor": cursor}
        atomic_write_text(self.state_path, json.dumps(state, ensure_ascii=False, indent=2) + "\n")

    # -- pulling ---------------------------------------------------------------------
    def pull(self) -> SyncResult:
        """Copy everything written since the cursor; returns what was done. Raises
        SyncError when the database cannot be read (the desk works on its local copy)."""
        from filelock import FileLock

        result = SyncResult(server=server_key(self.kb.db_url))
        result.skew_s = self.clock_skew()
        with FileLock(str(self.kb.home.root / ".sync.lock")):
            cursor = result.cursor = self.cursor()
            while True:
                entries, docs, incidents = self._read(cursor)
                if not entries:
                    break
                self._apply(docs, incidents, result)
                cursor = result.cursor = entries[-1]
                result.changes += len(entries)
                self._save_cursor(cursor)  # after the files and the index: a crash before it replays
                if len(entries) < BATCH:
                    break
        return result

    def _read(self, cursor: int) -> tuple[list[int], list[_Doc], list[int]]:
        from sqlalchemy import select
        from sqlalchemy.exc import DBAPIError

        from kbapp.store.db import StoreError
        from kbapp.store.team_models import ChangeLogRow

        def work(s: Session) -> Any:
            rows = s.execute(select(ChangeLogRow.id, ChangeLogRow.kind, ChangeLogRow.ref)
                             .where(ChangeLogRow.id > cursor).order_by(ChangeLogRow.id).limit(BATCH)).all()
            latest = dict.fromkeys((kind, ref) for _, kind, ref in rows)  # each row once, in first-seen order
            docs: list[_Doc] = []
            incidents: list[int] = []
            for kind, ref in latest:
                if kind == "incident":
                    incidents.append(int(ref))
                    continue
                doc = self._render(s, kind, ref)
                if doc is not None:
                    docs.append(doc)
            return [r[0] for r in rows], docs, incidents

        try:
            return self.kb.store.read(work)
        except (StoreError, DBAPIError) as exc:
            raise SyncError(str(exc).splitlines()[0]) from None

    def _render(self, s: Session, kind: str, ref: str) -> _Doc | None:
        renderer = getattr(self, f"_render_{kind}", None)
        if renderer is None:
            log.info("change of an unknown kind %r (a newer kbapp wrote it); skipped", kind)
            return None
        try:
            return renderer(s, ref)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("cannot copy %s %s from the database: %s", kind, ref, exc)
            return None

    def _render_report(self, s: Session, ref: str) -> _Doc | None:
        from kbapp.reports import document as rdoc
        from kbapp.reports.service import _report_from_row
        from kbapp.store.models import ReportRow

        row = s.get(ReportRow, int(ref))
        if row is None:  # gone meanwhile (a newer change says what became of it)
            return None
        name = _plain_name(row.path)
        if name is None:
            return None
        r = _report_from_row(row)
        text = rdoc.report_markdown(
            doc_id=r.doc_id, incident_id=r.incident_id, title=r.title, fields=r.fields, steps=r.steps,
            timeline=r.timeline, category=r.category, playbooks=r.playbooks, submitted_by=r.submitted_by,
            submitted_at=r.submitted_at, redact=True, deadlines=r.deadlines)
        return _Doc(f"reports/{name}", text, replaces_prefix=f"reports/{r.doc_id}-")

    def _render_lesson(self, s: Session, ref: str) -> _Doc | None:
        from kbapp.reports import document as rdoc
        from kbapp.store.models import LessonRow, ReportRow

        row = s.get(LessonRow, int(ref))
        if row is None or not row.doc_id:
            return None
        name = _plain_name(row.path)
        if name is None:
            return None
        playbook = self.kb.get(row.playbook_id)  # for its title, category and levels
        step = playbook.step(row.step) if playbook is not None and row.step is not None else None
        report = s.get(ReportRow, row.report_id) if row.report_id is not None else None
        text = rdoc.lesson_markdown(
            doc_id=row.doc_id, playbook_id=row.playbook_id,
            playbook_title=playbook.title if playbook is not None else row.playbook_id, step=row.step,
            step_title=step.title if step is not None else "", text=row.text,
            category=playbook.category if playbook is not None else "",
            levels=list(playbook.levels) if playbook is not None else [], incident_id=row.incident_id,
            report_doc=report.doc_id if report is not None else None, created_by=row.created_by,
            created_at=row.created_at)
        return _Doc(f"lessons/{name}", text)

    def _render_record(self, s: Session, ref: str) -> _Doc | None:
        from sqlalchemy import select

        from kbapp.records import document
        from kbapp.records.service import record_from_row, transition_from_row
        from kbapp.redact import redact
        from kbapp.store.records_models import ProblemRecordRow, RecordTransitionRow

        row = s.get(ProblemRecordRow, int(ref))
        if row is None:
            return None
        name = _plain_name(row.file_name or document.file_name(row.id, row.title))
        if name is None:
            return None
        history = [transition_from_row(t) for t in s.scalars(
            select(RecordTransitionRow).where(RecordTransitionRow.record_id == row.id).order_by(RecordTransitionRow.id))]
        text = redact(document.record_markdown(record_from_row(row), history))
        return _Doc(f"records/{name}", text, replaces_prefix=f"records/{document.file_prefix(row.id)}")

    def _render_playbook(self, s: Session, ref: str) -> _Doc | None:
        from sqlalchemy import select

        from kbapp.store.team_models import PlaybookVersionRow

        row = s.scalars(select(PlaybookVersionRow).where(PlaybookVersionRow.playbook_id == ref)
                        .order_by(PlaybookVersionRow.version.desc()).limit(1)).first()
        if row is None:
            return None
        rel = safe_rel_path(row.rel_path)
        return _Doc(rel, row.text) if rel else None

    def _render_document(self, s: Session, ref: str) -> _Doc | None:
        from kbapp.store.team_models import SharedDocumentRow

        row = s.get(SharedDocumentRow, int(ref))
        if row is None:
            return None
        rel = safe_rel_path(row.rel_path)
        return _Doc(rel, row.text) if rel else None

    # -- writing ---------------------------------------------------------------------
    def _apply(self, docs: list[_Doc], incidents: list[int], result: SyncResult) -> None:
        from kbapp.fsutil import atomic_write_text

        library = self.kb.home.library
        written: list[Path] = []
        removed: list[Path] = []
        for doc in docs:
            path = library / doc.rel_path
            if doc.replaces_prefix:
                prefix = library / doc.replaces_prefix
                if prefix.parent.is_dir():
                    for other in prefix.parent.glob(f"{prefix.name}*"):
                        if other != path and other.suffix == ".md" and other.is_file():
                            other.unlink(missing_ok=True)
                            removed.append(other)
            if doc.text is None:  # taken out on the server
                if path.is_file():
                    path.unlink(missing_ok=True)
                    removed.append(path)
                continue
            if _same_text(path, doc.text):
                continue
            atomic_write_text(path, doc.text)
            written.append(path)
        knowledge = self.kb.incident_documents
        for incident_id in incidents:
            text = knowledge._render(incident_id)
            path = knowledge.path(incident_id)
            if text is None:
                if path.exists():
                    path.unlink()
                    removed.append(path)
            elif not _same_text(path, text):
                atomic_write_text(path, text)
                written.append(path)
        result.written += written
        result.removed += removed
        if written or removed:
            self._reindex(written, removed)

    def _reindex(self, written: list[Path], removed: list[Path]) -> None:
        """The index (and the library, when loaded) takes the new files, incrementally."""
        kb = self.kb
        if getattr(kb, "_library", None) is None:
            kb.sync_index()  # the catalogue stats the library and parses what changed only
            return
        for path in removed:
            for doc_id in kb.library.ids_at(path):  # (a shipped file is never removed here)
                kb.remove_document(doc_id)
        for path in written:
            doc, _problems = kb.library.load_path(path)
            if doc is not None:
                kb.add_document(doc)


def _same_text(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def is_team_url(url: str) -> bool:
    """A database other desks share (anything but a local SQLite file)."""
    return not url.startswith("sqlite")


def share_files(kb: KnowledgeBase, paths: list[Path]) -> int:
    """Put imported library files into the shared database (other desks copy them on their
    next pull); returns how many were new or changed."""
    import datetime as dt
    import hashlib

    from sqlalchemy import select

    from kbapp.store.team_models import SharedDocumentRow

    items = []
    for path in paths:
        try:
            rel = Path(path).resolve().relative_to(kb.home.library.resolve()).as_posix()
            text = Path(path).read_text(encoding="utf-8")
        except (ValueError, OSError, UnicodeDecodeError):
            continue  # not in the library, unreadable, or not UTF-8 text: stays on this desk
        if safe_rel_path(rel):
            items.append((rel, text, hashlib.sha256(text.encode("utf-8")).hexdigest()))
    if not items:
        return 0
    actor, now = kb.actor_name(), dt.datetime.now(dt.UTC)

    def work(s: Session) -> int:
        changed = 0
        for rel, text, digest in items:
            row = s.scalar(select(SharedDocumentRow).where(SharedDocumentRow.rel_path == rel))
            if row is None:
                s.add(SharedDocumentRow(rel_path=rel, text=text, sha256=digest, imported_by=actor, imported_at=now))
            elif row.sha256 != digest:
                row.text, row.sha256, row.imported_by, row.imported_at = text, digest, actor, now
            else:
                continue
            changed += 1
        return changed

    return kb.store.write(work)

