"""Import Markdown files (folders recursively) into the data home's writable library.

Every file given is accounted for: it is imported, or reported with the reason.

Nothing outside the folders given is ever read: a symbolic link that leaves them, a file
with hard links elsewhere, a named pipe, socket or device is reported as skipped and never
opened. A file is written into the library only once it was read, parsed and accepted:
an id of the app's own kinds (``report-3``) is refused, and an id the library already has
(a shipped playbook, an earlier import) is replaced only when asked (``replace``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.fsutil import atomic_write_bytes
from kbapp.library import MARKDOWN_SUFFIXES, display_path, reserved_id, valid_name
from kbapp.model import Document, Problem
from kbapp.parser import MAX_FILE_BYTES, decode_text, parse_bytes, utf16_or_32

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase


@dataclass
class ImportResult:
    imported: list[Path] = field(default_factory=list)  # destination paths
    failed: list[tuple[Path, str]] = field(default_factory=list)  # source, reason
    warnings: list[Problem] = field(default_factory=list)  # problems of files imported all the same
    # Never opened: links out of the folder, hard links to files elsewhere, pipes, devices.
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    # Refused because the id is taken (source, id, what has it): ``replace`` would replace it.
    replaceable: list[tuple[Path, str, str]] = field(default_factory=list)
    replaced: list[tuple[Path, str]] = field(default_factory=list)  # destination, id replaced

    @property
    def with_problems(self) -> list[Path]:
        """The imported files that have problems (the library lists them, with file:line)."""
        return sorted({p.path for p in self.warnings})

    def summary(self) -> str:
        """``imported 2, failed 0`` — and how many of those imported have problems, how many
        replaced a document and how many were skipped unread."""
        text = f"imported {len(self.imported)}, failed {len(self.failed)}"
        if self.skipped:
            text += f", skipped {len(self.skipped)} unread (links out of the folder, pipes or devices)"
        if self.replaced:
            text += f", {len(self.replaced)} replaced an existing document"
        if self.warnings:
            text += (f"; {len(self.with_problems)} imported with problems "
                     f"({len(self.warnings)} problem{'s' if len(self.warnings) != 1 else ''})")
        return text


@dataclass
class _Candidate:
    source: Path  # as found under the folder given (a link keeps its own name)
    rel: Path  # path relative to the import root: the folder's name, then the path inside
    inside: tuple[str, ...]  # path below the folder given ('' parts for a file given alone)
    read_from: str  # the path opened: the source, or a link's target inside the folder
    identity: tuple[int, int] | None  # (st_dev, st_ino) the file must still have when opened


_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _special(mode: int) -> str | None:
    return next((name for test, name in _SPECIAL if test(mode)), None)


def _inside(path: str, roots: list[str]) -> bool:
    """Whether ``path`` (resolved) is one of ``roots`` (resolved) or below one."""
    path = os.path.normcase(path)
    for root in map(os.path.normcase, roots):
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


def _walk(folder: Path, found: list[Path], failed: list[tuple[Path, str]]) -> None:
    """Every entry under ``folder`` that is not a folder, without entering a folder reached
    through a symbolic link (it is reported where it is listed)."""
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError as exc:
        failed.append((display_path(folder), f"cannot read folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            _walk(Path(entry.path), found, failed)
        else:
            found.append(Path(entry.path))


def _collect(paths: list[Path], result: ImportResult) -> list[_Candidate]:
    """The files to read, in order; links out, special files and files with hard links
    elsewhere go to ``result.skipped`` unread."""
    roots = [os.path.realpath(p) for p in paths if p.is_dir()]
    listed: list[tuple[Path, list[tuple[Path, os.stat_result]]]] = []
    for given in paths:
        if not os.path.lexists(given):
            result.failed.append((given, "no such file or folder"))
            continue
        if not given.is_dir():  # a file named on its own: the user chose it, a link included
            try:
                st = os.stat(given)
            except OSError as exc:
                result.failed.append((display_path(given), "broken symbolic link" if given.is_symlink()
                                      else f"cannot read: {exc.strerror or exc}"))
                continue
            listed.append((given, [(given, st)]))  # read through the link it may be
            continue
        found: list[Path] = []
        _walk(given, found, result.failed)
        entries = []
        for path in sorted(found):
            try:
                entries.append((path, os.lstat(path)))
            except OSError as exc:
                result.failed.append((display_path(path), f"cannot read: {exc.strerror or exc}"))
        listed.append((given, entries))
    # How many names each file has inside the folders given: fewer than its link count means
    # a hard link to a file elsewhere (where it is detectable: st_nlink and st_ino, POSIX and NTFS).
    names: dict[tuple[int, int], int] = {}
    for given, entries in listed:
        if given.is_dir():
            for _, st in entries:
                if stat.S_ISREG(st.st_mode) and st.st_ino:
                    names[(st.st_dev, st.st_ino)] = names.get((st.st_dev, st.st_ino), 0) + 1
    candidates: list[_Candidate] = []
    for given, entries in listed:
        folder = given.is_dir()
        for path, st in entries:
            shown = display_path(path)
            rel = Path(given.name) / path.relative_to(given) if folder else Path(given.name)
            inside = rel.parts[1:] if folder else rel.parts
            read_from = str(path) if folder else os.path.realpath(path)
            if folder and stat.S_ISLNK(st.st_mode):
                target = os.path.realpath(path)
                if not os.path.exists(target):
                    result.failed.append((shown, "broken symbolic link"))
                    continue
                if not _inside(target, roots):
                    result.skipped.append((shown, f"symbolic link to {display_path(target)}, outside the folder "
                                                  "imported; not read"))
                    continue
                try:
                    st = os.stat(target)
                except OSError:
                    result.failed.append((shown, "broken symbolic link"))
                    continue
                if stat.S_ISDIR(st.st_mode):
                    result.skipped.append((shown, "symbolic link to a folder; its files are imported from where "
                                                  "they are"))
                    continue
                read_from = target
            if (special := _special(st.st_mode)) is not None:
                result.skipped.append((shown, f"{special}, not a file; not opened"))
                continue
            if not stat.S_ISREG(st.st_mode):
                result.failed.append((shown, "not a regular file"))
                continue
            if folder and st.st_nlink > 1 and st.st_ino and names.get((st.st_dev, st.st_ino), 0) < st.st_nlink:
                result.skipped.append((shown, f"has hard links outside the folder imported ({st.st_nlink} names, "
                                              f"{names.get((st.st_dev, st.st_ino), 0)} inside); not read — "
                                              "copy the file into the folder to import it"))
                continue
            identity = (st.st_dev, st.st_ino) if st.st_ino else None
            candidates.append(_Candidate(path, rel, inside, read_from, identity))
    return candidates


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


def _read(candidate: _Candidate) -> bytes:
    """The file's bytes (at most one past the size limit), opened without following a link
    or blocking on a pipe, and only if it is still the regular file the walk saw."""
    fd = os.open(candidate.read_from, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (
                candidate.identity is not None and st.st_ino and (st.st_dev, st.st_ino) != candidate.identity):
            raise _Changed
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES and (chunk := os.read(fd, 1 << 20)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


class _Changed(Exception):
    """The path no longer names the file the walk found (replaced meanwhile)."""


# Windows' MAX_PATH is 260 characters with the terminating NUL; an atomic write first makes
# ".<name>.<8 random>.tmp" beside the file (14 more), and a name clash adds "-N".
MAX_DEST_PATH = 259 - 14 - 4


def _short_enough(root: Path, rel: Path) -> Path:
    """``rel``, or when ``root / rel`` would pass Windows' path limit (a library copied to or
    used on Windows), the import's top folder and the file's name cut to fit, with a digest
    of the whole relative path so two long paths never meet."""
    if len(str(root / rel)) <= MAX_DEST_PATH:
        return rel
    import hashlib

    digest = hashlib.sha256(rel.as_posix().encode("utf-8")).hexdigest()[:10]
    top = rel.parts[0][:24] if len(rel.parts) > 1 else ""
    room = MAX_DEST_PATH - len(str(root / top)) - 1 - len(f"-{digest}{rel.suffix}")
    name = f"{rel.stem[:max(min(room, 80), 0)].rstrip(' .-')}-{digest}{rel.suffix}".lstrip("-")
    return Path(top) / name if top else Path(name)


def _destination(root: Path, rel: Path, data: bytes) -> Path:
    if rel.suffix.lower() not in MARKDOWN_SUFFIXES:
        rel = rel.with_name(rel.name + ".md")
    rel = _short_enough(root, rel)
    dest = root / rel
    counter = 2
    while dest.exists() and dest.read_bytes() != data:
        dest = root / rel.with_name(f"{rel.stem}-{counter}{rel.suffix}")
        counter += 1
    return dest


def import_paths(kb: KnowledgeBase, paths: list[Path], progress: Callable[[str], None] | None = None,
                 replace: bool | frozenset[str] = False) -> ImportResult:
    """Import ``paths``; ``replace``: a file whose id the library already has (a shipped
    playbook, an earlier import) replaces it, instead of being refused — every id, or
    only those in the set (what the window's confirmation agreed to)."""
    result = ImportResult()
    root = kb.home.imported
    new_docs: list[Document] = []
    taken_here: dict[str, Path] = {}  # id -> source, of this import
    for candidate in _collect(paths, result):
        source = candidate.source
        reason = _check_name(source, candidate.inside)
        data = b""
        if reason is None:
            try:
                data = _read(candidate)
            except _Changed:
                reason = "changed while it was being imported; not read"
            except OSError as exc:
                reason = f"cannot read: {exc.strerror or exc}"
        if reason is not None:
            result.failed.append((display_path(source), reason))
            continue
        if utf16_or_32(data):  # stored as UTF-8, as every other file of the library
            text, _ = decode_text(data, source)
            data = text.encode("utf-8") if text is not None else data
        dest = _destination(root, candidate.rel, data)
        doc_id_hint = (Path("imported") / dest.relative_to(root)).with_suffix("").as_posix()
        doc, problems = parse_bytes(data, dest, doc_id_hint=doc_id_hint)
        if doc is None:
            result.failed.append((source, problems[0].message if problems else "not readable as Markdown"))
            continue
        refusal = _refusal(kb, doc, dest, taken_here, replace)
        if isinstance(refusal, str):
            result.failed.append((source, refusal))
            if refusal.endswith(_REPLACE_HINT):
                clash = kb.get(doc.id)
                result.replaceable.append((source, doc.id, str(clash.path) if clash else ""))
            continue
        if refusal is not None:  # replacing: the home's copy is written over, a shipped one overridden
            if not refusal.shipped and _inside(os.path.realpath(refusal.path), [os.path.realpath(kb.home.library)]):
                dest = Path(refusal.path)
        try:
            atomic_write_bytes(dest, data)
        except OSError as exc:
            result.failed.append((source, f"cannot write {dest}: {exc.strerror or exc}"))
            continue
        taken_here[doc.id] = source
        result.imported.append(dest)
        if refusal is not None:
            result.replaced.append((dest, doc.id))
        doc, listed = kb.library.load_path(dest)
        # What the library now lists for the file (Library Problems, kbapp lint), by its source.
        result.warnings.extend(Problem(source, p.line, p.message, p.severity) for p in listed)
        if doc is not None:
            new_docs.append(doc)
        if progress:
            progress(str(source))
    if new_docs:
        kb.sync_index()  # incremental: only the new files are written
    return result


_REPLACE_HINT = "; import it with --replace to replace it"


def _refusal(kb: KnowledgeBase, doc: Document, dest: Path, taken_here: dict[str, Path],
             replace: bool | frozenset[str]) -> str | Document | None:
    """Why ``doc`` may not be imported (text), the document it replaces (``replace``), or
    None when its id is free (or it is the very file already imported)."""
    folder = reserved_id(doc.id)
    if folder is not None:
        return f"id '{doc.id}' is reserved for the app's own {folder}; give the file another id"
    if doc.id in taken_here:
        return f"id '{doc.id}' is also used by {taken_here[doc.id]}, imported just before; give one another id"
    clash = kb.get(doc.id)
    if clash is None or Path(clash.path) == dest:
        return None
    if replace is True or (not isinstance(replace, bool) and doc.id in replace):
        return clash
    if clash.shipped:
        return f"id '{doc.id}' is the shipped playbook '{clash.title}'{_REPLACE_HINT}"
    return f"id '{doc.id}' is already used by {clash.path}{_REPLACE_HINT}"


def _check_name(source: Path, inside: tuple[str, ...]) -> str | None:
    """Why ``source`` cannot be imported, or None; ``inside`` is its path below the folder
    given (a '.git/' inside it would land in a hidden folder the library never reads)."""
    if not valid_name(source):
        return f"file name is not valid UTF-8 (shown as {display_path(source).name}); rename it"
    if any(part.startswith(".") for part in inside[:-1]):
        return "in a hidden folder, not imported"
    if source.name.startswith("."):
        return "hidden file, not imported"
    suffix = source.suffix.lower()
    if suffix and suffix not in MARKDOWN_SUFFIXES:
        return f"not a Markdown file ({suffix}); only {', '.join(MARKDOWN_SUFFIXES)} or no extension"
    return None
