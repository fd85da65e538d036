"""Deadlines replayed from the action log, each rule at its boundary (exactly at due, one
second late), with an injected clock; and the service's writes that feed the replay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from kbhelpers import open_kb, playbook_text

from kbapp.incidents import deadlines as dl
from kbapp.incidents.deadline_log import DeadlinePlanner, deadlines_at, replay
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import parse_when

T0 = dt.datetime(2026, 3, 2, 2, 40, tzinfo=dt.UTC)
S, M, H, D = dt.timedelta(seconds=1), dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)


def states(planner: DeadlinePlanner, now: dt.datetime) -> dict[str, dl.Deadline]:
    return {d.key: d for d in deadlines_at(planner.records(), now)}


# -- each deadline at its boundary ----------------------------------------------------------------

@pytest.mark.parametrize(("key", "level", "category", "due"), [
    ("response", "III", "", 30 * M),
    ("plan", "I", "", 2 * H), ("plan", "II", "", 24 * H), ("plan", "III", "", 48 * H), ("plan", "IV", "", 5 * D),
    ("resolution", "I", "", 3 * D), ("resolution", "III", "", 1 * D),
    ("resolution", "II", "config-loss", 24 * H),  # ch. 5 item 5: stricter than the 3 days of level II
    ("resolution", "I", "software", 24 * H),
    ("resolution", "IV", "software", 24 * H),  # already 1 day: the same
    ("emergency_plan", "I", "", 16 * H),
])
def test_met_exactly_at_due_is_on_time_and_one_second_later_is_late(key, level, category, due):
    meet = {"response": "respond", "plan": "plan", "resolution": "resolve", "emergency_plan": "emergency_plan"}[key]
    on_time = DeadlinePlanner(T0, level, category)
    getattr(on_time, meet)(T0 + due)
    got = states(on_time, T0 + 10 * D)[key]
    assert got.due_at == T0 + due and got.state == "met" and not got.late and got.late_by == dt.timedelta(0)
    assert dl.describe(got)[1] == "met on time"

    late = DeadlinePlanner(T0, level, category)
    getattr(late, meet)(T0 + due + S)
    got = states(late, T0 + 10 * D)[key]
    assert got.state == "met" and got.late and got.late_by == S
    assert dl.describe(got)[1] == "missed by 1 s (met 1 s late)"


@pytest.mark.parametrize(("key", "due"), [("response", 30 * M), ("plan", 24 * H), ("resolution", 24 * H)])
def test_unmet_is_on_time_at_due_and_missed_one_second_later(key, due):
    planner = DeadlinePlanner(T0, "II", "config-loss")
    at_due = states(planner, T0 + due)[key]
    assert at_due.state == "close" and not at_due.late
    missed = states(planner, T0 + due + S)[key]
    assert missed.state == "passed" and missed.late and missed.late_by == S
    assert dl.describe(states(planner, T0 + due + 11 * M)[key])[1] == "missed by 11 min"


def test_report_is_due_24h_after_resolution_boundaries():
    planner = DeadlinePlanner(T0, "II")
    planner.resolve(T0 + H)
    assert states(planner, T0 + 25 * H)["report"].state == "close"
    assert states(planner, T0 + 25 * H + S)["report"].state == "passed"
    planner.report(T0 + 25 * H + S)
    report = states(planner, T0 + 30 * H)["report"]
    assert report.state == "met" and report.late_by == S


def test_emergency_plan_needs_no_plan_when_solved_exactly_at_12h_but_does_one_second_later():
    solved = DeadlinePlanner(T0, "I")
    solved.resolve(T0 + 12 * H)
    assert "emergency_plan" not in states(solved, T0 + 20 * H)
    later = DeadlinePlanner(T0, "I")
    later.resolve(T0 + 12 * H + S)
    assert states(later, T0 + 20 * H)["emergency_plan"].state == "met"


# -- level changes -----------------------------------------------------------------------------------

def test_level_change_keeps_a_missed_deadline_missed_and_a_met_one_met():
    planner = DeadlinePlanner(T0, "I")
    planner.respond(T0 + 5 * M)
    planner.change_level(T0 + 3 * H, "II")  # the 2 h plan of level I was missed at +2 h
    got = states(planner, T0 + 3 * H)
    assert got["plan"].due_at == T0 + 2 * H and got["plan"].state == "passed" and got["plan"].level == "I"
    assert got["response"].state == "met" and not got["response"].late
    assert "emergency_plan" not in got  # level II has none, and it was still open
    assert got["resolution"].level == "II"


def test_level_change_replans_what_is_still_open_from_notification():
    planner = DeadlinePlanner(T0, "III")
    planner.change_level(T0 + 1 * H, "II")
    got = states(planner, T0 + 1 * H)
    assert got["plan"].due_at == T0 + 24 * H and got["plan"].level == "II"
    assert got["resolution"].due_at == T0 + 3 * D


def test_raising_the_level_after_its_window_passed_gives_the_window_from_the_change():
    planner = DeadlinePlanner(T0, "III")
    planner.change_level(T0 + 3 * H, "I")  # level I's plan would have been due at +2 h
    got = states(planner, T0 + 3 * H)
    assert got["plan"].starts_at == T0 + 3 * H and got["plan"].due_at == T0 + 5 * H
    assert got["emergency_plan"].due_at == T0 + 16 * H
    planner.plan(T0 + 5 * H + S)
    assert states(planner, T0 + 6 * H)["plan"].late_by == S


def test_level_change_exactly_at_due_still_replans_one_second_later_does_not():
    at_due = DeadlinePlanner(T0, "I")
    at_due.change_level(T0 + 2 * H, "II")
    assert states(at_due, T0 + 2 * H)["plan"].due_at == T0 + 24 * H
    after = DeadlinePlanner(T0, "I")
    after.change_level(T0 + 2 * H + S, "II")
    assert states(after, T0 + 3 * H)["plan"].due_at == T0 + 2 * H


# -- reopening and closing -------------------------------------------------------------------------

def test_reopening_opens_the_resolution_again_and_drops_the_report():
    planner = DeadlinePlanner(T0, "III")
    planner.resolve(T0 + 2 * H)
    planner.reopen(T0 + 5 * H)
    got = states(planner, T0 + 5 * H)
    assert got["resolution"].met_at is None and "report" not in got
    assert got["response"].state == "met"


def test_closing_a_duplicate_stops_the_clocks_without_meeting_them():
    planner = DeadlinePlanner(T0, "II")
    planner.close(T0 + 40 * M)
    got = states(planner, T0 + 5 * D)
    assert list(got) == ["response"]  # the plan and resolution were still running: moot
    assert got["response"].state == "passed" and got["response"].late_by == 10 * M
    assert "closed" in dl.describe(got["response"])[1]


# -- the log, through the service --------------------------------------------------------------------

class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture
def kb(tmp_path: Path):
    kb = open_kb(tmp_path, {"pb.md": playbook_text("pb", levels="[I, II]")})
    kb.incidents.clock = Clock(T0 + 15 * M)
    yield kb
    kb.close()


def test_the_first_engineer_action_meets_the_response(kb):
    svc, clock = kb.incidents, kb.incidents.clock
    for first in ("note", "plan", "ack", "step"):
        inc = svc.start(first, "II", playbook_ids=["pb"], notified_at=T0)
        clock.advance(minutes=1)
        # each lambda is called at once, inside this turn of the loop
        {"note": lambda: svc.note(inc.id, "看过了"), "plan": lambda: svc.record_plan(inc.id, "先切备机"),  # noqa: B023
         "ack": lambda: svc.acknowledge(inc.id), "step": lambda: svc.step(inc.id, 1, "done")}[first]()  # noqa: B023
        response = {d.key: d for d in svc.deadlines(inc.id)}["response"]
        assert response.state == "met" and response.met_at == clock.now, first
        assert svc.get(inc.id).status == "responding"


def test_the_done_when_scenario_reads_the_same_after_a_level_change_and_a_reopen(kb, tmp_path):
    svc, clock = kb.incidents, kb.incidents.clock
    clock.now = T0 + 40 * M
    inc = svc.start("数据库宕机", "I", notified_at=T0)
    svc.acknowledge(inc.id)
    svc.change_level(inc.id, "II", reason="部分恢复")
    response = {d.key: d for d in svc.deadlines(inc.id)}["response"]
    assert (response.late, response.late_by, dl.describe(response)[1]) == (True, 10 * M, "missed by 10 min (met 10 min late)")
    # Replaying the log from another process gives the same records.
    first = svc.deadline_records(inc.id)
    kb.close()
    again = open_kb(tmp_path, tmp_path / "shipped")
    try:
        assert again.incidents.deadline_records(inc.id) == first
    finally:
        again.close()


def test_notification_time_correction_moves_every_deadline_and_says_who_and_why(kb):
    svc = kb.incidents
    inc = svc.start("x", "II")  # logged at 02:55
    action = svc.correct_notified_at(inc.id, T0, reason="客户 02:40 来电")
    assert action.details == "客户 02:40 来电" and action.payload["to"] == T0.isoformat()
    assert {d.key: d.due_at for d in svc.deadlines(inc.id)}["response"] == T0 + 30 * M
    with pytest.raises(IncidentError, match="reason"):
        svc.correct_notified_at(inc.id, T0 - H, reason="")
    kb.incidents.clock.advance(hours=1)
    with pytest.raises(IncidentError, match="after the incident was logged"):
        svc.correct_notified_at(inc.id, T0 + 15 * M + 10 * M, reason="x")


def test_channel_moves_up_and_back_only_with_a_reason(kb):
    svc = kb.incidents
    inc = svc.start("x", "III")
    assert svc.set_channel(inc.id, "remote").payload == {"from": "phone", "to": "remote"}
    svc.set_channel(inc.id, "现场")
    with pytest.raises(IncidentError, match="phone → remote → on-site"):
        svc.set_channel(inc.id, "phone")
    svc.set_channel(inc.id, "phone", reason="录错了")
    svc.set_responsible(inc.id, "王工")
    svc.set_reporter(inc.id, "张三")
    got = svc.get(inc.id)
    assert (got.channel, got.responsible, got.reporter) == ("phone", "王工", "张三")
    kinds = [a.kind for a in svc.timeline(inc.id)]
    assert kinds.count("channel") == 3 and "responsible" in kinds and "reporter" in kinds


def test_emergency_plan_from_a_step_and_only_for_level_one(kb):
    svc = kb.incidents
    two = svc.start("x", "II")
    with pytest.raises(IncidentError, match="level I"):
        svc.record_plan(two.id, "x", emergency=True)
    one = svc.start("y", "I", playbook_ids=["pb"])
    svc.step(one.id, 1, "done", note="启用备用系统", emergency_plan=True)
    emergency = {d.key: d for d in svc.deadlines(one.id)}["emergency_plan"]
    assert emergency.state == "met"


def test_parse_when_takes_iso_and_hh_mm_today_or_yesterday():
    now = dt.datetime(2026, 3, 2, 0, 10, tzinfo=dt.UTC)
    assert parse_when("2026-03-01T23:50+00:00", now) == dt.datetime(2026, 3, 1, 23, 50, tzinfo=dt.UTC)
    assert parse_when("23:50", now, tz=dt.UTC) == dt.datetime(2026, 3, 1, 23, 50, tzinfo=dt.UTC)
    assert parse_when("00:05", now, tz=dt.UTC) == dt.datetime(2026, 3, 2, 0, 5, tzinfo=dt.UTC)
    with pytest.raises(IncidentError, match="notified_at"):
        parse_when("yesterday", now)


def test_replay_reads_old_logs_without_a_notification_time_in_the_creation():
    class A:
        def __init__(self, id, kind, at, payload):
            self.id, self.kind, self.at, self.payload = id, kind, at, payload

    log = [A(1, "created", T0, {"level": "II"}), A(2, "status", T0 + 45 * M, {"from": "open", "to": "responding"})]
    records = replay(log, notified_at=T0, level="IV")
    response = next(r for r in records if r.key == "response")
    assert response.met_at == T0 + 45 * M and response.met_by == 2
    assert next(r for r in records if r.key == "plan").level == "II"
