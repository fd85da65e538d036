"""A new desk's first refresh copies every incident on the server in bulk (kbapp.replica:
the driver's rows, a few queries per table, one executemany each): the copy holds exactly
what the server holds — times, empty times, JSON payloads, attached playbooks — stored as
the desk's own writes store them, so a full compare afterwards copies nothing. Against the
real PostgreSQL server (tests/pgserver.py); its speed is bench/bench_replica_refresh.py's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from kbapp.facade import KnowledgeBase
from kbapp.store.models import ActionRow, IncidentPlaybookRow, IncidentRow


@pytest.fixture
def desks(tmp_path, pg_url):
    a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    a.actor_override, b.actor_override = "新桌面", "desk-b"
    yield a, b
    a.close()
    b.close()


def _rows(store, model):
    table = model.__table__
    order = [table.c.incident_id, table.c.position] if model is IncidentPlaybookRow else [table.c.id]
    return store.read(lambda s: [tuple(r) for r in s.execute(select(table).order_by(*order))])


def test_the_first_refresh_copies_every_incident_as_the_server_has_it(desks):
    a, b = desks
    solved = b.incidents.start("配置丢失 “引号” \\ 反斜杠", "II", description="多行\n描述",
                               playbook_ids=["config-loss"], category="config-loss")
    b.incidents.step(solved.id, 1, "done", note="确认配置缺失 {\"json\": [1, 2]}")
    b.incidents.change_level(solved.id, "I", reason="影响扩大")
    b.incidents.resolve(solved.id, "从备份恢复")
    still_open = b.incidents.start("邮件网关延迟", "IV")  # its plan, resolution, ... times are empty
    b.incidents.note(still_open.id, "记录 ✓")

    assert a.replica.refresh() == 2
    for model in (IncidentRow, IncidentPlaybookRow, ActionRow):
        assert _rows(a.replica.store, model) == _rows(b.store, model), model.__tablename__
    assert a.replica.refresh(full=True) == 0  # every row and log compares equal: nothing copied again

    # Stored as SQLAlchemy stores them on SQLite: a time compares equal to a bound time, a
    # payload is JSON (one store format on the copy, whatever wrote the row).
    action = b.incidents.timeline(solved.id)[-1]
    copy = a.replica.store
    assert copy.read(lambda s: s.scalar(select(ActionRow.id).where(ActionRow.at == action.at))) == action.id
    assert copy.read(lambda s: s.scalar(select(func.count()).select_from(IncidentRow)
                                        .where(IncidentRow.resolved_at.is_(None)))) == 1
    stamps = copy.read(lambda s: [r[0] for r in s.execute(text("SELECT at FROM actions"))])
    assert all(len(v) == len("2026-12-04 18:40:00.123456") for v in stamps), stamps
    payloads = copy.read(lambda s: [r[0] for r in s.execute(text("SELECT json_valid(payload) FROM actions"))])
    assert payloads and all(payloads)
    shown = a.replica.incidents.get(solved.id)
    assert (shown.level, shown.status, shown.title) == ("I", "resolved", solved.title)



def test_a_first_copy_in_steps_brings_the_newest_incidents_first_and_ends_as_the_server(desks):
    a, b = desks
    ids = [b.incidents.start(f"故障 {n}", "IV").id for n in range(5)]
    b.incidents.note(ids[0], "最早的那个也有记录")
    assert a.replica.refresh(limit=2) == 2 and a.replica.behind  # the window's step (kbapp.gui.team_sync)
    assert sorted(i.id for i in a.replica.incidents.list()) == ids[-2:]
    assert not a.replica.cursor_path.exists()  # no cursor until the copy is whole
    assert a.replica.refresh(limit=2) == 2 and a.replica.behind
    assert a.replica.refresh(limit=2) == 1 and not a.replica.behind
    assert a.replica.cursor_path.exists() and a.replica.refresh(limit=2) == 0
    for model in (IncidentRow, IncidentPlaybookRow, ActionRow):
        assert _rows(a.replica.store, model) == _rows(b.store, model), model.__tablename__
    b.incidents.note(ids[2], "之后的记录")
    assert a.replica.refresh(limit=2) == 1 and not a.replica.behind  # then through the cursor as ever
