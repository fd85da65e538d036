"""Reports and lessons as Markdown documents with front matter, and their exports.

The Markdown copy is what makes a report or lesson searchable: it is written into the
data home's library and indexed like any playbook. Secrets are redacted in everything
that leaves the database (library copies and exports) unless an export asks otherwise.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from kbapp.incidents.export import format_time, md_escape
from kbapp.inert_markdown import front_matter as inert_front_matter
from kbapp.inert_markdown import inert_markdown
from kbapp.reports.fields import REPORT_FIELDS

_SECTION_FIELDS = [f for f in REPORT_FIELDS if f.multiline]
_TABLE_FIELDS = [f for f in REPORT_FIELDS if not f.multiline]


def _identity(text: str) -> str:
    return text


def redactor(enabled: bool) -> Callable[[str], str]:
    if not enabled:
        return _identity
    from kbapp.redact import redact

    return redact


def front_matter(meta: dict) -> str:
    return inert_front_matter(meta)


def report_title(incident_title: str) -> str:
    return f"故障处理报告：{incident_title}"


def report_markdown(*, doc_id: str, incident_id: int, title: str, fields: dict[str, str], steps: list[str],
                    timeline: list[list[str]], category: str, playbooks: list[str], submitted_by: str,
                    submitted_at: dt.datetime, redact: bool = True, with_front_matter: bool = True,
                    deadlines: list[list[str]] | None = None) -> str:
    """The report as Markdown; ``steps``, ``timeline`` and ``deadlines`` (the compliance
    table) come from the action log."""
    clean = redactor(redact)
    fields = {k: clean(v) for k, v in fields.items()}
    out: list[str] = []
    if with_front_matter:
        meta = {
            "id": doc_id, "kind": "report", "title": clean(title), "title_en": f"Fault handling report #{incident_id}",
            "category": category or None, "levels": [fields["level"]] if fields.get("level") else [],
            "tags": [t for t in [fields.get("fault_type", "")] if t], "incident": incident_id,
            "playbooks": playbooks, "submitted_by": submitted_by,
            "submitted_at": submitted_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "summary": " ".join(fields.get("cause", "").split())[:160],  # one line: a summary holds no line breaks
        }
        out.append(front_matter({k: v for k, v in meta.items() if v is not None}))
    out += [f"# {md_escape(clean(title))}", "", f"故障记录 Incident #{incident_id}", "",
            "| 字段 Field | 内容 Value |", "|---|---|"]
    out += [f"| {spec.label} | {md_escape(fields.get(spec.key, ''))} |" for spec in _TABLE_FIELDS]
    for spec in _SECTION_FIELDS:
        out += ["", f"## {spec.label}", "", fields.get(spec.key, "") or "—"]
    out += ["", "## 已执行步骤 Steps taken", ""]
    out += [f"- {md_escape(clean(line))}" for line in steps] or ["—"]
    if deadlines:
        out += ["", "## 时限执行情况 Deadline compliance", "",
                "| 时限 Deadline | 截止 Due | 完成 Met at | 结果 Outcome |", "|---|---|---|---|"]
        out += ["| " + " | ".join(md_escape(c) or "—" for c in row) + " |" for row in deadlines]
    out += ["", "## 处理时间线 Timeline", "", "| 时间 Time | 人员 Actor | 类型 Kind | 内容 Details |", "|---|---|---|---|"]
    out += ["| " + " | ".join(md_escape(clean(c)) for c in row) + " |" for row in timeline]
    out += ["", f"提交 Submitted: {format_time(submitted_at)} · {md_escape(submitted_by)}", ""]
    return inert_markdown("\n".join(out))


def lesson_title(playbook_title: str, step: int | None, text: str) -> str:
    first = " ".join(text.split())[:40]
    where = f"第 {step} 步" if step else "整体"
    return f"经验教训：{playbook_title}（{where}）{first}"


def lesson_markdown(*, doc_id: str, playbook_id: str, playbook_title: str, step: int | None, step_title: str,
                    text: str, category: str, levels: list[str], incident_id: int | None, report_doc: str | None,
                    created_by: str, created_at: dt.datetime, redact: bool = True) -> str:
    clean = redactor(redact)
    text = clean(text.strip())
    title = lesson_title(playbook_title, step, text)
    meta = {
        "id": doc_id, "kind": "lesson", "title": title, "title_en": f"Lesson for {playbook_id}",
        "category": category or None, "levels": levels, "tags": [playbook_id], "playbook": playbook_id,
        "step": step, "incident": incident_id, "report": report_doc, "created_by": created_by,
        "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "summary": " ".join(text.split())[:160],
    }
    where = f"第 {step} 步 Step {step}：{step_title}" if step else "整个预案 Whole playbook"
    body = [f"# {md_escape(title)}", "", text, "", f"- 预案 Playbook：{md_escape(playbook_title)} (`{playbook_id}`)",
            f"- 适用 Applies to：{md_escape(where)}"]
    if incident_id:
        body.append(f"- 来自故障 From incident #{incident_id}")
    body += [f"- {md_escape(created_by)} · {format_time(created_at)}", ""]
    return front_matter({k: v for k, v in meta.items() if v is not None}) + inert_markdown("\n".join(body))


PRINT_CSS = """body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;font-size:10.5pt;color:#222}
h1{font-size:16pt}h2{font-size:12.5pt;margin-top:14px;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #999;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eee}pre,code{font-family:monospace;background:#f4f4f4}"""


def markdown_to_html(markdown_text: str, title: str) -> str:
    """A standalone, sanitised, printable HTML page for an exported document."""
    from kbapp.render import sanitize_markdown

    body = sanitize_markdown(strip_front_matter(markdown_text))
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{PRINT_CSS}</style></head><body>{body}</body></html>\n")


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5:].lstrip("\n")
    return text
