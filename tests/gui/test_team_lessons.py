"""A lesson written on one desk is under its step in the other desk's window (issue 14's
"Done when"), against a real PostgreSQL server (tests/pgserver.py): online, while the
window polls, and from the desk's copy once the server is gone."""

from __future__ import annotations

import gc

import pytest

from kbapp.facade import KnowledgeBase


def _shown(qtbot, window) -> str:
    with qtbot.waitSignal(window.document_shown, timeout=10_000):
        window.show_document("config-loss")
    return window.reader.toPlainText()


def _under_step_1(text: str, code: str) -> bool:
    step_1, step_2 = text.find("确认丢失范围"), text.find("先保存当前状态")
    return 0 <= step_1 < text.find(code) < step_2


# A server stopped under open connections: psycopg warns when the dead ones are collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_lesson_written_on_desk_a_is_under_its_step_in_desk_bs_window_online_and_offline(
        qtbot, make_window, tmp_path, pg_server, pg_url, settings):
    settings.setValue("team/poll_seconds", 1)
    desk_a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    desk_b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    desk_a.actor_override = "王工"
    window = None
    try:
        window = make_window(knowledge_base=desk_b)
        qtbot.waitUntil(lambda: window.team.state == "online", timeout=30_000)
        assert "LSN-7741" not in _shown(qtbot, window)
        with qtbot.waitSignal(window.team.synced, timeout=5_000,  # the next poll copies it to desk B
                              check_params_cb=lambda r: any(p.parent.name == "lessons" for p in r.written)):
            desk_a.lessons.add("config-loss", "先比对备份里的配置 LSN-7741", step=1)
        assert _under_step_1(_shown(qtbot, window), "LSN-7741")
        pg_server.stop()
        try:
            qtbot.waitUntil(lambda: window.team.state == "offline", timeout=30_000)
            assert _under_step_1(_shown(qtbot, window), "LSN-7741")  # from desk B's copy
        finally:
            pg_server.start()
    finally:
        if window is not None:
            window.close()
        desk_a.close()
        desk_b.close()
        gc.collect()
