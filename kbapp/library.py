"""The library: shipped playbooks (read-only) plus the data home's writable library.

A document in the home with the same id overrides the shipped one. Every file that
fails to parse is reported as a Problem and never stops the others from loading.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from kbapp.model import Document, Problem
from kbapp.parser import parse_file

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".txt")
# Folder READMEs document the library; they are not part of it.
_SKIPPED_NAMES = {"readme.md"}


def iter_markdown_files(root: Path, skip_readme: bool = True) -> list[Path]:
    """Markdown files under ``root``; ``skip_readme`` leaves out folder READMEs (right for
    the shipped playbooks/, wrong for the home, where an imported README is content)."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if skip_readme and path.name.lower() in _SKIPPED_NAMES:
            continue
        if path.is_file() and path.suffix.lower() in MARKDOWN_SUFFIXES:
            found.append(path)
    return found


def _id_hint(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    return rel.with_suffix("").as_posix()


class Library:
    def __init__(self, shipped: Path, writable: Path):
        self.shipped_root = Path(shipped)
        self.writable_root = Path(writable)
        self._lock = threading.RLock()
        self._docs: dict[str, Document] = {}
        self._problems: list[Problem] = []

    def reload(self) -> None:
        docs: dict[str, Document] = {}
        problems: list[Problem] = []
        for root, shipped in ((self.shipped_root, True), (self.writable_root, False)):
            seen_here: dict[str, Path] = {}
            for path in iter_markdown_files(root, skip_readme=shipped):
                doc, file_problems = parse_file(path, doc_id_hint=_id_hint(path, root), shipped=shipped)
                problems.extend(file_problems)
                if doc is None:
                    continue
                if doc.id in seen_here:
                    problems.append(Problem(path, 1, f"duplicate id '{doc.id}', also used by {seen_here[doc.id]}; this file is ignored"))
                    continue
                seen_here[doc.id] = path
                docs[doc.id] = doc  # the writable root comes second, so it overrides
        with self._lock:
            self._docs = docs
            self._problems = problems

    def documents(self) -> list[Document]:
        with self._lock:
            return list(self._docs.values())

    def get(self, doc_id: str) -> Document | None:
        with self._lock:
            return self._docs.get(doc_id)

    def problems(self) -> list[Problem]:
        with self._lock:
            return list(self._problems)

    def add(self, doc: Document) -> None:
        with self._lock:
            self._docs[doc.id] = doc
            self._problems = [p for p in self._problems if p.path != doc.path]

    def remove(self, doc_id: str) -> Document | None:
        """Forget one document of the writable library (its file was deleted)."""
        with self._lock:
            doc = self._docs.pop(doc_id, None)
            if doc is not None:
                self._problems = [p for p in self._problems if p.path != doc.path]
            return doc

    def load_path(self, path: Path) -> tuple[Document | None, list[Problem]]:
        """Parse one file of the writable library and put it in the library."""
        doc, problems = parse_file(path, doc_id_hint=_id_hint(path, self.writable_root))
        with self._lock:
            self._problems = [p for p in self._problems if p.path != path] + problems
            if doc is not None:
                self._docs[doc.id] = doc
        return doc, problems


def lint_paths(paths: Iterable[Path]) -> list[Problem]:
    problems: list[Problem] = []
    for root in paths:
        root = Path(root)
        if not root.exists():
            problems.append(Problem(root, 0, "no such file or folder"))
            continue
        ids: dict[str, Path] = {}
        base = root if root.is_dir() else root.parent
        for path in iter_markdown_files(root):
            doc, file_problems = parse_file(path, doc_id_hint=_id_hint(path, base))
            problems.extend(file_problems)
            if doc is not None and doc.id in ids:
                problems.append(Problem(path, 1, f"duplicate id '{doc.id}', also used by {ids[doc.id]}"))
            elif doc is not None:
                ids[doc.id] = path
    return problems
