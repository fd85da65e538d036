"""Library files that change with a database write, and never disagree with it.

A ``Store.write`` may run its work more than once, and its commit can fail after the work
ran, so the work must not write or delete files itself. It stages them instead:

* :func:`stage_write` writes the new content now, under a temporary name beside the file
  (``.NAME.<token>.staged``), and records the move in ``staged_files`` in the same
  transaction; :func:`stage_delete` records a deletion.
* After the commit, Store.write renames each staged file over its target (or deletes the
  target) and forgets the rows. A failed or retried attempt removes its temporary files:
  nothing of it is left.
* A crash between the commit and the renames leaves committed rows: :func:`recover`, run
  when the knowledge base opens its store, finishes their moves, and removes temporary
  files no committed row names (their transaction never committed). Rows are per desk
  (the host name), since each desk has its own library folder.

So a playbook approval is either fully applied (change approved, home copy written) or
not at all, whatever the moment the process dies.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Boolean, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kbapp.store.base import Base

SESSION_KEY = "kbapp_staged_files"
SUFFIX = ".staged"
ORPHAN_AGE_S = 600  # a staged file with no committed row, older than this, is a crash's leftover


class StagedFileRow(Base):
    """A file move that belongs to a committed transaction and may not be done yet."""

    __tablename__ = "staged_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(36), unique=True)
    owner: Mapped[str] = mapped_column(String(255), index=True)  # the desk (host) whose library it is
    path: Mapped[str] = mapped_column(Text)  # the file to replace or delete
    tmp_path: Mapped[str] = mapped_column(Text, default="")  # the staged content ("" for a deletion)
    remove: Mapped[bool] = mapped_column(Boolean, default=False)


@dataclass(frozen=True)
class Staged:
    token: str
    path: Path
    tmp_path: Path | None  # None: delete ``path``


def owner() -> str:
    return socket.gethostname()[:255] or "localhost"


def _staged(s: Session) -> list[Staged]:
    return s.info.setdefault(SESSION_KEY, [])


def stage_write(s: Session, path: Path, text: str) -> None:
    """Inside a Store.write: ``path`` gets ``text`` once the transaction commits."""
    from kbapp.fsutil import _fsync_dir

    path = Path(path)
    token = str(uuid.uuid4())
    tmp = path.with_name(f".{path.name}.{token}{SUFFIX}")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(tmp, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:  # a full disk: nothing staged, and the transaction fails with it
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    _staged(s).append(Staged(token, path, tmp))
    s.add(StagedFileRow(token=token, owner=owner(), path=str(path), tmp_path=str(tmp), remove=False))


def stage_delete(s: Session, path: Path) -> None:
    """Inside a Store.write: ``path`` is deleted once the transaction commits."""
    token = str(uuid.uuid4())
    _staged(s).append(Staged(token, Path(path), None))
    s.add(StagedFileRow(token=token, owner=owner(), path=str(path), tmp_path="", remove=True))


def take(s: Session) -> list[Staged]:
    """What the session staged (and forget it there)."""
    return s.info.pop(SESSION_KEY, [])


def discard(staged: list[Staged]) -> None:
    """A transaction that did not commit: its temporary files go."""
    for item in staged:
        if item.tmp_path is not None:
            item.tmp_path.unlink(missing_ok=True)


def apply(staged: list[Staged]) -> None:
    """After the commit: each move done (idempotent: a move already done is skipped)."""
    for item in staged:
        _apply_one(item.path, item.tmp_path)


def _apply_one(path: Path, tmp: Path | None) -> None:
    from kbapp.fsutil import _fsync_dir, replace

    if tmp is None:
        path.unlink(missing_ok=True)
    elif tmp.exists():
        replace(tmp, path)  # retried while another process holds the file open
    else:
        return
    _fsync_dir(path.parent)


def forget(s: Session, tokens: list[str]) -> None:
    if tokens:
        s.execute(delete(StagedFileRow).where(StagedFileRow.token.in_(tokens)))


def recover(store: object, roots: list[Path]) -> int:
    """Finish the moves of committed transactions that a crash interrupted, then remove
    staged files under ``roots`` that no committed row names. Returns the moves finished."""
    from kbapp.store.db import Store

    assert isinstance(store, Store)
    me = owner()
    rows = store.read(lambda s: [(r.token, r.path, r.tmp_path, r.remove) for r in
                                 s.scalars(select(StagedFileRow).where(StagedFileRow.owner == me))])
    for _token, path, tmp, remove in rows:
        _apply_one(Path(path), None if remove else Path(tmp))
    if rows:
        store.write(lambda s: forget(s, [token for token, *_ in rows]))
    now = time.time()
    for root in roots:
        if Path(root).is_dir():
            for leftover in Path(root).rglob(f".*{SUFFIX}"):
                try:  # old enough that no transaction still running can own it
                    if now - leftover.stat().st_mtime > ORPHAN_AGE_S:
                        leftover.unlink(missing_ok=True)
                except OSError:
                    pass
    return len(rows)
