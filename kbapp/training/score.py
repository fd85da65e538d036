"""The drill score: a pure function of the scenario, the playbook and the drill's log.

Nothing about the score is stored; like the runner, it is replayed from the action
log, so a report printed a week later gives the same numbers. Three parts, 100 points:

- order (40): the expected steps done, in the expected order — the longest run of the
  expected path found, in order, among the steps as first marked done — out of the
  expected steps plus every step done off the path, so an off-path step costs order
  points as well (7 of 7 expected steps in order with one step off the path: 40 × 7/8);
- decisions (30, minus 10 per wrong turn; 0 when no step was done): a wrong turn is a
  decision taken that leads off the expected path: at a step on the path, going anywhere
  but the next step of the path (an explicit ``goto``, or a plain "done" where the path
  required following one of the step's decisions); off the path, a ``goto`` to a step
  that is not on it. Where a plain "done" led is where the trainee went next: the next
  step worked on (done or failed; a skipped step is passed over), not a guess. A result
  that is followed at once by another result for the same step was corrected before
  the trainee moved on and is not judged. Each step costs at most one wrong turn;
- time (30): the share of the timed steps done within their target time. A step's
  time runs from the previous step result (or the start of the drill) to its own.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from kbapp.incidents import types as itypes
from kbapp.model import Document
from kbapp.training.scenario import Scenario

ORDER_POINTS = 40
DECISION_POINTS = 30
WRONG_TURN_COST = 10
TIME_POINTS = 30


@dataclass(frozen=True)
class WrongTurn:
    step: int
    taken: int | None  # where the trainee went
    expected: int | None  # where the path goes
    condition: str  # the decision followed, "" for a plain "done"
    action_id: int

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "taken": self.taken, "expected": self.expected, "condition": self.condition,
                "action_id": self.action_id}


@dataclass(frozen=True)
class StepTime:
    step: int
    title: str
    seconds: float  # time spent on the step, summed over its results
    target_minutes: float | None
    result: str | None  # the latest result
    on_path: bool

    @property
    def on_time(self) -> bool | None:
        if self.target_minutes is None or self.result != itypes.DONE:
            return None
        return self.seconds <= self.target_minutes * 60

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "title": self.title, "seconds": round(self.seconds, 1),
                "target_minutes": self.target_minutes, "result": self.result, "on_path": self.on_path,
                "on_time": self.on_time}


@dataclass(frozen=True)
class Score:
    expected_path: tuple[int, ...]
    actual_path: tuple[int, ...]  # steps in the order they were first marked done
    in_order: int
    missed: tuple[int, ...]  # expected steps never done
    extra: tuple[int, ...]  # steps done that are not on the path
    wrong_turns: tuple[WrongTurn, ...]
    steps: tuple[StepTime, ...]
    on_time: int
    timed: int
    order_points: int
    decision_points: int
    time_points: int

    @property
    def total(self) -> int:
        return self.order_points + self.decision_points + self.time_points

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total, "max": ORDER_POINTS + DECISION_POINTS + TIME_POINTS,
            "order_points": self.order_points, "decision_points": self.decision_points,
            "time_points": self.time_points, "expected_path": list(self.expected_path),
            "actual_path": list(self.actual_path), "in_order": self.in_order, "missed": list(self.missed),
            "extra": list(self.extra), "wrong_turns": [w.to_json() for w in self.wrong_turns],
            "on_time": self.on_time, "timed": self.timed, "steps": [s.to_json() for s in self.steps],
        }


def _half_up(value: float) -> int:
    # Not round(): banker's rounding would make 22.5 points 22 and surprise a trainee.
    return math.floor(value + 0.5)


def _lcs(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def score_drill(scenario: Scenario, doc: Document | None, actions: list[itypes.Action],
                started_at: dt.datetime) -> Score:
    """Score a drill from its step actions (in log order; other kinds are ignored)."""
    mine = [a for a in actions if a.kind == itypes.STEP and a.playbook_id == scenario.playbook_id and a.step]
    numbers = sorted(s.number for s in doc.steps) if doc is not None else sorted(
        set(scenario.path) | {a.step for a in mine if a.step})
    decisions = {s.number: {d.target: d.condition for d in s.decisions} for s in doc.steps} if doc else {}
    titles = {s.number: s.title for s in doc.steps} if doc else {}
    path = scenario.path

    results: dict[int, str | None] = {}
    seconds: dict[int, float] = {}
    done_order: list[int] = []
    wrong: dict[int, WrongTurn] = {}  # one per step: the first wrong turn taken there
    previous = started_at
    for index, action in enumerate(mine):
        step = action.step
        assert step  # ``mine`` keeps the step actions that name their step
        result = action.payload.get("result")
        goto = action.payload.get("goto")
        titles.setdefault(step, action.payload.get("step_title", ""))
        seconds[step] = seconds.get(step, 0.0) + max((action.at - previous).total_seconds(), 0.0)
        previous = action.at
        results[step] = result
        if result != itypes.DONE:
            continue
        if step not in done_order:
            done_order.append(step)
        if goto is None and not decisions.get(step):
            continue  # no decision to take here
        later = mine[index + 1:]
        if later and later[0].step == step:
            continue  # corrected at once (e.g. the decision followed after a plain "done")
        expected = scenario.successor(step)
        if goto is not None:
            taken = goto
            if step in path:
                off = taken != expected if expected is not None else taken not in path
            else:
                off = taken not in path
        else:
            # Where the trainee went next: the next step worked on, skipped ones passed over.
            taken = next((a.step for a in later if a.step != step and a.payload.get("result") != itypes.SKIPPED),
                         None)
            off = (step in path and expected is not None and expected in decisions.get(step, {})
                   and taken is not None and taken != expected)
        if off and step not in wrong:
            wrong[step] = WrongTurn(step, taken, expected, decisions.get(step, {}).get(goto, "") if goto else "",
                                    action.id)

    actual = tuple(done_order)
    in_order = _lcs(actual, path)
    step_times = tuple(
        StepTime(n, titles.get(n, ""), seconds.get(n, 0.0), scenario.targets.get(n), results.get(n), n in path)
        for n in sorted(set(numbers) | set(seconds)) if n in seconds or n in path)
    timed = [s for s in step_times if s.on_time is not None]
    on_time = sum(1 for s in timed if s.on_time)
    extra = tuple(n for n in actual if n not in path)
    order_points = _half_up(ORDER_POINTS * in_order / (len(path) + len(extra))) if path else 0
    # Nothing done, nothing decided: an empty drill must not earn the decision points.
    wrong_turns = tuple(sorted(wrong.values(), key=lambda w: w.action_id))
    decision_points = max(0, DECISION_POINTS - WRONG_TURN_COST * len(wrong_turns)) if actual else 0
    time_points = _half_up(TIME_POINTS * on_time / len(timed)) if timed else 0
    return Score(
        expected_path=path, actual_path=actual, in_order=in_order,
        missed=tuple(n for n in path if n not in done_order), extra=extra,
        wrong_turns=wrong_turns, steps=step_times, on_time=on_time, timed=len(timed),
        order_points=order_points, decision_points=decision_points, time_points=time_points,
    )
