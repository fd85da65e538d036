"""Atomic writes and safe file names: no write ever leaves a half-written file."""

from __future__ import annotations

import errno
import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {
    f"lpt{i}" for i in range(1, 10)
}


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


# Windows refuses to replace a file that another process (a second kbapp, an editor, an
# antivirus scanner, the search indexer) holds open without FILE_SHARE_DELETE: a sharing
# violation (winerror 32) or access denied (5), both PermissionError. They last a moment.
REPLACE_ATTEMPTS = 8
REPLACE_FIRST_PAUSE_S = 0.02  # doubled after each failure: at most ~2.5 s in all
_SHARING_WINERRORS = {5, 32, 33}  # access denied, sharing violation, lock violation


def _is_sharing_violation(exc: OSError) -> bool:
    winerror = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror in _SHARING_WINERRORS
    return isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EBUSY, errno.ETXTBSY)


def replace(src: str | os.PathLike, dst: str | os.PathLike, *, attempts: int = REPLACE_ATTEMPTS,
            pause: float = REPLACE_FIRST_PAUSE_S) -> None:
    """``os.replace`` that waits out another process holding ``dst`` (or ``src``) open.

    The one way kbapp replaces a file: a sharing violation is retried ``attempts`` times
    with growing pauses, then raised; any other error is raised at once.
    """
    for attempt in range(attempts):
        try:
            os.replace(src, dst)
            return
        except OSError as exc:
            if attempt == attempts - 1 or not _is_sharing_violation(exc):
                raise
        time.sleep(pause * (2 ** attempt))


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def safe_filename(title: str, suffix: str = ".md", max_len: int = 80) -> str:
    """A file name from a title: keeps Chinese and letters, never a path, a reserved name or a secret.

    Titles are typed by people at 3 a.m. ("登录失败 password=…"); a file name is seen by everyone
    who lists the folder, is shared with the library and stored in the search index.
    """
    from kbapp.redact import redact  # (its rules take ~30 ms to compile: not for every importer)

    name = unicodedata.normalize("NFKC", redact(title))
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "-", name)
    name = re.sub(r"\s+", "-", name.strip())
    name = re.sub(r"-{2,}", "-", name).strip(".-")
    name = name[:max_len].rstrip(".-")
    if not name or name.lower().split(".")[0] in _WINDOWS_RESERVED:
        name = f"untitled-{name}" if name else "untitled"
    return name + suffix
