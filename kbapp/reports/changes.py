"""Playbook changes proposed from lessons, applied only after review.

A proposal stores the full Markdown it would replace and the new Markdown; the
reviewer sees a unified diff. Approval writes the new text to the data home's copy
of the playbook (the shipped file is never touched; the home copy overrides it by
id), bumps ``version``, sets ``reviewed`` to today and records the approver. The
replaced text stays in the proposal row, so every earlier version stays readable.
"""

from __future__ import annotations

import builtins
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kbapp.incidents.validate import check_id
from kbapp.model import Document
from kbapp.parser import parse_text
from kbapp.reports.errors import ReportError
from kbapp.store.models import PlaybookChangeRow
from kbapp.store.staging import stage_write
from kbapp.store.team_models import PlaybookVersionRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase
    from kbapp.store.db import Store

PROPOSED, APPROVED, REJECTED = "proposed", "approved", "rejected"
_FRONT_RE = re.compile(r"\A---\r?\n(.*?\r?\n)---\r?\n", re.S)


@dataclass(frozen=True)
class Change:
    id: int
    playbook_id: str
    lesson_id: int | None
    reason: str
    base_version: int
    base_text: str
    new_text: str
    status: str
    proposed_by: str
    proposed_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    new_version: int | None
    decided_db_login: str | None = None  # the server's database login that approved or rejected it

    def diff(self) -> str:
        return unified_diff(self.base_text, self.new_text, self.playbook_id)

    def to_json(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("base_text", "new_text")}
        for key in ("proposed_at", "decided_at"):
            data[key] = data[key].isoformat() if data[key] else None
        data["diff"] = self.diff()
        return data


@dataclass(frozen=True)
class Version:
    version: int
    text: str
    replaced_at: dt.datetime | None  # None for the current version
    replaced_by: str | None  # who approved the change that replaced it


def _change(row: PlaybookChangeRow) -> Change:
    return Change(row.id, row.playbook_id, row.lesson_id, row.reason, row.base_version, row.base_text, row.new_text,
                  row.status, row.proposed_by, row.proposed_at, row.decided_by, row.decided_at, row.decision_note,
                  row.new_version, getattr(row, "decided_db_login", None))


def unified_diff(old: str, new: str, name: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"{name} (current)", tofile=f"{name} (proposed)"))


def set_front_matter(text: str, values: dict[str, str]) -> str:
    """``text`` with top-level front-matter keys replaced (or appended), the rest untouched."""
    match = _FRONT_RE.match(text)
    if match is None:
        raise ReportError("the playbook has no front matter block", field="text")
    lines = match.group(1).splitlines()
    for key, value in values.items():
        new_line = f"{key}: {value}"
        for i, line in enumerate(lines):
            if re.match(rf"{re.escape(key)}\s*:", line):
                lines[i] = new_line
                break
        else:
            lines.append(new_line)
    return "---\n" + "\n".join(lines) + "\n---\n" + text[match.end():]


class PlaybookChangeService:
    def __init__(self, store: Store, kb: KnowledgeBase) -> None:
        self.store = store
        self.kb = kb

    def _playbook(self, playbook_id: str) -> Document:
        doc = self.kb.get(str(playbook_id or "").strip())
        if doc is None or doc.kind not in ("playbook", "checklist"):
            raise ReportError(f"no playbook {playbook_id!r} in the library", field="playbook")
        return doc

    def current_text(self, playbook_id: str) -> str:
        return Path(self._playbook(playbook_id).path).read_text(encoding="utf-8")

    def check_text(self, doc: Document, new_text: str) -> None:
        """A proposal must parse cleanly and keep the playbook's id."""
        new_doc, problems = parse_text(new_text, Path(doc.path))
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise ReportError("; ".join(f"line {p.line}: {p.message}" for p in errors), field="text")
        if new_doc.id != doc.id:
            raise ReportError(f"the id must stay {doc.id!r} (the proposal says {new_doc.id!r})", field="text")

    def propose(self, playbook_id: str, new_text: str, *, reason: str = "", lesson_id: int | None = None,
                actor: str | None = None) -> Change:
        doc = self._playbook(playbook_id)
        base = Path(doc.path).read_text(encoding="utf-8")
        new_text = new_text.replace("\r\n", "\n")
        if new_text == base:
            raise ReportError("the proposal changes nothing", field="text")
        self.check_text(doc, new_text)
        if lesson_id is not None:
            lesson_id = check_id(lesson_id, "lesson_id")
        actor = self.kb.incidents._actor(actor)
        now = self.kb.incidents.now()

        def work(s: Session) -> Change:
            row = PlaybookChangeRow(playbook_id=doc.id, lesson_id=lesson_id, reason=(reason or "").strip(),
                                    base_version=doc.version, base_text=base, new_text=new_text, status=PROPOSED,
                                    proposed_by=actor, proposed_at=now, decision_note="")
            s.add(row)
            s.flush()
            return _change(row)

        return self.store.write(work)

    def get(self, change_id: int) -> Change:
        change_id = check_id(change_id, "change_id")

        def work(s: Session) -> Change:
            row = s.get(PlaybookChangeRow, change_id)
            if row is None:
                raise ReportError(f"no proposed change #{change_id}", field="change_id")
            return _change(row)

        return self.store.read(work)

    def list(self, playbook_id: str | None = None, status: str | None = None) -> list[Change]:
        def work(s: Session) -> list[Change]:
            q = select(PlaybookChangeRow).order_by(PlaybookChangeRow.id)
            if playbook_id:
                q = q.where(PlaybookChangeRow.playbook_id == playbook_id)
            if status:
                q = q.where(PlaybookChangeRow.status == status)
            return [_change(r) for r in s.scalars(q)]

        return self.store.read(work)

    def _decide(self, change_id: int, actor: str | None, note: str) -> tuple[int, str, dt.datetime, str]:
        change_id = check_id(change_id, "change_id")
        actor = self.kb.incidents._actor(actor)
        now = self.kb.incidents.now()
        return change_id, actor, now, (note or "").strip()

    def approve(self, change_id: int, *, actor: str | None = None, note: str = "") -> Change:
        """Apply a proposal: home copy written, version bumped, reviewed today, indexed."""
        change_id, actor, now, note = self._decide(change_id, actor, note)
        pending = self.get(change_id)
        if pending.status != PROPOSED:
            raise ReportError(f"change #{change_id} is already {pending.status}", field="status")
        doc = self._playbook(pending.playbook_id)
        if Path(doc.path).read_text(encoding="utf-8") != pending.base_text:
            raise ReportError(f"playbook {doc.id!r} changed after change #{change_id} was proposed; "
                              "propose the change again on the current version", field="status")
        version = max(doc.version, pending.base_version) + 1
        today = now.astimezone().date().isoformat()
        new_text = set_front_matter(pending.new_text, {"version": str(version), "reviewed": today,
                                                       "approved_by": _yaml_text(actor)})
        target = self._home_copy(doc)
        try:
            rel_path = target.relative_to(self.kb.home.library).as_posix()
        except ValueError:
            rel_path = f"playbooks/{target.name}"

        def work(s: Session) -> Change:
            row = s.get(PlaybookChangeRow, change_id, with_for_update=True)
            assert row is not None  # read above; changes are never deleted
            if row.status != PROPOSED:  # decided by someone else meanwhile
                raise ReportError(f"change #{change_id} is already {row.status}", field="status")
            row.status, row.decided_by, row.decided_at, row.decision_note, row.new_version = (
                APPROVED, actor, now, note, version)
            # The version every desk copies (kbapp.sync); unique on (playbook, version), so of two
            # approvals racing on other desks one commits and the other is refused.
            s.flush()
            try:
                with s.begin_nested():
                    s.add(PlaybookVersionRow(playbook_id=row.playbook_id, version=version, rel_path=rel_path,
                                             text=new_text, change_id=row.id, approved_by=actor, approved_at=now))
            except IntegrityError:
                raise ReportError(f"playbook {row.playbook_id!r} version {version} was approved meanwhile; "
                                  "propose the change again on the current version", field="status") from None
            stage_write(s, target, new_text)  # put in place once this commits (kbapp.store.staging)
            return _change(row)

        change = self.store.write(work)
        new_doc, problems = self.kb.library.load_path(target)
        if new_doc is not None:
            self.kb.add_document(new_doc)
        return change

    def reject(self, change_id: int, *, actor: str | None = None, note: str = "") -> Change:
        change_id, actor, now, note = self._decide(change_id, actor, note)

        def work(s: Session) -> Change:
            row = s.get(PlaybookChangeRow, change_id, with_for_update=True)
            if row is None:
                raise ReportError(f"no proposed change #{change_id}", field="change_id")
            if row.status != PROPOSED:
                raise ReportError(f"change #{change_id} is already {row.status}", field="status")
            row.status, row.decided_by, row.decided_at, row.decision_note = REJECTED, actor, now, note
            return _change(row)

        return self.store.write(work)

    def _home_copy(self, doc: Document) -> Path:
        if not doc.shipped:
            return Path(doc.path)
        return self.kb.home.library / "playbooks" / Path(doc.path).name

    def versions(self, playbook_id: str) -> builtins.list[Version]:
        """Every version of a playbook, oldest first; the last one is the current text."""
        doc = self._playbook(playbook_id)
        out = [Version(c.base_version, c.base_text, c.decided_at, c.decided_by)
               for c in self.list(doc.id, APPROVED)]
        out.append(Version(doc.version, Path(doc.path).read_text(encoding="utf-8"), None, None))
        return out


def _yaml_text(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar
