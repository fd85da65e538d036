"""``kbapp incident ...``: start, step, note, show, list, resolve, export.

Every subcommand takes ``--json``. Exit status: 0 done, 1 bad input (unknown
incident or step, level V, an oversized note...), 2 the database or a file could
not be used. Errors are one ``kbapp: ...`` line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit as _emit
from kbapp.cli.common import pad as _pad
from kbapp.fsutil import atomic_write_bytes
from kbapp.incidents import lifecycle as lc
from kbapp.incidents.deadlines import Deadline, worst_state
from kbapp.incidents.export import FORMATS, export_timeline, format_remaining, format_time
from kbapp.incidents.records import RESULT_LABELS, describe_action

_STATE_MARK = {"ok": " ", "close": "!", "passed": "✗", "met": "✓"}
_RESULT_MARK = {"done": "✓", "skipped": "-", "failed": "✗"}


def register(subparsers) -> None:
    incident = subparsers.add_parser(
        "incident", help="guided incident response (故障处理): start, step, note, show, list, resolve, export",
        description="Log and work incidents: fault levels I–IV, deadlines, playbook steps, an append-only log.",
    )
    sub = incident.add_subparsers(dest="incident_command", metavar="ACTION", required=True)

    p = _add(sub, "start", _start, "log a new incident and print its id")
    p.add_argument("--title", required=True, help="one line: what is wrong")
    p.add_argument("--level", required=True, help="fault level I, II, III or IV (故障级别)")
    p.add_argument("--playbook", action="append", default=[], metavar="ID", help="attach a playbook (repeatable)")
    p.add_argument("--description", default="", help="what the customer reported")

    p = _add(sub, "step", _step, "mark a playbook step done, skipped or failed")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("step_number", metavar="STEP", help="step number")
    result = p.add_mutually_exclusive_group(required=True)
    result.add_argument("--done", dest="result", action="store_const", const="done")
    result.add_argument("--skip", dest="result", action="store_const", const="skipped")
    result.add_argument("--fail", dest="result", action="store_const", const="failed")
    p.add_argument("--note", default="", help="what was seen or done")
    p.add_argument("--playbook", metavar="ID", help="which playbook, when several are attached")
    p.add_argument("--goto", metavar="STEP", help="follow a decision to the step it names")

    p = _add(sub, "note", _note, "add a note to the incident's log")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("text", metavar="TEXT", help="the note; - reads it from stdin")

    p = _add(sub, "show", _show, "show an incident with its deadlines, steps and timeline")
    p.add_argument("id", metavar="ID", help="incident id")

    p = _add(sub, "list", _list, "list incidents, newest first")
    p.add_argument("--open", action="store_true", help="only incidents not closed yet")

    p = _add(sub, "resolve", _resolve, "mark the fault solved (the fault report is then due within 24 h)")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("--summary", required=True, help="how it was solved")

    p = _add(sub, "export", _export, "export the timeline as Markdown, CSV or HTML")
    p.add_argument("id", metavar="ID", help="incident id")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")


def _deadline_json(d: Deadline) -> dict:
    return {"key": d.key, "label_zh": d.label_zh, "label_en": d.label_en, "due_at": d.due_at.isoformat(),
            "state": d.state, "remaining_seconds": int(d.remaining.total_seconds()),
            "met_at": d.met_at.isoformat() if d.met_at else None, "late": d.late}


# -- handlers ---------------------------------------------------------------------------

def _start(args, kb) -> int:
    incident = kb.incidents.start(args.title, args.level, description=args.description, playbook_ids=args.playbook)
    if args.json:
        deadlines = kb.incidents.deadlines(incident)
        _emit({"incident": incident.to_json(), "deadlines": [_deadline_json(d) for d in deadlines]})
    else:
        print(incident.id)
    return 0


def _step(args, kb) -> int:
    svc = kb.incidents
    action = svc.step(args.id, args.step_number, args.result, note=args.note, playbook_id=args.playbook,
                      goto=args.goto)
    runner = next((r for r in svc.runner(action.incident_id) if r.playbook_id == action.playbook_id), None)
    if args.json:
        _emit({"action": action.to_json(), "runner": runner.to_json() if runner else None})
        return 0
    zh, en = RESULT_LABELS[action.payload["result"]]
    print(f"#{action.id} 第 {action.step} 步 step {action.step}: {zh} {en}")
    if runner is not None:
        if runner.current is None:
            print("全部步骤已完成 all steps are through")
        else:
            nxt = runner.step(runner.current)
            print(f"下一步 next: 第 {runner.current} 步 step {runner.current} {nxt.title if nxt else ''}".rstrip())
    return 0


def _note(args, kb) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    action = kb.incidents.note(args.id, text)
    if args.json:
        _emit({"action": action.to_json()})
    else:
        print(f"#{action.id}")
    return 0


def _show(args, kb) -> int:
    svc = kb.incidents
    incident = svc.get(args.id)
    deadlines = svc.deadlines(incident)
    runners = svc.runner(incident.id)
    timeline = svc.timeline(incident.id)
    if args.json:
        _emit({"incident": incident.to_json(), "deadlines": [_deadline_json(d) for d in deadlines],
               "runner": [r.to_json() for r in runners], "timeline": [a.to_json() for a in timeline]})
        return 0
    print(f"#{incident.id} [{incident.level}] {incident.title}")
    print(f"  状态 status: {lc.label(incident.status)}    通知时间 notified: {format_time(incident.notified_at)}")
    if incident.description:
        print(f"  描述 description: {incident.description}")
    if incident.summary:
        print(f"  总结 summary: {incident.summary}")
    if deadlines:
        print("\n时限 Deadlines")
        for d in deadlines:
            left = f"met {format_time(d.met_at)}" if d.met_at else format_remaining(d.remaining)
            print(f"  {_STATE_MARK.get(d.state, ' ')} {_pad(d.label, 28)} {format_time(d.due_at)}  {d.state:<6} {left}")
    for runner in runners:
        missing = " (no longer in the library)" if runner.missing else ""
        print(f"\n预案 Playbook {runner.playbook_id}: {runner.title}{missing}")
        for s in runner.steps:
            mark = _RESULT_MARK.get(s.result or "", "▶" if s.number == runner.current else " ")
            note = f"  — {s.note}" if s.note else ""
            print(f"  {mark} {s.number}. {s.title}{note}")
    print("\n时间线 Timeline")
    for a in timeline:
        fixed = f" (corrected by {', '.join('#' + str(i) for i in a.corrected_by)})" if a.corrected_by else ""
        print(f"  #{a.id} {format_time(a.at)} {a.actor} {a.kind}: {describe_action(a)}{fixed}")
    return 0


def _list(args, kb) -> int:
    svc = kb.incidents
    incidents = svc.list(open_only=args.open)
    rows = [(i, worst_state(svc.deadlines(i))) for i in incidents]
    if args.json:
        _emit([{**i.to_json(), "deadline_state": state} for i, state in rows])
        return 0
    for i, state in rows:
        print(f"{i.id:>5}  {i.level:<3} {i.status:<16} {_STATE_MARK.get(state, ' ')} {i.title}")
    return 0


def _resolve(args, kb) -> int:
    action = kb.incidents.resolve(args.id, args.summary)
    if args.json:
        incident = kb.incidents.get(action.incident_id)
        _emit({"action": action.to_json(), "incident": incident.to_json(),
               "deadlines": [_deadline_json(d) for d in kb.incidents.deadlines(incident)]})
    else:
        print(f"#{action.id} resolved; 故障处理报告 fault report due within 24 h")
    return 0


def _export(args, kb) -> int:
    svc = kb.incidents
    incident = svc.get(args.id)
    text = export_timeline(args.format, incident, svc.timeline(incident.id), svc.deadlines(incident))
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
        _emit({"incident_id": incident.id, "format": args.format, "content": text})
    else:
        sys.stdout.write(text)
    return 0
