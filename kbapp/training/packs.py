"""Training packs: chosen playbooks as printable sections for a trainer's handout.

The pack is a list of :class:`kbapp.printing.PdfSection` (the PDF writer's sections,
defined Qt-free) that kbapp.gui.pdf.print_pdf lays out: a cover, the
contents (added by write_pdf after the cover), then per playbook its overview, the
prevention measures in a highlighted box, each step as ONE keep-together section
(heading, text, commands, expected result and decisions never split), verification,
escalation, optional lessons, and a one-page quick-reference card. Steps carry
numbered check boxes (☐) so a trainee can tick them on paper.

All library text goes through render.sanitize_markdown, like anything shown on screen.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from kbapp.incidents.errors import IncidentError
from kbapp.model import CATEGORIES, KIND_CHECKLIST, KIND_PLAYBOOK, Document, Step
from kbapp.printing import PdfSection
from kbapp.render import other_sections, sanitize_markdown, strip_fences

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase

CHECKBOX = "☐"
PACK_TITLE = "培训资料 Training pack"
TOC_HEADING = "目录 Contents"
PDF_FOOTER = "{title} — 第 {page} / {pages} 页"
QUICK_REF_LIST_ITEMS = 4

# Handling-plan deadlines per fault level (DOMAIN.md, ch. 4.1), for the quick-reference card.
LEVEL_DEADLINES = {
    "I": "I 紧急 urgent: 2 小时内提交故障处理方案 plan within 2 h; 12 小时未解决则 16 小时内提出应急方案 "
         "emergency plan by 16 h if unsolved at 12 h",
    "II": "II 严重 serious: 24 小时内提交故障处理方案 plan within 24 h",
    "III": "III 较严重 moderate: 48 小时内提交故障处理方案 plan within 48 h",
    "IV": "IV 普通 ordinary: 5 天内 plan within 5 days",
}

PACK_CSS = """
.sub { color: #555555; font-size: 12pt; }
.meta { color: #444444; font-size: 9pt; }
.cover-title { font-size: 26pt; font-weight: bold; margin-top: 120px; }
.cover-sub { font-size: 14pt; color: #444444; }
table.box { border: 2px solid #3a8f3a; background-color: #eef8ee; }
table.box td { border: none; padding: 6px; }
.box-title { font-weight: bold; color: #1b5e20; }
.expected { color: #205e20; }
.decision { color: #9c3d00; font-weight: bold; }
.lesson { color: #4a2f9c; }
.qr { font-size: 9pt; }
table.qr-steps td { font-size: 9pt; padding: 2px; }
code.qr-cmd { font-size: 8pt; }
table.qr-foot td { border: none; padding: 3px; }
.qr-note { font-size: 8.5pt; color: #444444; }
"""


# The sections of a pack are the PDF writer's own (one definition, Qt-free).
PackSection = PdfSection


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _category(doc: Document) -> str:
    zh, en = CATEGORIES.get(doc.category, (doc.category, ""))
    return f"{zh} {en}".strip()


def _bullets(markdown_text: str, limit: int) -> list[str]:
    items = [line.strip()[2:].strip() for line in markdown_text.split("\n") if line.strip().startswith(("- ", "* "))]
    return items[:limit]


def cover_section(docs: list[Document], *, title: str, trainer: str, today: dt.date) -> PdfSection:
    rows = "".join(f"<li>{_e(d.display_title)} <span class='meta'>({_e(d.id)}, v{d.version})</span></li>"
                   for d in docs)
    who = f"<p>培训师 Trainer: {_e(trainer)}</p>" if trainer else ""
    return PdfSection(
        f'<p class="cover-title">{_e(title)}</p>'
        f'<p class="cover-sub">应急预案培训 Emergency playbook training</p>'
        f"<p>日期 Date: {today.isoformat()}</p>{who}"
        f"<h3>本资料包含的预案 Playbooks in this pack</h3><ul>{rows}</ul>"
        '<p class="meta">每个预案后附一页速查卡。步骤前的 ☐ 供演练时勾选。'
        "A one-page quick-reference card follows each playbook; tick the ☐ boxes as you go.</p>")


def step_html(step: Step, lessons: list[str] | None = None, heading: str = "") -> str:
    """One step with everything that belongs to it: kept together on one page."""
    parts = [heading, f"<h3>{CHECKBOX} {step.number}. {_e(step.title)}</h3>"]
    body = sanitize_markdown(strip_fences(step.text))
    if body.strip():
        parts.append(body)
    parts += [f"<pre>{_e(command)}</pre>" for command in step.commands]
    if step.expected:
        parts.append(f'<p class="expected">✔ 预期结果 Expected: {_e(step.expected)}</p>')
    parts += [f'<p class="decision">◆ 如果 {_e(d.condition)} → 第 {d.target} 步 step {d.target}</p>'
              for d in step.decisions]
    parts += [f'<p class="lesson">★ 经验 Lesson: {sanitize_markdown(text)}</p>' for text in lessons or ()]
    return "\n".join(p for p in parts if p)


def _box(title: str, markdown_text: str) -> str:
    return (f'<table class="box" width="100%" cellspacing="0"><tr><td><p class="box-title">{_e(title)}</p>'
            f"{sanitize_markdown(markdown_text)}</td></tr></table>")


def playbook_sections(doc: Document, lessons: dict[int, list[str]] | None = None) -> list[PdfSection]:
    """A playbook's pages: overview, prevention box, one section per step, the rest."""
    lessons = lessons or {}
    meta = [x for x in (_category(doc), "级别 Levels: " + " ".join(doc.levels) if doc.levels else "",
                        f"版本 Version {doc.version}" if doc.version else "",
                        f"复核 Reviewed {doc.reviewed.isoformat()}" if doc.reviewed else "",
                        f"负责 Owner: {doc.owner}" if doc.owner else "") if x]
    head = [f"<h1>{_e(doc.title)}</h1>"]
    if doc.title_en and doc.title_en != doc.title:
        head.append(f'<p class="sub">{_e(doc.title_en)}</p>')
    head.append(f'<p class="meta">{_e(" | ".join(meta))}</p>')
    if doc.summary:
        head.append(f"<p>{_e(doc.summary)}</p>")
    if doc.sections.get("symptoms"):
        head.append(f"<h2>症状 Symptoms</h2>{sanitize_markdown(doc.sections['symptoms'])}")
    out = [PdfSection("\n".join(head), keep_together=False, page_break_before=True,
                       toc_title=doc.display_title, toc_level=1)]
    if doc.sections.get("prevention"):
        out.append(PdfSection(_box("预防措施 Prevention — 重点 key points", doc.sections["prevention"])))
    steps_heading = "<h2>应急步骤 Emergency steps</h2>" if doc.kind == KIND_PLAYBOOK else "<h2>检查项 Checklist</h2>"
    for index, step in enumerate(doc.steps):
        # The section heading rides with the first step, so it never sits alone at a page foot.
        out.append(PdfSection(step_html(step, lessons.get(step.number), steps_heading if index == 0 else "")))
    for key, label in (("verification", "验证 Verification"), ("escalation", "升级 Escalation")):
        if doc.sections.get(key):
            out.append(PdfSection(f"<h2>{label}</h2>{sanitize_markdown(doc.sections[key])}"))
    extra = other_sections(doc.body).strip()
    if extra:
        out.append(PdfSection(sanitize_markdown(extra), keep_together=False))
    if lessons.get(0):
        out.append(PdfSection("<h2>经验教训 Lessons</h2>" + "".join(
            f'<p class="lesson">★ {sanitize_markdown(text)}</p>' for text in lessons[0])))
    out.append(quick_reference_section(doc))
    return out


def command_lines(commands: tuple[str, ...] | list[str]) -> list[str]:
    """Every line of a step's commands that is a command (comments and blank lines left out),
    whole: a card that drops the ``cp -a`` taking the backup is worse than no card."""
    lines = [line.strip() for command in commands for line in command.split("\n")]
    return [line for line in lines if line and not line.startswith(("#", "--", "//"))]


def quick_reference_section(doc: Document) -> PdfSection:
    """One page: every step with every command line and its decisions, the key prevention
    points, the deadlines of the playbook's levels and the first escalation rules."""
    rows = []
    for step in doc.steps:
        lines = command_lines(step.commands)
        command = "<br>".join(f'<code class="qr-cmd">{_e(line)}</code>' for line in lines)
        turns = "; ".join(f"{_e(d.condition)} → {d.target}" for d in step.decisions)
        # The commands beside the title, not under it: the card stays on one page.
        rows.append(f'<tr><td width="6%">{CHECKBOX} {step.number}</td><td width="30%"><b>{_e(step.title)}</b>'
                    f"{'<br>◆ ' + turns if turns else ''}</td><td>{command}</td></tr>")
    prevention = _bullets(doc.sections.get("prevention", ""), QUICK_REF_LIST_ITEMS)
    escalation = _bullets(doc.sections.get("escalation", ""), QUICK_REF_LIST_ITEMS)
    deadlines = [LEVEL_DEADLINES[lv] for lv in doc.levels if lv in LEVEL_DEADLINES]
    parts = [f'<div class="qr"><h2>速查卡 Quick reference — {_e(doc.display_title)}</h2>',
             f'<p class="meta">{_e(doc.id)} · {_e(_category(doc))} · v{doc.version}</p>',
             f'<table class="qr-steps" width="100%" cellspacing="0">{"".join(rows)}</table>']
    # Prevention beside the deadlines and escalation: the card stays on one page.
    left = _box("预防要点 Prevention", "\n".join(f"- {p}" for p in prevention)) if prevention else ""
    right = "<h3>时限 Deadlines</h3><ul>" + "".join(f'<li class="qr-note">{_e(d)}</li>' for d in [
        "接到通知 30 分钟内响应 respond within 30 min", *deadlines,
        "故障解决后 24 小时内提交故障处理报告 fault report within 24 h of the fix"]) + "</ul>"
    if escalation:
        right += "<h3>升级 Escalation</h3><ul>" + "".join(
            f'<li class="qr-note">{sanitize_markdown(x).removeprefix("<p>").removesuffix("</p>")}</li>'
            for x in escalation) + "</ul>"
    parts.append(f'<table class="qr-foot" width="100%" cellspacing="0"><tr><td width="50%">{left}</td>'
                 f'<td width="50%">{right}</td></tr></table>')
    parts.append("</div>")
    return PdfSection("\n".join(parts), keep_together=True, page_break_before=True,
                       toc_title=f"速查卡 Quick reference: {doc.title}", toc_level=2)


def build_pack(docs: list[Document], *, lessons: dict[str, dict[int, list[str]]] | None = None,
               title: str = PACK_TITLE, trainer: str = "", today: dt.date | None = None) -> list[PdfSection]:
    """Every section of the pack, cover first (write_pdf puts the contents after it)."""
    if not docs:
        raise IncidentError("playbooks: choose at least one playbook for the pack", field="playbooks")
    sections = [cover_section(docs, title=title, trainer=trainer, today=today or dt.date.today())]
    for doc in docs:
        sections += playbook_sections(doc, (lessons or {}).get(doc.id))
    return sections


def pack_for(kb: KnowledgeBase, playbook_ids: list[str], *, include_lessons: bool = False, title: str = PACK_TITLE,
             trainer: str = "", today: dt.date | None = None,
             lessons_of: Callable[[str], dict[int, list[str]]] | None = None) -> list[PdfSection]:
    """The pack for playbooks named by id, in the order given (duplicates dropped)."""
    docs = []
    for pid in dict.fromkeys(str(p).strip() for p in playbook_ids):
        doc = kb.get(pid)
        if doc is None or doc.kind not in (KIND_PLAYBOOK, KIND_CHECKLIST):
            raise IncidentError(f"playbooks: no playbook {pid!r} in the library", field="playbooks")
        docs.append(doc)
    lessons = None
    if include_lessons:
        fetch = lessons_of or kb.lessons.for_playbook
        # Lessons are engineers' notes from real incidents: redacted like every export.
        from kbapp.redact import redact

        lessons = {d.id: {step: [redact(t) for t in texts] for step, texts in fetch(d.id).items()} for d in docs}
    return build_pack(docs, lessons=lessons, title=title, trainer=trainer, today=today)

