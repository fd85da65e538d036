"""ReportService: the fault handling report (故障处理报告), from draft to searchable document.

A draft is pre-filled from the incident and its action log (times, level, reporter,
description, the steps taken and the timeline); the engineer fills in the rest. On
submit the fields are checked (one message per field), the Markdown copy is written
atomically into the library, and one transaction stores the report row, moves the
incident to ``report_submitted`` (which meets the 24-hour report deadline) and logs
the action. The document is indexed before ``submit`` returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kbapp.fsutil import safe_filename
from kbapp.incidents import deadlines as dl
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.export import deadline_phrase, format_time
from kbapp.incidents.validate import check_id
from kbapp.reports import document as rdoc
from kbapp.reports.errors import FieldProblem, ReportError
from kbapp.reports.fields import FIELD_KEYS, check_fields, normalise
from kbapp.store.models import IncidentRow, ReportRow
from kbapp.store.staging import stage_delete, stage_write

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.service import IncidentService
    from kbapp.store.db import Store

REPORT_ACTION = "report"
EXPORT_FORMATS = ("md", "html", "pdf")


@dataclass(frozen=True)
class ReportDraft:
    incident_id: int
    title: str
    fields: dict[str, str]
    steps: list[str] = field(default_factory=list)
    timeline: list[list[str]] = field(default_factory=list)
    category: str = ""
    playbooks: list[str] = field(default_factory=list)
    report_id: int | None = None  # set when the incident already has a report (editing it)
    deadlines: list[list[str]] = field(default_factory=list)  # the compliance table (deadline_rows)


@dataclass(frozen=True)
class Report:
    id: int
    incident_id: int
    doc_id: str
    title: str
    fields: dict[str, str]
    steps: list[str]
    timeline: list[list[str]]
    category: str
    playbooks: list[str]
    path: str
    submitted_by: str
    submitted_at: dt.datetime
    deadlines: list[list[str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "incident_id": self.incident_id, "doc_id": self.doc_id, "title": self.title,
                "fields": self.fields, "steps": self.steps, "timeline": self.timeline, "category": self.category,
                "playbooks": self.playbooks, "path": self.path, "submitted_by": self.submitted_by,
                "deadlines": self.deadlines,
                "submitted_at": self.submitted_at.isoformat()}


def _report_from_row(row: ReportRow) -> Report:
    data = dict(row.fields or {})
    return Report(
        id=row.id, incident_id=row.incident_id, doc_id=row.doc_id, title=row.title,
        fields={k: str(data.get(k, "")) for k in FIELD_KEYS}, steps=list(data.get("_steps", [])),
        timeline=[list(r) for r in data.get("_timeline", [])], category=str(data.get("_category", "")),
        playbooks=list(data.get("_playbooks", [])), path=row.path, submitted_by=row.submitted_by,
        submitted_at=row.submitted_at, deadlines=[list(r) for r in data.get("_deadlines", [])],
    )


def steps_taken(runs: list[itypes.PlaybookRun]) -> list[str]:
    lines = []
    for run in runs:
        for step in run.steps:
            if step.result is None:
                continue
            zh, en = itypes.RESULT_LABELS.get(step.result, (step.result, step.result))
            line = f"{run.title} · 第 {step.number} 步 {step.title}：{zh} {en}"
            if step.note:
                line += f"（{step.note}）"
            lines.append(line)
    return lines


def deadline_rows(deadlines: list[dl.Deadline], submitted_at: dt.datetime,
                  tz: dt.tzinfo | None = None) -> list[list[str]]:
    """The report's deadline-compliance table: each promise, when it was due, when it was
    met and how late. The report's own deadline counts as met at ``submitted_at``."""
    rows = []
    for d in deadlines:
        if d.key == dl.REPORT and d.met_at is None:
            d = dl.evaluate(d.key, d.starts_at, d.due_at, submitted_at, submitted_at, level=d.level)
        rows.append([d.label, format_time(d.due_at, tz), format_time(d.met_at, tz), deadline_phrase(d)])
    return rows


def timeline_rows(actions: list[itypes.Action], tz: dt.tzinfo | None = None) -> list[list[str]]:
    rows = []
    for a in actions:
        zh, en = itypes.ACTION_LABELS.get(a.kind, (a.kind, a.kind))
        rows.append([format_time(a.at, tz), a.actor, f"{zh} {en}", itypes.describe_action(a)])
    return rows


class ReportService:
    def __init__(self, store: Store, kb: KnowledgeBase, *, tz: dt.tzinfo | None = None) -> None:
        self.store = store
        self.kb = kb
        self.tz = tz  # None: the machine's local zone

    @property
    def incidents(self) -> IncidentService:
        return self.kb.incidents

    def _actor(self, actor: str | None) -> str:
        return self.incidents._actor(actor)

    # -- drafting ------------------------------------------------------------------------
    def draft(self, incident_id: int) -> ReportDraft:
        """The report pre-filled from the incident; an existing report's fields win."""
        return self._draft(self.incidents.get(check_id(incident_id)))

    def _draft(self, incident: itypes.Incident) -> ReportDraft:
        incident_id = incident.id
        if incident.mode != itypes.MODE_INCIDENT:
            raise ReportError(f"incident #{incident_id} is a {incident.mode}, not an incident", field="incident_id")
        actions = self.incidents.timeline(incident_id)
        responded = incident.responded_at
        values = {
            "fault_type": "", "level": incident.level,
            "occurred_at": format_time(incident.notified_at, self.tz),
            "notified_at": format_time(incident.notified_at, self.tz),
            "responded_at": format_time(responded, self.tz),
            "resolved_at": format_time(incident.resolved_at, self.tz),
            "place": "", "reporter": incident.reporter,
            "description": incident.description or incident.title,
            "cause": "", "method": incident.summary, "loss": "",
        }
        existing = self.for_incident(incident_id)
        if existing is not None:
            values.update({k: v for k, v in existing.fields.items() if v})
        return ReportDraft(
            incident_id=incident_id, title=rdoc.report_title(incident.title), fields=values,
            steps=steps_taken(self.incidents.playbook_runs(incident_id)), timeline=timeline_rows(actions, self.tz),
            category=incident.category, playbooks=list(incident.playbook_ids),
            report_id=existing.id if existing else None,
            deadlines=deadline_rows(self.incidents.deadlines(incident, actions=actions), self.incidents.now(),
                                    self.tz),
        )

    # -- submitting ----------------------------------------------------------------------
    def submit(self, incident_id: int, values: dict[str, str], actor: str | None = None) -> Report:
        """Check, write the Markdown copy, store the row and index it; returns the report."""
        incident = self.incidents.get(check_id(incident_id))
        draft = self._draft(incident)
        merged = normalise({**draft.fields, **values})
        unknown = {k: v for k, v in values.items() if k not in FIELD_KEYS}
        problems = check_fields({**merged, **unknown}, tz=self.tz)
        if incident.resolved_at is None:
            problems.insert(0, FieldProblem("incident_id", f"incident #{incident.id} is not resolved yet; "
                                                           "resolve it before writing its report"))
        if problems:
            raise ReportError(problems)
        actor = self._actor(actor)
        now = self.incidents.now()
        doc_id = f"report-{draft.incident_id}"
        path = self.kb.home.reports / safe_filename(f"{doc_id}-{incident.title}")
        text = rdoc.report_markdown(
            doc_id=doc_id, incident_id=draft.incident_id, title=draft.title, fields=merged, steps=draft.steps,
            timeline=draft.timeline, category=draft.category, playbooks=draft.playbooks, submitted_by=actor,
            submitted_at=now, redact=True, deadlines=draft.deadlines)
        stored = {**merged, "_steps": draft.steps, "_timeline": draft.timeline, "_category": draft.category,
                  "_playbooks": draft.playbooks, "_deadlines": draft.deadlines}

        def work(s: Session) -> Report:
            row = s.scalar(select(ReportRow).where(ReportRow.incident_id == draft.incident_id))
            incident_row = s.get(IncidentRow, draft.incident_id, with_for_update=True)
            old_path = Path(row.path) if row is not None and row.path else None
            if row is None:
                row = ReportRow(incident_id=draft.incident_id, doc_id=doc_id, title=draft.title, fields=stored,
                                path=str(path), submitted_by=actor, submitted_at=now)
                s.add(row)
            else:
                row.title, row.fields, row.path, row.submitted_by, row.submitted_at = (
                    draft.title, stored, str(path), actor, now)
            assert incident_row is not None  # the draft was made from it, and incidents are never deleted
            first = incident_row.status == lc.RESOLVED
            if first:
                self.incidents._change_status(s, incident_row, lc.REPORT_SUBMITTED, actor, now,
                                              details=draft.title)
            else:
                self.incidents._append(s, incident_row, REPORT_ACTION, actor=actor, at=now,
                                       details=draft.title, payload={"doc_id": doc_id, "updated": True})
            s.flush()
            # The file is staged: put in place once this commits, never without it (kbapp.store.staging).
            stage_write(s, path, text)
            if old_path is not None and old_path != path and old_path.exists():
                stage_delete(s, old_path)
            return _report_from_row(row)

        report = self.store.write(work)
        self._index(path)
        return report

    def _index(self, path: Path) -> None:
        doc, problems = self.kb.library.load_path(path)
        if doc is None or any(p.severity == "error" for p in problems):
            raise ReportError(f"{path}: the written document does not load: "
                              + "; ".join(str(p) for p in problems), field="path")
        self.kb.add_document(doc)

    # -- reading -------------------------------------------------------------------------
    def get(self, report_id: int) -> Report:
        report_id = check_id(report_id, "report_id")

        def work(s: Session) -> Report:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise ReportError(f"no report #{report_id}", field="report_id")
            return _report_from_row(row)

        return self.store.read(work)

    def for_incident(self, incident_id: int) -> Report | None:
        def work(s: Session) -> Report | None:
            row = s.scalar(select(ReportRow).where(ReportRow.incident_id == incident_id))
            return _report_from_row(row) if row is not None else None

        return self.store.read(work)

    def list_reports(self) -> list[Report]:
        return self.store.read(lambda s: [_report_from_row(r) for r in
                                          s.scalars(select(ReportRow).order_by(ReportRow.id.desc()))])

    # -- exporting -----------------------------------------------------------------------
    def export_text(self, report_id: int, fmt: str, *, redact: bool = True) -> str:
        """Markdown or HTML of a report, secrets redacted unless ``redact`` is False."""
        if fmt not in ("md", "html"):
            raise ReportError(f"format must be md or html here, got {fmt!r}", field="format")
        report = self.get(report_id)
        text = rdoc.report_markdown(
            doc_id=report.doc_id, incident_id=report.incident_id, title=report.title, fields=report.fields,
            steps=report.steps, timeline=report.timeline, category=report.category, playbooks=report.playbooks,
            submitted_by=report.submitted_by, submitted_at=report.submitted_at, redact=redact,
            with_front_matter=False, deadlines=report.deadlines)
        if fmt == "md":
            return text
        return rdoc.markdown_to_html(text, rdoc.redactor(redact)(report.title))
