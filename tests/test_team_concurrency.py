"""Two desks on one PostgreSQL server (tests/pgserver.py) working the same incident at
once: no action is lost, a move only one may make is made exactly once (the incident's
row lock), and the action log cannot be changed or deleted in the database itself."""

from __future__ import annotations

import threading

import pytest
from kbhelpers import playbook_text, write_library
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kbapp.facade import KnowledgeBase
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.service import IncidentService
from kbapp.store.db import Store, StoreError


def _desk(tmp_path, name: str, url: str, shipped) -> KnowledgeBase:
    kb = KnowledgeBase.open(home=tmp_path / name, db_url=url, shipped_dir=shipped)
    kb.actor_override = f"desk-{name}"
    return kb


@pytest.fixture
def desks(tmp_path, pg_url):
    shipped = write_library(tmp_path / "shipped", {"svc.md": playbook_text("svc-down", "服务宕机", "Service down")})
    a, b = _desk(tmp_path, "a", pg_url, shipped), _desk(tmp_path, "b", pg_url, shipped)
    yield a, b
    a.close()
    b.close()


def _race(*calls) -> list[object]:
    """Run the calls at the same moment on their own threads; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the race's loser is the point
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_desks_interleaving_notes_steps_and_moves_lose_nothing_and_one_move_wins(desks):
    a, b = desks
    incident = a.incidents.start("服务宕机", "II", playbook_ids=["svc-down"])
    rounds = 6
    for r in range(rounds):
        # Notes and steps from both desks at once; the first notes on an open incident also
        # make it "responding" (the auto-response), which must happen once only.
        _race(lambda r=r: a.incidents.note(incident.id, f"A 记录 {r}"),
              lambda r=r: b.incidents.note(incident.id, f"B 记录 {r}"),
              lambda r=r: a.incidents.step(incident.id, 1, "done", note=f"A 第 {r} 轮"),
              lambda r=r: b.incidents.step(incident.id, 2, "done", note=f"B 第 {r} 轮"))
    # Both desks mitigate at the same moment: responding → mitigated is legal once.
    results = _race(lambda: a.incidents.set_status(incident.id, "mitigated", note="A 缓解"),
                    lambda: b.incidents.set_status(incident.id, "mitigated", note="B 缓解"))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], IncidentError), results
    assert "mitigated" in str(errors[0])

    timeline_a, timeline_b = a.incidents.timeline(incident.id), b.incidents.timeline(incident.id)
    assert [x.id for x in timeline_a] == [x.id for x in timeline_b]  # the same order on both desks
    notes = [x.details for x in timeline_a if x.kind == "note"]
    assert sorted(notes) == sorted([f"A 记录 {r}" for r in range(rounds)] + [f"B 记录 {r}" for r in range(rounds)])
    steps = [x for x in timeline_a if x.kind == "step"]
    assert len(steps) == 2 * rounds
    moves = [(x.payload["from"], x.payload["to"]) for x in timeline_a if x.kind == "status"]
    assert moves == [("open", "responding"), ("responding", "mitigated")]
    assert a.incidents.get(incident.id).status == b.incidents.get(incident.id).status == "mitigated"


def test_a_move_waits_for_the_row_lock_of_another_desk_and_then_sees_its_result(desks, pg_url):
    a, b = desks
    incident = a.incidents.start("服务宕机", "II")
    a.incidents.acknowledge(incident.id)
    holder = Store.open(pg_url, migrate=False)
    try:
        with holder.session() as s, s.begin():
            row = IncidentService._row(s, incident.id, lock=True)  # desk C holds the lock …
            outcome: list[object] = []
            other = threading.Thread(target=lambda: outcome.append(_try(
                lambda: b.incidents.set_status(incident.id, "mitigated"))))
            other.start()
            other.join(1.0)
            assert other.is_alive()  # … so desk B waits
            IncidentService(holder, a)._change_status(s, row, "mitigated", "desk-c", a.incidents.now())
        other.join(30)  # C committed: B reads "mitigated" and is refused
        assert isinstance(outcome[0], IncidentError) and "mitigated" in str(outcome[0])
    finally:
        holder.close()
    assert [x.payload["to"] for x in b.incidents.timeline(incident.id) if x.kind == "status"] == [
        "responding", "mitigated"]


def _try(call):
    try:
        return call()
    except Exception as exc:  # noqa: BLE001
        return exc


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kbapp.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.mark.parametrize("statement", ["UPDATE actions SET details = 'rewritten'", "DELETE FROM actions"])
def test_the_action_log_cannot_be_changed_or_deleted_in_the_database(tmp_path, any_db, statement):
    shipped = write_library(tmp_path / "shipped", {"svc.md": playbook_text("svc-down")})
    kb = _desk(tmp_path, "a", any_db, shipped)
    try:
        incident = kb.incidents.start("服务宕机", "II")
        kb.incidents.note(incident.id, "原始记录")
        with pytest.raises(DBAPIError, match="append-only"):
            with kb.store.engine.begin() as conn:
                conn.execute(text(statement))
        with pytest.raises(StoreError, match="append-only"):
            kb.store.write(lambda s: s.execute(text(statement)))
        assert [x.details for x in kb.incidents.timeline(incident.id) if x.kind == "note"] == ["原始记录"]
    finally:
        kb.close()


@pytest.mark.parametrize("statement", ["UPDATE playbook_versions SET text = 'rewritten'", "DELETE FROM playbook_versions"])
def test_an_approved_playbook_version_cannot_be_changed_or_deleted_in_the_database(tmp_path, any_db, statement):
    shipped = write_library(tmp_path / "shipped", {"svc.md": playbook_text("svc-down", "服务宕机", "Service down")})
    kb = _desk(tmp_path, "a", any_db, shipped)
    try:
        base = (shipped / "svc.md").read_text(encoding="utf-8")
        kb.changes.approve(kb.changes.propose("svc-down", base.replace("重启服务", "重启服务（已审批）")).id)

        def versions():
            return kb.store.read(lambda s: [tuple(r) for r in s.execute(text(
                "SELECT playbook_id, version, text FROM playbook_versions ORDER BY version"))])

        approved = versions()
        assert len(approved) == 1 and "重启服务（已审批）" in approved[0][2]
        with pytest.raises(DBAPIError, match="immutable"):
            with kb.store.engine.begin() as conn:
                conn.execute(text(statement))
        with pytest.raises(StoreError, match="immutable"):
            kb.store.write(lambda s: s.execute(text(statement)))
        assert versions() == approved
    finally:
        kb.close()
