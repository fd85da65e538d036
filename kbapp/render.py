"""Render a library document to safe HTML for the reading pane and exports.

Playbook Markdown is untrusted: it is converted with ``markdown`` and cleaned with
``nh3`` (Ammonia), so no script, event handler, style or remote resource survives. The
structure around it (header, numbered steps, copy links, decision links) is ours.
"""

from __future__ import annotations

import datetime as dt
import html

import markdown
import nh3

from kbapp.model import CATEGORIES, Document, Step

_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}, "ol": {"start"}}
# A document's own links keep only in-page anchors (``#step-2``): no scheme survives, not
# even the app's own ``kbapp:`` (a document must not offer a "Copy command" that copies
# something else), nor a protocol-relative ``//host/x``. The app's actions are links we
# draw around the sanitised text, never inside it.
_URL_SCHEMES: set[str] = set()


def _local_links_only(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return value if value.startswith("#") and "//" not in value else None
    return value

SECTION_LABELS = {
    "zh": {"symptoms": "症状", "prevention": "预防措施", "steps": "应急步骤", "verification": "验证",
           "escalation": "升级", "expected": "预期结果", "copy": "复制命令", "goto": "第 {n} 步",
           "owner": "负责人", "version": "版本", "reviewed": "复核日期", "levels": "故障级别",
           "stale": "此预案已超过一年未复核（上次复核 {date}），使用前请确认内容仍然有效。",
           "lessons": "经验教训", "stats": "历史事件中：跳过 {skipped} 次，失败 {failed} 次",
           "add_lesson": "为此步骤添加经验教训", "lesson": "经验教训"},
    "en": {"symptoms": "Symptoms", "prevention": "Prevention", "steps": "Emergency steps",
           "verification": "Verification", "escalation": "Escalation", "expected": "Expected",
           "copy": "Copy command", "goto": "step {n}", "owner": "Owner", "version": "Version",
           "reviewed": "Reviewed", "levels": "Fault levels",
           "stale": "Not reviewed for over a year (last review {date}); check that it still holds before use.",
           "lessons": "Lessons", "stats": "In past incidents: skipped {skipped}×, failed {failed}×",
           "add_lesson": "Add a lesson to this step", "lesson": "Lesson"},
}

STYLE = """
body { font-family: sans-serif; }
h1 { font-size: 20px; margin-bottom: 2px; }
.sub { color: #555; }
.meta { color: #444; font-size: 12px; }
.badge { background: #e8eef7; color: #1f4e8c; padding: 1px 6px; }
.stale { background: #fff3cd; color: #7a5200; padding: 6px; border: 1px solid #e0b84c; }
.prevention { background: #eef8ee; border-left: 4px solid #3a8f3a; padding: 4px 8px; }
.step { margin: 8px 0 12px 0; }
.step h3 { margin: 4px 0; }
.expected { color: #205e20; }
.decision a { color: #9c3d00; font-weight: bold; }
pre { background: #f4f4f4; padding: 6px; font-family: monospace; white-space: pre-wrap; }
.copy { font-size: 12px; }
.lesson { background: #f3f0ff; border-left: 3px solid #6a4fc4; padding: 2px 6px; font-size: 12px; }
.stats { color: #8a2b2b; font-size: 12px; }
"""


def sanitize_markdown(text: str) -> str:
    rendered = markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"], output_format="html")
    return nh3.clean(rendered, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     link_rel=None, attribute_filter=_local_links_only)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _header(doc: Document, labels: dict, today: dt.date) -> list[str]:
    out = [f"<h1>{_e(doc.title)}</h1>"]
    if doc.title_en and doc.title_en != doc.title:
        out.append(f'<div class="sub">{_e(doc.title_en)}</div>')
    meta = []
    if doc.category:
        zh, en = CATEGORIES.get(doc.category, (doc.category, doc.category))
        meta.append(f'<span class="badge">{_e(zh)} · {_e(en)}</span>')
    if doc.levels:
        meta.append(f"{labels['levels']}: " + " ".join(_e(lv) for lv in doc.levels))
    if doc.owner:
        meta.append(f"{labels['owner']}: {_e(doc.owner)}")
    if doc.version:
        meta.append(f"{labels['version']}: {doc.version}")
    if doc.reviewed:
        meta.append(f"{labels['reviewed']}: {doc.reviewed.isoformat()}")
    if meta:
        out.append('<p class="meta">' + " &nbsp;|&nbsp; ".join(meta) + "</p>")
    if doc.is_stale(today):
        out.append(f'<p class="stale">⚠ {_e(labels["stale"].format(date=doc.reviewed.isoformat() if doc.reviewed else ""))}</p>')
    return out


def _step_html(step: Step, labels: dict, lessons: list[str], stats: dict | None, lesson_links: bool = False) -> str:
    out = [f'<div class="step"><a name="step-{step.number}"></a>',
           f"<h3>{step.number}. {_e(step.title)}</h3>"]
    # Commands are drawn by us (with a copy link), not by the Markdown renderer.
    body = sanitize_markdown(strip_fences(step.text))
    if body.strip():
        out.append(body)
    for index, command in enumerate(step.commands):
        out.append(f"<pre>{_e(command)}</pre>")
        out.append(f'<p class="copy"><a href="kbapp:copy/{step.number}/{index}">{labels["copy"]}</a></p>')
    if step.expected:
        out.append(f'<p class="expected">✔ {labels["expected"]}: {_e(step.expected)}</p>')
    for decision in step.decisions:
        goto = labels["goto"].format(n=decision.target)
        out.append(f'<p class="decision">◆ {_e(decision.condition)} → <a href="#step-{decision.target}">{_e(goto)}</a></p>')
    if stats and (stats.get("skipped") or stats.get("failed")):
        out.append(f'<p class="stats">{_e(labels["stats"].format(**stats))}</p>')
    for lesson in lessons:
        out.append(_lesson_html(lesson, labels))
    if lesson_links:
        out.append(f'<p class="copy"><a href="kbapp:lesson/{step.number}">{labels["add_lesson"]}</a></p>')
    out.append("</div>")
    return "\n".join(out)


def _lesson_html(text: str, labels: dict) -> str:
    # The label goes inside the lesson's first paragraph (no emoji: Qt's fonts lack them).
    label = labels["lesson"]
    return f'<div class="lesson">{sanitize_markdown(f"**{label}：** {text}")}</div>'


def strip_fences(text: str) -> str:
    lines, keep, fenced = text.split("\n"), [], False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            keep.append(line)
    return "\n".join(keep)


def render_document(doc: Document, *, lang: str = "zh", today: dt.date | None = None,
                    lessons: dict[int, list[str]] | None = None, step_stats: dict[int, dict] | None = None,
                    standalone: bool = True, lesson_links: bool = False) -> str:
    labels = SECTION_LABELS["zh" if lang.startswith("zh") else "en"]
    today = today or dt.date.today()
    parts = _header(doc, labels, today) if doc.kind != "document" else []
    if doc.steps or doc.sections:
        order = ["symptoms", "prevention", "steps", "verification", "escalation"]
        for key in order:
            if key == "steps" and doc.steps:
                parts.append(f"<h2>{labels['steps']}</h2>")
                parts.extend(_step_html(s, labels, (lessons or {}).get(s.number, []), (step_stats or {}).get(s.number),
                                        lesson_links) for s in doc.steps)
                general = (lessons or {}).get(0, [])  # lessons on the playbook as a whole
                if general:
                    parts.append(f"<h2>{labels['lessons']}</h2>")
                    parts.extend(_lesson_html(text, labels) for text in general)
            elif key in doc.sections and key != "steps":
                css = ' class="prevention"' if key == "prevention" else ""
                parts.append(f"<h2>{labels[key]}</h2><div{css}>{sanitize_markdown(doc.sections[key])}</div>")
        extra = other_sections(doc.body)
        if extra.strip():
            parts.append(sanitize_markdown(extra))
    else:
        parts.append(sanitize_markdown(doc.body))
    body = "\n".join(parts)
    if not standalone:
        return body
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_e(doc.title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def other_sections(body: str) -> str:
    """H2 sections that are not one of the five known ones, in file order."""
    from kbapp.parser import section_key

    keep, current_known, fenced = [], True, False
    for line in body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            current_known = section_key(line[3:]) is not None
        elif not fenced and line.startswith("# "):
            current_known = True  # the title is drawn by the header
            continue
        if not current_known:
            keep.append(line)
    return "\n".join(keep)
