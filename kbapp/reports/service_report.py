"""The monthly service report (系统运行状况分析报告, plan ch. 1.2 and 3.2.2) of one customer.

What a support manager sends the customer for a month: the period's incidents with
their level, times and whether each promise of the plan was kept; the promises missed
and why (from the log: late by how much, never met, a level change and its reason);
the inspections and their failed items; the problem records opened and closed; the
recurring faults; and improvement suggestions, written by the engineer and pre-filled
with the recurring faults and the most failed steps.

Everything printed passes through :func:`kbapp.redact.redact`: the report leaves the
team. Qt-free; the PDF is drawn by the GUI's PDF writer from the Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kbapp.incidents import deadlines as dl
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.deadline_log import DeadlineRecord, replay
from kbapp.incidents.export import format_time
from kbapp.inert_markdown import inert_markdown
from kbapp.model import CATEGORIES, LEVELS
from kbapp.records import workflow as wf
from kbapp.redact import redact
from kbapp.reports.metrics import RATE_KEYS, MissedDeadline
from kbapp.reports.metrics_text import format_rate as _pct
from kbapp.reports.metrics_text import format_seconds as _duration
from kbapp.store.models import ActionRow, IncidentRow
from kbapp.store.records_models import ProblemRecordRow, RecordTransitionRow

if TYPE_CHECKING:
    from kbapp.training.inspections import ItemResult

TITLE = "系统运行状况分析报告 System operation report"
PROMISES = tuple(RATE_KEYS.values())


@dataclass(frozen=True)
class IncidentLine:
    id: int
    title: str
    level: str
    category: str
    system: str
    status: str
    notified_at: dt.datetime
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    kept: dict[str, bool | None]  # promise -> on time, late, or not decided (None)
    playbooks: tuple[str, ...] = ()


@dataclass(frozen=True)
class InspectionLine:
    id: int
    title: str
    system: str
    at: dt.datetime
    finished: bool
    passed: int
    failed: tuple[tuple[int, str, str], ...]  # (item, title, note)


@dataclass(frozen=True)
class RecordLine:
    id: int
    kind: str
    title: str
    state: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None


@dataclass
class ServiceReport:
    customer: str
    month: str
    start: dt.datetime
    end: dt.datetime
    generated_at: dt.datetime
    figures: dict[str, Any]
    incidents: list[IncidentLine] = field(default_factory=list)
    missed: list[MissedDeadline] = field(default_factory=list)
    inspections: list[InspectionLine] = field(default_factory=list)
    records_opened: list[RecordLine] = field(default_factory=list)
    records_closed: list[RecordLine] = field(default_factory=list)
    recurring: list[tuple[str, list[int]]] = field(default_factory=list)  # (what recurs, incident ids)
    tz: dt.tzinfo | None = None

    @property
    def title(self) -> str:
        return f"{TITLE} — {self.customer} {self.month}"

    def suggested_improvements(self) -> str:
        """The pre-filled suggestions: one line per recurring fault, most failed step and missed promise."""
        lines = []
        for what, ids in self.recurring:
            lines.append(f"- 重复故障 Recurring: {what} ({len(ids)} 次 times: "
                         f"{', '.join('#' + str(i) for i in ids)}) — 查找根本原因并制定预防措施 find the root cause "
                         "and a prevention measure.")
        for pb in self.figures.get("playbooks", []):
            for step in pb.get(itypes.FAILED, [])[:2]:
                lines.append(f"- 预案 {pb['id']} 第 {step['step']} 步「{step['title']}」失败 {step['count']} 次 "
                             f"(step {step['step']} failed {step['count']} times) — 复核该步骤 review the step.")
        late: dict[str, int] = defaultdict(int)
        for m in self.missed:
            late[m.key] += 1
        for key, n in late.items():
            zh, en = dl.LABELS[key]
            lines.append(f"- {zh}超时 {n} 起 ({en} late {n}×) — 检查值班与升级安排 check on-call and escalation.")
        return "\n".join(lines) or "- 本月无重复故障或超时 No recurring fault or missed promise this month."

    def markdown(self, suggestions: str | None = None) -> str:
        return render_markdown(self, self.suggested_improvements() if suggestions is None else suggestions)


def _kept(records: list[DeadlineRecord], now: dt.datetime) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {key: None for key in PROMISES}
    for r in records:
        if r.key in out:
            out[r.key] = (r.met_at <= r.due_at) if r.met_at is not None else (False if now > r.due_at else None)
    return out


def collect(s: Session, report: ServiceReport, now: dt.datetime) -> None:
    """Fill the report's incidents, inspections (their items: :func:`with_items`), records
    and recurring faults from the database."""
    rows = list(s.scalars(select(IncidentRow).where(
        IncidentRow.customer == report.customer, IncidentRow.notified_at >= report.start,
        IncidentRow.notified_at < report.end).order_by(IncidentRow.notified_at, IncidentRow.id)))
    ids = [r.id for r in rows]
    logs: dict[int, list] = defaultdict(list)
    if ids:
        for a in s.scalars(select(ActionRow).where(ActionRow.incident_id.in_(ids)).order_by(ActionRow.id)):
            logs[a.incident_id].append(a)
    counted = set()
    for row in rows:
        mode = row.mode or itypes.MODE_INCIDENT
        if mode == itypes.MODE_INSPECTION:
            report.inspections.append(InspectionLine(row.id, row.title, row.system or "", row.notified_at,
                                                     row.status == lc.CLOSED, 0, ()))
            continue
        if mode != itypes.MODE_INCIDENT:
            continue
        actions = logs.get(row.id, [])
        closed_as = next((a.payload.get("close_reason") for a in reversed(actions) if a.kind == itypes.STATUS
                          and (a.payload or {}).get("to") == lc.CLOSED), None)
        if closed_as in (lc.DUPLICATE, lc.NOT_AN_INCIDENT):
            continue
        counted.add(row.id)
        records = replay(actions, notified_at=row.notified_at, level=row.level, category=row.category or "")
        playbooks = tuple(dict.fromkeys(a.playbook_id for a in actions
                                        if a.kind == itypes.PLAYBOOK_ATTACHED and a.playbook_id))
        report.incidents.append(IncidentLine(row.id, row.title, row.level, row.category or "", row.system or "",
                                             row.status, row.notified_at, row.responded_at, row.resolved_at,
                                             _kept(records, now), playbooks))
    report.missed = [m for m in report.missed if m.incident_id in counted]
    _recurring(report)
    _records(s, report, ids)


def with_items(line: InspectionLine, items: list[ItemResult]) -> InspectionLine:
    """The inspection with its results (kbapp.training.inspections ItemResult list)."""
    failed = tuple((i.number, i.title, i.note) for i in items if i.result == itypes.FAIL)
    return InspectionLine(line.id, line.title, line.system, line.at, line.finished,
                          sum(i.result == itypes.PASS for i in items), failed)


def _recurring(report: ServiceReport) -> None:
    """Faults seen twice or more in the month: the same playbook, or the same kind on the same system."""
    by_playbook: dict[str, list[int]] = defaultdict(list)
    by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
    for line in report.incidents:
        for pid in line.playbooks:
            by_playbook[pid].append(line.id)
        if line.category:
            by_kind[(line.category, line.system)].append(line.id)
    seen: set[tuple[int, ...]] = set()
    for pid, ids in sorted(by_playbook.items()):
        if len(ids) > 1:
            seen.add(tuple(ids))
            report.recurring.append((f"预案 playbook {pid}", ids))
    for (category, system), ids in sorted(by_kind.items()):
        if len(ids) > 1 and tuple(ids) not in seen:
            zh, en = CATEGORIES.get(category, (category, category))
            where = f" @ {system}" if system else ""
            report.recurring.append((f"{zh} {en}{where}", ids))


def _record_line(row: ProblemRecordRow, closed_at: dt.datetime | None) -> RecordLine:
    return RecordLine(row.id, row.kind, row.title, row.state, row.created_at, closed_at)


def _records(s: Session, report: ServiceReport, incident_ids: list[int]) -> None:
    """Problem records of the customer (naming it, or through its incidents) opened or closed in the month."""
    mine = [ProblemRecordRow.customer == report.customer]
    if incident_ids:
        mine.append(ProblemRecordRow.incident_id.in_(incident_ids))
    rows = list(s.scalars(select(ProblemRecordRow).where(or_(*mine)).order_by(ProblemRecordRow.id)))
    closed = [row.id for row in rows if row.state == wf.CLOSED]
    closes: dict[int, dt.datetime] = {}
    if closed:
        for t in s.scalars(select(RecordTransitionRow).where(RecordTransitionRow.record_id.in_(closed),
                                                             RecordTransitionRow.to_state == wf.CLOSED)
                           .order_by(RecordTransitionRow.id)):
            closes[t.record_id] = t.at  # the last close counts
    for row in rows:
        closed_at = closes.get(row.id)
        if report.start <= row.created_at < report.end:
            report.records_opened.append(_record_line(row, closed_at))
        if closed_at is not None and report.start <= closed_at < report.end:
            report.records_closed.append(_record_line(row, closed_at))


# -- Markdown ---------------------------------------------------------------------------------

def _cell(text: Any) -> str:
    return redact(str(text)).replace("|", "\\|").replace("\n", " ").strip()


_MARK = {True: "✓", False: "✗", None: "·"}


def render_markdown(report: ServiceReport, suggestions: str) -> str:
    tz = report.tz
    f = report.figures
    out = [f"# {_cell(report.title)}", "",
           f"- 客户单位 Customer: {_cell(report.customer)}",
           f"- 期间 Period: {report.month} ({format_time(report.start, tz)} – {format_time(report.end, tz)})",
           f"- 生成 Generated: {format_time(report.generated_at, tz)}", "",
           "## 1. 服务承诺 Promises kept", "",
           "| 级别 Level | 故障 Incidents | 30分钟响应 Response | 处理方案 Plan | 解决 Resolution | 报告 Report"
           " | MTTA 中位 median | MTTR 中位 median |",
           "|---|---|---|---|---|---|---|---|"]
    for level in LEVELS:
        b = f["levels"][level]
        out.append(f"| {level} | {b['incidents']} | {_pct(b['response_on_time_rate'])} | {_pct(b['plan_on_time_rate'])}"
                   f" | {_pct(b['resolution_on_time_rate'])} | {_pct(b['report_on_time_rate'])}"
                   f" | {_duration(b['mtta_median_s'])} | {_duration(b['mttr_median_s'])} |")
    o = f["overall"]
    out += [f"| 合计 All | {o['incidents']} | {_pct(o['response_on_time_rate'])} | {_pct(o['plan_on_time_rate'])}"
            f" | {_pct(o['resolution_on_time_rate'])} | {_pct(o['report_on_time_rate'])}"
            f" | {_duration(o['mtta_median_s'])} | {_duration(o['mttr_median_s'])} |", "",
            f"1 天内解决 Resolved within 1 day: {_pct(o['resolved_within_1d_rate'])} · 3 天内 within 3 days: "
            f"{_pct(o['resolved_within_3d_rate'])} · 重开率 Reopened: {_pct(o['reopen_rate'])}", "",
            "## 2. 故障清单 Incidents", ""]
    if report.incidents:
        out += ["| # | 故障 Incident | 级别 Level | 系统 System | 通知 Notified | 响应 Responded | 解决 Resolved"
                " | 响应/方案/解决/报告 kept |", "|---|---|---|---|---|---|---|---|"]
        for line in report.incidents:
            kept = " ".join(_MARK[line.kept[k]] for k in (dl.RESPONSE, dl.PLAN, dl.RESOLUTION, dl.REPORT))
            out.append(f"| {line.id} | {_cell(line.title)} | {line.level} | {_cell(line.system or '—')}"
                       f" | {format_time(line.notified_at, tz)} | {format_time(line.responded_at, tz) or '—'}"
                       f" | {format_time(line.resolved_at, tz) or '—'} | {kept} |")
        out.append("")
        out.append("✓ 按时 on time · ✗ 超时 late · · 未到期 not yet due")
    else:
        out.append("本月无故障 No incident this month.")
    out += ["", "## 3. 未兑现的承诺 Missed promises", ""]
    if report.missed:
        out += ["| # | 故障 Incident | 承诺 Promise | 截止 Due | 完成 Met | 原因 Why |", "|---|---|---|---|---|---|"]
        for m in report.missed:
            zh, en = dl.LABELS[m.key]
            out.append(f"| {m.incident_id} | {_cell(m.title)} | {zh} {en} | {format_time(m.due_at, tz)}"
                       f" | {format_time(m.met_at, tz) or '—'} | {_cell(m.why)} |")
    else:
        out.append("全部按时 Every promise kept.")
    out += ["", "## 4. 巡检 Inspections", ""]
    if report.inspections:
        for i in report.inspections:
            state = "已完成 finished" if i.finished else "进行中 in progress"
            out.append(f"- {_cell(i.title)} (#{i.id}, {_cell(i.system or '—')}, {format_time(i.at, tz)}, {state}): "
                       f"通过 {i.passed} pass, 不通过 {len(i.failed)} fail")
            for number, title, note in i.failed:
                out.append(f"  - ✗ 第 {number} 项 item {number}: {_cell(title)}" + (f" — {_cell(note)}" if note else ""))
    else:
        out.append("本月无巡检 No inspection this month.")
    out += ["", "## 5. 问题记录 Problem records", "",
            f"新开 Opened: {len(report.records_opened)} · 关闭 Closed: {len(report.records_closed)}", ""]
    for label, lines in (("新开 Opened", report.records_opened), ("关闭 Closed", report.records_closed)):
        for r in lines:
            out.append(f"- {label} #{r.id} [{r.kind}] {_cell(r.title)} ({r.state})")
    out += ["", "## 6. 重复故障 Recurring faults", ""]
    if report.recurring:
        for what, ids in report.recurring:
            out.append(f"- {_cell(what)}: {len(ids)} 次 times ({', '.join('#' + str(i) for i in ids)})")
    else:
        out.append("无 None.")
    out += ["", "## 7. 改进建议 Improvement suggestions", "", redact(suggestions.strip()), ""]
    return inert_markdown("\n".join(out))
