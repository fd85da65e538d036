"""The Chinese UI is Chinese: the .ts file complete and compiled, no English left in any
window or dialog (but names, commands and bilingual glosses, see uitext), and the core's
error messages the window shows translated."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kbapp.gui.i18n import install_translators, remove_translators, translations_dir
from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.reports.errors import ReportError

from . import uitext

TS = translations_dir() / "kbapp_zh_CN.ts"
_CJK = re.compile(r"[\u3400-\u9fff]")
# Translations that rightly stay as they are in Chinese.
SAME_IN_CHINESE = {"kbapp", "PDF", "Markdown", "#", "CSV", "HTML"}


def messages():
    text = TS.read_text(encoding="utf-8")
    for context in re.finditer(r"<context>\s*<name>(.*?)</name>(.*?)</context>", text, re.DOTALL):
        for message in re.finditer(r"<message( numerus=\"yes\")?>(.*?)</message>", context.group(2), re.DOTALL):
            body = message.group(2)
            source = html.unescape(re.search(r"<source>(.*?)</source>", body, re.DOTALL).group(1))
            translation = re.search(r"<translation([^>]*)>(.*?)</translation>", body, re.DOTALL)
            yield context.group(1), source, translation.group(1), html.unescape(translation.group(2))


def test_every_string_has_a_finished_chinese_translation():
    problems = []
    for context, source, attributes, translation in messages():
        forms = re.findall(r"<numerusform>(.*?)</numerusform>", translation, re.DOTALL) or [translation]
        if "type=" in attributes:  # unfinished, vanished, obsolete
            problems.append(f"{context}: {source!r} is {attributes.strip()}")
            continue
        for form in forms:
            if not form.strip():
                problems.append(f"{context}: {source!r} has no translation")
            elif not _CJK.search(form) and form.strip("&.… ") not in SAME_IN_CHINESE and source == form:
                problems.append(f"{context}: {source!r} is 'translated' as itself")
            for placeholder in set(re.findall(r"%(?:\d|n)", source)):
                if placeholder not in form:
                    problems.append(f"{context}: {source!r} loses {placeholder} in {form!r}")
    assert problems == []


@pytest.mark.skipif(not (shutil.which("pyside6-lrelease") or Path(".venv/bin/pyside6-lrelease").exists()),
                    reason="pyside6-lrelease not found")
def test_the_compiled_translation_is_the_current_one(tmp_path):
    lrelease = shutil.which("pyside6-lrelease") or ".venv/bin/pyside6-lrelease"
    fresh = tmp_path / "fresh.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(fresh)], check=True, capture_output=True)
    assert fresh.read_bytes() == TS.with_suffix(".qm").read_bytes(), "run ui/translations/update.sh"


@pytest.fixture
def chinese(qapp):
    app = QApplication.instance()
    translators = install_translators(app, "zh_CN")
    assert translators, "kbapp_zh_CN.qm did not load"
    yield
    remove_translators(app, translators)


def _populate(kb):
    """Something in every list: incidents with steps, a report and a lesson, a drill, an inspection, a record."""
    kb.set_engineer("王工", "值班工程师 On-duty engineer")
    solved = kb.incidents.start("配置丢失", "II", playbook_ids=["config-loss"], category="config-loss")
    kb.incidents.step(solved.id, 1, "done", note="配置文件为空")
    kb.incidents.note(solved.id, "已联系客户")
    kb.incidents.resolve(solved.id, "从备份恢复")
    kb.reports.submit(solved.id, {**kb.reports.draft(solved.id).fields, "fault_type": "配置丢失", "cause": "升级覆盖",
                                  "loss": "中断 40 分钟", "place": "远程", "reporter": "客户张工"})
    kb.lessons.add("config-loss", "先检查 crontab", step=3, incident_id=solved.id)
    running = kb.incidents.start("附件目录被误删", "I", playbook_ids=["data-loss"], category="data-loss")
    kb.incidents.step(running.id, 1, "done")
    kb.incidents.step(running.id, 2, "skipped")
    drill = kb.training.drills.start("data-loss", "drill-data-loss", "小王")
    kb.training.drills.step(drill.id, 1, "done")
    inspection = kb.training.inspections.start()
    kb.training.inspections.record(inspection.id, 1, "pass", value="72%")
    record = kb.records.new(kind="defect", title="报表导出乱码")
    return solved, running, drill, record


def test_no_english_is_left_in_the_chinese_windows_and_dialogs(qtbot, make_window, kb, chinese):
    solved, running, drill, record = _populate(kb)
    content = uitext.library_words(kb)
    window = make_window(language="zh_CN")
    found: list[str] = []

    def check(widget, label: str, skip=()) -> None:
        found.extend(f"[{label}] {line}" for line in uitext.untranslated(widget, skip, content=content))

    # The library's documents are content; the window around them is not.
    check(window, "main window", skip=(window.reader, window.results_view))
    for menu in window.menuBar().actions():
        check(menu.menu(), f"menu {menu.text()}")
    view = window.incidents.view
    for incident in (running, solved):
        window.show_incidents()
        window.incidents.reload_list(select_id=incident.id)
        qtbot.waitUntil(lambda incident=incident: view.incident_id == incident.id
                        and any(a.kind == itypes.STEP for a in view.timeline_model.actions), timeout=10_000)
        check(window.incidents, f"incident #{incident.id}")
    window.training.show_page()
    page = window.training.page
    page.reload_list(select_id=drill.id)
    qtbot.waitUntil(lambda: page.drill is not None, timeout=10_000)
    check(page, "drill")
    window.writeups.show_records()
    window.records.reload(select_id=record.id)
    qtbot.waitUntil(lambda: window.records.current is not None, timeout=10_000)
    check(window.records, "problem records")
    with qtbot.waitSignal(window.metrics.loaded, timeout=30_000):
        window.pages.setCurrentWidget(window.metrics)
    check(window.metrics, "metrics")
    change = kb.change_requests.new("requirement", "增加水质月报", days=12, customer="水利局")
    kb.visits.new_plan("水利局", "monthly", "2026-01-01", contact="李科长")
    kb.visits.record(customer="水利局", satisfaction="dissatisfied", issues=["月报导出超时"])
    kb.inspection_plans.new_plan("水利局", "数据库", "daily")
    window.plan_pages.show_changes()
    with qtbot.waitSignal(window.changes.shown, timeout=10_000):
        window.changes.reload(select_id=change.id)
    check(window.changes, "change requests")
    window.plan_pages.show_visits()
    with qtbot.waitSignal(window.visits.loaded, timeout=10_000):
        window.visits.reload()
    window.visits.visits_table.setCurrentIndex(window.visits.visits_table.model().index(0, 0))
    window.visits.due_table.setCurrentIndex(window.visits.due_table.model().index(0, 0))
    check(window.visits, "visits and inspections")
    check(window.due_banner, "due banner")

    dialogs = [
        ("new incident", window.incidents.new_incident, None),
        ("report", lambda: window.writeups.write_report(solved.id), "loaded"),
        ("lesson", lambda: window.writeups.add_lesson("config-loss", 2), None),
        ("review changes", window.writeups.review_changes, None),
        ("start drill", window.training.start_drill_dialog, "loaded"),
        ("start inspection", window.training.start_inspection_dialog, "loaded"),
        ("training pack", window.training.pack_dialog, "loaded"),
        ("drill report", lambda: window.training.report_dialog(itypes.MODE_DRILL), "loaded"),
        ("preferences", window.show_preferences, None),
        ("new record", window.records.new_record, None),
        ("move record", lambda: window.records.open_move(min(window.records.current.next_states)), None),
        ("score", lambda: page.show_score(drill.id, "小王", kb.training.drills.score(drill.id)), None),
        ("new change request", window.changes.new_change, None),
        ("approve change", lambda: window.changes.open_decide(True), None),
        ("follow-up schedule", window.visits.new_plan, None),
        ("record visit", window.visits.record_visit, None),
        ("issue to change", window.visits.issue_to_change, None),
        ("inspection plan", window.visits.new_inspection_plan, None),
    ]
    for label, open_dialog, ready in dialogs:
        dialog = open_dialog()
        assert dialog is not None, label
        if ready:
            qtbot.waitUntil(lambda dialog=dialog, ready=ready: getattr(dialog, ready), timeout=10_000)
        check(dialog, label)
        dialog.close()
    from kbapp.gui.engineer_dialog import EngineerDialog

    first_start = EngineerDialog(None, first_start=True)
    qtbot.addWidget(first_start)
    check(first_start, "first start")
    assert found == []


def _proposed(kb) -> int:
    record = kb.records.new(kind="defect", title="导出失败")
    kb.records.move(record.id, "analysed", classification="technical")
    return kb.records.move(record.id, "proposed", fix="扩内存", actor="赵工").id


def _core_errors(kb):
    """Errors a user meets from the window, raised by the core itself (English there)."""
    incident = kb.incidents.start("数据库宕机", "I", playbook_ids=["database-failure"])
    attempts = [
        lambda: kb.incidents.set_status(incident.id, "report_submitted"),
        lambda: kb.incidents.note(incident.id, "  "),
        lambda: kb.incidents.change_level(incident.id, "V", reason="升级"),
        lambda: kb.incidents.change_level(incident.id, "I", reason="升级"),
        lambda: kb.incidents.step(incident.id, 42, "done"),
        lambda: kb.incidents.start("x" * 300, "II"),
        lambda: kb.reports.submit(incident.id, {}),
        lambda: kb.lessons.add("config-loss", "  "),
        lambda: kb.training.inspections.finish(kb.training.inspections.start().id),
        lambda: kb.records.move(kb.records.new(kind="defect", title="乱码").id, "replied"),
        lambda: kb.incidents.set_status(kb.incidents.start("已关", "IV").id, "closed"),
        lambda: kb.change_requests.start(kb.change_requests.new("requirement", "水质月报", days=12).id),
        lambda: kb.change_requests.approve(kb.change_requests.new("requirement", "年报", days=11).id, "王部长",
                                           "department-head"),
        lambda: kb.change_requests.done(kb.change_requests.new("defect", "乱码").id, "已改"),
        lambda: kb.change_requests.new("requirement", "未估算"),
        lambda: kb.records.move(_proposed(kb), "signed_off", supervisor="赵工", supervisor_role="值班工程师"),
        lambda: kb.records.move(_proposed(kb), "signed_off", supervisor="赵工", supervisor_role="主管"),
        lambda: kb.visits.record(),
    ]
    errors = []
    for attempt in attempts:
        with pytest.raises((IncidentError, ReportError)) as caught:
            attempt()
        errors.append(caught.value)
    kb.incidents.resolve(incident.id, "已恢复")
    with pytest.raises(ReportError) as caught:
        kb.reports.submit(incident.id, {"level": "V", "occurred_at": "昨天"})
    errors.append(caught.value)
    return errors


def test_the_cores_error_messages_are_shown_in_chinese(kb, chinese):
    from kbapp.gui.errors import localized

    glosses, content = uitext.gloss_words(), uitext.library_words(kb)
    untranslated = {}
    for exc in _core_errors(kb):
        shown = localized(exc)
        assert type(shown) is type(exc) and getattr(shown, "field", None) == getattr(exc, "field", None)
        texts = [str(shown)] + [p.message for p in getattr(shown, "problems", [])]
        for text in texts:
            if uitext.english_words(text, glosses, content):
                untranslated[str(exc)] = text
    assert untranslated == {}
    first = localized(_core_errors(kb)[0])
    assert "已提交报告" in str(first) and "report_submitted" not in str(first)


def test_a_refused_change_in_the_chinese_window_says_why_in_chinese(qtbot, make_window, kb, chinese):
    incident = kb.incidents.start("数据库宕机", "I", playbook_ids=["database-failure"])
    window = make_window(language="zh_CN")
    window.show_incidents()
    window.incidents.reload_list(select_id=incident.id)
    view = window.incidents.view
    qtbot.waitUntil(lambda: view.incident_id == incident.id, timeout=10_000)
    with qtbot.waitSignal(view.failed, timeout=10_000) as failed:
        view.set_status("report_submitted")
    message = failed.args[0]
    assert "已提交报告" in message and uitext.english_words(message, uitext.gloss_words()) == []
    qtbot.waitUntil(lambda: view.error_label.isVisibleTo(view), timeout=10_000)
    assert view.error_label.text() == message


def test_every_kind_and_category_has_a_chinese_name():
    """The result list's badges and the filters name kinds and categories in Chinese."""
    from kbapp.gui.models import category_label, kind_label
    from kbapp.model import CATEGORIES, KINDS

    assert all(_CJK.search(kind_label(kind, True)) for kind in KINDS)
    assert all(_CJK.search(category_label(key, True)) for key in CATEGORIES)
    assert all(_CJK.search(zh) for zh, _en in itypes.ACTION_LABELS.values())
