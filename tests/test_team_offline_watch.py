"""Escalation with nobody watching while the team server is down (a real PostgreSQL server,
tests/pgserver.py; kbapp.incidents.desk_watch): a desk's watcher escalates from its copy of
the incidents and sends the notifications itself; once the server is back, the server has
each escalation once, sends nothing again, and its own watchers escalate nothing twice."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from kbhelpers import cli_env, run_cli
from notifyhelpers import Clock, HookServer
from sqlalchemy import select

from kbapp.facade import KnowledgeBase
from kbapp.incidents.escalation import EscalationChain, Person, chain_path, save_chain
from kbapp.offline import Outbox, send
from kbapp.store.models import ActionRow
from kbapp.store.notify_models import EscalationRow, NotificationRow

UNREACHABLE = "postgresql+psycopg://kbapp@127.0.0.1:1/nowhere"
S = dt.timedelta(seconds=1)
CHAIN = EscalationChain((
    Person("王工", "值班工程师", "138 0000 0001", "李经理"),
    Person("李经理", "技术主管", "138 0000 0002", "赵总"),
    Person("赵总", "服务总监", "138 0000 0003"),
))


def _desk(tmp_path, name: str, url: str, hook: HookServer | None = None) -> KnowledgeBase:
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    save_chain(chain_path(home), CHAIN)
    if hook is not None:
        (home / "notify.toml").write_text(f'[[webhook]]\nurl = "{hook.url()}"\nformat = "json"\nname = "值班群"\n',
                                          encoding="utf-8")
    kb = KnowledgeBase.open(home=home, db_url=url)
    kb.actor_override = name
    return kb


def _incident(tmp_path, pg_url):
    """An incident logged on another desk, and when its 30-minute response is due."""
    other = _desk(tmp_path, "other", pg_url)
    try:
        incident = other.incidents.start("核心交换机掉线", "III", responsible="王工")
        due = next(d.due_at for d in other.incidents.deadlines(incident, incident.notified_at) if d.key == "response")
    finally:
        other.close()
    return incident, due


def _copied(tmp_path, name: str, pg_url: str) -> None:
    desk = _desk(tmp_path, name, pg_url)
    try:
        desk.replica.refresh()
    finally:
        desk.close()


def _escalations(kb: KnowledgeBase, incident_id: int):
    return [a for a in kb.desk_incidents.timeline(incident_id) if a.kind == "escalation"]


def _uids(store, actions) -> list[str]:
    ids = [a.id for a in actions]
    return store.read(lambda s: [s.get(ActionRow, i).uid for i in ids])


def test_an_offline_desk_escalates_a_missed_deadline_once_and_the_server_sends_nothing_again(tmp_path, pg_url):
    incident, due = _incident(tmp_path, pg_url)
    _copied(tmp_path, "a", pg_url)
    with HookServer() as hook:
        offline = _desk(tmp_path, "a", UNREACHABLE, hook)
        clock = Clock(due)
        try:
            watcher = offline.watcher(clock)
            on_time = watcher.run_once()  # exactly at due: the amber reminder only, nobody above
            assert on_time.offline and [(e.deadline_key, e.step) for e in on_time.escalated] == [("response", 0)]
            clock.now = due + S  # one second late: the responsible person's superior
            late = watcher.run_once()
            assert late.offline
            assert [(e.deadline_key, e.step, e.person.name) for e in late.escalated] == [("response", 1, "李经理")]
            assert {(d.channel, d.outcome) for d in late.deliveries} == {("webhook", "sent")}
            assert watcher.run_once().escalated == []  # a second pass: nothing again
            assert [b["person"] for b in hook.bodies()] == ["王工", "李经理"]
            assert hook.bodies()[1]["incident_id"] == incident.id and hook.bodies()[1]["step"] == 1
            on_copy = _escalations(offline, incident.id)  # the copy answers while offline
            assert [(a.payload["to"], a.at) for a in on_copy] == [("王工", due), ("李经理", due + S)]
            copy_uids = _uids(offline.replica.store, on_copy)
            methods = [i.args.get("method") for i in Outbox(offline.home.root).items()]
            assert methods.count("escalate_due") == 2 and methods.count("record_delivery") == 2
        finally:
            offline.close()

        back = _desk(tmp_path, "a", pg_url, hook)
        try:
            sent = send(back)
            assert (sent.sent, sent.conflicts, sent.waiting) == (4, [], 0)
            assert send(back).sent == 0  # a second sync does nothing
            server = _escalations(back, incident.id)
            assert [(a.payload["to"], a.at) for a in server] == [(a.payload["to"], a.at) for a in on_copy]
            assert _uids(back.store, server) == copy_uids  # the same actions, not copies of them
            sent_lines = [a for a in back.incidents.timeline(incident.id) if a.kind == "notification"]
            assert [(a.payload["person"], a.payload["outcome"], a.payload["sent_by_desk"]) for a in sent_lines] == [
                ("王工", "sent", True), ("李经理", "sent", True)]
            claims = back.store.read(lambda s: s.execute(select(EscalationRow.deadline_key, EscalationRow.step)
                                                         .where(EscalationRow.incident_id == incident.id)).all())
            assert sorted(claims) == [("response", 0), ("response", 1)]
            assert back.store.read(lambda s: s.scalars(select(NotificationRow.id)).all()) == []  # nothing to resend
            online = back.watcher(clock).run_once()  # the server's pass at the same moment
            assert not online.offline and online.escalated == [] and len(hook.requests) == 2
            back.replica.refresh()
            assert back.watcher(clock).run_once().escalated == []
        finally:
            back.close()
    assert len(hook.requests) == 2


def test_two_desks_that_both_escalated_offline_are_both_kept_and_nothing_is_escalated_again(tmp_path, pg_url):
    incident, due = _incident(tmp_path, pg_url)
    with HookServer() as hook:
        for name in ("a", "b"):
            _copied(tmp_path, name, pg_url)
            desk = _desk(tmp_path, name, UNREACHABLE, hook)
            try:
                done = desk.watcher(Clock(due + 5 * S)).run_once()
                assert [(e.step, e.person.name) for e in done.escalated] == [(1, "李经理")]  # a stale amber is skipped
            finally:
                desk.close()
        assert [b["person"] for b in hook.bodies()] == ["李经理", "李经理"]  # each desk told him
        for name in ("a", "b"):
            desk = _desk(tmp_path, name, pg_url, hook)
            try:
                assert send(desk).conflicts == []
            finally:
                desk.close()
        server = _desk(tmp_path, "a", pg_url, hook)
        try:
            both = _escalations(server, incident.id)
            assert [(a.actor, a.payload["to"], bool(a.payload.get("also"))) for a in both] == [
                ("kbapp", "李经理", False), ("kbapp", "李经理", True)]
            assert server.watcher(Clock(due + 10 * S)).run_once().escalated == []
        finally:
            server.close()
        assert len(hook.requests) == 2


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_kbapp_watch_on_a_desk_whose_server_is_down_escalates_from_its_copy(tmp_path, pg_url):
    other = _desk(tmp_path, "other", pg_url)
    try:
        late = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=40)
        incident = other.incidents.start("存储阵列告警", "III", responsible="王工", notified_at=late)
    finally:
        other.close()
    _copied(tmp_path, "a", pg_url)
    with HookServer() as hook:
        _desk(tmp_path, "a", UNREACHABLE, hook).close()
        done = run_cli("--db", UNREACHABLE, "watch", "--once", "--json", home=tmp_path / "a", env=cli_env())
        assert done.returncode == 0, done.stderr
        assert done.stderr.count("offline") == 1 and "this desk's copy" in done.stderr, done.stderr
        out = json.loads(done.stdout)
        assert [(e["incident_id"], e["step"], e["person"]) for e in out["escalated"]] == [(incident.id, 1, "李经理")]
        assert [b["person"] for b in hook.bodies()] == ["李经理"]
        again = run_cli("--db", UNREACHABLE, "watch", "--once", "--json", home=tmp_path / "a", env=cli_env())
        assert again.returncode == 0 and json.loads(again.stdout)["escalated"] == []
    synced = run_cli("--db", pg_url, "sync", home=tmp_path / "a", env=cli_env())
    assert synced.returncode == 0, synced.stderr


def test_a_serious_incident_started_offline_is_reported_once_by_the_server(tmp_path, pg_url):
    """Level I/II are reported at once (DOMAIN.md); one started offline is reported when the
    server has it, once: the desk's copy queues nothing of it."""
    _copied(tmp_path, "a", pg_url)
    with HookServer() as hook:
        offline = _desk(tmp_path, "a", UNREACHABLE, hook)
        try:
            started = offline.desk_incidents.start("数据库集群全部宕机", "I", responsible="王工")
            assert started.pending
            logged = _escalations(offline, started.id)
            assert [(a.payload["reason"], a.payload["to"]) for a in logged] == [("serious", "李经理")]
            offline.watcher(Clock(started.notified_at + S)).run_once()
            assert hook.requests == []
        finally:
            offline.close()
        back = _desk(tmp_path, "a", pg_url, hook)
        try:
            number = send(back).numbered[started.uid]
            watcher = back.watcher(Clock(started.notified_at + 2 * S))
            done = watcher.run_once()
            assert [(d.channel, d.outcome) for d in done.deliveries] == [("webhook", "sent")]
            assert [(b["event"], b["incident_id"], b["person"]) for b in hook.bodies()] == [("serious", number, "李经理")]
            assert watcher.run_once().deliveries == [] and len(hook.requests) == 1
        finally:
            back.close()
