"""``kbapp change ...``: change requests of the trial operation (程序功能调整, plan ch. 3.2.1).

new, approve, refuse, start, done, show, list, submission. Exit status: 0 done, 1 bad
input or a move the plan forbids (``start`` while the approval it needs is missing), 2
the database or a file could not be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.cli.common import emit_redacted as _emit
from kbapp.cli.common import pad as _pad
from kbapp.cli.common import print_redacted
from kbapp.cli.desk_offline import PENDING, add_on_desk, shown_id
from kbapp.incidents.export import format_time
from kbapp.plan import changes as ch
from kbapp.plan import workdays

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase

# What people typed (descriptions, remarks, issues) may carry passwords: what this module prints is redacted.
print = print_redacted  # noqa: A001
_add = add_on_desk("change_id")  # on a team desk, local first (kbapp.desk_writes)


def register(subparsers: Subparsers) -> None:
    change = subparsers.add_parser(
        "change", help="change requests (程序功能调整): defect, unclear function, new requirement",
        description="A defect is fixed on the spot once logged; an unclear function needs the department "
                    "head's approval; a new requirement needs the department head's up to 10 working days, "
                    "the company leadership's above that.")
    sub = change.add_subparsers(dest="change_command", metavar="ACTION", required=True)

    p = _add(sub, "new", _new, "log a change request and print its id")
    p.add_argument("--kind", required=True, help="defect, unclear or requirement (缺陷处理/模糊功能/新增需求)")
    p.add_argument("--title", required=True, help="one line: the change")
    p.add_argument("--days", metavar="N", help="estimated working days (a new requirement needs it)")
    p.add_argument("--until", metavar="DATE", help="instead of --days: the planned finish date; the working days "
                                                    "from today to it are counted (Chinese holidays and make-up "
                                                    "workdays)")
    p.add_argument("--description", default="", help="what is asked (修改要求)")
    p.add_argument("--maintenance", default="", help="corrective, adaptive, perfective or preventive (ch. 3.1)")
    p.add_argument("--customer", default="", help="the customer (客户单位)")
    p.add_argument("--raised-by", dest="raised_by", default="", help="who asked for it")
    p.add_argument("--record", metavar="ID", help="the problem record it comes from")

    for name, handler, verb in (("approve", _approve, "approve"), ("refuse", _refuse, "refuse")):
        p = _add(sub, name, handler, f"{verb} a change request awaiting approval")
        p.add_argument("id", metavar="ID")
        p.add_argument("--by", required=True, metavar="NAME", help="who decides")
        p.add_argument("--as", dest="as_role", required=True, metavar="ROLE",
                       help="department-head (部门领导) or leadership (公司领导)")
        p.add_argument("--note", default="", help="the decision's remark")

    p = _add(sub, "start", _start, "start the work (refused while the approval it needs is missing)")
    p.add_argument("id", metavar="ID")
    p = _add(sub, "done", _done, "finish the work, saying what changed in the system")
    p.add_argument("id", metavar="ID")
    p.add_argument("--result", required=True, help="what was changed (the change record)")
    p = _add(sub, "show", _show, "show a change request with its history")
    p.add_argument("id", metavar="ID")
    p = _add(sub, "list", _list, "list change requests, newest first")
    p.add_argument("--state", help=f"only this state: {', '.join(ch.STATES)}")
    p.add_argument("--kind", help="only this kind")
    p = _add(sub, "submission", _submission, "print the written submission (书面报批单) as Markdown",
             json_flag=False)
    p.add_argument("id", metavar="ID")
    p.add_argument("--output", "-o", metavar="FILE", help="write it to FILE instead")


def _days(args: argparse.Namespace, kb: KnowledgeBase) -> int | None:
    if args.until and args.days:
        raise ch.ChangeError("days: give --days or --until, not both", field="days")
    if not args.until:
        return args.days
    try:
        until = dt.date.fromisoformat(args.until)
    except ValueError:
        raise ch.ChangeError(f"until: {args.until!r} is not a date (YYYY-MM-DD)", field="until") from None
    today = kb.change_requests.now().astimezone().date()
    days = workdays.working_days_between(today, until)
    if days < 1:
        raise ch.ChangeError(f"until: no working day from {today} to {until}", field="until")
    return days


def _line(c: ch.ChangeRequest) -> str:
    size = f" {c.days}d" if c.days is not None else ""
    return (f"{'pending' if c.pending else c.id:>5}  {_pad(ch.KIND_LABELS[c.kind][0] + size, 14)} {_pad(ch.label(ch.STATE_LABELS, c.state), 24)} "
            f"{c.title}")


def _print(c: ch.ChangeRequest, json_out: bool, events: list[ch.ChangeEvent] | None = None) -> None:
    if json_out:
        data = c.to_json()
        if events is not None:
            data["history"] = [e.to_json() for e in events]
        _emit(data)
        return
    print(f"{shown_id(c)} {c.title}")
    rows = [("类型 kind", ch.label(ch.KIND_LABELS, c.kind)), ("状态 state", ch.label(ch.STATE_LABELS, c.state)),
            ("维护 maintenance", ch.label(ch.MAINTENANCE_LABELS, c.maintenance)),
            ("工作量 estimate", f"{c.days} 工作日 working days" if c.days is not None else ""),
            ("审批 approval", ch.label(ch.APPROVER_LABELS, c.needs)),
            ("决定 decision", f"{c.decided_by} ({ch.label(ch.APPROVER_LABELS, c.decided_as)}) "
                              f"{format_time(c.decided_at)}" if c.decided_at else ""),
            ("客户 customer", c.customer), ("提出人 raised by", c.raised_by),
            ("问题记录 record", f"#{c.record_id}" if c.record_id else ""),
            ("开始 started", f"{c.started_by} {format_time(c.started_at)}" if c.started_at else ""),
            ("计划完成 planned finish", str(c.planned_finish() or "")),
            ("结果 result", c.result)]
    for name, value in rows:
        if value:
            print(f"  {_pad(name, 24)} {value}")
    blocker = c.blocker()
    if blocker and c.state in (ch.LOGGED, ch.PENDING, ch.APPROVED):
        print(f"  {blocker}")
    if events:
        print("\n处理记录 History")
        for e in events:
            extra = f" — {e.note}" if e.note else ""
            print(f"  {format_time(e.at)} {e.actor}: {e.action} → {e.to_state}{extra}")


def _new(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    c = kb.change_requests.new(args.kind, args.title, days=_days(args, kb), description=args.description,
                               maintenance=args.maintenance, customer=args.customer, raised_by=args.raised_by,
                               record_id=args.record)
    if args.json:
        _emit(c.to_json())
    else:
        print(f"{PENDING} {c.uid}" if c.pending else c.id)
    return 0


def _approve(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    _print(kb.change_requests.approve(args.id, args.by, args.as_role, args.note), args.json)
    return 0


def _refuse(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    _print(kb.change_requests.refuse(args.id, args.by, args.as_role, args.note), args.json)
    return 0


def _start(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    _print(kb.change_requests.start(args.id), args.json)
    return 0


def _done(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    _print(kb.change_requests.done(args.id, args.result), args.json)
    return 0


def _show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    c = kb.change_requests.get(args.id)
    _print(c, args.json, kb.change_requests.history(c.id))
    return 0


def _list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    found = kb.change_requests.list(state=args.state, kind=args.kind)
    if args.json:
        _emit([c.to_json() for c in found])
        return 0
    for c in found:
        print(_line(c))
    return 0


def _submission(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    c = kb.change_requests.get(args.id)
    if not c.submission:
        raise ch.ChangeError(f"change_id: change #{c.id} is a defect: it has no written submission",
                             field="change_id")
    from kbapp.redact import redact

    text = redact(c.submission)
    if args.output:
        from kbapp.fsutil import atomic_write_text

        atomic_write_text(Path(args.output), text)
        print(args.output)
    else:
        print(text, end="")
    return 0
