"""Find the shipped data folders (playbooks/, ui/, index/).

In an installed wheel they sit inside the package as ``kbapp/_data/<name>``; in a
checkout (or an editable install) they sit beside the package at the repo root.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# A PyInstaller bundle unpacks its data under sys._MEIPASS (the _internal folder beside the
# executables): kbapp/_data/<name> and kbapp/store/migrations, as packaging/kbapp.spec lays them.
_FROZEN_DIR = Path(getattr(sys, "_MEIPASS", "")) / "kbapp" if getattr(sys, "frozen", False) else None
SHIPPED_FOLDERS = ("playbooks", "ui", "index")


class ResourceNotFound(RuntimeError):
    pass


@cache
def resource_dir(name: str) -> Path:
    if name not in SHIPPED_FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    candidates = [_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name]
    if _FROZEN_DIR is not None:
        candidates.insert(0, _FROZEN_DIR / "_data" / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ResourceNotFound(
        f"kbapp's {name}/ folder is missing: looked in {_PACKAGE_DIR / '_data' / name} "
        f"and {_PACKAGE_DIR.parent / name}. Reinstall kbapp."
    )


def playbooks_dir() -> Path:
    return resource_dir("playbooks")


def ui_dir() -> Path:
    return resource_dir("ui")


def index_config_dir() -> Path:
    return resource_dir("index")


@cache
def migrations_dir() -> Path:
    """The Alembic scripts (env.py, versions/): read from files by Alembic, so a bundle
    carries them as data rather than compiled into its archive."""
    candidates = [_PACKAGE_DIR / "store" / "migrations"]
    if _FROZEN_DIR is not None:
        candidates.insert(0, _FROZEN_DIR / "store" / "migrations")
    for candidate in candidates:
        if (candidate / "env.py").is_file() and (candidate / "versions").is_dir():
            return candidate
    raise ResourceNotFound(f"kbapp's database migrations are missing: looked in "
                           f"{', '.join(str(c) for c in candidates)}. Reinstall kbapp.")
