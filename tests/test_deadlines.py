"""The DOMAIN.md deadlines as pure functions, with an injected clock."""

from __future__ import annotations

import datetime as dt

import pytest

from kbapp.incidents import deadlines as dl
from kbapp.incidents.deadlines import Milestones, compute_deadlines, escalation_steps

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
S = dt.timedelta(seconds=1)


def by_key(m: Milestones, now: dt.datetime) -> dict[str, dl.Deadline]:
    return {d.key: d for d in compute_deadlines(m, now)}


@pytest.mark.parametrize(
    ("level", "plan", "resolution"),
    [("I", 2 * H, 3 * D), ("II", 24 * H, 3 * D), ("III", 48 * H, 1 * D), ("IV", 5 * D, 1 * D)],
)
def test_every_level_has_its_plan_and_resolution_deadline(level, plan, resolution):
    got = by_key(Milestones(level, T0), T0)
    assert got["response"].due_at == T0 + 30 * M
    assert got["plan"].due_at == T0 + plan
    assert got["resolution"].due_at == T0 + resolution
    assert all(d.state == "ok" for d in got.values())
    assert "report" not in got  # only once resolved
    assert ("emergency_plan" in got) == (level == "I")


def test_deadlines_come_in_due_order():
    due = [d.due_at for d in compute_deadlines(Milestones("I", T0), T0)]
    assert due == sorted(due)


def test_unknown_level_and_naive_times_are_refused():
    with pytest.raises(ValueError, match="level"):
        compute_deadlines(Milestones("V", T0), T0)
    with pytest.raises(ValueError, match="timezone"):
        compute_deadlines(Milestones("I", T0.replace(tzinfo=None)), T0)
    with pytest.raises(ValueError, match="timezone"):
        compute_deadlines(Milestones("I", T0), T0.replace(tzinfo=None))


def test_response_turns_amber_at_ten_minutes_and_red_after_thirty():
    m = Milestones("III", T0)
    assert by_key(m, T0 + 19 * M)["response"].state == "ok"
    assert by_key(m, T0 + 20 * M)["response"].state == "close"  # 10 min left > 20 % of 30 min
    assert by_key(m, T0 + 30 * M)["response"].state == "close"  # due now: not passed yet
    passed = by_key(m, T0 + 31 * M)["response"]
    assert passed.state == "passed"
    assert passed.remaining == -1 * M


def test_amber_is_twenty_percent_of_a_long_window():
    m = Milestones("II", T0)  # plan due in 24 h: amber in the last 4.8 h
    assert by_key(m, T0 + 19 * H)["plan"].state == "ok"
    assert by_key(m, T0 + 19 * H + 13 * M)["plan"].state == "close"
    assert by_key(m, T0 + 24 * H + 1 * M)["plan"].state == "passed"


def test_met_deadlines_stay_met_and_record_lateness():
    m = Milestones("I", T0, responded_at=T0 + 10 * M, plan_at=T0 + 3 * H)
    got = by_key(m, T0 + 5 * H)
    assert got["response"].state == "met" and not got["response"].late
    assert got["response"].remaining == 20 * M  # the margin it was met by
    assert got["plan"].state == "met" and got["plan"].late


def test_resolving_meets_response_and_plan_and_starts_the_report():
    resolved = T0 + 20 * M
    got = by_key(Milestones("II", T0, resolved_at=resolved), T0 + 21 * M)
    assert got["response"].state == got["plan"].state == got["resolution"].state == "met"
    assert got["report"].due_at == resolved + 24 * H
    assert got["report"].state == "ok"


def test_report_due_24h_after_resolution_then_met_by_submission():
    resolved = T0 + 5 * H
    m = Milestones("III", T0, responded_at=T0 + M, resolved_at=resolved)
    assert by_key(m, resolved + 20 * H)["report"].state == "close"
    assert by_key(m, resolved + 25 * H)["report"].state == "passed"
    submitted = Milestones("III", T0, responded_at=T0 + M, resolved_at=resolved,
                           report_submitted_at=resolved + 2 * H)
    assert by_key(submitted, resolved + 25 * H)["report"].state == "met"


def test_level_one_emergency_plan_due_at_16h_when_unsolved_after_12h():
    m = Milestones("I", T0, responded_at=T0 + 5 * M, plan_at=T0 + H)
    before = by_key(m, T0 + 11 * H)["emergency_plan"]
    assert before.due_at == T0 + 16 * H
    assert before.starts_at == T0 + 12 * H
    assert before.state == "ok"
    assert by_key(m, T0 + 15 * H)["emergency_plan"].state == "ok"
    assert by_key(m, T0 + 15 * H + 12 * M)["emergency_plan"].state == "close"  # 20 % of the 4 h window
    assert by_key(m, T0 + 16 * H + M)["emergency_plan"].state == "passed"
    proposed = Milestones("I", T0, responded_at=T0 + 5 * M, plan_at=T0 + H, emergency_plan_at=T0 + 13 * H)
    assert by_key(proposed, T0 + 17 * H)["emergency_plan"].state == "met"


def test_level_one_solved_within_12h_needs_no_emergency_plan():
    m = Milestones("I", T0, responded_at=T0 + 5 * M, resolved_at=T0 + 11 * H)
    assert "emergency_plan" not in by_key(m, T0 + 20 * H)
    late = Milestones("I", T0, responded_at=T0 + 5 * M, resolved_at=T0 + 14 * H)
    assert by_key(late, T0 + 20 * H)["emergency_plan"].state == "met"  # solved before 16 h


def test_closing_stops_the_clock():
    closed = T0 + 2 * H
    m = Milestones("III", T0, closed_at=closed)  # closed as a duplicate, never responded
    got = by_key(m, T0 + 30 * D)
    assert set(got) == {"response"}  # only what had already passed at closing
    assert got["response"].state == "passed"
    assert got["response"].remaining == -(90 * M)


def test_worst_state_orders_red_amber_ok_met():
    got = compute_deadlines(Milestones("III", T0), T0 + 25 * M)
    assert dl.worst_state(got) == "close"
    assert dl.worst_state(compute_deadlines(Milestones("III", T0), T0 + 2 * H)) == "passed"
    assert dl.worst_state([]) == "met"


def test_missed_deadline_escalates_one_level_per_interval():
    due = T0 + 30 * M
    assert escalation_steps(due, due) == 0  # exactly at due: still on time
    assert escalation_steps(due, due + S) == 1  # one second late: the superior
    assert escalation_steps(due, due + 30 * M) == 1
    assert escalation_steps(due, due + 30 * M + S) == 2
    assert escalation_steps(due, due + 5 * H) == 10
    assert escalation_steps(due, due + 5 * H, chain_length=3) == 3  # nobody above the top


def test_escalation_goes_on_after_a_late_answer_until_solved():
    due = T0 + 30 * M
    assert escalation_steps(due, due + 5 * H, solved_at=T0 + 20 * M) == 0
    assert escalation_steps(due, due + 5 * H, solved_at=due + 45 * M) == 2
