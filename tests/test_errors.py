"""One error type for what a person can fix, told the same way by every command; bugs logged
with their traceback in the data home, secrets masked. In-process: kbapp.cli.main.main(argv)."""

from __future__ import annotations

import pytest

from kbapp.cli.main import main
from kbapp.errors import KbError, NotFoundError
from kbapp.facade import KnowledgeBase
from kbapp.home import HomeError
from kbapp.incidents.errors import IncidentError
from kbapp.logs import log_path
from kbapp.records.workflow import RecordError
from kbapp.reports.errors import ReportError
from kbapp.search.index import IndexBusy
from kbapp.store.db import StoreError


def run(capsys, home, *argv: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("cls", [IncidentError, RecordError, ReportError, StoreError, HomeError, IndexBusy])
def test_every_error_a_person_can_fix_is_a_kb_error_with_its_field(cls):
    exc = cls("level: must be I-IV", field="level") if cls in (IncidentError, RecordError, ReportError) else cls("x")
    assert isinstance(exc, KbError)
    assert exc.exit_code == (1 if cls in (IncidentError, RecordError, ReportError) else 2)
    if cls in (IncidentError, RecordError, ReportError):
        assert exc.field == "level"


def test_an_unknown_document_is_a_kb_error_not_a_bare_key_error(tmp_path):
    kb = KnowledgeBase.open(home=tmp_path / "home")
    with pytest.raises(NotFoundError) as caught:
        kb.render_html("no-such-playbook")
    assert caught.value.field == "id" and "no-such-playbook" in str(caught.value)
    kb.close()


def test_limit_zero_is_bad_input_exit_1(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "home", "search", "数据丢失", "--limit", "0")
    assert code == 1 and err.strip() == "kbapp: limit: --limit must be at least 1"


@pytest.mark.parametrize("argv, method", [
    (("search", "disk"), "sync_index"),
    (("import", "nothing.md"), "import_paths"),
    (("index", "rebuild"), "sync_index"),
    (("lint",), "lint"),
    (("show", "x"), "get"),
])
@pytest.mark.parametrize("exc, code", [(IndexBusy("the index is being written by another kbapp"), 2),
                                       (StoreError("database kbapp.sqlite3 is locked"), 2),
                                       (PermissionError(13, "Permission denied", "/x/library"), 2)])
def test_library_commands_tell_errors_in_one_line(capsys, tmp_path, monkeypatch, argv, method, exc, code):
    def fail(*_a, **_k):
        raise exc

    monkeypatch.setattr(KnowledgeBase, method, fail)
    got, _, err = run(capsys, tmp_path / "home", *argv)
    assert got == code
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and err.startswith("kbapp: ")


def test_a_bug_is_logged_with_its_traceback_and_no_secret(capsys, tmp_path, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("lint crashed on password=hunter2 in a note")

    monkeypatch.setattr(KnowledgeBase, "lint", broken)
    home = tmp_path / "home"
    code, _, err = run(capsys, home, "lint")
    log = log_path(home)
    assert code == 2 and "Traceback" not in err
    assert "unexpected error (RuntimeError" in err and str(log) in err and "hunter2" not in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in broken" in text and "kbapp lint" in text
    assert "hunter2" not in text


def test_a_fixable_error_is_not_logged_as_a_bug(capsys, tmp_path, monkeypatch):
    def refused(*_a, **_k):
        raise StoreError("database is locked")

    monkeypatch.setattr(KnowledgeBase, "lint", refused)
    home = tmp_path / "home"
    code, _, err = run(capsys, home, "lint")
    assert code == 2 and err == "kbapp: database is locked\n"
    assert not log_path(home).exists() or "Traceback" not in log_path(home).read_text(encoding="utf-8")
