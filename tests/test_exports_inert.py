"""Every export is inert (issue 20): markup typed into any field comes out as text.

Each Markdown export is rendered by a renderer that lets raw HTML through (as a Markdown
viewer or a wiki would), and each HTML export is read as it is: neither may hold a script,
an event handler or a javascript: link.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import markdown
import pytest
from kbhelpers import open_kb

HOSTILE = ('<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) '
           '<a href="javascript:alert(4)">link</a> ![i](JaVaScRiPt:alert(5)) <javascript:alert(6)>')
MULTI = f"第一行 first line\n{HOSTILE}\n\n- 列表 {HOSTILE}\n\n[ref]: javascript:alert(7)\n"


class _Active(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "svg", "math"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and re.match(r"\s*(javascript|data|vbscript):", value or "", re.I):
                self.found.append(f"<{tag} {name}={value}>")


def active(html_text: str) -> list[str]:
    parser = _Active()
    parser.feed(html_text)
    return parser.found


def active_markdown(md_text: str) -> list[str]:
    """What a plain Markdown renderer (raw HTML passed through) would make live."""
    return active(markdown.markdown(md_text, extensions=["tables", "fenced_code"]))


def test_the_checks_catch_what_they_look_for():
    assert len(active_markdown(HOSTILE)) >= 4
    assert active_markdown("&lt;script&gt; \\[x\\](javascript:alert(1))") == []


@pytest.fixture
def kb(tmp_path):
    kb = open_kb(tmp_path)
    kb.sync_index()
    kb.reports.tz = dt.UTC
    yield kb
    kb.close()


def solved_incident(kb) -> int:
    svc = kb.incidents
    inc = svc.start(f"配置丢失 {HOSTILE}", "II", description=MULTI, category="config-loss",
                    playbook_ids=["config-loss"], reporter=f"王经理 {HOSTILE}", actor="李工", customer="甲医院")
    svc.note(inc.id, MULTI, actor="李工")
    svc.step(inc.id, 1, "done", note=MULTI, actor="李工")
    svc.resolve(inc.id, MULTI, actor="李工")
    return inc.id


def test_incident_timeline_exports(kb):
    incident_id = solved_incident(kb)
    incident, actions = kb.incidents.get(incident_id), kb.incidents.timeline(incident_id)
    from kbapp.incidents.export import export_timeline

    assert active_markdown(export_timeline("md", incident, actions)) == []
    assert active(export_timeline("html", incident, actions)) == []


def test_report_exports_and_library_copy(kb):
    incident_id = solved_incident(kb)
    fields = {"fault_type": f"配置 {HOSTILE}", "cause": MULTI, "loss": MULTI, "place": f"机房 {HOSTILE}",
              "description": MULTI, "method": MULTI}
    report = kb.reports.submit(incident_id, fields, actor="李工")
    md = kb.reports.export_text(report.id, "md")
    assert "第一行 first line" in md and "alert(1)" in md  # the text is kept, as text
    assert active_markdown(md) == []
    assert active(kb.reports.export_text(report.id, "html")) == []
    copy = next(kb.home.reports.glob("*.md")).read_text(encoding="utf-8")
    assert active_markdown(copy) == []
    assert active(kb.render_html(report.doc_id)) == []


def test_lesson_library_copy(kb):
    lesson = kb.lessons.add("config-loss", MULTI, step=1)
    copy = next(kb.home.lessons.glob("*.md")).read_text(encoding="utf-8")
    assert "第一行 first line" in copy
    assert active_markdown(copy) == []
    assert active(kb.render_html(lesson.doc_id)) == []
    assert active(kb.render_html("config-loss")) == []  # shown under its step


def test_problem_record_library_copy(kb):
    record = kb.records.new("consultation", title=f"咨询 {HOSTILE}", description=MULTI, reporter=HOSTILE,
                            place=HOSTILE)
    copy = next(kb.home.records.glob("*.md")).read_text(encoding="utf-8")
    assert active_markdown(copy) == []
    assert active(kb.render_html(record.doc_id)) == []


def test_solved_incident_library_copy(kb):
    incident_id = solved_incident(kb)
    copies = list(kb.home.incidents.glob("*.md"))
    assert copies
    for path in copies:
        assert active_markdown(path.read_text(encoding="utf-8")) == [], path
    assert active(kb.render_html(f"incident-{incident_id}")) == []


def test_service_report(kb):
    solved_incident(kb)
    month = kb.incidents.now().strftime("%Y-%m")
    report = kb.service_report("甲医院", month, tz=dt.UTC)
    assert active_markdown(report.markdown()) == []
    assert active_markdown(report.markdown(MULTI)) == []


def test_change_request_submission(kb):
    change = kb.change_requests.new("requirement", f"需求 {HOSTILE}", days=3, description=MULTI,
                                    customer=HOSTILE, raised_by=HOSTILE)
    text = kb.change_requests.get(change.id).submission or ""
    assert active_markdown(text) == []


def test_inspection_report(kb):
    inspection = kb.training.inspections.start(inspector=HOSTILE, title=f"巡检 {HOSTILE}")
    for item in kb.training.inspections.items(inspection.id):
        kb.training.inspections.record(inspection.id, item.number, "fail" if item.number == 1 else "pass",
                                       value=HOSTILE[:150], note=MULTI)
    kb.training.inspections.finish(inspection.id, summary=MULTI)
    assert active_markdown(kb.training.inspections.report_markdown(inspection.id)) == []


def test_training_pack_with_lessons(kb):
    from kbapp.training.packs import pack_for

    kb.lessons.add("config-loss", MULTI, step=1)
    sections = pack_for(kb, ["config-loss"], include_lessons=True, trainer=HOSTILE, title=f"培训 {HOSTILE}")
    for section in sections:
        html_text = getattr(section, "html", "") or str(section)
        assert active(html_text) == [], section
