"""``kbapp record ...``: problem records (问题记录): new, move, show, list.

Every subcommand takes ``--json``. Exit status: 0 done, 1 bad input (unknown record,
an illegal move, a missing field), 2 the database or a file could not be used.
Errors are one ``kbapp: ...`` line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kbapp.cli.common import emit_redacted as _emit
from kbapp.cli.common import pad as _pad
from kbapp.cli.common import print_redacted
from kbapp.cli.desk_offline import PENDING, add_on_desk, shown_id
from kbapp.incidents.export import format_time
from kbapp.records import workflow as wf

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase

# Records hold what customers said, passwords included: what this module prints is redacted.
print = print_redacted  # noqa: A001
_add = add_on_desk("record_id")  # on a team desk, local first (kbapp.desk_writes)

# The move options and the record fields they fill.
_MOVE_OPTIONS = (("--class", "classification", "technical, business or operation (技术/业务/操作问题)"),
                 ("--assignee", "assignee", "analysed: who of the technical or business staff takes it (处理人)"),
                 ("--fix", "fix", "proposed: the proposed fix (处理建议和措施)"),
                 ("--supervisor", "supervisor", "signed_off: the supervisor signing off the fix (主管领导签字); "
                                                "default: the acting engineer"),
                 ("--role", "supervisor_role", "signed_off: the supervisor's role (default: the one kbapp knows "
                                               "from the engineer or the escalation chain)"),
                 ("--cause", "cause", "resolved: why it happened (问题原因)"),
                 ("--prevention", "prevention", "resolved: how it is kept from happening again (预防措施)"),
                 ("--tips", "tips", "resolved: the tips given to the user (给用户的提示)"),
                 ("--solution", "solution", "replied: the solution sent back to the reporter (解决方案)"),
                 ("--analysis", "analysis", "replied: how it was analysed (分析过程)"),
                 ("--change-record", "change_record", "replied: what changed in the system (变更记录)"),
                 ("--answer", "answer", "the answer that closes a consultation (解答)"),
                 ("--note", "note", "a remark logged with the move"))


def register(subparsers: Subparsers) -> None:
    record = subparsers.add_parser(
        "record", help="problem records (问题记录): consultations and defects; new, move, show, list",
        description="Consultation (咨询类) and defect (系统缺陷类) records. A defect moves "
                    "submitted → analysed → proposed → signed_off (by a supervisor, not the proposer) → resolved "
                    "→ reported → replied; a consultation submitted → closed.",
    )
    sub = record.add_subparsers(dest="record_command", metavar="ACTION", required=True)

    p = _add(sub, "new", _new, "create a record and print its id")
    p.add_argument("--kind", required=True, help="consultation (咨询类) or defect (系统缺陷类)")
    p.add_argument("--title", default="", help="one line: the problem (taken from the incident if omitted)")
    p.add_argument("--description", default="", help="what the reporter described")
    p.add_argument("--reporter", default="", help="who raised it (提出人)")
    p.add_argument("--place", default="", help="where (地点)")
    p.add_argument("--at", dest="raised_at", default=None, metavar="TIME",
                   help="when it was raised (ISO 8601, or HH:MM today); default: now")
    p.add_argument("--customer", default=None, help="the customer (客户单位)")
    p.add_argument("--system", default=None, help="the customer's system (系统)")
    p.add_argument("--incident", metavar="ID", help="the incident this record comes from")

    p = _add(sub, "move", _move, "move a record to its next state (with that move's fields)")
    p.add_argument("id", metavar="ID", help="record id")
    p.add_argument("state", metavar="STATE", help=f"the new state: {', '.join(wf.STATES)}")
    for option, dest, help_text in _MOVE_OPTIONS:
        metavar = {"classification": "CLASS", "supervisor": "NAME", "assignee": "NAME",
                   "supervisor_role": "ROLE"}.get(dest, "TEXT")
        p.add_argument(option, dest=dest, default=None, metavar=metavar, help=help_text)

    p = _add(sub, "show", _show, "show a record with its history and the moves it allows")
    p.add_argument("id", metavar="ID", help="record id")

    p = _add(sub, "list", _list, "list records, newest first")
    p.add_argument("--kind", help="only consultation or defect records")
    p.add_argument("--state", help="only records in this state")
    p.add_argument("--incident", metavar="ID", help="only records from this incident")
    p.add_argument("--staff", dest="assigned_role", metavar="ROLE",
                   help="only records gone to the technical or the business staff")
    p.add_argument("--customer", default=None, help="only this customer's records")





_OPTION_OF = {dest: option for option, dest, _ in _MOVE_OPTIONS}


def _next_hint(record: wf.ProblemRecord) -> str:
    if record.finished:
        return "已完结 finished"
    parts = []
    for state in record.next_states:
        needs = " ".join(_OPTION_OF[f] for f in wf.required_fields(record.kind, state)
                         if state != wf.SIGNED_OFF)  # the sign-off defaults to the engineer
        parts.append(f"{state}{' ' + needs if needs else ''}")
    return "下一步 next: " + "; ".join(parts)


# -- handlers ---------------------------------------------------------------------------

def _new(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    record = kb.records.new(args.kind, args.title, description=args.description, reporter=args.reporter,
                            place=args.place, incident_id=args.incident, raised_at=args.raised_at,
                            customer=args.customer, system=args.system)
    if args.json:
        _emit({"record": record.to_json(), "history": [t.to_json() for t in kb.records.history(record.id)]})
    else:
        print(f"{PENDING} {record.uid}" if record.pending else record.id)
    return 0


def _move(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    fields = {dest: getattr(args, dest) for _, dest, _ in _MOVE_OPTIONS if getattr(args, dest) is not None}
    record = kb.records.move(args.id, args.state, **fields)
    transition = kb.records.history(record.id)[-1]
    if args.json:
        _emit({"record": record.to_json(), "transition": transition.to_json()})
        return 0
    print(f"{shown_id(record)} {transition.describe()}")
    print(f"  {_next_hint(record)}")
    return 0


def _show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    record = kb.records.get(args.id)
    history = kb.records.history(record.id)
    if args.json:
        _emit({"record": record.to_json(), "history": [t.to_json() for t in history]})
        return 0
    print(f"{shown_id(record)} {record.title}")
    print(f"  类型 kind: {wf.label(wf.KIND_LABELS, record.kind)}    状态 state: {wf.label(wf.STATE_LABELS, record.state)}")
    staff = wf.label(wf.ASSIGNED_LABELS, record.assigned_role) if record.assigned_role else ""
    supervisor = record.supervisor
    if supervisor and record.supervisor_role:
        supervisor += f" ({record.supervisor_role})"
    if supervisor and record.signed_off_at:
        supervisor += f", {format_time(record.signed_off_at)}"
    rows = [("提出时间 raised", format_time(record.raised)), ("提出人 reporter", record.reporter),
            ("地点 place", record.place), ("客户单位 customer", record.customer or ""),
            ("系统 system", record.system or ""),
            ("关联故障 incident", f"#{record.incident_id}" if record.incident_id else ""),
            ("问题类型 class", wf.label(wf.CLASSIFICATION_LABELS, record.classification) if record.classification else ""),
            ("交办 assigned to", f"{staff} {record.assignee}".strip()),
            ("转换 converted", "系统缺陷类 → 咨询类 defect → consultation" if record.converted_from else ""),
            ("描述 description", record.description), ("处理建议 fix", record.fix),
            ("建议提出人 proposed by", record.proposed_by), ("主管签字 supervisor", supervisor),
            ("解答 answer", record.answer), ("问题原因 cause", record.cause), ("预防措施 prevention", record.prevention),
            ("用户提示 tips", record.tips), ("解决方案 solution", record.solution),
            ("分析过程 analysis", record.analysis), ("变更记录 change record", record.change_record),
            ("文档 document", record.file_name)]
    for name, value in rows:
        if value:
            print(f"  {_pad(name, 22)} {value}")
    print(f"  {_next_hint(record)}")
    print("\n处理记录 History")
    for t in history:
        print(f"  {format_time(t.at)} {t.actor}: {t.describe()}")
    return 0


def _list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    records = kb.records.list(kind=args.kind, state=args.state, incident_id=args.incident,
                              assigned_role=args.assigned_role, customer=args.customer)
    if args.json:
        _emit([r.to_json() for r in records])
        return 0
    for r in records:
        kind = wf.KIND_LABELS[r.kind][0]
        state = wf.label(wf.STATE_LABELS, r.state)
        print(f"{'pending' if r.pending else r.id:>5}  {_pad(kind, 10)} {_pad(state, 26)} {r.title}")
    return 0
