"""OpChanges: a write says what it changed; writes made elsewhere are noticed cheaply."""

from __future__ import annotations

import pytest

from kbapp import opchanges
from kbapp.facade import KnowledgeBase
from kbapp.incidents.errors import IncidentError
from kbapp.opchanges import OpChanges
from kbapp.store.change_marker import ChangeMarker


@pytest.fixture
def kb(tmp_path):
    base = KnowledgeBase.open(home=tmp_path / "home")
    yield base
    base.close()


def test_a_note_changes_its_incident_and_nothing_else(kb):
    incident = kb.incidents.start("客户A 配置丢失", "II", actor="张工")
    other = kb.incidents.start("客户B 数据丢失", "III", actor="张工")
    with opchanges.collecting() as box:
        action = kb.incidents.note(incident.id, "配置文件为空", actor="张工")
    changes = box.changes
    assert changes.incident(incident.id) and not changes.incident(other.id)
    assert changes.incidents  # the list (its counts) may show it
    assert action.id in changes.action_ids
    assert not (changes.records or changes.reports or changes.lessons or changes.library or changes.external)


def test_a_new_incident_and_a_problem_record_say_what_they_are(kb):
    with opchanges.collecting() as box:
        incident = kb.incidents.start("客户A 配置丢失", "II", actor="张工")
    assert box.changes.incident(incident.id) and not box.changes.records
    with opchanges.collecting() as box:
        kb.records.new("defect", "备份失败", actor="张工")
    assert box.changes.records and not box.changes.incidents


def test_a_write_that_does_not_commit_changes_nothing(kb):
    incident = kb.incidents.start("客户A 配置丢失", "II", actor="张工")
    with opchanges.collecting() as box:
        with pytest.raises(IncidentError):
            kb.incidents.set_status(incident.id, "no-such-status", actor="张工")
        with pytest.raises(RuntimeError):
            def work(session):
                from kbapp.store.models import ActionRow

                session.add(ActionRow(incident_id=incident.id, kind="note", actor="x", payload={"text": "t"},
                                      at=incident.created_at))
                session.flush()
                raise RuntimeError("the commit never happens")
            kb.store.write(work)
    assert not box.changes and box.changes == OpChanges()


def test_changes_merge_and_collectors_nest():
    with opchanges.collecting() as outer:
        opchanges.record(OpChanges.of_tables({"reports"}))
        with opchanges.collecting() as inner:
            opchanges.record(OpChanges.of_tables({"actions"}, incident_ids={3}))
        assert inner.changes.incident(3) and not inner.changes.reports
    assert outer.changes.reports and outer.changes.incident(3)
    opchanges.record(OpChanges(library=True))  # nobody collecting: dropped, no error


def test_the_marker_sees_another_process_write_and_not_its_own(kb, tmp_path):
    incident = kb.incidents.start("客户A 配置丢失", "II", actor="张工")
    marker = ChangeMarker(kb.store)
    try:
        assert not marker.poll()  # the first poll takes its bearings
        assert not marker.poll()  # nothing changed: nothing to say
        elsewhere = KnowledgeBase.open(home=tmp_path / "home")  # as `kbapp incident note` would
        try:
            elsewhere.incidents.note(incident.id, "从命令行记录", actor="李工")
            new = elsewhere.incidents.start("客户C 网络中断", "III", actor="李工")
        finally:
            elsewhere.close()
        changes = marker.poll()
        assert changes.incident(incident.id) and changes.incident(new.id) and changes.incidents
        assert not marker.poll()

        own = kb.incidents.note(incident.id, "本窗口记录", actor="张工")
        marker.forget_own({own.id})
        assert not marker.poll().incidents  # our own write was announced already

        kb.records.new("defect", "备份失败", actor="张工")  # the change log names it
        assert marker.poll().records
    finally:
        marker.close()


def test_the_run_view_reads_an_incident_in_one_transaction(kb, monkeypatch):
    incident = kb.incidents.start("客户A 配置丢失", "II", actor="张工", playbook_ids=["config-loss"])
    kb.incidents.step(incident.id, 1, "done", note="已确认", actor="张工")
    kb.incidents.note(incident.id, "配置文件为空", actor="张工")
    service, reads = kb.incidents, []
    real_read = kb.store.read
    monkeypatch.setattr(kb.store, "read", lambda work: reads.append(work) or real_read(work))
    state = service.state(incident.id)
    assert len(reads) == 1
    monkeypatch.setattr(kb.store, "read", real_read)
    assert state.incident == service.get(incident.id)
    assert state.actions == service.timeline(incident.id)
    assert state.runs == service.playbook_runs(incident.id)
    assert state.deadline_records == service.deadline_records(incident.id)
    assert state.runs[0].current == 2
