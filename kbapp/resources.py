"""Find the shipped data folders (playbooks/, ui/, index/).

In an installed wheel they sit inside the package as ``kbapp/_data/<name>``; in a
checkout (or an editable install) they sit beside the package at the repo root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_FOLDERS = ("playbooks", "ui", "index")


class ResourceNotFound(RuntimeError):
    pass


@cache
def resource_dir(name: str) -> Path:
    if name not in SHIPPED_FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
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
