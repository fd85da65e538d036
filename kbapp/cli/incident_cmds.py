"""``kbapp incident ...``: start, ack, step, note, plan, show, list, status, level, resolve,
responsible, reporter, channel, notified, escalate, export.

Every subcommand takes ``--json``. Exit status: 0 done, 1 bad input (unknown
incident or step, level V, an oversized note...), 2 the database or a file could
not be used. Errors are one ``kbapp: ...`` line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit, emit_redacted, print_redacted
from kbapp.cli.common import pad as _pad
from kbapp.cli.incident_offline import by_number, list_with_pending, local_first, queued_offline, show_or_pending
from kbapp.fsutil import atomic_write_bytes
from kbapp.incidents import lifecycle as lc
from kbapp.incidents.deadlines import worst_state
from kbapp.incidents.export import FORMATS, deadline_phrase, export_timeline, format_time
from kbapp.incidents.merge import unsettled
from kbapp.incidents.redaction import redacted_actions, redacted_incident
from kbapp.incidents.types import CHANNELS, RESULT_LABELS, describe_action
from kbapp.incidents.validate import parse_when
from kbapp.redact import redact
from kbapp.sync import SKEW_LIMIT_S

if TYPE_CHECKING:
    from typing import Any

    from kbapp.cli.common import Handler, Subparsers
    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.deadlines import Deadline
    from kbapp.incidents.types import Action


# Every line and JSON value this module prints is redacted (notes carry customers' passwords).
_emit = emit_redacted
print = print_redacted  # noqa: A001


_STATE_MARK = {"ok": " ", "close": "!", "passed": "✗", "met": "✓"}
_RESULT_MARK = {"done": "✓", "skipped": "-", "failed": "✗"}


def register(subparsers: Subparsers) -> None:
    incident = subparsers.add_parser(
        "incident", help="guided incident response (故障处理): start, ack, step, note, plan, show, list, status, "
                         "level, resolve, escalate, export…",
        description="Log and work incidents: fault levels I–IV, deadlines, playbook steps, an append-only log.",
    )
    sub = incident.add_subparsers(dest="incident_command", metavar="ACTION", required=True)

    p = _add(sub, "start", queued_offline("start", _start), "log a new incident and print its id")
    p.add_argument("--title", required=True, help="one line: what is wrong")
    p.add_argument("--level", required=True, help="fault level I, II, III or IV (故障级别)")
    p.add_argument("--playbook", action="append", default=[], metavar="ID", help="attach a playbook (repeatable)")
    p.add_argument("--description", default="", help="what the customer reported")
    p.add_argument("--notified-at", metavar="TIME",
                   help="when the customer notified us: ISO 8601 or HH:MM today (local time); default now")
    p.add_argument("--category", default="", help="e.g. config-loss, software, data-loss (类别)")
    p.add_argument("--channel", default="phone", help="phone, remote, onsite or consultation (服务方式)")
    p.add_argument("--reporter", default="", help="who reported it (报告人)")
    p.add_argument("--responsible", default="", help="who answers for it (负责人); escalation goes to their superior")
    p.add_argument("--customer", default="", help="the customer's organisation (客户单位), as the metrics group it;"
                   " a new name is added to the customer list")
    p.add_argument("--system", default="", help="the customer's business system (业务系统) concerned")

    p = _add(sub, "ack", by_number(_ack), "acknowledge (响应) the incident: meets the 30-minute response")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("--note", default="", help="optional remark")

    p = _add(sub, "step", queued_offline("step", _step), "mark a playbook step done, skipped or failed")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("step_number", metavar="STEP", help="step number")
    result = p.add_mutually_exclusive_group(required=True)
    result.add_argument("--done", dest="result", action="store_const", const="done")
    result.add_argument("--skip", dest="result", action="store_const", const="skipped")
    result.add_argument("--fail", dest="result", action="store_const", const="failed")
    p.add_argument("--note", default="", help="what was seen or done")
    p.add_argument("--playbook", metavar="ID", help="which playbook, when several are attached")
    p.add_argument("--goto", metavar="STEP", help="follow a decision to the step it names")
    p.add_argument("--emergency-plan", action="store_true",
                   help="this step (done) is the level I emergency plan (应急方案); the note is the plan")

    p = _add(sub, "plan", by_number(_plan), "record the handling plan (故障处理方案) or, with --emergency, the emergency plan")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("--text", required=True, help="the plan; - reads it from stdin")
    p.add_argument("--emergency", action="store_true", help="the level I emergency plan (应急方案)")

    p = _add(sub, "status", queued_offline("status", _status), "move the incident on: responding, mitigated, resolved, report_submitted, closed")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("status", metavar="STATUS")
    p.add_argument("--note", default="", help="why (required when closing an incident that was never solved)")
    p.add_argument("--as", dest="close_reason", default="", metavar="REASON",
                   help="closing one never solved: duplicate, withdrawn or not_an_incident (its clocks stop unmet)")

    p = _add(sub, "level", by_number(_level), "change the fault level; re-plans only the deadlines still open")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("level", metavar="LEVEL", help="I, II, III or IV")
    p.add_argument("--reason", required=True, help="why the level changes (logged)")

    for name, help_text in (("responsible", "set who answers for the incident (负责人)"),
                            ("reporter", "set who reported the incident (报告人)")):
        p = _add(sub, name, by_number(_set_person(name)), help_text)
        p.add_argument("id", metavar="ID", help="incident id")
        p.add_argument("name", metavar="NAME")
        p.add_argument("--reason", default="", help="why (logged)")

    p = _add(sub, "channel", by_number(_channel), "move the service channel on: phone → remote → onsite (logged)")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("channel", metavar="CHANNEL", help=", ".join(CHANNELS))
    p.add_argument("--reason", default="", help="why (required to go back down)")

    p = _add(sub, "notified", by_number(_notified), "correct when the customer notified us; every deadline follows")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("time", metavar="TIME", help="ISO 8601 or HH:MM today (local time)")
    p.add_argument("--reason", required=True, help="why the time is corrected (logged)")

    p = _add(sub, "escalate", by_number(_escalate), "escalate now: log and notify the next person up the escalation chain")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("--note", default="", help="what they should know")

    p = _add(sub, "note", queued_offline("note", _note), "add a note to the incident's log")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("text", metavar="TEXT", help="the note; - reads it from stdin")

    p = _add(sub, "correct", local_first(_correct), "correct an action of the log: the original stays, the "
                                                      "correction follows it (an action made offline too)")
    p.add_argument("action_id", metavar="ACTION", type=int, help="the action's id (#N in 'incident show')")
    p.add_argument("--text", required=True, help="what is right ('-' reads stdin)")

    p = _add(sub, "settle", by_number(_settle), "settle the conflicting moves desks made offline: say what stands")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("--note", required=True, help="what stands and why ('-' reads stdin)")

    p = _add(sub, "show", show_or_pending(_show), "show an incident with its deadlines, steps and timeline")
    p.add_argument("id", metavar="ID", help="incident id")

    p = _add(sub, "list", list_with_pending(_list), "list incidents, newest first")
    p.add_argument("--open", action="store_true", help="only incidents not closed yet")

    p = _add(sub, "resolve", queued_offline("resolve", _resolve), "mark the fault solved (the fault report is then due within 24 h)")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("--summary", required=True, help="how it was solved")

    p = _add(sub, "export", by_number(_export), "export the timeline as Markdown, CSV or HTML")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--no-redact", dest="redact", action="store_false",
                   help="keep passwords, tokens and keys as written (redacted by default)")


def _deadline_json(d: Deadline) -> dict[str, Any]:
    return d.to_json()


def _text_arg(value: str) -> str:
    return sys.stdin.read() if value == "-" else value


def _done(args: argparse.Namespace, kb: KnowledgeBase, action: Action, text: str | None = None) -> int:
    """The usual answer to a change: the action, and the incident's deadlines now."""
    if args.json:
        incident = kb.incidents.get(action.incident_id)
        _emit({"action": action.to_json(), "incident": incident.to_json(),
               "deadlines": [d.to_json() for d in kb.incidents.deadlines(incident)]})
    else:
        print(text or f"#{action.id} {describe_action(action)}")
    return 0


# -- handlers ---------------------------------------------------------------------------

def _start(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    svc = kb.incidents
    notified = parse_when(args.notified_at, svc.now()) if args.notified_at else None
    incident = svc.start(args.title, args.level, description=args.description, playbook_ids=args.playbook,
                         notified_at=notified, category=args.category, channel=args.channel,
                         reporter=args.reporter, responsible=args.responsible, customer=args.customer,
                         system=args.system)
    if args.json:
        deadlines = svc.deadlines(incident)
        _emit({"incident": incident.to_json(), "deadlines": [_deadline_json(d) for d in deadlines]})
    else:
        print(incident.id)
    return 0


def _ack(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    action = kb.incidents.acknowledge(args.id, note=args.note)
    response = next((d for d in kb.incidents.deadlines(action.incident_id) if d.key == "response"), None)
    line = f"#{action.id} 已响应 acknowledged"
    if response is not None:
        line += f"; 响应 Response: {deadline_phrase(response)}"
    return _done(args, kb, action, line)


def _plan(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    action = kb.incidents.record_plan(args.id, _text_arg(args.text), emergency=args.emergency)
    return _done(args, kb, action, f"#{action.id} {'应急方案 emergency plan' if args.emergency else '故障处理方案 handling plan'} recorded")


def _status(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    action = kb.incidents.set_status(args.id, args.status, note=args.note, close_reason=args.close_reason)
    return _done(args, kb, action)


def _level(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    return _done(args, kb, kb.incidents.change_level(args.id, args.level, reason=args.reason))


def _set_person(field: str) -> Handler:
    def handler(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        setter = kb.incidents.set_responsible if field == "responsible" else kb.incidents.set_reporter
        return _done(args, kb, setter(args.id, args.name, reason=args.reason))
    return handler


def _channel(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    return _done(args, kb, kb.incidents.set_channel(args.id, args.channel, reason=args.reason))


def _notified(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    svc = kb.incidents
    return _done(args, kb, svc.correct_notified_at(args.id, parse_when(args.time, svc.now()), reason=args.reason))


def _escalate(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    escalate = getattr(kb.incidents, "escalate_now", None) or kb.watcher().escalate_now  # local first on a team desk
    done = escalate(args.id, note=args.note)
    if done.warning:
        print(f"kbapp: warning: {done.warning}", file=sys.stderr)
    if args.json:
        _emit({"action_id": done.action_id, "incident_id": done.incident_id, "step": done.step,
               "person": {"name": done.person.name, "role": done.person.role, "phone": done.person.phone,
                          "email": done.person.email}, "notifications_queued": done.queued})
        return 0
    who = ", ".join(x for x in (done.person.role, done.person.phone) if x)
    print(f"#{done.action_id} 升级 escalated to {done.person.name}{' (' + who + ')' if who else ''}")
    if done.queued:
        print(f"  {done.queued} notification(s) queued; `kbapp watch --once` or the window sends them")
    return 0


def _step(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    svc = kb.incidents
    action = svc.step(args.id, args.step_number, args.result, note=args.note, playbook_id=args.playbook,
                      goto=args.goto, emergency_plan=args.emergency_plan)
    run = next((r for r in svc.playbook_runs(action.incident_id) if r.playbook_id == action.playbook_id), None)
    if args.json:
        _emit({"action": action.to_json(), "runner": run.to_json() if run else None})
        return 0
    zh, en = RESULT_LABELS[action.payload["result"]]
    print(f"#{action.id} 第 {action.step} 步 step {action.step}: {zh} {en}")
    if run is not None:
        if run.current is None:
            print("全部步骤已完成 all steps are through")
        else:
            nxt = run.step(run.current)
            print(f"下一步 next: 第 {run.current} 步 step {run.current} {nxt.title if nxt else ''}".rstrip())
    return 0


def _correct(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    return _done(args, kb, kb.incidents.correct(args.action_id, _text_arg(args.text)))


def _note(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    action = kb.incidents.note(args.id, _text_arg(args.text))
    if args.json:
        _emit({"action": action.to_json()})
    else:
        print(f"#{action.id}")
    return 0


def _show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    svc = kb.incidents
    incident = svc.get(args.id)
    deadlines = svc.deadlines(incident)
    runs = svc.playbook_runs(incident.id)
    # Field by field first (rules that read a whole line, "AUTH pw", a Cookie: header, see
    # the note alone), then every printed line again.
    incident, timeline = redacted_incident(incident), redacted_actions(svc.timeline(incident.id))
    warranty = _warranty(kb, incident)
    flags = unsettled(timeline)  # conflicting moves from offline desks, for a person to settle
    if args.json:
        _emit({"incident": incident.to_json(), "in_warranty": warranty,
               "needs_settling": [a.to_json() for a in flags],
               "deadlines": [_deadline_json(d) for d in deadlines],
               "runner": [r.to_json() for r in runs], "timeline": [a.to_json() for a in timeline]})
        return 0
    print(f"#{incident.id} [{incident.level}] {incident.title}")
    print(f"  状态 status: {lc.label(incident.status)}    通知时间 notified: {format_time(incident.notified_at)}")
    print(f"  负责人 responsible: {incident.responsible or '—'}    报告人 reporter: {incident.reporter or '—'}"
          f"    服务方式 channel: {incident.channel}")
    if incident.customer:
        inside = {True: "质保期内 in warranty", False: "质保期外 out of warranty",
                  None: "质保期未知 warranty unknown (no acceptance date)"}[warranty]
        system = f" / {incident.system}" if incident.system else ""
        print(f"  客户单位 customer: {incident.customer}{system}    {inside}")
    if flags:
        print(f"  ⚠ 待人工裁定 needs settling: {len(flags)} conflicting move(s) made offline; "
              f"'kbapp incident settle {incident.id} --note …' once decided")
        for a in flags:
            print(f"    #{a.id} {a.actor}: {a.details}")
    if incident.description:
        print(f"  描述 description: {incident.description}")
    if incident.summary:
        print(f"  总结 summary: {incident.summary}")
    if deadlines:
        print("\n时限 Deadlines")
        for d in deadlines:
            mark = "✗" if d.late else _STATE_MARK.get(d.state, " ")
            met = f"  met {format_time(d.met_at)}" if d.met_at else ""
            print(f"  {mark} {_pad(d.label, 28)} due {format_time(d.due_at)}  {deadline_phrase(d)}{met}")
    for run in runs:
        missing = " (no longer in the library)" if run.missing else ""
        print(f"\n预案 Playbook {run.playbook_id}: {run.title}{missing}")
        for s in run.steps:
            mark = _RESULT_MARK.get(s.result or "", "▶" if s.number == run.current else " ")
            note = f"  — {redact(s.note)}" if s.note else ""
            print(f"  {mark} {s.number}. {s.title}{note}")
    print("\n时间线 Timeline")
    for a in timeline:
        fixed = f" (corrected by {', '.join('#' + str(i) for i in a.corrected_by)})" if a.corrected_by else ""
        late = a.received_at is not None and abs((a.received_at - a.at).total_seconds()) > SKEW_LIMIT_S
        got = f" (server {format_time(a.received_at)})" if late and a.received_at is not None else ""
        print(f"  #{a.id} {format_time(a.at)} {a.actor} {a.kind}: {describe_action(a)}{fixed}{got}")
    return 0


def _warranty(kb: KnowledgeBase, incident: Any) -> bool | None:
    from kbapp.store.db import StoreUnreachable

    try:
        return kb.customers.warranty_on(incident.customer, incident.notified_at) if incident.customer else None
    except StoreUnreachable:
        return None  # offline: not known on this desk


def _settle(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from kbapp.incidents.merge import settle

    svc: Any = kb.incidents
    if hasattr(svc, "escalate_now"):  # a team desk: local first (kbapp.local_first)
        return _done(args, kb, svc.settle(args.id, _text_arg(args.note)))
    return _done(args, kb, settle(svc, args.id, _text_arg(args.note)))


def _list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    svc = kb.incidents
    incidents = svc.list(open_only=args.open)
    rows = [(i, worst_state(svc.deadlines(i))) for i in incidents]
    if args.json:
        _emit([{**i.to_json(), "deadline_state": state} for i, state in rows])
        return 0
    for i, state in rows:
        if i.pending:  # started offline on this desk: no number yet
            print(f"{'pending':>7}  {i.level:<3} {i.status:<16} {_STATE_MARK.get(state, ' ')} {i.title}  ({i.uid})")
        else:
            print(f"{i.id:>5}  {i.level:<3} {i.status:<16} {_STATE_MARK.get(state, ' ')} {i.title}")
    _print_due(kb)
    return 0


def _print_due(kb: KnowledgeBase) -> None:
    """The follow-up visits and inspections overdue or due, as the window's banner says."""
    from kbapp.plan.schedule import due_line
    from kbapp.store.db import StoreUnreachable

    try:
        line = due_line(kb.visits.due(), kb.inspection_plans.due())
    except StoreUnreachable:
        return  # offline: the incidents came from this desk's copy, the plans are on the server
    if line:
        print(line)


def _resolve(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    action = kb.incidents.resolve(args.id, args.summary)
    if args.json:
        incident = kb.incidents.get(action.incident_id)
        _emit({"action": action.to_json(), "incident": incident.to_json(),
               "deadlines": [_deadline_json(d) for d in kb.incidents.deadlines(incident)]})
    else:
        print(f"#{action.id} resolved; 故障处理报告 fault report due within 24 h")
    return 0


def _export(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    svc = kb.incidents
    incident = svc.get(args.id)
    text = export_timeline(args.format, incident, svc.timeline(incident.id), svc.deadlines(incident),
                           redact=args.redact)
    if args.out:
        out = Path(args.out)
        # A BOM lets Excel on Chinese Windows read a UTF-8 CSV correctly.
        data = text.encode("utf-8-sig" if args.format == "csv" else "utf-8")
        try:
            atomic_write_bytes(out, data)
        except OSError as exc:
            print(f"kbapp: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        if args.json:
            _emit({"incident_id": incident.id, "format": args.format, "path": str(out.absolute()), "bytes": len(data)})
        return 0
    if args.json:
        emit({"incident_id": incident.id, "format": args.format, "content": text})  # redacted unless told
    else:
        sys.stdout.write(text)
    return 0
