"""The window on a team desk whose server does not answer (a real PostgreSQL server,
tests/pgserver.py, for the desk's first copy; kbapp.incidents.desk_watch, kbapp.copy_view):
an overdue incident on the desk's copy is escalated from the desk and the person told over
the desk's webhook, the banner saying the desk watches on its own; "Escalate now" is sent
from the desk at once; what is due and the figures come from the copy, and a change to what
only the server may change is refused, saying why."""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager

from notifyhelpers import HookServer

from kbapp.facade import KnowledgeBase
from kbapp.incidents.escalation import EscalationChain, Person, chain_path, save_chain

UNREACHABLE = "postgresql+psycopg://kbapp@127.0.0.1:1/nowhere"
CHAIN = EscalationChain((Person("王工", "值班工程师", "138 0000 0001", "李经理"),
                         Person("李经理", "技术主管", "138 0000 0002")))


@contextmanager
def offline_window(make_window, tmp_path, pg_url, on_server, hook: HookServer | None = None):
    """``on_server(kb)`` written on another desk; this desk syncs once, then its window opens
    with the server unreachable (escalation chain and webhook in its home)."""
    other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    try:
        on_server(other)
    finally:
        other.close()
    home = tmp_path / "desk"
    synced = KnowledgeBase.open(home=home, db_url=pg_url)
    try:
        synced.replica.refresh()
    finally:
        synced.close()
    save_chain(chain_path(home), CHAIN)
    if hook is not None:
        (home / "notify.toml").write_text(f'[[webhook]]\nurl = "{hook.url()}"\nformat = "json"\n', encoding="utf-8")
    here = KnowledgeBase.open(home=home, db_url=UNREACHABLE)
    window = None
    try:
        window = make_window(knowledge_base=here)
        yield window, here
    finally:
        if window is not None:
            window.close()
        here.close()
        gc.collect()


def test_the_window_offline_escalates_an_overdue_incident_from_the_desk(qtbot, make_window, tmp_path, pg_url,
                                                                        settings):
    settings.setValue("team/poll_seconds", 1)
    started = []
    late = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=40)
    with HookServer() as hook:
        with offline_window(make_window, tmp_path, pg_url, lambda kb: started.append(kb.incidents.start(
                "数据库主库宕机", "III", responsible="王工", notified_at=late)), hook) as (window, here):
            incident = started[0]
            qtbot.waitUntil(lambda: len(hook.requests) == 1, timeout=30_000)
            body = hook.bodies()[0]
            assert (body["incident_id"], body["person"], body["deadline"]) == (incident.id, "李经理", "response")
            banner = window.deadline_banner
            qtbot.waitUntil(lambda: "this desk watches these deadlines itself" in banner.label.text(),
                            timeout=30_000)
            assert f"#{incident.id} [III]" in banner.label.text(), banner.label.text()
            logged = [a for a in here.desk_incidents.timeline(incident.id) if a.kind == "escalation"]
            assert [(a.payload["to"], a.actor) for a in logged] == [("李经理", "kbapp")]
        assert len(hook.requests) == 1


def test_escalate_now_in_a_window_offline_is_sent_from_the_desk_at_once(qtbot, make_window, tmp_path, pg_url,
                                                                       settings):
    settings.setValue("team/poll_seconds", 1)
    started = []
    with HookServer() as hook:
        with offline_window(make_window, tmp_path, pg_url, lambda kb: started.append(kb.incidents.start(
                "接口大面积超时", "III", responsible="王工")), hook) as (window, _here):  # nothing due yet
            page, view = window.incidents, window.incidents.view
            qtbot.waitUntil(lambda: window.team.state == "offline", timeout=30_000)
            with qtbot.waitSignal(view.loaded, timeout=30_000):
                view.load(started[0].id)
            with qtbot.waitSignal(page.escalated, timeout=30_000) as done:
                page.escalate_now()
            assert done.args[0].person.name == "李经理"
            # The desk's deadline watch sends it after the write, not at its next minute.
            qtbot.waitUntil(lambda: len(hook.requests) == 1, timeout=20_000)
            assert hook.bodies()[0]["person"] == "李经理" and hook.bodies()[0]["reason"] == "manual"
        assert len(hook.requests) == 1


def test_the_window_offline_shows_what_is_due_and_the_figures_from_the_desks_copy(qtbot, make_window, tmp_path,
                                                                                  pg_url, settings):
    """Customers, plans and the metrics are the server's; the desk's copy of them answers while
    the server does not, and a change to them is refused, saying why, rather than lost."""
    settings.setValue("team/poll_seconds", 1)

    def on_server(kb):
        incident = kb.incidents.start("备份任务失败", "III", customer="某银行", system="核心系统")
        kb.incidents.resolve(incident.id, "重跑备份")
        kb.visits.new_plan("某银行", contact="王主任")  # first visit due today

    with offline_window(make_window, tmp_path, pg_url, on_server) as (window, _here):
        qtbot.waitUntil(lambda: "1 follow-up visit(s) due" in window.due_banner.label.text(), timeout=30_000)
        window.pages.setCurrentWidget(window.metrics)
        qtbot.waitUntil(lambda: window.metrics.figures is not None, timeout=30_000)
        assert window.metrics.figures["overall"]["incidents"] == 1
        assert [window.metrics.customer.itemText(i) for i in range(window.metrics.customer.count())][1:] == ["某银行"]
        refused: list[str] = []
        window.visits.message.connect(refused.append)
        plan = window.visits.due_model.rows[0].plan
        window.visits._write(lambda: window.visits.kb.visits.stop_plan(plan.id))
        qtbot.waitUntil(lambda: bool(refused), timeout=30_000)
        assert "team server does not answer" in refused[0] and not window.visits.error_label.isHidden()
        assert window.visits.kb.visits.plans()[0].active  # nothing changed on the copy
