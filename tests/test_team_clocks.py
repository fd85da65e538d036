"""The desk's clock against the server's (kbapp.sync.clock_skew): every action a server
stores keeps both times, and a desk clock more than a minute off is said, once per
command on stderr: 59 s is not shown, 61 s is, ahead or behind."""

from __future__ import annotations

import datetime as dt

import pytest
from kbhelpers import cli_env, run_cli

from kbapp import sync
from kbapp.facade import KnowledgeBase
from kbapp.sync import skew_notice


def _moved(seconds: float):
    return lambda: dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def test_the_notice_starts_past_one_minute_either_way():
    assert skew_notice(None) is None
    assert skew_notice(59) is None and skew_notice(-59) is None and skew_notice(60) is None
    assert "61 s ahead" in skew_notice(61) and "61 s behind" in skew_notice(-61)
    assert "1.0 h ahead" in skew_notice(3600)


@pytest.mark.parametrize(("offset", "shown"), [(59, False), (61, True), (-59, False), (-61, True)])
def test_a_desk_clock_moved_is_measured_against_the_real_server(tmp_path, pg_url, offset, shown):
    kb = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    try:
        kb.team.clock = _moved(offset)
        skew = kb.team.clock_skew()
        assert abs(skew - offset) < 0.9  # one machine: the clocks agree but for the round trip
        assert (skew_notice(skew) is not None) is shown
        assert (kb.team.pull().skew_notice is not None) is shown
    finally:
        kb.close()


@pytest.mark.parametrize(("offset", "shown"), [(59, False), (61, True)])
def test_the_command_line_warns_once_on_stderr(tmp_path, pg_url, monkeypatch, offset, shown):
    monkeypatch.setattr(sync, "desk_now", _moved(offset))
    env = cli_env()
    home = tmp_path / "a"
    started = run_cli("--db", pg_url, "incident", "start", "--title", "时钟", "--level", "III", home=home, env=env)
    assert started.returncode == 0, started.stderr
    assert started.stderr.count("clock") == (1 if shown else 0)
    synced = run_cli("--db", pg_url, "sync", home=home, env=env)
    assert synced.returncode == 0, synced.stderr
    assert synced.stderr.count("clock") == (1 if shown else 0)
    searched = run_cli("--db", pg_url, "search", "时钟", home=home, env=env)
    assert searched.stderr.count("clock") == (1 if shown else 0)


def test_an_action_on_the_server_keeps_the_desk_time_and_the_server_time(tmp_path, pg_url):
    from kbapp.incidents.service import IncidentService

    kb = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    try:
        ahead = dt.timedelta(hours=2)
        svc = IncidentService(kb.store, kb, clock=_moved(ahead.total_seconds()), actor="desk-a")
        incident = svc.start("两个时间", "III")
        action = svc.note(incident.id, "记录")
        assert action.received_at is not None
        assert abs((action.at - action.received_at) - ahead) < dt.timedelta(seconds=5)
        assert svc.timeline(incident.id)[-1].received_at == action.received_at
    finally:
        kb.close()


def test_a_desk_on_its_own_file_has_one_clock(tmp_path):
    kb = KnowledgeBase.open(home=tmp_path / "a")
    try:
        kb.actor_override = "desk-a"
        incident = kb.incidents.start("单机", "III")
        assert kb.incidents.note(incident.id, "记录").received_at is None
    finally:
        kb.close()


def test_incident_show_prints_the_servers_time_beside_an_action_made_a_minute_or_more_apart(tmp_path, pg_url):
    from kbapp.incidents.service import IncidentService

    kb = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    try:
        incident = kb.incidents.start("两个时钟", "III")
        kb.incidents.note(incident.id, "同一时刻的记录")
        IncidentService(kb.store, kb, clock=_moved(-90), actor="desk-b").note(incident.id, "慢了 90 秒的记录")
        IncidentService(kb.store, kb, clock=_moved(-50), actor="desk-c").note(incident.id, "慢了 50 秒的记录")
    finally:
        kb.close()
    shown = run_cli("--db", pg_url, "incident", "show", str(incident.id), home=tmp_path / "a", env=cli_env())
    assert shown.returncode == 0, shown.stderr

    def line(text: str) -> str:
        return next(x for x in shown.stdout.splitlines() if text in x)

    assert "(server " in line("慢了 90 秒")  # desk time, then the server's beside it
    assert "(server " not in line("同一时刻") and "(server " not in line("慢了 50 秒")
