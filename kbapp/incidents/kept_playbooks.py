"""A running incident keeps the playbook version it started with.

When a playbook is attached, its file's text is stored with the attachment
(``incident_playbooks.text``, migration 0019); the incident's steps are read from that
text from then on, so a new version imported (``kbapp import --replace``), approved or
synced meanwhile never renumbers or removes the steps of an incident being worked.
Playbooks attached before 0019 have no text kept and follow the library, as before.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from kbapp.store.models import IncidentPlaybookRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.model import Document
    from kbapp.store.db import Store


def file_text(doc: Document) -> str | None:
    """The text of ``doc``'s file now, or None when it cannot be read (then the
    incident follows the library)."""
    from kbapp.parser import decode_text

    try:
        raw = Path(doc.path).read_bytes()
    except OSError:
        return None
    text, _ = decode_text(raw, Path(doc.path))
    return text


def kept_texts(s: Session, incident_id: int) -> dict[str, str | None]:
    """playbook id -> the text kept when it was attached to the incident."""
    rows = s.execute(select(IncidentPlaybookRow.playbook_id, IncidentPlaybookRow.text)
                     .where(IncidentPlaybookRow.incident_id == incident_id))
    return {pid: text for pid, text in rows}


def kept_playbook(store: Store, current: Document | None, incident_id: int, playbook_id: str) -> Document | None:
    """The version of ``playbook_id`` that incident ``incident_id`` (a drill, an inspection)
    started with; ``current`` (the library's) when none was kept."""
    texts = store.read(lambda s: kept_texts(s, incident_id))
    return kept_version(current, playbook_id, texts.get(playbook_id))


def kept_version(current: Document | None, playbook_id: str, text: str | None) -> Document | None:
    """The playbook as it was attached (parsed from ``text``), else ``current``."""
    if text is None:
        return current
    kept = _parse(playbook_id, text, str(current.path) if current is not None else playbook_id,
                  hashlib.sha256(text.encode("utf-8")).hexdigest())
    if kept is None or kept.id != playbook_id:
        return current
    return kept


@functools.lru_cache(maxsize=64)
def _parse(playbook_id: str, text: str, path: str, digest: str) -> Document | None:
    from kbapp.parser import parse_bytes

    doc, _ = parse_bytes(text.encode("utf-8"), Path(path), doc_id_hint=playbook_id)
    return doc
