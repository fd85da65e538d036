"""A running incident keeps the playbook version it started with (issue 20)."""

from __future__ import annotations

from kbhelpers import open_kb, playbook_text, write_library


def test_an_incident_keeps_its_playbook_version_after_a_replacement_is_imported(tmp_path):
    kb = open_kb(tmp_path)
    try:
        v1 = kb.get("config-loss")
        assert len(v1.steps) >= 3
        old = kb.incidents.start("配置丢失", "II", playbook_ids=["config-loss"], actor="李工")
        kb.incidents.step(old.id, 1, "done", actor="李工")
        source = write_library(tmp_path / "v2", {"config-loss.md": playbook_text(
            "config-loss", title="配置丢失 第二版", steps="1. 只有一步 only step v2\n")})
        result = kb.import_paths([source], replace=True)
        assert result.replaced and len(kb.get("config-loss").steps) == 1

        # The incident started on v1 still has v1's steps: step 2 can be recorded, titles are v1's.
        kb.incidents.step(old.id, 2, "done", actor="李工")
        runs = kb.incidents.playbook_runs(old.id)
        assert [s.title for s in runs[0].steps][:3] == [s.title for s in v1.steps][:3]
        assert runs[0].steps[1].result == "done"
        # A new incident gets the new version.
        new = kb.incidents.start("配置丢失", "II", playbook_ids=["config-loss"], actor="李工")
        assert [s.title for s in kb.incidents.playbook_runs(new.id)[0].steps] == ["只有一步 only step v2"]
    finally:
        kb.close()
