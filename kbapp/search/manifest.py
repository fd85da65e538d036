"""The index's manifest (``manifest.json``: which documents, at which content hash, in which
Whoosh folder) and its journal (``manifest.log``: one line per write, folded into the
manifest every ``COMPACT_LINES`` lines), read without opening Whoosh."""

from __future__ import annotations

import json
import re
from pathlib import Path

LEGACY_DIR = "whoosh"  # the one folder of indexes written before generations
GENERATION = re.compile(r"whoosh-(\d{1,12})")
JOURNAL_NAME = "manifest.log"
COMPACT_LINES = 256  # changes appended to the journal before it is folded into the manifest
COMPACT_BYTES = 256 * 1024  # or this much journal: about 2,500 changed documents
ManifestSig = tuple[tuple[int, int, int], tuple[int, int, int] | None]


def folder_name(manifest: dict | None) -> str:
    """The Whoosh folder a manifest names: a generation, else (older manifests) ``whoosh``."""
    name = (manifest or {}).get("dir")
    return name if isinstance(name, str) and GENERATION.fullmatch(name) else LEGACY_DIR


def load_manifest(path: Path) -> tuple[dict | None, ManifestSig | None]:
    """(the manifest with its journal applied, or None when missing or unreadable; the
    stat signature of both files). The journal is read before the manifest: a fold in
    between gives the new manifest, whose base the lines read do not name."""
    try:
        sig = manifest_sig(path)
    except OSError:
        return None, None
    try:
        journal = (path.parent / JOURNAL_NAME).read_text(encoding="utf-8")
    except FileNotFoundError:
        journal = ""
    except (OSError, ValueError):
        return None, sig
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, sig
    if not isinstance(data, dict) or not isinstance(data.get("docs"), dict):
        return None, sig
    base, docs, lines = data.get("base"), data["docs"], 0
    for text in journal.split("\n"):
        try:
            change = json.loads(text) if text else None
        except ValueError:  # a line cut short by a crash: the index's count will disagree
            continue
        if not isinstance(change, dict) or base is None or change.get("base") != base:
            continue
        removed, hashes = change.get("del"), change.get("set")
        if not isinstance(removed, list) or not isinstance(hashes, dict):
            continue
        for doc_id in removed:
            docs.pop(doc_id, None)
        docs.update(hashes)
        data["updated"] = change.get("updated", data.get("updated"))
        lines += 1
    data["journal"] = lines
    return data, sig


def manifest_sig(path: Path) -> ManifestSig:
    """The stat signatures of the manifest (OSError when it is missing) and its journal."""
    main = _stat_sig(path)
    try:
        journal: tuple[int, int, int] | None = _stat_sig(path.parent / JOURNAL_NAME)
    except OSError:
        journal = None
    return main, journal


def _stat_sig(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size, st.st_ino


# -- the library the index was last synced from -------------------------------------------
# ``catalogue.state`` says which library (by kbapp.catalogue's stat digest) the index was
# brought up to date with, and the manifest's signature right after: both the same on the
# next command means nothing changed on either side, so it searches without a scan.
CATALOGUE_STATE = "catalogue.state"


def synced_state(digest: str, sig: ManifestSig) -> str:
    return json.dumps([digest, sig])


def read_synced_state(root: Path) -> str | None:
    try:
        return (root / CATALOGUE_STATE).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
