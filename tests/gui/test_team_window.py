"""The window in team mode (a real PostgreSQL server, tests/pgserver.py): a report
written on another desk reaches this desk's search in the background, and the status bar
says whether the desk is online."""

from __future__ import annotations

import gc

import pytest

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


def _moved(seconds):
    import datetime as dt

    return lambda: dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


# A server stopped under open connections: psycopg warns when the dead ones are collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_window_keeps_logging_with_the_server_down_and_sends_it_when_back(qtbot, make_window, tmp_path,
                                                                              pg_server, pg_url, settings):
    from kbapp.offline import Outbox

    settings.setValue("team/poll_seconds", 1)
    other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    here = KnowledgeBase.open(home=tmp_path / "here", db_url=pg_url)
    window = None
    try:
        incident = other.incidents.start("机房断电", "II")
        window = make_window(knowledge_base=here)
        view = window.incidents.view
        with qtbot.waitSignal(view.loaded, timeout=30_000):
            view.load(incident.id)
        qtbot.waitUntil(lambda: window.team.state == "online", timeout=30_000)
        pg_server.stop()
        try:
            with qtbot.waitSignal(view.queued_offline, timeout=60_000):
                view.note_edit.setText("断网时记下的")
                view.log_note()
            assert Outbox(here.home.root).count() == 1
            assert not view.error_label.isHidden() and "Offline" in view.error_label.text()
            qtbot.waitUntil(lambda: "1 action(s) waiting" in window.team.label.text()
                            and "offline" in window.team.label.text(), timeout=60_000)  # (a poll says "syncing")
        finally:
            pg_server.start()
        qtbot.waitUntil(lambda: Outbox(here.home.root).count() == 0, timeout=60_000)
        qtbot.waitUntil(lambda: window.team.label.text() == "Team: online", timeout=60_000)
        notes = [a for a in other.incidents.timeline(incident.id) if a.kind == "note"]
        assert [a.details for a in notes] == ["断网时记下的"]
        # The merge reaches the screen: the open incident is read again.
        qtbot.waitUntil(lambda: any(a.details == "断网时记下的" for a in view.timeline_model.actions), timeout=30_000)
    finally:
        if window is not None:
            window.close()
        other.close()
        here.close()
        gc.collect()  # here, not in the next test


def test_a_conflict_made_offline_is_shown_on_the_incident_until_settled(qtbot, make_window, tmp_path, pg_url):
    import datetime as dt

    from kbapp.incidents.merge import settle
    from kbapp.offline import Outbox, send

    other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    offline = KnowledgeBase.open(home=tmp_path / "offline", db_url=pg_url)
    here = KnowledgeBase.open(home=tmp_path / "here", db_url=pg_url)
    other.actor_override = "王工"
    window = None
    try:
        incident = other.incidents.start("专线中断", "II")
        other.incidents.acknowledge(incident.id)
        Outbox(offline.home.root).add("status", {"id": incident.id, "status": "mitigated", "actor": "李工"},
                                      made_at=dt.datetime.now(dt.UTC))
        other.incidents.set_status(incident.id, "mitigated")
        assert len(send(offline).conflicts) == 1
        window = make_window(knowledge_base=here)
        view = window.incidents.view
        with qtbot.waitSignal(view.loaded, timeout=30_000):
            view.load(incident.id)
        assert not view.settle_banner.isHidden() and "Needs settling" in view.settle_banner.text()
        assert "李工" in view.settle_banner.text()
        settle(other.incidents, incident.id, "以王工的为准")
        with qtbot.waitSignal(view.loaded, timeout=30_000):
            view.load(incident.id)
        assert view.settle_banner.isHidden()
    finally:
        if window is not None:
            window.close()
        for kb in (other, offline, here):
            kb.close()


def test_the_status_bar_shows_a_desk_clock_a_minute_off_the_server(qtbot, make_window, tmp_path, pg_url, settings):
    settings.setValue("team/poll_seconds", 1)
    here = KnowledgeBase.open(home=tmp_path / "here", db_url=pg_url)
    window = None
    try:
        here.team.clock = _moved(59)
        window = make_window(knowledge_base=here)
        qtbot.waitUntil(lambda: window.team.state == "online", timeout=30_000)
        assert window.team.label.text() == "Team: online"  # 59 s: not shown
        here.team.clock = _moved(61)
        qtbot.waitUntil(lambda: "1 min ahead of the server" in window.team.label.text(), timeout=30_000)
        here.team.clock = _moved(-125)
        qtbot.waitUntil(lambda: "2 min behind the server" in window.team.label.text(), timeout=30_000)
    finally:
        if window is not None:
            window.close()
        here.close()


def test_a_report_written_on_desk_a_is_found_by_search_on_desk_b_within_5_s(qtbot, make_window, tmp_path, pg_url,
                                                                           settings):
    settings.setValue("team/poll_seconds", 1)
    desk_b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    desk_a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    desk_a.actor_override = "王工"
    window = None
    try:
        incident = desk_a.incidents.start("防火墙策略丢失 FWQ-5521", "II", category="config-loss",
                                          playbook_ids=["config-loss"], reporter="客户李工")
        desk_a.incidents.resolve(incident.id, "从备份恢复策略")
        window = make_window(knowledge_base=desk_b)
        qtbot.waitUntil(lambda: window.team.state == "online", timeout=30_000)
        window.search_box.setText("FWQ-5521")
        desk_a.reports.submit(incident.id, FILLED)  # from here, desk B has 5 s

        def found() -> bool:
            return any(window.results_model.hit(r).id == f"report-{incident.id}"
                       for r in range(window.results_model.rowCount()))

        qtbot.waitUntil(found, timeout=5_000)
    finally:
        if window is not None:
            window.close()
        desk_a.close()
        desk_b.close()


# A server stopped under open connections: psycopg warns when the dead ones are collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_offline_the_window_lists_opens_and_starts_incidents_from_the_desks_copy(qtbot, make_window, tmp_path,
                                                                                 pg_server, pg_url, settings):
    from kbapp.offline import Outbox

    settings.setValue("team/poll_seconds", 1)
    other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    here = KnowledgeBase.open(home=tmp_path / "here", db_url=pg_url)
    window = None
    try:
        never_opened = other.incidents.start("数据库连接池耗尽", "II")
        other.incidents.note(never_opened.id, "另一台电脑的记录")
        newest = other.incidents.start("邮件网关延迟", "III")
        window = make_window(knowledge_base=here)
        page, view = window.incidents, window.incidents.view
        with qtbot.waitSignal(window.team.synced, timeout=30_000):  # a pull: the desk's copy has both now
            pass
        pg_server.stop()
        try:
            page.reload_list()
            qtbot.waitUntil(lambda: page.list_model.rowCount() == 2, timeout=30_000)
            assert never_opened.id != view.incident_id
            # The list's own selection (the newest) may still be loading: wait for this one.
            view.load(never_opened.id)
            qtbot.waitUntil(lambda: view.incident is not None and view.incident.id == never_opened.id,
                            timeout=30_000)
            assert view.incident.title == "数据库连接池耗尽"
            assert [a.details for a in view.timeline_model.actions if a.kind == "note"] == ["另一台电脑的记录"]
            with qtbot.waitSignal(page.incident_started, timeout=30_000) as started:
                page.start_incident(title="离线时新来的故障", level="III")
            qtbot.waitUntil(lambda: page.list_model.rowCount() == 3, timeout=30_000)
            # The status bar follows the write's OpChanges (runner.changed), a start included.
            qtbot.waitUntil(lambda: "1 action(s) waiting" in window.team.label.text()
                            and "offline" in window.team.label.text(), timeout=30_000)  # (a poll says "syncing")
            heads = [page.list_model.index(r, 0).data() for r in range(3)]
            assert any(h.startswith("#pending [III] 离线时新来的故障") for h in heads)
            with qtbot.waitSignal(view.loaded, timeout=30_000):
                view.load(started.args[0])
            assert view.incident.pending
            with qtbot.waitSignal(view.queued_offline, timeout=30_000):
                view.note_edit.setText("离线时记下的")
                view.log_note()
            qtbot.waitUntil(lambda: any(a.details == "离线时记下的" for a in view.timeline_model.actions),
                            timeout=30_000)
            assert Outbox(here.home.root).count() == 2
            qtbot.waitUntil(lambda: "2 action(s) waiting" in window.team.label.text(), timeout=30_000)
        finally:
            pg_server.start()
        qtbot.waitUntil(lambda: Outbox(here.home.root).count() == 0, timeout=60_000)
        qtbot.waitUntil(lambda: window.team.label.text() == "Team: online", timeout=60_000)
        found = [i for i in other.incidents.list() if i.title == "离线时新来的故障"]
        assert len(found) == 1 and len(other.incidents.list()) == 3
        assert [a.details for a in other.incidents.timeline(found[0].id) if a.kind == "note"] == ["离线时记下的"]
        assert newest.id in {i.id for i in other.incidents.list()}
        # The incident on screen is the numbered one now.
        qtbot.waitUntil(lambda: view.incident is not None and view.incident.id == found[0].id, timeout=30_000)
    finally:
        if window is not None:
            window.close()
        other.close()
        here.close()
        gc.collect()


def test_offline_the_records_page_writes_on_the_desks_copy_and_the_sync_numbers_it(qtbot, make_window, tmp_path,
                                                                                     pg_server, pg_url, settings):
    from kbapp.offline import Outbox

    settings.setValue("team/poll_seconds", 1)
    other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    here = KnowledgeBase.open(home=tmp_path / "here", db_url=pg_url)
    window = None
    try:
        other.records.new("consultation", "服务器上已有的咨询")
        window = make_window(knowledge_base=here)
        page = window.records
        with qtbot.waitSignal(window.team.synced, timeout=30_000):
            pass
        pg_server.stop()
        try:
            page.reload()
            qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=30_000)  # from the desk's copy
            page.actor = lambda: "张工"
            page.create_record(kind="defect", title="离线登记的打印故障")
            qtbot.waitUntil(lambda: page.current is not None and page.current.title == "离线登记的打印故障",
                            timeout=30_000)
            assert page.current.pending and "#pending" in page.header.text()
            assert page.model.rowCount() == 2
            assert "#pending" in [page.model.index(r, 0).data() for r in range(2)]
            page.move_record(page.current.id, "analysed", {"classification": "technical"})
            qtbot.waitUntil(lambda: page.current is not None and page.current.state == "analysed", timeout=30_000)
            assert Outbox(here.home.root).count() == 2
            qtbot.waitUntil(lambda: "2 action(s) waiting" in window.team.label.text(), timeout=30_000)
        finally:
            pg_server.start()
        qtbot.waitUntil(lambda: Outbox(here.home.root).count() == 0, timeout=60_000)
        qtbot.waitUntil(lambda: window.team.label.text() == "Team: online", timeout=60_000)
        found = [r for r in other.records.list() if r.title == "离线登记的打印故障"]
        assert len(found) == 1 and found[0].state == "analysed" and not found[0].pending
        qtbot.waitUntil(lambda: sorted(r.id for r in page.model.rows) == sorted(r.id for r in other.records.list()),
                        timeout=30_000)
    finally:
        if window is not None:
            window.close()
        other.close()
        here.close()
        gc.collect()
