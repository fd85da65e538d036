"""``kbapp visit ...`` (定期回访, follow-up visits) and the plan commands of ``kbapp inspect``
(巡检计划: plan, plans, due, backup).

Exit status: 0 done, 1 bad input (the message names the field), 2 the database or a
file could not be used. ``kbapp visit due`` and ``kbapp inspect due`` exit 0 whatever
they list; their JSON says each item's state (overdue, due).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit_redacted as _emit
from kbapp.cli.common import pad as _pad
from kbapp.cli.common import print_redacted
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.export import format_time
from kbapp.plan import inspection_plans as ip
from kbapp.plan import schedule as sch
from kbapp.plan import visits as vs

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase
    from kbapp.plan.changes import ChangeRequest
    from kbapp.records.workflow import ProblemRecord

# What people typed (descriptions, remarks, issues) may carry passwords: what this module prints is redacted.
print = print_redacted  # noqa: A001


def register(subparsers: Subparsers) -> None:
    visit = subparsers.add_parser("visit", help="follow-up visits (定期回访): plans per customer, visits, due",
                                  description="A follow-up schedule per customer; each visit's record; the visits "
                                              "due and overdue; an issue raised becomes a problem record or a change "
                                              "request in one step.")
    sub = visit.add_subparsers(dest="visit_command", metavar="ACTION", required=True)
    p = _add(sub, "plan", _visit_plan, "schedule follow-up visits for a customer; prints the plan's id")
    p.add_argument("--customer", required=True)
    p.add_argument("--every", default="monthly", help="daily, weekly, monthly (default) or quarterly")
    p.add_argument("--first", metavar="DATE", help="the first visit's due date (default: today)")
    p.add_argument("--system", default="")
    p.add_argument("--contact", default="", help="whom to call at the customer")
    p = _add(sub, "plans", _visit_plans, "list the follow-up plans with their next due date")
    p.add_argument("--customer")
    p = _add(sub, "done", _visit_done, "record a visit made; prints its id (and its issues' ids)")
    p.add_argument("plan", nargs="?", metavar="PLAN", help="the plan it was for (or give --customer)")
    p.add_argument("--customer", default="")
    p.add_argument("--by", default="", metavar="NAME", help="who made the visit (default: you)")
    p.add_argument("--method", default="phone", help="phone (电话), onsite (现场), remote, email or chat")
    p.add_argument("--satisfaction", default="satisfied",
                   help="very-satisfied, satisfied, fair or dissatisfied (非常满意/满意/基本满意/不满意)")
    p.add_argument("--remarks", default="", help="the customer's remarks")
    p.add_argument("--issue", action="append", default=[], metavar="TEXT",
                   help="an issue the customer raised (repeat for several)")
    p.add_argument("--at", metavar="TIME", help="when it was made (ISO time with zone; default: now)")
    p = _add(sub, "due", _visit_due, "the visits overdue and due (by tomorrow unless --days)")
    p.add_argument("--days", type=int, default=sch.DEFAULT_HORIZON, help="look this many days ahead (default 1)")
    p.add_argument("--customer")
    p = _add(sub, "show", _visit_show, "a visit with its issues")
    p.add_argument("id", metavar="ID")
    p = _add(sub, "list", _visit_list, "visits made, newest first")
    p.add_argument("--customer")
    p = _add(sub, "raise", _visit_raise, "turn a visit's issue into a problem record or a change request")
    p.add_argument("issue", metavar="ISSUE", help="the issue's id (kbapp visit show)")
    p.add_argument("--as", dest="as_what", required=True, choices=("record", "change"))
    p.add_argument("--kind", default="", help="record: defect (default) or consultation; "
                                              "change: requirement (default), unclear or defect")
    p.add_argument("--days", metavar="N", help="a new requirement's estimate in working days")


def register_inspect_plans(sub: Subparsers) -> None:
    """Adds plan, plans, due and backup to ``kbapp inspect``."""
    p = _add(sub, "plan", _inspect_plan, "schedule inspections for a customer's system; prints the plan's id")
    p.add_argument("--customer", required=True)
    p.add_argument("--system", default="")
    p.add_argument("--every", default="daily", help="daily (default), weekly or monthly")
    p.add_argument("--first", metavar="DATE", help="the first inspection's due date (default: today)")
    p.add_argument("--checklist", default="routine-inspection")
    p.add_argument("--inspector", default="")
    p.add_argument("--full-backup-days", dest="full_days", default=7,
                   help="a full backup older than this many days is missed (default 7)")
    p = _add(sub, "plans", _inspect_plans, "list the inspection plans with their next due date")
    p.add_argument("--customer")
    p = _add(sub, "due", _inspect_due, "inspections overdue and due (by tomorrow unless --days), missed backups")
    p.add_argument("--days", type=int, default=sch.DEFAULT_HORIZON, help="look this many days ahead (default 1)")
    p.add_argument("--customer")
    p = _add(sub, "backup", _inspect_backup, "record the last good backups seen (ch. 8)")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--incremental", metavar="DATE", help="the last good daily incremental backup")
    p.add_argument("--full", metavar="DATE", help="the last good full backup")
    p.add_argument("--inspection", metavar="ID", help="the inspection it was checked in")
    p.add_argument("--note", default="")


def _label(labels: dict[str, tuple[str, str]], key: str) -> str:
    zh, en = labels.get(key, (key, key))
    return f"{zh} {en}"


def _standing(st: sch.Standing) -> str:
    text = f"{_label(sch.STATE_LABELS, st.state)} {st.due_date.isoformat()}"
    if st.state == sch.OVERDUE:
        text += f" (逾期 {st.overdue_days} 天 {st.overdue_days} day(s) late)"
    return text


# -- visits -----------------------------------------------------------------------------------

def _visit_plan(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    plan = kb.visits.new_plan(args.customer, args.every, args.first, system=args.system, contact=args.contact)
    if args.json:
        _emit(plan.to_json())
    else:
        print(plan.id)
    return 0


def _visit_plans(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    plans = kb.visits.plans(customer=args.customer)
    rows = [(p, kb.visits.next_due(p.id)) for p in plans]
    if args.json:
        _emit([{**p.to_json(), "next_due": d.isoformat()} for p, d in rows])
        return 0
    for p, d in rows:
        print(f"{p.id:>5}  {_pad(p.customer, 24)} {_pad(_label(sch.FREQUENCY_LABELS, p.frequency), 18)} "
              f"next {d.isoformat()}")
    return 0


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise vs.VisitError(f"at: {text!r} is not a time (2026-12-01T10:30+08:00)", field="at") from None
    return value if value.tzinfo is not None else value.astimezone()  # a time without zone is local


def _visit_done(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    visit = kb.visits.record(args.plan, customer=args.customer, visitor=args.by, method=args.method,
                             satisfaction=args.satisfaction, remarks=args.remarks, issues=args.issue,
                             at=_time(args.at))
    if args.json:
        _emit(visit.to_json())
        return 0
    print(visit.id)
    for issue in visit.issues:
        print(f"  问题 issue {issue.id}: {issue.text}  (kbapp visit raise {issue.id} --as record|change)")
    return 0


def _visit_due(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    due = kb.visits.due(horizon=args.days, customer=args.customer)
    if args.json:
        _emit([d.to_json() for d in due])
        return 0
    if not due:
        print("无到期回访 no follow-up visit due")
    for d in due:
        last = format_time(d.last_visit) if d.last_visit else "从未 never"
        print(f"{d.plan.id:>5}  {_pad(d.plan.customer, 24)} {_pad(_standing(d.standing), 40)} 上次 last: {last}")
    return 0


def _visit_show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    v = kb.visits.get(args.id)
    if args.json:
        _emit(v.to_json())
        return 0
    print(f"回访 Visit #{v.id} {v.customer} — {format_time(v.at)} {v.visitor}, "
          f"{_label(vs.METHOD_LABELS, v.method)}, {_label(vs.SATISFACTION_LABELS, v.satisfaction)}")
    if v.due_date:
        print(f"  计划 plan #{v.plan_id}, 应回访 due {v.due_date.isoformat()}")
    if v.remarks:
        print(f"  意见 remarks: {v.remarks}")
    for i in v.issues:
        became = (f" → 问题记录 record #{i.record_id}" if i.record_id else
                  f" → 变更 change #{i.change_id}" if i.change_id else "")
        print(f"  问题 issue {i.id}: {i.text}{became}")
    return 0


def _visit_list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    visits = kb.visits.list(customer=args.customer)
    if args.json:
        _emit([v.to_json() for v in visits])
        return 0
    for v in visits:
        print(f"{v.id:>5}  {format_time(v.at)}  {_pad(v.customer, 24)} {_label(vs.SATISFACTION_LABELS, v.satisfaction)}")
    return 0


def _visit_raise(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    if args.as_what == "record":
        made: ProblemRecord | ChangeRequest = kb.visits.to_record(args.issue, kind=args.kind or "defect")
        data, text = {"record": made.to_json()}, f"问题记录 record #{made.id}"
    else:
        made = kb.visits.to_change(args.issue, kind=args.kind or "requirement", days=args.days)
        data, text = {"change": made.to_json()}, f"变更 change #{made.id}"
    if args.json:
        _emit({"id": made.id, **data})
    else:
        print(made.id)
        print(f"  {text}: {made.title}")
    return 0


# -- inspection plans ---------------------------------------------------------------------------

def _inspect_plan(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    plan = kb.inspection_plans.new_plan(args.customer, args.system, args.every, args.first, checklist=args.checklist,
                                        inspector=args.inspector, full_backup_days=args.full_days)
    if args.json:
        _emit(plan.to_json())
    else:
        print(plan.id)
    return 0


def _inspect_plans(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    service = kb.inspection_plans
    rows = [(p, service.next_due(p.id)) for p in service.plans(customer=args.customer)]
    if args.json:
        _emit([{**p.to_json(), "next_due": d.isoformat()} for p, d in rows])
        return 0
    for p, d in rows:
        print(f"{p.id:>5}  {_pad(p.name, 30)} {_pad(_label(sch.FREQUENCY_LABELS, p.frequency), 16)} "
              f"{_pad(p.checklist, 20)} next {d.isoformat()}")
    return 0


def _backup_line(b: ip.BackupStatus) -> str:
    state = {ip.OK: "正常 ok", ip.MISSED: "漏备 MISSED", ip.UNKNOWN: "未记录 never recorded"}[b.state]
    last = b.last_good.isoformat() if b.last_good else "—"
    return f"{_label(ip.BACKUP_LABELS, b.kind)}: {last} {state}"


def _inspect_due(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    due = kb.inspection_plans.due(horizon=args.days, customer=args.customer)
    if args.json:
        _emit([d.to_json() for d in due])
        return 0
    if not due:
        print("无到期巡检 no inspection due")
    for d in due:
        running = f"  进行中 in progress: #{d.open_inspection}" if d.open_inspection else ""
        print(f"{d.plan.id:>5}  {_pad(d.plan.name, 30)} {_pad(_standing(d.standing), 40)}{running}")
        for b in d.missed_backups:
            print(f"       ! {_backup_line(b)}")
    return 0


def _inspect_backup(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    if not args.incremental and not args.full:
        raise IncidentError("last_good: give --incremental DATE and/or --full DATE", field="last_good")
    out = []
    for kind, day in ((ip.INCREMENTAL, args.incremental), (ip.FULL, args.full)):
        if day:
            out.append(kb.inspection_plans.record_backup(args.plan, kind, day, inspection_id=args.inspection,
                                                         note=args.note))
    if args.json:
        _emit([b.to_json() for b in out])
        return 0
    for b in out:
        print(_backup_line(b))
    return 0
