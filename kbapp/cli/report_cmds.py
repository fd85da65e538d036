"""``kbapp report ...``, ``kbapp lesson ...`` and ``kbapp playbook ...``: write-ups after an incident.

Same conventions as ``kbapp incident``: ``--json`` everywhere, exit status 1 for bad
input (each missing report field named on its own line), 2 when the database or a
file cannot be used, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.cli.common import emit, print_redacted
from kbapp.cli.common import emit_redacted as _emit
from kbapp.cli.desk_offline import add_on_desk, shown_id
from kbapp.fsutil import atomic_write_bytes
from kbapp.redact import redact
from kbapp.reports.errors import ReportError
from kbapp.reports.service import EXPORT_FORMATS

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase

# Reports and lessons hold what people typed: what this module prints is redacted, except an
# explicit export with --no-redact.
print = print_redacted  # noqa: A001
_add = add_on_desk()  # on a team desk, local first (kbapp.desk_writes)

# report new option -> report field
_FIELD_OPTIONS = {
    "type": "fault_type", "cause": "cause", "method": "method", "loss": "loss", "place": "place",
    "reporter": "reporter", "description": "description", "level": "level", "occurred": "occurred_at",
    "notified": "notified_at", "responded": "responded_at", "resolved": "resolved_at",
}


def register(subparsers: Subparsers) -> None:
    report = subparsers.add_parser("report", help="fault handling reports (故障处理报告): new, export, show, list",
                                   description="Write the fault handling report of a resolved incident.")
    sub = report.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    p = _add(sub, "new", _new, "write (or update) the report of a resolved incident; the rest is filled from its log")
    p.add_argument("incident", metavar="INCIDENT_ID")
    for option, key in _FIELD_OPTIONS.items():
        p.add_argument(f"--{option}", dest=key, metavar="TEXT", help=f"report field {key}")
    p = _add(sub, "draft", _draft, "show the pre-filled report of an incident without saving it")
    p.add_argument("incident", metavar="INCIDENT_ID")
    p = _add(sub, "export", _export, "export a report as Markdown, HTML or PDF (secrets redacted unless --no-redact)")
    p.add_argument("id", metavar="ID", help="report id")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--out", metavar="FILE", help="write to FILE (PDF default: <report id>.pdf)")
    p.add_argument("--no-redact", dest="redact", action="store_false", help="keep passwords, tokens and keys")
    p = _add(sub, "show", _show, "show a report")
    p.add_argument("id", metavar="ID", help="report id")
    _add(sub, "list", _list, "list reports, newest first")

    lesson = subparsers.add_parser("lesson", help="lessons learnt, tied to a playbook step (经验教训)")
    sub = lesson.add_subparsers(dest="lesson_command", metavar="ACTION", required=True)
    p = _add(sub, "add", _lesson_add, "add a lesson; it is searchable at once and shown under its step")
    p.add_argument("--playbook", required=True, metavar="ID")
    p.add_argument("--step", metavar="N", type=int)
    p.add_argument("--text", required=True, help="the lesson; - reads it from stdin")
    p.add_argument("--incident", metavar="ID", type=int)
    p.add_argument("--report", metavar="ID", type=int)
    p = _add(sub, "list", _lesson_list, "list lessons")
    p.add_argument("--playbook", metavar="ID")

    playbook = subparsers.add_parser("playbook", help="reviewed changes to playbooks: propose, approve, versions")
    sub = playbook.add_subparsers(dest="playbook_command", metavar="ACTION", required=True)
    p = _add(sub, "propose", _propose, "propose a new text for a playbook (shown as a diff for review)")
    p.add_argument("playbook", metavar="ID")
    p.add_argument("--file", required=True, metavar="FILE", help="the whole new Markdown")
    p.add_argument("--reason", default="")
    p.add_argument("--lesson", type=int, metavar="ID")
    p = _add(sub, "changes", _changes, "list proposed and decided changes")
    p.add_argument("playbook", metavar="ID", nargs="?")
    p = _add(sub, "diff", _diff, "show a proposed change as a unified diff")
    p.add_argument("change", metavar="CHANGE_ID")
    for name, handler, text in (("approve", _approve, "approve and apply a change (version and review date bumped)"),
                                ("reject", _reject, "reject a change")):
        p = _add(sub, name, handler, text)
        p.add_argument("change", metavar="CHANGE_ID")
        p.add_argument("--note", default="")
    p = _add(sub, "versions", _versions, "list a playbook's versions, or print one with --show N")
    p.add_argument("playbook", metavar="ID")
    p.add_argument("--show", type=int, metavar="VERSION")


def _new(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    values = {key: getattr(args, key) for key in _FIELD_OPTIONS.values() if getattr(args, key) is not None}
    report = kb.reports.submit(args.incident, values)
    if args.json:
        _emit(report.to_json())
    else:
        print(f"report {_shown(report)} ({report.doc_id}) saved: {report.path}")
    return 0


def _shown(report: object) -> str:
    from kbapp.store.ids import LOCAL_BASE

    number = int(getattr(report, "id", 0))
    return "待编号 pending" if number >= LOCAL_BASE else f"#{number}"


def _draft(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    draft = kb.reports.draft(args.incident)
    if args.json:
        _emit({"incident_id": draft.incident_id, "title": draft.title, "fields": draft.fields, "steps": draft.steps,
               "timeline": draft.timeline})
        return 0
    print(draft.title)
    for key, value in draft.fields.items():
        print(f"  {key}: {value or '(to fill in)'}")
    return 0


def _export(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    report = kb.reports.get(args.id)
    if args.format == "pdf":
        from kbapp.gui.pdf import print_pdf  # creates the offscreen Qt application it needs

        out = Path(args.out or f"{report.doc_id}.pdf")
        pages = print_pdf(out, html=kb.reports.export_text(report.id, "html", redact=args.redact),
                          title=redact(report.title) if args.redact else report.title)
        if args.json:
            _emit({"report_id": report.id, "format": "pdf", "path": str(out.absolute()), "pages": pages})
        else:
            print(f"{out} ({pages} pages)")
        return 0
    text = kb.reports.export_text(report.id, args.format, redact=args.redact)
    if args.out:
        out = Path(args.out)
        atomic_write_bytes(out, text.encode("utf-8"))
        if args.json:
            _emit({"report_id": report.id, "format": args.format, "path": str(out.absolute())})
        return 0
    if args.json:
        emit({"report_id": report.id, "format": args.format, "content": text})  # redacted unless told
    else:
        sys.stdout.write(text)
    return 0


def _show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    report = kb.reports.get(args.id)
    if args.json:
        _emit(report.to_json())
    else:
        sys.stdout.write(kb.reports.export_text(report.id, "md"))
    return 0


def _list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    reports = kb.reports.list_reports()
    if args.json:
        _emit([r.to_json() for r in reports])
        return 0
    for r in reports:
        print(f"{_shown(r):<5} incident #{r.incident_id:<4} {r.submitted_at:%Y-%m-%d}  {r.title}")
    return 0


def _lesson_add(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    lesson = kb.lessons.add(args.playbook, text, step=args.step, incident_id=args.incident, report_id=args.report)
    if args.json:
        _emit(lesson.to_json())
    else:
        print(f"lesson {shown_id(lesson)} ({lesson.doc_id}) saved: {lesson.path}")
    return 0


def _lesson_list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    lessons = kb.lessons.list(args.playbook)
    if args.json:
        _emit([x.to_json() for x in lessons])
        return 0
    for x in lessons:
        where = f"step {x.step}" if x.step else "whole"
        print(f"{shown_id(x):<5} {x.playbook_id} ({where}): {x.text.splitlines()[0]}")
    return 0


def _propose(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    text = Path(args.file).read_text(encoding="utf-8")
    change = kb.changes.propose(args.playbook, text, reason=args.reason, lesson_id=args.lesson)
    if args.json:
        _emit(change.to_json())
    else:
        print(f"change #{change.id} proposed for {change.playbook_id}; review it with: kbapp playbook diff {change.id}")
    return 0


def _changes(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    changes = kb.changes.list(args.playbook)
    if args.json:
        _emit([c.to_json() for c in changes])
        return 0
    for c in changes:
        decided = f" by {c.decided_by}" if c.decided_by else ""
        print(f"#{c.id:<4} {c.playbook_id} v{c.base_version} {c.status}{decided}: {c.reason}")
    return 0


def _diff(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    change = kb.changes.get(args.change)
    if args.json:
        _emit(change.to_json())
    else:
        sys.stdout.write(change.diff())
    return 0


def _approve(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    change = kb.changes.approve(args.change, note=args.note)
    if args.json:
        _emit(change.to_json())
    else:
        print(f"change #{change.id} approved: {change.playbook_id} is now version {change.new_version}")
    return 0


def _reject(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    change = kb.changes.reject(args.change, note=args.note)
    if args.json:
        _emit(change.to_json())
    else:
        print(f"change #{change.id} rejected")
    return 0


def _versions(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    versions = kb.changes.versions(args.playbook)
    if args.show is not None:
        match = [v for v in versions if v.version == args.show]
        if not match:
            raise ReportError(f"{args.playbook} has no version {args.show} "
                              f"(versions: {', '.join(str(v.version) for v in versions)})", field="show")
        sys.stdout.write(match[-1].text)
        return 0
    if args.json:
        _emit([{"version": v.version, "replaced_at": v.replaced_at.isoformat() if v.replaced_at else None,
                "replaced_by": v.replaced_by} for v in versions])
        return 0
    for v in versions:
        state = f"replaced {v.replaced_at:%Y-%m-%d} (approved by {v.replaced_by})" if v.replaced_at else "current"
        print(f"v{v.version}: {state}")
    return 0
