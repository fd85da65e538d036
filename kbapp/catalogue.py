"""The library catalogue: what each library file held when it was last read.

A new process (``kbapp search``) must not parse the whole library to learn that nothing
changed. The catalogue, ``catalogue.sqlite3`` in the index folder, records for every
library file its size and modification time, the document id and content hash it
yields, a little metadata and its problems. A scan stats every file (one ``os.scandir``
walk); only files that are new or whose size or mtime changed are read again: hashed,
and parsed only when the hash differs. Nothing changed: nothing is read, hashed, parsed
or written.

An edit that keeps the size within the file system's mtime granularity looks unchanged
to ``stat``. As git does with its index ("racy clean"), an entry whose mtime is less
than ``RACY_NS`` before the moment the file was checked is not trusted: the next scan
hashes the file again (parsing it only if the hash changed) and records the new check
time, so a file stops being racy once it is older than that when checked.

The catalogue is a cache of the files, not a record of the index (``manifest.json``
says what the index holds). Missing, or of another format or parser version, it is
started afresh; when a library folder moved (the shipped playbooks of a new install, a
home moved), only that folder's files are read again; a damaged one is replaced, and the
scan says so in ``Scan.notice``. Every change is one SQLite transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.errors import KbEnvironmentError
from kbapp.library import display_path, id_hint, reserved_problem, resolve_ids, valid_name, walk_markdown
from kbapp.model import Document, Problem

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

CATALOGUE_FORMAT = 2  # 2: each library folder recorded on its own (a moved one re-reads only its files)
RACY_NS = 2_000_000_000  # FAT's mtime granularity is 2 s; ext4, NTFS and APFS are finer
_META_FIELDS = ("kind", "title", "title_en", "category", "levels", "tags")
_NO_PROBLEMS = "[]"

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ("CREATE TABLE files (path TEXT NOT NULL, shipped INTEGER NOT NULL, size INTEGER NOT NULL,"
     " mtime_ns INTEGER NOT NULL, checked_ns INTEGER NOT NULL, doc_id TEXT, hash TEXT NOT NULL,"
     " meta TEXT NOT NULL, problems TEXT NOT NULL, PRIMARY KEY (path, shipped))"),
)


@dataclass(slots=True)
class Entry:
    """One library file as last read; ``doc_id`` is None when it yields no document."""

    path: str
    shipped: bool
    size: int
    mtime_ns: int
    checked_ns: int  # when it was last read (taken before its stat)
    doc_id: str | None
    hash: str
    problems: list[Problem]
    root: Path | None = field(default=None, compare=False)  # the library folder it was found in
    meta: dict | None = field(default=None, compare=False)  # kind, title, …: when parsed by this scan

    def racy(self) -> bool:
        return self.checked_ns < self.mtime_ns + RACY_NS


@dataclass
class Scan:
    """What the library holds now, from the catalogue and the files that changed."""

    documents: dict[str, Entry]  # doc id -> the file that provides it (overrides applied)
    problems: list[Problem]
    parsed: dict[tuple[str, bool], Document] = field(default_factory=dict)  # parsed by this scan
    files: int = 0
    hashed: int = 0  # files read and hashed: new, changed or racy
    parsed_count: int = 0  # of those, parsed (the hash was new)
    removed: int = 0  # entries of files that are gone
    written: bool = False  # the catalogue was written
    notice: str = ""  # for the user: the catalogue was damaged and rebuilt, or cannot be saved

    def document(self, doc_id: str) -> Document | None:
        """The parsed document for ``doc_id``: from this scan, else read from its file now
        (unchanged, but the index needs it: a rebuild, or an override removed)."""
        entry = self.documents.get(doc_id)
        if entry is None:
            return None
        doc = self.parsed.get((entry.path, entry.shipped))
        if doc is None:
            return read_entry(entry, doc_id)
        return doc if doc.id == doc_id else None


def read_entry(entry: Entry, doc_id: str) -> Document | None:
    """The document ``doc_id`` parsed from the file of ``entry`` now; None when the file is
    gone or no longer gives that id."""
    from kbapp.parser import parse_file

    path = Path(entry.path)
    hint = id_hint(path, entry.root) if entry.root is not None else None
    doc, _ = parse_file(path, doc_id_hint=hint, shipped=entry.shipped)
    return doc if doc is not None and doc.id == doc_id else None


class CatalogueError(KbEnvironmentError, RuntimeError):
    """The library catalogue cannot be read or written."""


def _problems_json(problems: list[Problem]) -> str:
    if not problems:
        return _NO_PROBLEMS
    return json.dumps([[p.line, p.message, p.severity] for p in problems], ensure_ascii=False)


# Rows the catalogue did not write: a damaged file, or another program's hand.
_BAD_ROWS = ("SELECT count(*) FROM files WHERE typeof(path) != 'text' OR shipped NOT IN (0, 1)"
             " OR typeof(size) != 'integer' OR typeof(mtime_ns) != 'integer' OR typeof(checked_ns) != 'integer'"
             " OR (doc_id IS NOT NULL AND typeof(doc_id) != 'text') OR typeof(hash) != 'text'"
             " OR typeof(meta) != 'text' OR typeof(problems) != 'text'")


class Catalogue:
    def __init__(self, path: Path, roots: tuple[tuple[Path, bool], ...]):
        self.path = Path(path)
        self.roots = tuple((Path(root), bool(shipped)) for root, shipped in roots)
        self._walked: tuple[int, list[list[tuple[str, os.stat_result]]]] | None = None
        self._files_digest: str | None = None  # stat_digest's part for the files: computed once, from the one walk
        self._moved: list[int] = []  # the kinds (0 the home's, 1 shipped) whose folder moved since the last scan

    def _walk(self) -> tuple[int, list[list[tuple[str, os.stat_result]]]]:
        """(when the walk started, each root's files with their ``stat``): walked once per
        catalogue object, so ``stat_digest`` and the ``scan`` after it share one walk."""
        if self._walked is None:
            # Taken before any file is looked at: an edit made after it, within RACY_NS of
            # the mtime recorded, leaves the entry racy, so the next scan hashes the file.
            now = time.time_ns()
            self._walked = now, [walk_markdown(root, skip_readme=shipped) for root, shipped in self.roots]
        return self._walked

    def stat_digest(self) -> str:
        """What ``stat`` says of the library: a digest of the roots, the parser version and
        every file's path, size and mtime (one walk, shared with the ``scan`` after it),
        and the catalogue file's own stat (which a scan that writes it changes: asked again
        after one). "" when a file was modified within RACY_NS of the walk: an edit then
        may not change what stat shows, so only a scan can tell (the racy rule above)."""
        if self._files_digest is None:
            self._files_digest = self._digest_files()
        if not self._files_digest:
            return ""
        try:  # the catalogue itself as the last scan left it: damaged or replaced, it is read again
            st = self.path.stat()
            own = f"{st.st_mtime_ns}/{st.st_size}/{st.st_ino}"
        except OSError:
            own = "none"
        return f"{self._files_digest}/{own}"

    def _digest_files(self) -> str:
        from kbapp.parser import PARSER_VERSION

        now, walks = self._walk()
        digest = hashlib.blake2b(digest_size=20)
        digest.update(json.dumps([CATALOGUE_FORMAT, PARSER_VERSION, [[str(r), s] for r, s in self.roots]]).encode())
        horizon = now - RACY_NS
        for files in walks:
            digest.update(b"\0")
            for path, st in files:
                if st.st_mtime_ns >= horizon:
                    return ""
                digest.update(b"%s\0%d\0%d\n" % (os.fsencode(path), st.st_size, st.st_mtime_ns))
        return digest.hexdigest()

    def _identity(self) -> dict[str, str]:
        from kbapp.parser import PARSER_VERSION

        return {"format": str(CATALOGUE_FORMAT), "parser": str(PARSER_VERSION)}

    def _root_keys(self) -> dict[str, str]:
        """The library folders, one meta key per kind (the home's, the shipped): a folder
        that moved has only its own entries read again."""
        return {f"roots:{int(kind)}": json.dumps([str(root) for root, shipped in self.roots if shipped == kind],
                                                 ensure_ascii=False) for kind in (False, True)}

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # transactions by hand
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _load(self, db: sqlite3.Connection) -> tuple[dict[str, Entry], dict[str, Entry]] | None:
        """The entries of the home's files and of the shipped ones, by path; None when the
        catalogue is new or was made for another format, parser or library. Raises
        sqlite3.DatabaseError or CatalogueError when it is damaged."""
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None
        if tables != {"meta", "files"}:
            raise CatalogueError(f"it holds the tables {', '.join(sorted(tables))}")
        meta, identity, root_keys = dict(db.execute("SELECT key, value FROM meta")), self._identity(), self._root_keys()
        if set(meta) != set(identity) | set(root_keys) or any(meta[key] != value for key, value in identity.items()):
            return None
        self._moved = [int(key.split(":")[1]) for key, value in root_keys.items() if meta[key] != value]
        bad = db.execute(_BAD_ROWS).fetchone()[0]
        if bad:
            raise CatalogueError(f"{bad} of its entries hold values it never writes")
        try:
            listed = {(path, shipped): [Problem(Path(path), int(line), str(message), str(severity))
                                        for line, message, severity in json.loads(problems)]
                      for path, shipped, problems in
                      db.execute("SELECT path, shipped, problems FROM files WHERE problems != ?", (_NO_PROBLEMS,))}
        except (TypeError, ValueError) as exc:
            raise CatalogueError(f"the problems of an entry cannot be read: {exc}") from None
        known: tuple[dict[str, Entry], dict[str, Entry]] = ({}, {})
        none: list[Problem] = []
        for path, shipped, size, mtime_ns, checked_ns, doc_id, digest in db.execute(
                "SELECT path, shipped, size, mtime_ns, checked_ns, doc_id, hash FROM files"):
            if shipped in self._moved:  # its folder moved: its files are read again, and its rows go
                continue
            known[shipped][path] = Entry(path, bool(shipped), size, mtime_ns, checked_ns, doc_id, digest,
                                         listed.get((path, shipped), none) if listed else none)
        return known

    def metadata(self) -> dict[tuple[str, bool], dict]:
        """The metadata (kind, title, category, levels, tags) recorded for each file, by
        (path, shipped); empty when the catalogue cannot be read. Read on request only: a
        scan does not need it."""
        try:
            db = self._connect()
        except sqlite3.Error:
            return {}
        try:
            rows = db.execute("SELECT path, shipped, meta FROM files WHERE doc_id IS NOT NULL").fetchall()
        except sqlite3.Error:
            return {}
        finally:
            db.close()
        found: dict[tuple[str, bool], dict] = {}
        for path, shipped, meta in rows:
            try:
                value = json.loads(meta)
            except ValueError:
                continue
            if isinstance(value, dict):
                found[(path, bool(shipped))] = value
        return found

    # -- scanning -------------------------------------------------------------------------
    def scan(self) -> Scan:
        """Stat every library file; read only the new and changed ones (and hash the racy
        ones). The catalogue is written only when something changed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db, notice = None, ""
        try:
            db = self._connect()
            known = self._load(db)
        except (sqlite3.DatabaseError, CatalogueError) as exc:
            if db is not None:
                db.close()
            db, known = None, None
            if isinstance(exc, sqlite3.OperationalError):  # cannot open or read, or locked too long
                if "locked" not in str(exc) and "busy" not in str(exc):
                    notice = f"the library catalogue {self.path} cannot be used ({exc}); read every library file"
            else:
                notice = (f"the library catalogue {self.path} was damaged ({exc}); "
                          "rebuilt it by reading every library file once")
                try:
                    self._discard()
                    db = self._connect()
                    self._load(db)
                except (OSError, sqlite3.Error, CatalogueError) as again:
                    if db is not None:
                        db.close()
                    db = None
                    notice += f", but it cannot be replaced ({again}); the next command reads them again"
        try:
            return self._scan(db, known, notice)
        finally:
            if db is not None:
                db.close()

    def _discard(self) -> None:
        for suffix in ("", "-journal"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    def _scan(self, db: sqlite3.Connection | None, known: tuple[dict[str, Entry], dict[str, Entry]] | None,
              notice: str) -> Scan:
        now, walks = self._walk()
        fresh = known is None
        if known is None:
            known = ({}, {})
        parsed_entries: list[Entry] = []  # new content: the whole row
        checked: list[Entry] = []  # the same content, another stat or check time
        parsed: dict[tuple[str, bool], Document] = {}
        counts = {"files": 0, "hashed": 0}

        def files_of(root: Path, shipped: bool, walked: list[tuple[str, os.stat_result]]) -> Iterator[Any]:
            known_here = known[shipped]
            for path, st in walked:
                counts["files"] += 1
                entry = known_here.pop(path, None)  # what is left at the end is gone
                if entry is None and not valid_name(path):  # (a catalogued name is valid UTF-8)
                    shown = display_path(path)  # not catalogued: SQLite keeps UTF-8 text only
                    yield shown, None, None, [Problem(shown, 0, "file name is not valid UTF-8; rename it")]
                    continue
                if (entry is None or entry.size != st.st_size or entry.mtime_ns != st.st_mtime_ns
                        or entry.checked_ns < entry.mtime_ns + RACY_NS):
                    old, read = entry, self._read(path, root, shipped, st, now, entry, parsed, counts)
                    if not isinstance(read, Entry):  # unreadable: reported, not catalogued
                        yield read
                        continue
                    entry = read
                    if entry.meta is not None:
                        parsed_entries.append(entry)
                    elif old is None or (entry.size, entry.mtime_ns) != (old.size, old.mtime_ns) or not entry.racy():
                        checked.append(entry)  # (checked again and still racy: nothing to record)
                entry.root = root
                if not shipped and entry.doc_id and (taken := reserved_problem(path, entry.doc_id, root)):
                    yield path, None, None, [*entry.problems, taken]  # the app's own id, outside its folder
                    continue
                yield path, entry.doc_id, entry, entry.problems

        documents, problems = resolve_ids(files_of(root, shipped, walked)
                                          for (root, shipped), walked in zip(self.roots, walks, strict=True))
        gone = [(path, shipped) for shipped in (0, 1) for path in known[shipped]]
        scan = Scan(documents, problems, parsed, files=counts["files"], hashed=counts["hashed"],
                    parsed_count=len(parsed_entries), removed=len(gone), notice=notice)
        if db is not None and (parsed_entries or checked or gone or self._moved):
            try:
                self._write(db, parsed_entries, checked, gone, fresh)
                scan.written = True
            except sqlite3.Error as exc:  # a cache: the library was still read right without it
                scan.notice = scan.notice or f"the library catalogue {self.path} cannot be saved ({exc})"
        return scan

    def _read(self, path: str, root: Path, shipped: bool, st: os.stat_result, now: int, old: Entry | None,
              parsed: dict, counts: dict) -> Entry | tuple[str, None, None, list[Problem]]:
        """The entry of a new, changed or racy file: hashed, and parsed if the hash is new
        (then its ``meta`` is set). An unreadable file gives its ``resolve_ids`` item."""
        from kbapp import parser

        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            return path, None, None, [Problem(Path(path), 0, f"cannot read file: {exc.strerror or exc}")]
        counts["hashed"] += 1
        digest = parser.content_hash(raw)
        # The walk's stat came before this read: a write in between gives the file another
        # mtime than the one recorded here, so the next scan reads it again.
        if old is not None and old.hash == digest:
            return Entry(path, shipped, st.st_size, st.st_mtime_ns, now, old.doc_id, digest, old.problems)
        file_path = Path(path)
        doc, problems = parser.parse_bytes(raw, file_path, doc_id_hint=id_hint(file_path, root), shipped=shipped)
        meta = {}
        if doc is not None:
            parsed[(path, shipped)] = doc
            meta = {name: getattr(doc, name) for name in _META_FIELDS}
        return Entry(path, shipped, st.st_size, st.st_mtime_ns, now, doc.id if doc is not None else None, digest,
                     problems, meta=meta)

    def _write(self, db: sqlite3.Connection, parsed: list[Entry], checked: list[Entry],
               gone: list[tuple[str, int]], fresh: bool) -> None:
        """One transaction: a reader sees the catalogue before it or after it."""
        db.execute("BEGIN IMMEDIATE")
        try:
            if fresh:  # new, or made for another format or parser: start afresh
                db.execute("DROP TABLE IF EXISTS files")
                db.execute("DROP TABLE IF EXISTS meta")
                for statement in _SCHEMA:
                    db.execute(statement)
                db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                               [*self._identity().items(), *self._root_keys().items()])
            elif self._moved:
                db.executemany("DELETE FROM files WHERE shipped = ?", [(kind,) for kind in self._moved])
                db.executemany("UPDATE meta SET value = ? WHERE key = ?",
                               [(value, key) for key, value in self._root_keys().items()])
            db.executemany("DELETE FROM files WHERE path = ? AND shipped = ?", gone)
            db.executemany("UPDATE files SET size = ?, mtime_ns = ?, checked_ns = ? WHERE path = ? AND shipped = ?",
                           [(e.size, e.mtime_ns, e.checked_ns, e.path, int(e.shipped)) for e in checked])
            db.executemany(
                "INSERT OR REPLACE INTO files (path, shipped, size, mtime_ns, checked_ns, doc_id, hash, meta, problems)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.path, int(e.shipped), e.size, e.mtime_ns, e.checked_ns, e.doc_id, e.hash,
                  json.dumps(e.meta, ensure_ascii=False), _problems_json(e.problems)) for e in parsed])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
