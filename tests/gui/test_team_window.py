"""The window in team mode (a real PostgreSQL server, tests/pgserver.py): a report
written on another desk reaches this desk's search in the background, and the status bar
says whether the desk is online."""

from __future__ import annotations

from kbapp.facade import KnowledgeBase

FILLED = {"fault_type": "配置丢失", "cause": "运维误删配置", "loss": "业务中断 40 分钟", "place": "客户机房"}


def test_a_report_written_on_another_desk_appears_in_this_window_search(qtbot, make_window, tmp_path, pg_url,
                                                                        settings):
    settings.setValue("team/poll_seconds", 1)
    here = KnowledgeBase.open(home=tmp_path / "here", db_url=pg_url)
    other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    other.actor_override = "王工"
    window = None
    try:
        window = make_window(knowledge_base=here)
        qtbot.waitUntil(lambda: window.team.state == "online", timeout=30_000)
        assert window.team.label.text() == "Team: online"
        with qtbot.waitSignal(window.team.synced, timeout=30_000,
                              check_params_cb=lambda result: any(p.parent.name == "reports" for p in result.written)):
            incident = other.incidents.start("网关配置丢失 GWX-3107", "II", category="config-loss",
                                             playbook_ids=["config-loss"], reporter="客户张工")
            other.incidents.resolve(incident.id, "从备份恢复")
            other.reports.submit(incident.id, FILLED)
        window.search_box.setText("GWX-3107")
        qtbot.waitUntil(lambda: any(window.results_model.hit(r).id == f"report-{incident.id}"
                                    for r in range(window.results_model.rowCount())), timeout=30_000)
    finally:
        if window is not None:
            window.close()  # its background reads and polls end before the databases close
        other.close()
        here.close()


def test_a_desk_without_a_shared_server_shows_no_team_state(qtbot, make_window):
    window = make_window()
    assert not window.team.enabled and window.team.state == ""



def test_the_window_sends_what_this_desk_queued_offline(qtbot, make_window, tmp_path, pg_url, settings):
    from kbapp.offline import Outbox

    settings.setValue("team/poll_seconds", 1)
    other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    here = KnowledgeBase.open(home=tmp_path / "here", db_url=pg_url)
    window = None
    try:
        incident = other.incidents.start("专线中断", "II")
        Outbox(here.home.root).add("note", {"id": incident.id, "text": "断网时记下的", "actor": "王工"})
        window = make_window(knowledge_base=here)
        qtbot.waitUntil(lambda: Outbox(here.home.root).count() == 0, timeout=60_000)
        notes = [a for a in other.incidents.timeline(incident.id) if a.kind == "note"]
        assert [(a.details, a.actor) for a in notes] == [("断网时记下的", "王工")]
        window.team.waiting = 2
        window.team._set_state("offline")
        assert window.team.label.text() == "Team: offline, showing this desk's copy · 2 action(s) waiting to be sent"
    finally:
        if window is not None:
            window.close()  # its background reads and polls end before the databases close
        other.close()
        here.close()
