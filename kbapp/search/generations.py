"""The index's Whoosh folders: generations (``whoosh-<N>``), the legacy one, debris.

A rebuild writes the next generation beside the one in use; folders the manifest no
longer names are removed later (kbapp.search.index explains why nothing is renamed)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kbapp.search.manifest import GENERATION, LEGACY_DIR

log = logging.getLogger(__name__)
DEBRIS = ("whoosh.new", "whoosh.old")  # what a rebuild of the renaming kind left


def index_folders(root: Path) -> list[Path]:
    """Every Whoosh folder in ``root``: generations, the legacy one, a renaming rebuild's debris."""
    try:
        entries = list(root.iterdir())
    except OSError:
        return []
    return [p for p in entries if (p.name == LEGACY_DIR or p.name in DEBRIS or GENERATION.fullmatch(p.name))
            and p.is_dir()]


def next_generation(root: Path, current: object) -> str:
    """The folder name for a rebuild: past every generation here and the one in use."""
    numbers = [int(m.group(1)) for p in index_folders(root) if (m := GENERATION.fullmatch(p.name))]
    in_use = GENERATION.fullmatch(str(current or ""))
    if in_use:
        numbers.append(int(in_use.group(1)))
    return f"whoosh-{max(numbers, default=0) + 1}"


def remove_debris(root: Path, keep: str | None, file_lock: Callable[[], Any]) -> None:
    """Folders the manifest no longer names (an earlier generation), or that an
    interrupted rebuild left (a full disk, a kill): removed while no other process holds
    the write lock ``file_lock()`` gives (one that does may be rebuilding into them). With no
    readable manifest (``keep`` None) only a renaming rebuild's debris goes: which folder
    is live is unknown. A folder that cannot be removed (Windows: another process has a
    file in it open) stays until a later open."""
    debris = [p for p in index_folders(root) if p.name in DEBRIS or (keep is not None and p.name != keep)]
    if not debris:
        return
    from filelock import Timeout

    lock = file_lock()  # (made only now: filelock is slow to import, and rarely needed here)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return  # another process is rebuilding: its folders, not debris
    try:
        for path in debris:
            shutil.rmtree(path, ignore_errors=True)
            if path.exists():
                log.info("search index: %s is still in use; removed later", path)
    finally:
        lock.release()
