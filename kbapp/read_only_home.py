"""What kbapp must write to read a read-only data home goes into a scratch folder.

A home that exists and cannot be written (kbapp.home: ``DataHome.read_only``) is opened
for reading. Searching it still needs a search index and the library catalogue that are
current, and an older database needs migrating before this kbapp can read it; none of
that may be written into the home. The scratch folder is a temporary folder outside the
home, made on first use and removed when the knowledge base closes. The home's own index
and catalogue are copied into it first (the catalogue through SQLite's backup API, read
only), so a current index is only checked, not rebuilt; what is stale is brought up to
date in the copy.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

CATALOGUE = "catalogue.sqlite3"


class Scratch:
    """The temporary folder of one read-only home's knowledge base."""

    def __init__(self, home_index: Path) -> None:
        self._home_index = home_index
        self._path: Path | None = None
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        with self._lock:
            if self._path is None:
                path = Path(tempfile.mkdtemp(prefix="kbapp-read-only-"))
                seed_index(self._home_index, path / "index")
                self._path = path
            return self._path

    @property
    def index(self) -> Path:
        return self.path / "index"

    def close(self) -> None:
        with self._lock:
            if self._path is not None:
                shutil.rmtree(self._path, ignore_errors=True)
                self._path = None


def seed_index(source: Path, target: Path) -> None:
    """Copy the index folder ``source`` names in its manifest, the manifest, its journal and
    the catalogue into ``target``. Anything that cannot be read leaves that part out: the
    index (or catalogue) is then built afresh in ``target``, never in ``source``."""
    from kbapp.search.manifest import JOURNAL_NAME, folder_name, load_manifest

    target.mkdir(parents=True, exist_ok=True)
    try:
        manifest, _ = load_manifest(source / "manifest.json")
        if manifest is not None and (source / folder_name(manifest)).is_dir():
            shutil.copytree(source / folder_name(manifest), target / folder_name(manifest))
            for name in ("manifest.json", JOURNAL_NAME):
                if (source / name).is_file():
                    shutil.copy2(source / name, target / name)
    except OSError as exc:
        log.info("the read-only home's index is built afresh in %s (%s)", target, exc)
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True, exist_ok=True)
    if (source / CATALOGUE).is_file():
        _copy_catalogue(source / CATALOGUE, target / CATALOGUE)


def _copy_catalogue(source: Path, target: Path) -> None:
    from kbapp.home import sqlite_read_only_uri as read_only_uri

    try:
        src = sqlite3.connect(read_only_uri(source), uri=True, timeout=5)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        log.info("the read-only home's catalogue is built afresh (%s)", exc)
        target.unlink(missing_ok=True)
