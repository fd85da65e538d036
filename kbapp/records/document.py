"""A problem record as a Markdown document in the data home's library (``library/records``).

The Markdown copy is what makes a record searchable like any playbook or report, and
readable without kbapp. It is generated from the database after every change and
written atomically, so the file is always a whole record, never half of one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.fsutil import atomic_write_text, safe_filename
from kbapp.incidents.export import format_time, md_escape
from kbapp.inert_markdown import front_matter, inert_markdown
from kbapp.model import KIND_RECORD
from kbapp.records import workflow as wf

if TYPE_CHECKING:
    from typing import Any

    from sqlalchemy.orm import Session

# Multi-line fields get a section each, in the order the plan's steps fill them in.
_SECTIONS = tuple((name, wf.FIELD_LABELS.get(name, ("问题描述", "Description"))) for name in (
    "description", "fix", "answer", "cause", "prevention", "tips", "solution", "analysis", "change_record"))


def file_prefix(record_id: int) -> str:
    """``record-0012-``: the dash keeps record 12's files apart from record 123's."""
    return f"record-{record_id:04d}-"


def file_name(record_id: int, title: str) -> str:
    """A readable, safe name; the id prefix keeps it unique whatever the title is."""
    return safe_filename(f"{file_prefix(record_id)}{title}")


def _line(label: tuple[str, str], value: str) -> str:
    return f"- {label[0]} {label[1]}: {md_escape(value)}"


def _redacted(record: wf.ProblemRecord) -> wf.ProblemRecord:
    """Every text field with its secrets masked: field by field, before the escaping that
    would hide ``<password>x</password>`` from the redaction."""
    from kbapp.redact import redact

    masked: dict[str, Any] = {f.name: redact(value) for f in dataclasses.fields(record)
                              if f.name != "file_name" and isinstance(value := getattr(record, f.name), str)}
    return dataclasses.replace(record, **masked)


def record_markdown(record: wf.ProblemRecord, history: list[wf.Transition]) -> str:
    """The whole document: YAML front matter (``kind: record``) and a readable body,
    secrets masked."""
    from kbapp.redact import redact

    record = _redacted(record)
    meta = {
        "id": record.doc_id, "kind": KIND_RECORD, "title": record.title,
        "title_en": f"Problem record #{record.id}",
        "tags": ["问题记录", wf.KIND_LABELS[record.kind][0], wf.STATE_LABELS[record.state][0]],
        "record": record.id, "record_kind": record.kind, "state": record.state,
        "classification": record.classification or None, "converted_from": record.converted_from or None,
        "reporter": record.reporter or None, "place": record.place or None, "incident": record.incident_id,
        "customer": record.customer or None, "system": record.system or None,
        "assigned_role": record.assigned_role or None,
        "created_by": record.created_by,
        "created_at": record.created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "updated_at": record.updated_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }
    meta = {k: v for k, v in meta.items() if v is not None}
    out = [front_matter(meta).rstrip("\n"), f"# {md_escape(record.title)}", "",
           f"问题记录 Problem record #{record.id} · {wf.label(wf.KIND_LABELS, record.kind)} · "
           f"{wf.label(wf.STATE_LABELS, record.state)}", ""]
    out.append(_line(("提出时间", "Raised"), format_time(record.raised)))
    if record.raised_at is not None and record.raised_at != record.created_at:
        out.append(_line(("登记时间", "Logged"), format_time(record.created_at)))
    for key, label in (("reporter", ("提出人", "Reporter")), ("place", ("地点", "Place")),
                       ("customer", ("客户单位", "Customer")), ("system", ("系统", "System"))):
        if getattr(record, key):
            out.append(_line(label, getattr(record, key)))
    if record.incident_id is not None:
        out.append(_line(("关联故障", "Incident"), f"#{record.incident_id}"))
    if record.classification:
        out.append(_line(wf.FIELD_LABELS["classification"],
                         wf.label(wf.CLASSIFICATION_LABELS, record.classification)))
    if record.converted_from:
        out.append("- 由系统缺陷类转为咨询类 Converted from a defect record (an operation problem)")
    if record.assigned_role:
        staff = wf.label(wf.ASSIGNED_LABELS, record.assigned_role)
        out.append(_line(("交办", "Assigned to"), f"{staff} {record.assignee}".strip()))
    if record.proposed_by:
        out.append(_line(("处理建议提出人", "Fix proposed by"), record.proposed_by))
    if record.supervisor:
        who = f"{record.supervisor} ({record.supervisor_role})" if record.supervisor_role else record.supervisor
        if record.signed_off_at is not None:
            who += f", {format_time(record.signed_off_at)}"
        out.append(_line(wf.FIELD_LABELS["supervisor"], who))
    for key, (zh, en) in _SECTIONS:
        text = getattr(record, key).strip()
        if text:
            out += ["", f"## {zh} {en}", "", text]
    out += ["", "## 处理记录 History", ""]
    out += [f"- {format_time(t.at)} · {md_escape(t.actor)}: {md_escape(redact(t.describe()))}" for t in history]
    out.append("")
    return inert_markdown("\n".join(out))


def write_record_document(folder: Path, record: wf.ProblemRecord, history: list[wf.Transition],
                          s: Session | None = None) -> Path:
    """Write the record's document atomically; remove any older file of the same record.

    An older file can only exist if a write was never committed (the id was then used
    again) or the naming changed; left there it would be a second document with the
    same id in the library.
    """
    folder = Path(folder)
    name = record.file_name or file_name(record.id, record.title)
    path = folder / name
    # In the library (searched, shared): customers' secrets masked (DOMAIN.md, ch. 4.2).
    from kbapp.redact import redact

    text = redact(record_markdown(record, history))
    if s is not None:  # inside a Store.write: staged, in place once it commits (kbapp.store.staging)
        from kbapp.store.staging import stage_delete, stage_write

        stage_write(s, path, text)
    else:
        atomic_write_text(path, text)
    if folder.is_dir():
        for other in folder.glob(f"{file_prefix(record.id)}*"):
            if other.name != name and other.suffix == ".md" and other.is_file():
                if s is not None:
                    stage_delete(s, other)
                else:
                    other.unlink(missing_ok=True)
    return path
