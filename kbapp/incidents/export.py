"""An incident's timeline as Markdown, CSV or HTML.

Times are shown in local time with the UTC offset (``2026-03-01 14:05:09 +08:00``);
CSV also carries the UTC time for machines. Everything an engineer typed is
escaped: HTML entities in HTML and Markdown (Markdown viewers render raw HTML),
Markdown's own markup characters in Markdown, and spreadsheet formulas in CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

from kbapp.incidents import lifecycle as lc
from kbapp.incidents.deadlines import Deadline, describe
from kbapp.incidents.types import ACTION_LABELS, CHANNEL_LABELS, Action, Incident, describe_action
from kbapp.inert_markdown import inert_markdown
from kbapp.model import CATEGORIES

FORMATS = ("md", "csv", "html")
CSV_COLUMNS = ("action_id", "time", "time_utc", "actor", "kind", "playbook_id", "step", "summary", "details",
               "corrects_id", "corrected_by")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_STATE_LABELS = {"ok": "正常 ok", "close": "临近 close", "passed": "已超时 passed", "met": "已完成 met"}


def state_label(deadline: Deadline) -> str:
    if deadline.state == "met" and deadline.late:
        return "超时完成 met late"
    return _STATE_LABELS.get(deadline.state, deadline.state)


def deadline_phrase(deadline: Deadline) -> str:
    """"超时 10 分钟（迟 10 分钟完成） / missed by 10 min (met 10 min late)": the same words
    in ``incident show``, exports and the fault report."""
    zh, en = describe(deadline)
    return f"{zh} / {en}"


def format_time(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """Local time (or ``tz``) with its UTC offset; "" for None."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


def format_remaining(delta: dt.timedelta) -> str:
    sign = "-" if delta < dt.timedelta(0) else ""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{days}d {hours}h {minutes:02d}m" if days else f"{hours}h {minutes:02d}m"
    return sign + text


def _kind_label(kind: str) -> str:
    zh, en = ACTION_LABELS.get(kind, (kind, kind))
    return f"{zh} {en}"


def _incident_fields(incident: Incident, tz: dt.tzinfo | None) -> list[tuple[str, str]]:
    category = " ".join(CATEGORIES.get(incident.category, (incident.category, ""))).strip()
    channel = " ".join(CHANNEL_LABELS.get(incident.channel, (incident.channel, "")))
    return [
        ("故障级别 Level", incident.level),
        ("状态 Status", lc.label(incident.status)),
        ("类别 Category", category),
        ("客户单位 Customer", incident.customer),
        ("业务系统 System", incident.system),
        ("来源 Channel", channel),
        ("报告人 Reporter", incident.reporter),
        ("负责人 Responsible", incident.responsible),
        ("通知时间 Notified", format_time(incident.notified_at, tz)),
        ("解决时间 Resolved", format_time(incident.resolved_at, tz)),
        ("预案 Playbooks", ", ".join(incident.playbook_ids)),
        ("描述 Description", incident.description),
        ("总结 Summary", incident.summary),
    ]


DEADLINE_HEADER = ["时限 Deadline", "截止 Due", "完成 Met at", "状态 State", "说明 Outcome"]


def deadline_cells(deadline: Deadline, tz: dt.tzinfo | None = None) -> list[str]:
    return [deadline.label, format_time(deadline.due_at, tz), format_time(deadline.met_at, tz),
            state_label(deadline), deadline_phrase(deadline)]


def _action_cells(action: Action, tz: dt.tzinfo | None) -> list[str]:
    summary = describe_action(action)
    if action.corrected_by:
        summary += f" (corrected by {', '.join('#' + str(i) for i in action.corrected_by)})"
    return [f"#{action.id}", format_time(action.at, tz), action.actor, _kind_label(action.kind), summary]


# -- Markdown -------------------------------------------------------------------------

def md_escape(text: str) -> str:
    """Safe inside a Markdown table cell: no markup, no raw HTML, no line breaks."""
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    return lines


def to_markdown(incident: Incident, actions: list[Action], deadlines: list[Deadline] | None = None,
                tz: dt.tzinfo | None = None) -> str:
    lines = [f"# 故障记录 Incident #{incident.id}: {md_escape(incident.title)}", ""]
    lines += [f"- **{name}**: {md_escape(value)}" for name, value in _incident_fields(incident, tz) if value]
    if deadlines:
        lines += ["", "## 时限 Deadlines", ""]
        lines += _md_table(DEADLINE_HEADER, [deadline_cells(d, tz) for d in deadlines])
    lines += ["", "## 时间线 Timeline", ""]
    lines += _md_table(["#", "时间 Time", "人员 Actor", "类型 Kind", "内容 Details"],
                       [_action_cells(a, tz) for a in actions])
    return inert_markdown("\n".join(lines) + "\n")


# -- CSV ------------------------------------------------------------------------------

def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def to_csv(incident: Incident, actions: list[Action], tz: dt.tzinfo | None = None) -> str:
    """One row per action. Write it with encoding ``utf-8-sig`` for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in actions:
        writer.writerow([csv_cell(v) for v in (
            a.id, format_time(a.at, tz), a.at.astimezone(dt.UTC).isoformat(), a.actor, a.kind,
            a.playbook_id or "", a.step if a.step is not None else "", describe_action(a, with_details=False),
            a.details, a.corrects_id if a.corrects_id is not None else "", " ".join(map(str, a.corrected_by)),
        )])
    return buffer.getvalue()


# -- HTML -----------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,"Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;
text-align:left}th{background:#f4f4f4}tr.corrected td{color:#777;font-style:italic}
.passed{color:#b00020;font-weight:bold}.close{color:#b36b00;font-weight:bold}.met{color:#2e7d32}"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def to_html(incident: Incident, actions: list[Action], deadlines: list[Deadline] | None = None,
            tz: dt.tzinfo | None = None) -> str:
    title = f"故障记录 Incident #{incident.id}: {incident.title}"
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{_h(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_h(title)}</h1>", "<dl>"]
    out += [f"<dt>{_h(name)}</dt><dd>{_h(value)}</dd>" for name, value in _incident_fields(incident, tz) if value]
    out.append("</dl>")
    if deadlines:
        out += ["<h2>时限 Deadlines</h2>", "<table><tr>" + "".join(f"<th>{_h(c)}</th>" for c in DEADLINE_HEADER)
                + "</tr>"]
        for d in deadlines:
            css = "passed" if d.late else d.state
            cells = deadline_cells(d, tz)
            out.append(f'<tr class="{_h(css)}">' + "".join(f"<td>{_h(c)}</td>" for c in cells) + "</tr>")
        out.append("</table>")
    out += ["<h2>时间线 Timeline</h2>",
            "<table><tr><th>#</th><th>时间 Time</th><th>人员 Actor</th><th>类型 Kind</th><th>内容 Details</th></tr>"]
    for a in actions:
        css = ' class="corrected"' if a.corrected_by else ""
        out.append(f"<tr{css}>" + "".join(f"<td>{_h(c)}</td>" for c in _action_cells(a, tz)) + "</tr>")
    out += ["</table>", "</body></html>"]
    return "\n".join(out) + "\n"


def export_timeline(fmt: str, incident: Incident, actions: list[Action], deadlines: list[Deadline] | None = None,
                    tz: dt.tzinfo | None = None, *, redact: bool = True) -> str:
    """The timeline as ``md``, ``csv`` or ``html``; customers' secrets masked unless
    ``redact=False`` (an explicit ``--no-redact`` export): these files go to customers."""
    if redact:
        from kbapp.incidents.redaction import redacted_actions, redacted_incident

        incident, actions = redacted_incident(incident), redacted_actions(actions)
    if fmt == "md":
        return to_markdown(incident, actions, deadlines, tz)
    if fmt == "csv":
        return to_csv(incident, actions, tz)
    if fmt == "html":
        return to_html(incident, actions, deadlines, tz)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
