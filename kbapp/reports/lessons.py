"""LessonService: lessons tied to a playbook (and a step), written back into the library.

A lesson is a database row plus a Markdown document (kind ``lesson``) in the data
home's library, indexed before ``add`` returns, so the next search finds it. The
reading pane asks for :meth:`for_playbook` (lessons per step) and :meth:`step_stats`
(how often each step was skipped or failed in past incidents; drills don't count).
"""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kbapp.fsutil import safe_filename
from kbapp.incidents import types as itypes
from kbapp.incidents.base import op_uid
from kbapp.incidents.export import format_time
from kbapp.incidents.validate import check_id
from kbapp.model import KIND_CHECKLIST, KIND_PLAYBOOK
from kbapp.reports import document as rdoc
from kbapp.reports.errors import ReportError
from kbapp.store.models import ActionRow, IncidentRow, LessonRow, ReportRow
from kbapp.store.staging import stage_write

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase
    from kbapp.store.db import Store

MAX_LESSON_CHARS = 5000
LESSON_ACTION = "lesson"


@dataclass(frozen=True)
class Lesson:
    id: int
    doc_id: str
    playbook_id: str
    step: int | None
    text: str
    incident_id: int | None
    report_id: int | None
    path: str
    created_by: str
    created_at: dt.datetime
    uid: str | None = None  # made by the desk (UUIDv7); the id is the server's number once it has it

    @property
    def pending(self) -> bool:
        """Written on this desk while the server was unreachable: no number yet."""
        from kbapp.store.ids import LOCAL_BASE

        return self.id >= LOCAL_BASE

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "doc_id": self.doc_id, "playbook_id": self.playbook_id, "step": self.step,
                "text": self.text, "incident_id": self.incident_id, "report_id": self.report_id, "path": self.path,
                "created_by": self.created_by, "created_at": self.created_at.isoformat(), "uid": self.uid,
                "pending": self.pending}


def _lesson(row: LessonRow) -> Lesson:
    return Lesson(row.id, row.doc_id, row.playbook_id, row.step, row.text, row.incident_id, row.report_id,
                  row.path, row.created_by, row.created_at, row.uid)


class LessonService:
    def __init__(self, store: Store, kb: KnowledgeBase) -> None:
        self.store = store
        self.kb = kb

    def add(self, playbook_id: str, text: str, *, step: int | None = None, incident_id: int | None = None,
            report_id: int | None = None, actor: str | None = None) -> Lesson:
        incidents = self.kb.incidents
        doc = self.kb.get(str(playbook_id or "").strip())
        if doc is None or doc.kind not in (KIND_PLAYBOOK, KIND_CHECKLIST):
            raise ReportError(f"no playbook {playbook_id!r} in the library", field="playbook")
        text = (text or "").strip()
        if not text:
            raise ReportError("the lesson text is empty", field="text")
        if len(text) > MAX_LESSON_CHARS:
            raise ReportError(f"the lesson is longer than {MAX_LESSON_CHARS} characters", field="text")
        step_title = ""
        if step is not None:
            step = check_id(step, "step")
            found = doc.step(step)
            if found is None:
                numbers = ", ".join(str(s.number) for s in doc.steps)
                raise ReportError(f"playbook {doc.id!r} has no step {step} (steps: {numbers})", field="step")
            step_title = found.title
        if incident_id is not None:
            incident_id = check_id(incident_id)
            incidents.get(incident_id)  # raises IncidentError when there is no such incident
        if report_id is not None:
            report_id = check_id(report_id, "report_id")
        actor = incidents._actor(actor)
        now = incidents.now()

        def work(s: Session) -> Lesson:
            report_doc = None
            if report_id is not None:
                report = s.get(ReportRow, report_id)
                if report is None:
                    raise ReportError(f"no report #{report_id}", field="report_id")
                report_doc = report.doc_id
            row = LessonRow(doc_id="", playbook_id=doc.id, step=step, text=text, incident_id=incident_id,
                            report_id=report_id, path="", created_by=actor, created_at=now, uid=op_uid())
            s.add(row)
            s.flush()
            row.doc_id = f"lesson-{row.id}"
            path = self.kb.home.lessons / safe_filename(f"{row.doc_id}-{doc.id}")
            row.path = str(path)
            if incident_id is not None:
                incident_row = s.get(IncidentRow, incident_id)
                assert incident_row is not None  # checked before the write
                incidents._append(s, incident_row, LESSON_ACTION, actor=actor, at=now,
                                  step=step, playbook_id=doc.id, details=text, payload={"doc_id": row.doc_id})
            stage_write(s, path, rdoc.lesson_markdown(
                doc_id=row.doc_id, playbook_id=doc.id, playbook_title=doc.title, step=step, step_title=step_title,
                text=text, category=doc.category, levels=list(doc.levels), incident_id=incident_id,
                report_doc=report_doc, created_by=actor, created_at=now))
            return _lesson(row)

        lesson = self.store.write(work)
        new_doc, problems = self.kb.library.load_path(Path(lesson.path))
        if new_doc is None:
            raise ReportError("; ".join(str(p) for p in problems), field="text")
        self.kb.add_document(new_doc)
        return lesson

    def list(self, playbook_id: str | None = None) -> list[Lesson]:
        def work(s: Session) -> list[Lesson]:
            q = select(LessonRow).order_by(LessonRow.id)
            if playbook_id:
                q = q.where(LessonRow.playbook_id == playbook_id)
            return [_lesson(r) for r in s.scalars(q)]

        return self.store.read(work)

    def for_playbook(self, playbook_id: str) -> dict[int, builtins.list[str]]:
        """Lesson texts as Markdown per step number; step 0 holds whole-playbook lessons."""
        out: dict[int, list[str]] = {}
        for lesson in self.list(playbook_id):
            where = f" — {lesson.created_by}, {format_time(lesson.created_at)[:10]}"
            if lesson.incident_id:
                where += f", #{lesson.incident_id}"
            out.setdefault(lesson.step or 0, []).append(lesson.text + where)
        return out

    def step_stats(self, playbook_id: str) -> dict[int, dict[str, int]]:
        """Per step, in how many past incidents it was skipped and in how many it failed."""
        def work(s: Session) -> dict[int, dict[str, int]]:
            q = (select(ActionRow.incident_id, ActionRow.step, ActionRow.payload)
                 .join(IncidentRow, IncidentRow.id == ActionRow.incident_id)
                 .where(ActionRow.kind == itypes.STEP, ActionRow.playbook_id == playbook_id,
                        IncidentRow.mode == "incident"))
            seen: dict[int, dict[str, set[int]]] = {}
            for incident_id, step, payload in s.execute(q):
                result = (payload or {}).get("result")
                if step is not None and result in (itypes.SKIPPED, itypes.FAILED):
                    seen.setdefault(step, {itypes.SKIPPED: set(), itypes.FAILED: set()})[result].add(incident_id)
            return {step: {"skipped": len(v[itypes.SKIPPED]), "failed": len(v[itypes.FAILED])} for step, v in seen.items()}

        return self.store.read(work)
