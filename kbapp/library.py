"""The library: shipped playbooks (read-only) plus the data home's writable library.

A document in the home with the same id overrides the shipped one. Every file that
fails to parse is reported as a Problem and never stops the others from loading.
"""

from __future__ import annotations

import operator
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kbapp.model import Document, Problem
from kbapp.threads import off_ui_thread

if TYPE_CHECKING:
    from collections.abc import Iterator

    from kbapp.catalogue import Entry

# kbapp.parser (and PyYAML) is imported where a file is parsed: the catalogue walks the
# library with this module without parsing anything when nothing changed.

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".txt")
# Folder READMEs document the library; they are not part of it.
_SKIPPED_NAMES = {"readme.md"}
T = TypeVar("T")
# Ids the app gives its own documents, each in its own folder of the home's library: an
# imported or hand-placed file elsewhere never takes one (search would serve the fake).
RESERVED_ID_RE = re.compile(r"^(report|lesson|record|incident)-\d+$")
_RESERVED_FOLDERS = {"report": "reports", "lesson": "lessons", "record": "records", "incident": "incidents"}
_entry_name = operator.attrgetter("name")


def iter_markdown_files(root: Path, skip_readme: bool = True) -> list[Path]:
    """Markdown files under ``root``; ``skip_readme`` leaves out folder READMEs (right for
    the shipped playbooks/, wrong for the home, where an imported README is content)."""
    return [Path(path) for path, _ in walk_markdown(root, skip_readme)]


def walk_markdown(root: Path, skip_readme: bool = True) -> list[tuple[str, os.stat_result]]:
    """``iter_markdown_files`` as path strings with each file's ``stat``, in the same order
    (sorted by path), from one ``os.scandir`` walk: no hidden file or folder, no folder
    reached through a symbolic link."""
    root = Path(root)
    try:
        st = root.stat()
    except OSError:
        return []
    if stat.S_ISREG(st.st_mode):
        return [(str(root), st)]
    if not stat.S_ISDIR(st.st_mode):
        return []
    found: list[tuple[str, os.stat_result]] = []
    order = os.path.normcase if os.path.normcase("A") != "A" else None  # as Path sorts: by case on Windows

    def walk(folder: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = [e for e in it if not e.name.startswith(".")]
        except OSError:
            return
        entries.sort(key=(lambda e: order(e.name)) if order else _entry_name)
        for entry in entries:
            try:
                if entry.is_file():
                    lower = entry.name.lower()
                    if lower.endswith(MARKDOWN_SUFFIXES) and not (skip_readme and lower in _SKIPPED_NAMES):
                        found.append((entry.path, entry.stat()))
                elif entry.is_dir() and not entry.is_symlink():
                    walk(entry.path)
            except OSError:  # vanished or unreadable while we looked: not part of the library
                continue

    walk(str(root))
    return found


def valid_name(path: Path | str) -> bool:
    """False for a path whose bytes are not valid UTF-8 (held by Python as surrogates)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_path(path: Path | str) -> Path:
    """``path`` printable anywhere: bytes that are not UTF-8 shown as ``\\xff``."""
    if valid_name(path):
        return Path(path)
    return Path(os.fsencode(str(path)).decode("utf-8", "backslashreplace"))


def resolve_ids(roots: Iterable[Iterable[tuple[Path | str, str | None, T, list[Problem]]]]) -> tuple[dict[str, T], list[Problem]]:
    """Which file provides each document id: ``roots`` in order (shipped, then the home),
    each a sequence of ``(path, doc id or None, value, the file's problems)`` in file order.

    A later root overrides an earlier one; inside one root the first file with an id wins
    and every other is reported. Returns id -> value and every problem, in file order.
    """
    chosen: dict[str, T] = {}
    problems: list[Problem] = []
    for items in roots:
        seen_here: dict[str, Path | str] = {}
        for path, doc_id, value, file_problems in items:
            problems.extend(file_problems)
            if doc_id is None:
                continue
            if doc_id in seen_here:
                problems.append(Problem(Path(path), 1,
                                        f"duplicate id '{doc_id}', also used by {seen_here[doc_id]}; this file is ignored"))
                continue
            seen_here[doc_id] = path
            chosen[doc_id] = value
    return chosen, problems


def reserved_id(doc_id: str) -> str | None:
    """The home's folder that alone may hold a document with ``doc_id`` (``report-3`` ->
    ``reports``), or None for an id anyone may use."""
    match = RESERVED_ID_RE.match(doc_id)
    return _RESERVED_FOLDERS[match.group(1)] if match else None


def reserved_problem(path: Path | str, doc_id: str, library_root: Path | None) -> Problem | None:
    """A Problem when the file at ``path`` claims an id of the app's own kinds outside the
    folder where the app writes them (``library_root`` None: anywhere)."""
    folder = reserved_id(doc_id)
    if folder is None:
        return None
    if library_root is not None:
        try:
            if Path(path).relative_to(library_root).parts[0] == folder:
                return None
        except (ValueError, IndexError):
            pass
    return Problem(Path(path), 1, f"id '{doc_id}' is reserved for the app's own {folder}; this file is ignored")


def id_hint(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    return rel.with_suffix("").as_posix()


class Library:
    """The library's documents by id.

    With a ``catalogue`` (kbapp.catalogue: the file the data home keeps it in) a reload
    reads only the files that changed since the last one; the others are known by their
    catalogue entry (path, content hash, problems) and parsed when first asked for
    (``get``), so opening a 50,000-document library parses nothing when nothing changed.
    Without one every file is parsed on each reload."""

    def __init__(self, shipped: Path, writable: Path, on_change: Callable[[], None] | None = None,
                 catalogue: Path | None = None):
        self.shipped_root = Path(shipped)
        self.writable_root = Path(writable)
        self.catalogue_path = Path(catalogue) if catalogue is not None else None
        self._lock = threading.RLock()
        self._docs: dict[str, Document] = {}
        self._entries: dict[str, Entry] = {}  # documents known from the catalogue, not parsed yet
        self._problems: list[Problem] = []
        self._on_change = on_change  # called (outside the lock, on the caller's thread) after each change
        self.notice = ""  # what the last reload's catalogue said (damaged and rebuilt …)

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    @property
    def roots(self) -> tuple[tuple[Path, bool], ...]:
        """(folder, shipped) in override order: the home's library comes last and wins."""
        return (self.shipped_root, True), (self.writable_root, False)

    def reload(self) -> None:
        from kbapp.parser import parse_file

        off_ui_thread("Library.reload")
        if self.catalogue_path is not None:
            self._reload_from_catalogue()
            return

        def parsed(root: Path, shipped: bool) -> Iterator[tuple[Path | str, str | None, Document | None, list[Problem]]]:
            for path in iter_markdown_files(root, skip_readme=shipped):
                if not valid_name(path):
                    yield display_path(path), None, None, [Problem(display_path(path), 0, "file name is not valid UTF-8; rename it")]
                    continue
                doc, file_problems = parse_file(path, doc_id_hint=id_hint(path, root), shipped=shipped)
                if doc is not None and not shipped and (taken := reserved_problem(path, doc.id, root)):
                    yield path, None, None, [*file_problems, taken]
                    continue
                yield path, doc.id if doc is not None else None, doc, file_problems

        docs, problems = resolve_ids(parsed(root, shipped) for root, shipped in self.roots)
        with self._lock:
            self._docs = {doc_id: doc for doc_id, doc in docs.items() if doc is not None}
            self._entries = {}
            self._problems = problems
        self._changed()

    def _reload_from_catalogue(self) -> None:
        from kbapp.catalogue import Catalogue

        assert self.catalogue_path is not None
        scan = Catalogue(self.catalogue_path, self.roots).scan()
        docs: dict[str, Document] = {}
        entries: dict[str, Entry] = {}
        for doc_id, entry in scan.documents.items():
            doc = scan.parsed.get((entry.path, entry.shipped))
            if doc is not None and doc.id == doc_id:
                docs[doc_id] = doc
            else:
                entries[doc_id] = entry
        with self._lock:
            self._docs, self._entries, self._problems = docs, entries, scan.problems
            self.notice = scan.notice
        self._changed()

    def documents(self) -> list[Document]:
        """Every document, parsed (those only catalogued are parsed now: slow for a large
        library; ``count``, ``hashes``, ``tags`` and ``get`` are not)."""
        with self._lock:
            pending = list(self._entries)
        for doc_id in pending:
            self.get(doc_id)
        with self._lock:
            return list(self._docs.values())

    def get(self, doc_id: str) -> Document | None:
        with self._lock:
            doc = self._docs.get(doc_id)
            entry = self._entries.get(doc_id) if doc is None else None
        if entry is None:
            return doc
        from kbapp.catalogue import read_entry

        doc = read_entry(entry, doc_id)
        with self._lock:
            if self._entries.get(doc_id) is entry:  # nothing replaced it meanwhile
                del self._entries[doc_id]
                if doc is not None:
                    self._docs[doc_id] = doc
            return self._docs.get(doc_id)

    def count(self) -> int:
        with self._lock:
            return len(self._docs) + len(self._entries)

    def hashes(self) -> dict[str, str]:
        """doc id -> content hash, for every document (nothing parsed)."""
        with self._lock:
            found = {doc_id: entry.hash for doc_id, entry in self._entries.items()}
            found.update((doc_id, doc.content_hash) for doc_id, doc in self._docs.items())
            return found

    def ids_at(self, path: Path | str) -> list[str]:
        """The documents read from the file ``path`` (nothing parsed)."""
        path = Path(path)
        with self._lock:
            return ([doc_id for doc_id, doc in self._docs.items() if Path(doc.path) == path]
                    + [doc_id for doc_id, entry in self._entries.items() if Path(entry.path) == path])

    def tags(self) -> set[str]:
        """Every tag of the library: the catalogued documents' from the catalogue."""
        with self._lock:
            found = {tag for doc in self._docs.values() for tag in doc.tags}
            entries = list(self._entries.values())
        if entries and self.catalogue_path is not None:
            from kbapp.catalogue import Catalogue

            meta = Catalogue(self.catalogue_path, self.roots).metadata()
            for entry in entries:
                tags = meta.get((entry.path, entry.shipped), {}).get("tags") or ()
                found.update(tag for tag in tags if isinstance(tag, str))
        return found

    def problems(self) -> list[Problem]:
        with self._lock:
            return list(self._problems)

    def add(self, doc: Document) -> None:
        with self._lock:
            self._docs[doc.id] = doc
            self._entries.pop(doc.id, None)
            self._problems = [p for p in self._problems if p.path != doc.path]
        self._changed()

    def remove(self, doc_id: str) -> bool:
        """Forget one document of the writable library (its file was deleted); whether it
        was there."""
        with self._lock:
            doc = self._docs.pop(doc_id, None)
            entry = self._entries.pop(doc_id, None)
            path = Path(doc.path) if doc is not None else Path(entry.path) if entry is not None else None
            if path is not None:
                self._problems = [p for p in self._problems if Path(p.path) != path]
        if path is not None:
            self._changed()
        return path is not None

    def load_path(self, path: Path) -> tuple[Document | None, list[Problem]]:
        """Parse one file of the writable library and put it in the library."""
        from kbapp.parser import parse_file

        doc, problems = parse_file(path, doc_id_hint=id_hint(path, self.writable_root))
        if doc is not None and (taken := reserved_problem(path, doc.id, self.writable_root)):
            doc, problems = None, [*problems, taken]
        with self._lock:
            self._problems = [p for p in self._problems if p.path != path] + problems
            if doc is not None:
                self._docs[doc.id] = doc
                self._entries.pop(doc.id, None)
        self._changed()
        return doc, problems


def lint_paths(paths: Iterable[Path]) -> list[Problem]:
    from kbapp.parser import parse_file

    problems: list[Problem] = []
    for root in paths:
        root = Path(root)
        if not root.exists():
            problems.append(Problem(root, 0, "no such file or folder"))
            continue
        ids: dict[str, Path] = {}
        base = root if root.is_dir() else root.parent
        for path in iter_markdown_files(root):
            if not valid_name(path):
                problems.append(Problem(display_path(path), 0, "file name is not valid UTF-8; rename it"))
                continue
            doc, file_problems = parse_file(path, doc_id_hint=id_hint(path, base))
            problems.extend(file_problems)
            if doc is not None and doc.id in ids:
                problems.append(Problem(path, 1, f"duplicate id '{doc.id}', also used by {ids[doc.id]}"))
            elif doc is not None:
                ids[doc.id] = path
    return problems
