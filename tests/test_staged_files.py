"""Files written with a database write never disagree with it (kbapp.store.staging): a
commit that fails after a file was staged leaves neither; a crash between the commit and
the rename is finished by the recovery pass when the store is opened again."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbhelpers import open_kb
from sqlalchemy import event, func, select

from kbapp.store import staging
from kbapp.store.db import StoreError
from kbapp.store.staging import StagedFileRow


@pytest.fixture
def kb(tmp_path):
    kb = open_kb(tmp_path)
    yield kb
    kb.close()


def _proposed(kb):
    shipped = Path(kb.get("config-loss").path)
    edited = shipped.read_text(encoding="utf-8").replace("3. 查找丢失原因", "3. 查找丢失原因（先检查 crontab）", 1)
    return kb.changes.propose("config-loss", edited, reason="lesson", actor="李工")


def _home_copy(kb) -> Path:
    return kb.home.library / "playbooks" / Path(kb.get("config-loss").path).name


def _staged_leftovers(kb) -> list[Path]:
    return list(kb.home.library.rglob("*.staged"))


def _staged_rows(kb) -> int:
    return kb.store.read(lambda s: s.scalar(select(func.count()).select_from(StagedFileRow)))


def test_a_commit_that_fails_after_the_file_was_staged_leaves_files_and_rows_in_agreement(kb, monkeypatch):
    change = _proposed(kb)
    library_before = sorted(p.relative_to(kb.home.library) for p in kb.home.library.rglob("*") if p.is_file())

    def refuse(session):
        if session.info.get(staging.SESSION_KEY):  # a file was staged by the approval: now the commit fails
            raise StoreError("the disk holding the database is full")

    event.listen(kb.store._write_sessions, "before_commit", refuse)
    try:
        with pytest.raises(StoreError):
            kb.changes.approve(change.id, actor="张主管")
    finally:
        event.remove(kb.store._write_sessions, "before_commit", refuse)
    assert kb.changes.get(change.id).status == "proposed"  # the row: not approved
    assert kb.get("config-loss").shipped and "先检查 crontab" not in kb.render_html("config-loss")
    after = sorted(p.relative_to(kb.home.library) for p in kb.home.library.rglob("*") if p.is_file())
    assert after == library_before and not _staged_leftovers(kb)  # the file: not written, no temporary left
    approved = kb.changes.approve(change.id, actor="张主管")  # and it can still be approved
    assert approved.status == "approved" and "先检查 crontab" in _home_copy(kb).read_text(encoding="utf-8")


def test_a_crash_between_commit_and_rename_is_finished_when_the_store_opens(tmp_path, monkeypatch):
    kb = open_kb(tmp_path)
    change = _proposed(kb)
    monkeypatch.setattr(staging, "apply", lambda staged: None)  # the process dies right after the commit
    monkeypatch.setattr(staging, "forget", lambda s, tokens: None)
    kb.changes.approve(change.id, actor="张主管")
    target = _home_copy(kb)
    assert not target.exists() and len(_staged_leftovers(kb)) == 1  # committed, the file still staged
    kb.close()
    monkeypatch.undo()

    again = open_kb(tmp_path)  # the next start
    assert again.changes.get(change.id).status == "approved"  # opens the store: the recovery pass runs
    assert "先检查 crontab" in target.read_text(encoding="utf-8")
    assert not _staged_leftovers(again) and _staged_rows(again) == 0
    again.close()


def test_a_report_rewrite_deletes_the_old_file_only_with_the_commit(kb):
    row = StagedFileRow  # the deletion is staged like a write
    assert row.__tablename__ == "staged_files"
    with kb.store.session() as s, s.begin():
        old = kb.home.library / "reports" / "old.md"
        old.parent.mkdir(parents=True, exist_ok=True)
        old.write_text("old", encoding="utf-8")
        staging.stage_delete(s, old)
        assert old.exists()  # nothing happens before the commit
        staged = staging.take(s)
    staging.apply(staged)
    assert not old.exists()


def test_an_uncommitted_staged_file_left_by_a_crash_is_removed_on_open(tmp_path):
    import os
    import time

    kb = open_kb(tmp_path)
    kb.store  # noqa: B018 - opened once, the data home made
    stray = kb.home.library / "lessons" / ".lesson-9-x.md.0000.staged"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("never committed", encoding="utf-8")
    old = time.time() - staging.ORPHAN_AGE_S - 5
    os.utime(stray, (old, old))
    kb.close()
    again = open_kb(tmp_path)
    again.store  # noqa: B018
    assert not stray.exists()
    again.close()
