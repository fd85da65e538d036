"""DrillService: any playbook run as a drill, on the incident runner and its log.

A drill is an incident row with ``mode = "drill"``: the same steps, decisions and
append-only log, but never in incident lists, metrics or deadlines. The scenario card
is copied into the drill's creation action, so the score and the report never change
when the card is edited later. Facts are revealed when the step they belong to is
reached; the score (kbapp.training.score) is replayed from the log on demand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import check_id, check_line
from kbapp.inert_markdown import inert_markdown
from kbapp.model import KIND_SCENARIO, Document
from kbapp.training.common import (
    format_minutes,
    format_seconds,
    local_time,
    md_table,
    redact_text,
    redact_value,
    redacted_action,
    redacted_incident,
)
from kbapp.training.scenario import Fact, Scenario, ScenarioError, load_scenario
from kbapp.training.score import DECISION_POINTS, ORDER_POINTS, TIME_POINTS, Score, score_drill

if TYPE_CHECKING:
    from typing import Any

    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.service import IncidentService

DRILL_TITLE_PREFIX = "演练 DRILL: "
DRILL_BANNER = "演练 DRILL — 非真实故障 not a real incident"


@dataclass(frozen=True)
class Drill:
    """A drill as read back: its incident row, the scenario it runs and the runner state."""

    incident: itypes.Incident
    scenario: Scenario
    trainee: str
    run: itypes.PlaybookRun | None
    trainer: str = ""  # who runs the drill (its start and finish are theirs); the trainee works the steps

    @property
    def id(self) -> int:
        return self.incident.id

    @property
    def finished(self) -> bool:
        return not lc.is_working(self.incident.status)

    def reached(self) -> list[int]:
        """Steps the trainee has reached: the facts of these are revealed."""
        if self.run is None:
            return []
        return [s.number for s in self.run.steps
                if s.opened_at is not None or s.result is not None or s.number == self.run.current]

    def revealed(self) -> list[Fact]:
        reached = set(self.reached())
        return [f for f in self.scenario.facts if f.step in reached]


class DrillService:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    @property
    def incidents(self) -> IncidentService:
        # On a team desk, local first like every incident write (kbapp.local_first): a drill
        # is run and scored with the server down too.
        return getattr(self.kb, "desk_incidents", None) or self.kb.incidents

    # -- scenarios -------------------------------------------------------------------------
    def scenarios(self, playbook_id: str | None = None) -> list[Document]:
        """Scenario cards in the library (shipped and the home's), optionally for one playbook."""
        docs = [d for d in self.kb.documents() if d.kind == KIND_SCENARIO]
        if playbook_id:
            docs = [d for d in docs if str(d.meta.get("playbook") or "") == playbook_id]
        return sorted(docs, key=lambda d: d.id)

    def load_scenario(self, card: str | Path) -> Scenario:
        """A scenario from a file, or from a card in the library by its id; checked against
        the playbook it names. Raises IncidentError (field "scenario") listing file:line problems."""
        doc = self.kb.get(str(card)) if isinstance(card, str) and "/" not in card and "\\" not in card else None
        path = doc.path if doc is not None and doc.kind == KIND_SCENARIO else Path(card)
        try:
            return load_scenario(path, self.kb.get)
        except ScenarioError as exc:
            raise IncidentError(f"scenario: {exc}", field="scenario") from None

    # -- running ---------------------------------------------------------------------------
    def start(self, playbook_id: str, scenario: Scenario | str | Path, trainee: str,
              actor: str | None = None, trainer: str | None = None) -> itypes.Incident:
        """Start a drill of ``playbook_id`` with the trainee named; the scenario must be for it.

        The trainer (default: ``actor``, else the data home's engineer) starts and finishes
        it; the steps are the trainee's (see :meth:`step`)."""
        if not isinstance(scenario, Scenario):
            scenario = self.load_scenario(scenario)
        trainee = check_line(trainee, "trainee", required=True, max_chars=200)
        trainer = self.incidents._actor(check_line(trainer, "trainer", max_chars=200) or actor)
        doc = self.incidents._playbook(playbook_id)
        if scenario.playbook_id != doc.id:
            raise IncidentError(f"scenario: {scenario.id!r} is a drill of {scenario.playbook_id!r}, "
                                f"not of {doc.id!r}", field="scenario")
        level = scenario.level or (doc.levels[0] if doc.levels else "III")
        # Cards are often titled "演练：…" already; the prefix says it once.
        name = scenario.title.removeprefix("演练：").removeprefix("演练:").strip() or scenario.title
        title = (DRILL_TITLE_PREFIX + name)[:200]
        return self.incidents.start(
            title, level, description=scenario.situation, category=doc.category, channel="phone",
            responsible=trainee, playbook_ids=[doc.id], actor=trainer, mode=itypes.MODE_DRILL,
            context={"scenario": scenario.to_json(), "trainee": trainee, "trainer": trainer})

    def get(self, drill_id: int) -> Drill:
        incident = self.incidents.get(drill_id)
        if incident.mode != itypes.MODE_DRILL:
            raise IncidentError(f"drill_id: #{incident.id} is not a drill (it is an {incident.mode})",
                                field="drill_id")
        created = self.incidents.timeline(incident.id, kinds=(itypes.CREATED,))
        context = (created[0].payload.get("context") or {}) if created else {}
        if "scenario" not in context:
            raise IncidentError(f"drill_id: drill #{incident.id} has no scenario in its log", field="drill_id")
        runs = self.incidents.playbook_runs(incident.id)
        return Drill(incident, Scenario.from_json(context["scenario"]), str(context.get("trainee", "")),
                     runs[0] if runs else None, str(context.get("trainer") or incident.created_by))

    def list(self, open_only: bool = False) -> list[itypes.Incident]:  # noqa: A003 - like IncidentService.list
        return self.incidents.list_incidents(open_only=open_only, mode=itypes.MODE_DRILL)

    def step(self, drill_id: int, step: int, result: str, note: str = "", goto: int | None = None,
             actor: str | None = None) -> itypes.Action:
        """Record a step of the drill (a decision with ``goto``), exactly as in an incident;
        logged as the trainee's unless ``actor`` says otherwise."""
        drill = self.get(check_id(drill_id, "drill_id"))
        return self.incidents.step(drill.id, step, result, note=note, goto=goto, actor=actor or drill.trainee,
                                   playbook_id=drill.scenario.playbook_id)

    def score(self, drill_id: int) -> Score:
        drill = self.get(drill_id)
        from kbapp.incidents.kept_playbooks import kept_playbook

        actions = self.incidents.timeline(drill.id, kinds=(itypes.STEP,))
        playbook_id = drill.scenario.playbook_id  # scored on the version the drill started with
        store_of = getattr(self.incidents, "store_of", None)  # a team desk: the server's, or the copy's
        store = store_of(drill.id) if store_of is not None else self.incidents.store
        doc = kept_playbook(store, self.kb.get(playbook_id), drill.id, playbook_id)
        return score_drill(drill.scenario, doc, actions, drill.incident.created_at)

    def finish(self, drill_id: int, actor: str | None = None) -> Score:
        """End the drill (it is marked resolved, with the score in the log) and score it."""
        drill = self.get(drill_id)
        if drill.finished:
            raise IncidentError(f"status: drill #{drill.id} is already finished", field="status")
        score = self.score(drill.id)
        self.incidents.resolve(drill.id, f"演练结束 Drill finished — 得分 score {score.total}/100",
                               actor=actor or drill.trainer or None)
        return score

    # -- the report --------------------------------------------------------------------------
    def report_markdown(self, drill_id: int, *, redact: bool = True, tz: dt.tzinfo | None = None) -> str:
        """The trainer's drill report for one trainee; redacted unless told otherwise."""
        drill = self.get(drill_id)
        score = self.score(drill.id)
        actions = self.incidents.timeline(drill.id)
        if redact:
            # Field by field, before the Markdown escaping that would hide "key=value" forms.
            drill = replace(drill, incident=redacted_incident(drill.incident), trainee=redact_text(drill.trainee),
                            trainer=redact_text(drill.trainer),
                            scenario=Scenario.from_json(cast("dict[str, Any]", redact_value(drill.scenario.to_json()))))
            actions = [redacted_action(a) for a in actions]
        return drill_report_markdown(drill, score, actions, tz)


def _result_label(result: str | None) -> str:
    if not result:
        return "—"
    return " ".join(itypes.RESULT_LABELS.get(result, (result, "")))


def _step_label(number: int | None) -> str:
    return "—" if number is None else f"第 {number} 步 step {number}"


def drill_report_markdown(drill: Drill, score: Score, actions: list[itypes.Action], tz: dt.tzinfo | None = None) -> str:
    incident, scenario = drill.incident, drill.scenario
    ended = incident.resolved_at
    duration = format_seconds((ended - incident.created_at).total_seconds()) if ended else ""
    lines = [f"# 演练报告 Drill report #{incident.id}: {scenario.display_title}", "",
             f"> **{DRILL_BANNER}**", ""]
    fields = [
        ("学员 Trainee", drill.trainee),
        ("培训师 Trainer", drill.trainer or incident.created_by),
        ("预案 Playbook", f"{scenario.playbook_id} {drill.run.title if drill.run else ''} "
                          f"{drill.run.title_en if drill.run else ''}".strip()),
        ("场景 Scenario", f"{scenario.id} ({Path(scenario.source).name})" if scenario.source else scenario.id),
        ("模拟级别 Simulated level", incident.level),
        ("开始 Started", local_time(incident.created_at, tz)),
        ("结束 Finished", local_time(ended, tz) if ended else "未结束 not finished"),
        ("用时 Duration", duration),
    ]
    lines += [f"- **{name}**: {value}" for name, value in fields if value]
    lines += ["", f"## 得分 Score: {score.total} / 100", ""]
    wrong_count = len(score.wrong_turns)
    lines += md_table(["项目 Part", "得分 Points", "说明 Details"], [
        ["顺序 Order", f"{score.order_points} / {ORDER_POINTS}",
         f"按顺序完成 {score.in_order} / {len(score.expected_path)} 个预期步骤 expected steps in order"
         + (f"；预期路径以外 {len(score.extra)} 步 {len(score.extra)} step(s) off the path" if score.extra else "")],
        ["决策 Decisions", f"{score.decision_points} / {DECISION_POINTS}",
         f"决策失误 {wrong_count} 次 wrong turn(s)"],
        ["用时 Time", f"{score.time_points} / {TIME_POINTS}",
         f"{score.on_time} / {score.timed} 个计时步骤在目标时间内 timed steps within target"],
    ])
    lines += ["", "## 步骤 Steps", "",
              f"预期路径 Expected path: {' → '.join(map(str, score.expected_path))}  ",
              f"实际完成顺序 Done in order: {' → '.join(map(str, score.actual_path)) or '—'}", ""]
    marks = {True: "✓", False: "✗ 超时 over", None: ""}
    lines += md_table(["步骤 Step", "标题 Title", "预期路径 On path", "结果 Result", "用时 Time", "目标 Target", ""], [
        [str(s.step), s.title, "✓" if s.on_path else "", _result_label(s.result),
         format_seconds(s.seconds) if s.result else "", format_minutes(s.target_minutes), marks[s.on_time]]
        for s in score.steps])
    lines += ["", "## 决策失误 Wrong turns", ""]
    if score.wrong_turns:
        for w in score.wrong_turns:
            why = f"（{w.condition}）" if w.condition else "（未按决策转向 no decision taken）"
            lines.append(f"- 第 {w.step} 步 step {w.step}{why}: 走向 went to {_step_label(w.taken)}，"
                         f"预期 expected {_step_label(w.expected)} (action #{w.action_id})")
    else:
        lines.append("- 无 none")
    if score.missed or score.extra:
        lines += ["", "## 遗漏与多余步骤 Missed and extra steps", ""]
        if score.missed:
            lines.append(f"- 遗漏 Missed: {', '.join(map(str, score.missed))}")
        if score.extra:
            lines.append(f"- 预期路径以外 Off the path: {', '.join(map(str, score.extra))}")
    lines += ["", "## 情景 Situation", "", scenario.situation or "—", "", "## 注入信息 Injected facts", ""]
    lines += [f"- 第 {f.step} 步 step {f.step}: {f.text}" for f in scenario.facts] or ["- 无 none"]
    if scenario.debrief:
        lines += ["", "## 讲评要点 Debrief notes", "", scenario.debrief]
    lines += ["", "## 时间线 Timeline", ""]
    lines += md_table(["#", "时间 Time", "人员 Actor", "类型 Kind", "内容 Details"], [
        [f"#{a.id}", local_time(a.at, tz), a.actor, " ".join(itypes.ACTION_LABELS.get(a.kind, (a.kind, ""))).strip(),
         itypes.describe_action(a)] for a in actions])
    return inert_markdown("\n".join(lines) + "\n")
