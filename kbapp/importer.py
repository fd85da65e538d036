"""Import Markdown files (folders recursively) into the data home's writable library.

Every file given is accounted for: it is imported, or reported with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.fsutil import atomic_write_bytes
from kbapp.library import MARKDOWN_SUFFIXES, display_path, valid_name
from kbapp.model import Document, Problem
from kbapp.parser import parse_bytes

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase


@dataclass
class ImportResult:
    imported: list[Path] = field(default_factory=list)  # destination paths
    failed: list[tuple[Path, str]] = field(default_factory=list)  # source, reason
    warnings: list[Problem] = field(default_factory=list)  # problems of files imported all the same

    @property
    def with_problems(self) -> list[Path]:
        """The imported files that have problems (the library lists them, with file:line)."""
        return sorted({p.path for p in self.warnings})

    def summary(self) -> str:
        """``imported 2, failed 0`` — and how many of those imported have problems."""
        text = f"imported {len(self.imported)}, failed {len(self.failed)}"
        if self.warnings:
            text += (f"; {len(self.with_problems)} imported with problems "
                     f"({len(self.warnings)} problem{'s' if len(self.warnings) != 1 else ''})")
        return text


def _candidates(path: Path) -> list[tuple[Path, Path]]:
    """(file, path relative to the import root) for every file under ``path``."""
    if path.is_dir():
        return [(p, Path(path.name) / p.relative_to(path)) for p in sorted(path.rglob("*")) if p.is_file() or p.is_symlink()]
    return [(path, Path(path.name))]


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


def import_paths(kb: KnowledgeBase, paths: list[Path], progress: Callable[[str], None] | None = None) -> ImportResult:
    result = ImportResult()
    root = kb.home.imported
    new_docs: list[Document] = []
    for given in paths:
        if not given.exists():
            result.failed.append((given, "no such file or folder"))
            continue
        for source, rel in _candidates(given):
            reason = _check_name(source, rel.parts[1:] if given.is_dir() else rel.parts)
            if reason is None:
                try:
                    data = source.read_bytes()
                except OSError as exc:
                    reason = f"cannot read: {exc.strerror or exc}"
            if reason is not None:
                result.failed.append((display_path(source), reason))
                continue
            dest = _destination(root, rel, data)
            doc_id_hint = (Path("imported") / dest.relative_to(root)).with_suffix("").as_posix()
            doc, problems = parse_bytes(data, dest, doc_id_hint=doc_id_hint)
            if doc is None:
                result.failed.append((source, problems[0].message if problems else "not readable as Markdown"))
                continue
            clash = kb.get(doc.id)
            if clash is not None and not clash.shipped and clash.path != dest:
                result.failed.append((source, f"id '{doc.id}' is already used by {clash.path}"))
                continue
            try:
                atomic_write_bytes(dest, data)
            except OSError as exc:
                result.failed.append((source, f"cannot write {dest}: {exc.strerror or exc}"))
                continue
            result.imported.append(dest)
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


def _check_name(source: Path, inside: tuple[str, ...]) -> str | None:
    """Why ``source`` cannot be imported, or None; ``inside`` is its path below the folder
    given (a '.git/' inside it would land in a hidden folder the library never reads)."""
    if not valid_name(source):
        return f"file name is not valid UTF-8 (shown as {display_path(source).name}); rename it"
    if source.is_symlink() and not source.exists():
        return "broken symbolic link"
    if not source.is_file():
        return "not a regular file"
    if any(part.startswith(".") for part in inside[:-1]):
        return "in a hidden folder, not imported"
    if source.name.startswith("."):
        return "hidden file, not imported"
    suffix = source.suffix.lower()
    if suffix and suffix not in MARKDOWN_SUFFIXES:
        return f"not a Markdown file ({suffix}); only {', '.join(MARKDOWN_SUFFIXES)} or no extension"
    return None
