"""A team desk whose very first start finds the server down (a real PostgreSQL server,
tests/pgserver.py, stopped): it has never synced, so its copy is empty, and still it works
on its local SQLite, says once on stderr that it is offline, and sends what was done when
the server is back."""

from __future__ import annotations

import gc

import pytest

from kbapp.facade import KnowledgeBase


# A server stopped under open connections: psycopg warns when the dead ones are collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_desk_that_never_synced_starts_offline_works_on_its_copy_and_says_so_once(
        qtbot, make_window, tmp_path, pg_server, pg_url, settings, capsys):
    from kbapp.offline import Outbox

    settings.setValue("team/poll_seconds", 1)
    pg_server.stop()
    here = KnowledgeBase.open(home=tmp_path / "new-desk", db_url=pg_url)
    window = None
    try:
        try:
            window = make_window(knowledge_base=here)
            page, view = window.incidents, window.incidents.view
            qtbot.waitUntil(lambda: window.team.state == "offline", timeout=30_000)
            with qtbot.waitSignal(page.incident_started, timeout=30_000) as started:
                page.start_incident(title="首次启动就断网", level="II")
            qtbot.waitUntil(lambda: page.list_model.rowCount() == 1, timeout=30_000)
            assert page.list_model.index(0, 0).data().startswith("#pending [II] 首次启动就断网")
            with qtbot.waitSignal(view.loaded, timeout=30_000):
                view.load(started.args[0])
            with qtbot.waitSignal(view.queued_offline, timeout=30_000):
                view.note_edit.setText("没有网络也要记")
                view.log_note()
            qtbot.waitUntil(lambda: "2 action(s) waiting" in window.team.label.text()
                            and "offline" in window.team.label.text(), timeout=30_000)
            shown: list[tuple[str, str]] = []  # each state the status bar went through, and its text
            window.team.state_changed.connect(lambda state: shown.append((state, window.team.label.text())))
            # two more polls met the server down: syncing, then offline again, the count kept
            qtbot.waitUntil(lambda: [s for s, _ in shown].count("offline") >= 2, timeout=30_000)
            assert ("syncing", "Team: syncing… · 2 action(s) waiting to be sent") in shown
            assert ("offline", "Team: offline, showing this desk's copy · 2 action(s) waiting to be sent") in shown
            err = capsys.readouterr().err
            assert err.count("offline") == 1, err  # said once, not at every poll
            assert "this desk's copy" in err
        finally:
            pg_server.start()
        qtbot.waitUntil(lambda: Outbox(here.home.root).count() == 0, timeout=60_000)
        qtbot.waitUntil(lambda: window.team.label.text() == "Team: online", timeout=60_000)
        assert "online again" in capsys.readouterr().err
        other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
        try:
            found = [i for i in other.incidents.list() if i.title == "首次启动就断网"]
            assert len(found) == 1
            assert [a.details for a in other.incidents.timeline(found[0].id) if a.kind == "note"] == ["没有网络也要记"]
        finally:
            other.close()
    finally:
        if window is not None:
            window.close()
        here.close()
        gc.collect()
