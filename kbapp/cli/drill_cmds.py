"""``kbapp drill ...``, ``kbapp pack ...`` and ``kbapp inspect ...``: training on the CLI.

Drills and inspections are worked here end to end (start, steps or items, finish,
report), so a trainer without the desktop app can still run one. Most subcommands take
``--json``. Exit status: 0 done, 1 bad input (unknown drill, a broken scenario card...),
2 the database or a file could not be used; errors are one ``kbapp: ...`` line.
Qt is imported only for PDF output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit as _emit
from kbapp.cli.desk_offline import add_on_desk
from kbapp.fsutil import atomic_write_bytes, safe_filename
from kbapp.incidents import types as itypes
from kbapp.training.scenario import check_scenario

# Drills and inspections are incident rows: on a team desk they are run local first
# (kbapp.local_first), and an ID may be the uid of one started offline.
_on_desk = add_on_desk("incident_id")

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase
    from kbapp.training.scenario import Fact
    from kbapp.training.score import Score

_RESULT_MARK = {"done": "✓", "skipped": "-", "failed": "✗", "pass": "✓", "fail": "✗", "na": "-"}


def _report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID")
    p.add_argument("--format", required=True, choices=("md", "pdf"))
    p.add_argument("--out", metavar="FILE", help="write to FILE (Markdown: default stdout; PDF: default ./NAME.pdf)")
    p.add_argument("--no-redact", dest="redact", action="store_false", help="keep passwords, tokens and keys")


def register(subparsers: Subparsers) -> None:
    drill = subparsers.add_parser("drill", help="drills (演练): run a playbook against a scenario card and score it",
                                  description="Run any playbook as a drill: never counted as an incident.")
    sub = drill.add_subparsers(dest="drill_command", metavar="ACTION", required=True)
    p = _on_desk(sub, "start", _drill_start, "start a drill of PLAYBOOK with a scenario card")
    p.add_argument("playbook", metavar="PLAYBOOK")
    p.add_argument("--scenario", required=True, metavar="FILE", help="scenario card file, or its id in the library")
    p.add_argument("--trainee", required=True, help="who is being trained (the drill's steps are logged as theirs)")
    p.add_argument("--trainer", default="", help="who runs the drill (default: --actor, $KBAPP_ACTOR or the "
                                                 "data home's engineer, see kbapp engineer)")
    p = _on_desk(sub, "step", _drill_step, "record a drill step: done, skipped or failed")
    p.add_argument("id", metavar="ID")
    p.add_argument("step_number", metavar="N")
    p.add_argument("result", choices=("done", "skipped", "failed"))
    p.add_argument("--decision", metavar="TARGET", help="follow the step's decision to step TARGET")
    p.add_argument("--note", default="")
    p = _on_desk(sub, "show", _drill_show, "where the drill is, with the facts revealed so far")
    p.add_argument("id", metavar="ID")
    p = _on_desk(sub, "finish", _drill_finish, "end the drill and show the score")
    p.add_argument("id", metavar="ID")
    p = _on_desk(sub, "report", _drill_report, "the trainer's drill report (Markdown or PDF)", json_flag=True)
    _report_args(p)
    p = _on_desk(sub, "list", _drill_list, "list drills, newest first")
    p.add_argument("--open", action="store_true", help="only drills not finished")
    p = _add(sub, "scenarios", _drill_scenarios, "list the scenario cards in the library")
    p.add_argument("playbook", nargs="?", metavar="PLAYBOOK")
    p = _add(sub, "check", _drill_check, "check scenario card files (problems as file:line)")
    p.add_argument("files", nargs="+", metavar="FILE")

    pack = subparsers.add_parser("pack", help="printable training packs (培训资料) as PDF")
    sub = pack.add_subparsers(dest="pack_command", metavar="ACTION", required=True)
    p = _add(sub, "export", _pack_export, "export playbooks as a printable training pack (PDF)")
    p.add_argument("ids", nargs="+", metavar="ID", help="playbook ids, in the order wanted")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--lessons", action="store_true", help="include the lessons learnt")
    p.add_argument("--title", default="", help="cover title")
    p.add_argument("--trainer", default="", help="trainer's name for the cover")

    inspect = subparsers.add_parser("inspect", help="routine inspections (巡检): items, report, follow-up incidents")
    sub = inspect.add_subparsers(dest="inspect_command", metavar="ACTION", required=True)
    p = _on_desk(sub, "start", _inspect_start, "start an inspection round")
    p.add_argument("checklist", nargs="?", default="routine-inspection", metavar="CHECKLIST")
    p.add_argument("--inspector", default="", help="who inspects (default: you: --actor, $KBAPP_ACTOR or the "
                                                   "data home's engineer)")
    p.add_argument("--title", default="")
    p.add_argument("--plan", metavar="PLAN", help="start the inspection a plan has due (kbapp inspect plans)")
    p.add_argument("--customer", default="", help="the customer inspected (客户单位); a plan names its own")
    p.add_argument("--system", default="", help="the customer's business system inspected (业务系统)")
    p = _on_desk(sub, "item", _inspect_item, "record an item: pass, fail or na")
    p.add_argument("id", metavar="ID")
    p.add_argument("item", metavar="N")
    p.add_argument("result", choices=("pass", "fail", "na"))
    p.add_argument("--value", default="", help="what was measured (e.g. 87%%)")
    p.add_argument("--note", default="")
    p = _on_desk(sub, "show", _inspect_show, "the items and their results")
    p.add_argument("id", metavar="ID")
    p = _on_desk(sub, "finish", _inspect_finish, "finish the round (every item needs a result)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--summary", default="")
    p = _on_desk(sub, "open-incident", _inspect_open_incident, "open an incident for a failed item")
    p.add_argument("id", metavar="ID")
    p.add_argument("item", metavar="N")
    p.add_argument("--level", default="III", help="fault level (default III)")
    p = _on_desk(sub, "report", _inspect_report, "the inspection result and system operation report")
    _report_args(p)
    p = _on_desk(sub, "list", _inspect_list, "list inspections, newest first")
    p.add_argument("--open", action="store_true", help="only inspections not finished")
    from kbapp.cli.plan_cmds import register_inspect_plans

    register_inspect_plans(sub)


# -- output helpers -----------------------------------------------------------------------

def _write_report(args: argparse.Namespace, kb: KnowledgeBase, markdown: str, title: str, default_name: str, key: str, ident: int) -> int:
    if args.format == "pdf":
        from kbapp.gui.pdf import print_pdf  # QtGui only: an offscreen application, no window classes

        out = Path(args.out or safe_filename(default_name, ".pdf"))
        pages = print_pdf(out, markdown=markdown, title=title)
        if args.json:
            _emit({key: ident, "format": "pdf", "path": str(out.absolute()), "pages": pages})
        else:
            print(f"{out} ({pages} pages)")
        return 0
    if args.out:
        out = Path(args.out)
        atomic_write_bytes(out, markdown.encode("utf-8"))
        if args.json:
            _emit({key: ident, "format": "md", "path": str(out.absolute())})
        else:
            print(out)
        return 0
    if args.json:
        _emit({key: ident, "format": "md", "content": markdown})
    else:
        sys.stdout.write(markdown)
    return 0


def _print_facts(facts: list[Fact], heading: str) -> None:
    for fact in facts:
        print(f"{heading} (第 {fact.step} 步 step {fact.step}): {fact.text}")


def _score_lines(score: Score) -> list[str]:
    lines = [f"得分 Score: {score.total}/100",
             (f"  顺序 Order      {score.order_points:>3}/40  ({score.in_order}/{len(score.expected_path)} expected steps"
              f" in order{f', {len(score.extra)} off the path' if score.extra else ''})"),
             f"  决策 Decisions  {score.decision_points:>3}/30  ({len(score.wrong_turns)} wrong turn(s))",
             f"  用时 Time       {score.time_points:>3}/30  ({score.on_time}/{score.timed} timed steps within target)"]
    for w in score.wrong_turns:
        lines.append(f"  ✗ 第 {w.step} 步 step {w.step}: → {w.taken}, expected {w.expected}")
    return lines


# -- drills -------------------------------------------------------------------------------

def _drill_start(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    drills = kb.training.drills
    incident = drills.start(args.playbook, args.scenario, args.trainee, trainer=args.trainer or None)
    drill = drills.get(incident.id)
    if args.json:
        _emit({"drill": incident.to_json(), "situation": drill.scenario.situation,
               "revealed": [{"step": f.step, "text": f.text} for f in drill.revealed()]})
        return 0
    print(incident.id)
    print(f"演练 DRILL #{incident.id}: {drill.scenario.display_title} — {drill.trainee}", file=sys.stderr)
    print(drill.scenario.situation, file=sys.stderr)
    return 0


def _drill_step(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    drills = kb.training.drills
    before = {(f.step, f.text) for f in drills.get(args.id).revealed()}
    # The trainee's step, unless --actor / $KBAPP_ACTOR says who is at the keyboard.
    action = drills.step(args.id, args.step_number, args.result, note=args.note, goto=args.decision,
                         actor=kb.actor_override)
    drill = drills.get(action.incident_id)
    new = [f for f in drill.revealed() if (f.step, f.text) not in before]
    run = drill.run
    if args.json:
        _emit({"action": action.to_json(), "runner": run.to_json() if run else None,
               "new_facts": [{"step": f.step, "text": f.text} for f in new]})
        return 0
    zh, en = itypes.RESULT_LABELS[action.payload["result"]]
    print(f"#{action.id} 第 {action.step} 步 step {action.step}: {zh} {en}")
    if run is not None and run.current is not None:
        nxt = run.step(run.current)
        print(f"下一步 next: 第 {run.current} 步 step {run.current} {nxt.title if nxt else ''}".rstrip())
    elif run is not None:
        print("全部步骤已完成 all steps are through; kbapp drill finish " + str(drill.id))
    _print_facts(new, "新情况 New fact")
    return 0


def _drill_show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    drill = kb.training.drills.get(args.id)
    if args.json:
        _emit({"drill": drill.incident.to_json(), "trainee": drill.trainee, "situation": drill.scenario.situation,
               "runner": drill.run.to_json() if drill.run else None,
               "revealed": [{"step": f.step, "text": f.text} for f in drill.revealed()]})
        return 0
    print(f"演练 DRILL #{drill.id} [{drill.incident.level}] {drill.scenario.display_title} — {drill.trainee}")
    print(f"  {drill.incident.status}")
    print(f"\n{drill.scenario.situation}\n")
    if drill.run is not None:
        for s in drill.run.steps:
            mark = _RESULT_MARK.get(s.result or "", "▶" if s.number == drill.run.current else " ")
            print(f"  {mark} {s.number}. {s.title}")
    if drill.revealed():
        print()
    _print_facts(drill.revealed(), "注入信息 Fact")
    return 0


def _drill_finish(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    score = kb.training.drills.finish(args.id, actor=kb.actor_override)  # else the drill's trainer
    if args.json:
        _emit({"drill_id": int(args.id), "score": score.to_json()})
    else:
        print("\n".join(_score_lines(score)))
    return 0


def _drill_report(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    drills = kb.training.drills
    drill = drills.get(args.id)
    markdown = drills.report_markdown(drill.id, redact=args.redact)
    title = f"演练报告 Drill report #{drill.id}"
    return _write_report(args, kb, markdown, title, f"drill-{drill.id}-{drill.trainee}", "drill_id", drill.id)


def _drill_list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    drills = kb.training.drills.list(open_only=args.open)
    if args.json:
        _emit([d.to_json() for d in drills])
        return 0
    for d in drills:
        print(f"{d.id:>5}  {d.status:<12} {d.responsible:<10} {d.title}")
    return 0


def _drill_scenarios(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    docs = kb.training.drills.scenarios(args.playbook)
    if args.json:
        _emit([{"id": d.id, "title": d.title, "title_en": d.title_en, "playbook": d.meta.get("playbook"),
                "path": str(d.path)} for d in docs])
        return 0
    for d in docs:
        print(f"{d.id:<28} {str(d.meta.get('playbook') or ''):<20} {d.display_title}")
    return 0


def _drill_check(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    results = []
    for name in args.files:
        scenario, problems = check_scenario(Path(name), kb.get)
        results.append((name, scenario, problems))
    if args.json:
        _emit([{"file": name, "ok": scenario is not None and not problems,
                "problems": [{"line": p.line, "message": p.message} for p in problems]}
               for name, scenario, problems in results])
    else:
        for name, scenario, problems in results:
            for problem in problems:
                print(problem)
            if scenario is not None and not problems:
                print(f"{name}: ok ({scenario.playbook_id}, path {' → '.join(map(str, scenario.path))})")
    return 1 if any(s is None or p for _, s, p in results) else 0


# -- packs ---------------------------------------------------------------------------------

def _pack_export(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from kbapp.gui.pdf import print_pdf
    from kbapp.training.packs import PACK_TITLE

    title = args.title.strip() or PACK_TITLE
    sections = kb.training.pack(args.ids, include_lessons=args.lessons, title=title, trainer=args.trainer)
    out = Path(args.out)
    pages = print_pdf(out, sections=sections, title=title)
    if args.json:
        _emit({"path": str(out.absolute()), "pages": pages, "playbooks": list(dict.fromkeys(args.ids))})
    else:
        print(f"{out} ({pages} pages)")
    return 0


# -- inspections ---------------------------------------------------------------------------

def _inspect_start(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    if args.plan:
        incident = kb.inspection_plans.start(args.plan, inspector=args.inspector)
    else:
        incident = kb.training.inspections.start(args.checklist, inspector=args.inspector, title=args.title,
                                                 customer=args.customer, system=args.system)
    if args.json:
        _emit({"inspection": incident.to_json()})
    else:
        print(incident.id)
    return 0


def _inspect_item(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    action = kb.training.inspections.record(args.id, args.item, args.result, value=args.value, note=args.note)
    if args.json:
        _emit({"action": action.to_json()})
        return 0
    zh, en = itypes.RESULT_LABELS[action.payload["result"]]
    value = f" = {action.payload['value']}" if action.payload.get("value") else ""
    print(f"#{action.id} 第 {action.step} 项 item {action.step}: {zh} {en}{value}")
    return 0


def _inspect_show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    service = kb.training.inspections
    inspection = service.get(args.id)
    items = service.items(inspection.id)
    if args.json:
        _emit({"inspection": inspection.to_json(), "items": [i.to_json() for i in items]})
        return 0
    print(f"巡检 INSPECTION #{inspection.id} {inspection.title} — {inspection.status}")
    for i in items:
        mark = _RESULT_MARK.get(i.result or "", " ")
        extra = "".join(f"  {x}" for x in (i.value and f"= {i.value}", i.note and f"— {i.note}",
                                           i.follow_up and f"→ #{i.follow_up}") if x)
        print(f"  {mark} {i.number}. {i.title}{extra}")
    return 0


def _inspect_finish(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    action = kb.training.inspections.finish(args.id, summary=args.summary)
    if args.json:
        _emit({"action": action.to_json()})
    else:
        print(action.details.split("\n", 1)[0])
    return 0


def _inspect_open_incident(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    incident = kb.training.inspections.open_incident(args.id, args.item, level=args.level)
    if args.json:
        _emit({"incident": incident.to_json()})
    else:
        print(incident.id)
    return 0


def _inspect_report(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from kbapp.training.inspections import REPORT_TITLE

    service = kb.training.inspections
    inspection = service.get(args.id)
    markdown = service.report_markdown(inspection.id, redact=args.redact)
    return _write_report(args, kb, markdown, f"{REPORT_TITLE} #{inspection.id}", f"inspection-{inspection.id}",
                         "inspection_id", inspection.id)


def _inspect_list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    inspections = kb.training.inspections.list(open_only=args.open)
    if args.json:
        _emit([i.to_json() for i in inspections])
        return 0
    for i in inspections:
        print(f"{i.id:>5}  {i.status:<12} {i.title}")
    return 0
