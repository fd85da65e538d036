"""A desk's copy of the incidents follows the server through a change cursor (kbapp.replica):
a refresh reads only the incidents written since the last one, a write committed late
(begun before a refresh, committed after it) is still found by the next one, and an
incident gone from the server is found by a full compare. Against the real PostgreSQL
server (tests/pgserver.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kbapp.facade import KnowledgeBase
from kbapp.incidents import types as itypes
from kbapp.incidents.service import IncidentService
from kbapp.store.db import Store
from kbapp.store.models import IncidentRow


@pytest.fixture
def desks(tmp_path, pg_url):
    a = KnowledgeBase.open(home=tmp_path / "a", db_url=pg_url)
    b = KnowledgeBase.open(home=tmp_path / "b", db_url=pg_url)
    a.actor_override, b.actor_override = "desk-a", "desk-b"
    yield a, b
    a.close()
    b.close()


def _same(a, b, incident_id):
    assert a.replica.incidents.get(incident_id) == b.incidents.get(incident_id)
    assert [(x.id, x.details) for x in a.replica.incidents.timeline(incident_id)] == [
        (x.id, x.details) for x in b.incidents.timeline(incident_id)]


def test_a_refresh_copies_only_the_incidents_written_since_the_last_one(desks):
    a, b = desks
    ids = [b.incidents.start(f"故障 {n}", "IV").id for n in range(5)]
    assert a.replica.refresh() == 5  # the first: every incident compared, and a cursor kept
    assert json.loads(a.replica.cursor_path.read_text(encoding="utf-8"))["mark"] > 0
    assert a.replica.refresh() == 0

    b.incidents.note(ids[2], "新记录")
    b.incidents.change_level(ids[4], "III", reason="影响扩大")
    assert a.replica.refresh() == 2
    for i in ids:
        _same(a, b, i)
    started = b.incidents.start("新故障", "II")
    assert a.replica.refresh() == 1
    _same(a, b, started.id)
    assert a.replica.refresh() == 0


def test_a_write_committed_after_a_refresh_that_began_before_it_is_found_by_the_next(desks, pg_url):
    a, b = desks
    first = b.incidents.start("专线中断", "III")
    second = b.incidents.start("邮件延迟", "IV")
    a.replica.refresh()
    holder = Store.open(pg_url, migrate=False)
    try:
        with holder.session() as s, s.begin():
            # Desk C's write is under way (its transaction has written, not committed) …
            row = IncidentService._row(s, first.id, lock=True)
            IncidentService._append(s, row, itypes.NOTE, actor="desk-c", at=dt.datetime.now(dt.UTC),
                                    details="迟到的提交")
            b.incidents.note(second.id, "B 的记录")  # … another desk writes and commits meanwhile …
            assert a.replica.refresh() == 1  # … and A's refresh sees B's, not C's yet
            _same(a, b, second.id)
        # C committed after A's refresh had begun and ended: the next refresh finds it all the same.
        assert a.replica.refresh() == 1
        assert "迟到的提交" in [x.details for x in a.replica.incidents.timeline(first.id)]
        _same(a, b, first.id)
    finally:
        holder.close()


def test_an_incident_gone_from_the_server_is_found_by_a_full_compare(desks):
    a, b = desks
    kept = b.incidents.start("保留的故障", "IV")
    a.replica.refresh()
    # The copy holds an incident the server does not have (deleted there, say, by a restore).
    a.replica.store.write(lambda s: s.execute(IncidentRow.__table__.insert(), [{
        **{c.name: getattr(s.get(IncidentRow, kept.id), c.name) for c in IncidentRow.__table__.columns},
        "id": kept.id + 1000, "uid": None}]))
    assert {i.id for i in a.replica.incidents.list()} == {kept.id, kept.id + 1000}
    b.incidents.note(kept.id, "又一条")
    a.replica.refresh()
    assert {i.id for i in a.replica.incidents.list()} == {kept.id}
    _same(a, b, kept.id)
    assert a.replica.refresh() == 0


def test_without_a_cursor_the_copy_still_converges(desks):
    a, b = desks
    incident = b.incidents.start("数据库慢", "III")
    a.replica.refresh()
    a.replica.cursor_path.write_text("{broken", encoding="utf-8")
    b.incidents.note(incident.id, "记录")
    assert a.replica.refresh() == 1  # a full compare, and a new cursor
    _same(a, b, incident.id)
    assert json.loads(a.replica.cursor_path.read_text(encoding="utf-8"))["mark"] > 0
