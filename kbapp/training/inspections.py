"""InspectionService: the routine inspection (巡检, plan 3.2.2) on the incident runner.

An inspection is an incident row with ``mode = "inspection"`` running a checklist.
Each item's result is an ordinary step action whose result is ``pass``, ``fail`` or
``na`` (kbapp.incidents.validate.check_result accepts those only in an inspection),
with the measured value in ``payload["value"]`` and the remark in the note. So items
are logged, corrected, replayed and exported exactly like incident steps, and the
runner moves on after each item whatever its result.

A failed item opens a normal incident carrying the item (title, description, value,
note, a category guessed from the item); the inspection's log gets a ``follow_up``
action naming it. The finished inspection gives the inspection result and system
operation report (巡检结果及系统运行报告) the plan asks for.
"""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.kept_playbooks import kept_playbook
from kbapp.incidents.validate import check_id, check_line, check_result
from kbapp.inert_markdown import inert_markdown
from kbapp.model import KIND_CHECKLIST, KIND_PLAYBOOK, Document
from kbapp.store.models import ActionRow, IncidentRow
from kbapp.training.common import local_time, md_table, redact_text, redacted_action, redacted_incident

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.service import IncidentService

DEFAULT_CHECKLIST = "routine-inspection"
INSPECTION_TITLE_PREFIX = "巡检 INSPECTION: "
REPORT_TITLE = "巡检结果及系统运行报告 Inspection result and system operation report"

# The four things plan 3.2.2 says an inspection checks, plus backups (ch. 8), matched on
# the item's title; an item matching none is "other".
ASPECTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("data", "数据完整性 Data integrity", ("数据完整性", "data integrity")),
    ("running", "运行状态 Running state", ("运行状态", "running state", "resource")),
    ("functions", "功能 Functions", ("功能", "function")),
    ("availability", "可用性 Availability", ("可用性", "availability")),
    ("security", "安全性 Security", ("安全", "security")),
    ("backup", "备份 Backups", ("备份", "backup")),
)
OTHER_ASPECT = ("other", "其他 Other")
# Which incident category a failed item most likely is; the checklist's own otherwise.
_CATEGORY_HINTS = (("备份", "backup"), ("backup", "backup"), ("安全", "security"), ("security", "security"),
                   ("硬件", "hardware"), ("hardware", "hardware"), ("证书", "certificate"), ("网络", "network"),
                   ("资源", "performance"), ("数据完整性", "database"))


@dataclass(frozen=True)
class ItemResult:
    number: int
    title: str
    expected: str = ""
    result: str | None = None  # pass, fail, na; None = not checked yet
    value: str = ""
    note: str = ""
    at: dt.datetime | None = None
    actor: str = ""
    follow_up: int | None = None  # the incident a failure opened

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "expected": self.expected, "result": self.result,
                "value": self.value, "note": self.note, "at": self.at.isoformat() if self.at else None,
                "actor": self.actor, "follow_up": self.follow_up}


def aspect_of(title: str) -> tuple[str, str]:
    low = title.lower()
    for key, label, words in ASPECTS:
        if any(w in low for w in words):
            return key, label
    return OTHER_ASPECT


class InspectionService:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    @property
    def incidents(self) -> IncidentService:
        # On a team desk, local first like every incident write (kbapp.local_first): a round
        # is inspected on site with no network too.
        return getattr(self.kb, "desk_incidents", None) or self.kb.incidents

    def _store_of(self, inspection_id: int) -> Any:
        store_of = getattr(self.incidents, "store_of", None)  # a team desk: the server's, or the copy's
        return store_of(inspection_id) if store_of is not None else self.incidents.store

    def checklists(self) -> list[Document]:
        return sorted((d for d in self.kb.documents() if d.kind == KIND_CHECKLIST), key=lambda d: d.id)

    def start(self, checklist_id: str = DEFAULT_CHECKLIST, inspector: str = "", title: str = "",
              actor: str | None = None, customer: str = "", system: str = "") -> itypes.Incident:
        doc = self.incidents._playbook(checklist_id or DEFAULT_CHECKLIST)
        if doc.kind != KIND_CHECKLIST:
            raise IncidentError(f"checklist: {doc.id!r} is a {doc.kind}, not an inspection checklist",
                                field="checklist")
        # The inspector is the data home's engineer unless someone else is named (kbapp.identity).
        inspector = check_line(inspector, "inspector", max_chars=200) or self.incidents._actor(actor)
        today = self.incidents.now().astimezone().date().isoformat()
        title = check_line(title, "title", max_chars=180) or f"{doc.title} {today}"
        return self.incidents.start(
            INSPECTION_TITLE_PREFIX + title, "IV", description=doc.summary, category=doc.category or "inspection",
            channel="onsite", responsible=inspector, playbook_ids=[doc.id], actor=actor, mode=itypes.MODE_INSPECTION,
            customer=customer, system=system, context={"checklist": doc.id, "checklist_version": doc.version, "inspector": inspector})

    def get(self, inspection_id: int) -> itypes.Incident:
        incident = self.incidents.get(inspection_id)
        if incident.mode != itypes.MODE_INSPECTION:
            raise IncidentError(f"inspection_id: #{incident.id} is not an inspection (it is an {incident.mode})",
                                field="inspection_id")
        return incident

    def list(self, open_only: bool = False) -> list[itypes.Incident]:  # noqa: A003 - like IncidentService.list
        return self.incidents.list_incidents(open_only=open_only, mode=itypes.MODE_INSPECTION)

    def record(self, inspection_id: int, item: int, result: str, value: str = "", note: str = "",
               actor: str | None = None) -> itypes.Action:
        """An item's result (pass, fail or na), what was measured and a remark."""
        inspection = self.get(check_id(inspection_id, "inspection_id"))
        check_result(result, itypes.MODE_INSPECTION)  # the clearer message before anything else is looked up
        return self.incidents.step(inspection.id, item, result, note=note, value=value, actor=actor,
                                   playbook_id=inspection.playbook_ids[0] if inspection.playbook_ids else None)

    def items(self, inspection_id: int) -> builtins.list[ItemResult]:
        """Every item of the checklist with its latest result and the incident it opened."""
        inspection = self.get(inspection_id)
        checklist = inspection.playbook_ids[0] if inspection.playbook_ids else None
        # The items of the checklist version the round started with, not the library's now.
        doc = (kept_playbook(self._store_of(inspection.id), self.kb.get(checklist), inspection.id, checklist)
               if checklist else None)
        actions = self.incidents.timeline(inspection.id, kinds=(itypes.STEP, itypes.FOLLOW_UP))
        latest: dict[int, itypes.Action] = {}
        follow: dict[int, int] = {}
        for a in actions:
            if a.step is None:
                continue
            if a.kind == itypes.STEP:
                latest[a.step] = a
            elif a.kind == itypes.FOLLOW_UP and a.payload.get("incident_id"):
                follow[a.step] = int(a.payload["incident_id"])
        steps = {s.number: (s.title, s.expected) for s in doc.steps} if doc is not None else {}
        for number, last in latest.items():
            steps.setdefault(number, (last.payload.get("step_title", ""), ""))
        out = []
        for number in sorted(steps):
            title, expected = steps[number]
            got = latest.get(number)
            out.append(ItemResult(number, title, expected, got.payload.get("result") if got else None,
                                  str(got.payload.get("value", "")) if got else "", got.details if got else "",
                                  got.at if got else None, got.actor if got else "", follow.get(number)))
        return out

    def finish(self, inspection_id: int, summary: str = "", actor: str | None = None) -> itypes.Action:
        """Close the round: every item needs a result first (n/a counts), so nothing is forgotten."""
        inspection = self.get(inspection_id)
        items = self.items(inspection.id)
        unchecked = [str(i.number) for i in items if i.result is None]
        if unchecked:
            raise IncidentError(f"items: {', '.join(unchecked)} have no result yet; mark each pass, fail or na",
                                field="items")
        if not lc.is_working(inspection.status):
            raise IncidentError(f"status: inspection #{inspection.id} is already finished", field="status")
        counts = {r: sum(1 for i in items if i.result == r) for r in itypes.INSPECTION_RESULTS}
        text = (f"巡检完成 Inspection finished: 通过 {counts[itypes.PASS]} pass, 不通过 {counts[itypes.FAIL]} fail, "
                f"不适用 {counts[itypes.NA]} n/a")
        if summary.strip():
            text += f"\n{summary.strip()}"
        return self.incidents.resolve(inspection.id, text, actor=actor)

    def open_incident(self, inspection_id: int, item: int, level: str = "III", category: str | None = None,
                      playbook_ids: builtins.list[str] | None = None, actor: str | None = None) -> itypes.Incident:
        """A normal incident for a failed item, filled in from it; asked twice, the first one.

        The incident is written first and carries the inspection and item in its creation
        action; the ``follow_up`` in the inspection's log follows in a second transaction.
        """
        inspection = self.get(inspection_id)
        number = check_id(item, "item")
        found = next((i for i in self.items(inspection.id) if i.number == number), None)
        if found is None:
            raise IncidentError(f"item: the checklist has no item {number}", field="item")
        if found.result != itypes.FAIL:
            state = " ".join(itypes.RESULT_LABELS[found.result]) if found.result else "not checked yet"
            raise IncidentError(f"item: item {number} is {state}; only a failed item opens an incident", field="item")
        if found.follow_up is not None:
            return self.incidents.get(found.follow_up)
        orphan = self._incident_for_item(inspection.id, number)
        if orphan is not None:
            # Opened before a crash that lost the follow-up action: link it, never open a second one.
            incident = self.incidents.get(orphan)
            self._log_follow_up(inspection, number, found.title, incident)
            return incident
        checklist = inspection.playbook_ids[0] if inspection.playbook_ids else ""
        lines = [f"巡检 #{inspection.id} 第 {number} 项「{found.title}」不通过 — inspection #{inspection.id}, "
                 f"item {number} failed"]
        if found.value:
            lines.append(f"测量值 Measured: {found.value}")
        if found.note:
            lines.append(f"备注 Note: {found.note}")
        if found.expected:
            lines.append(f"预期结果 Expected: {found.expected}")
        lines.append(f"检查清单 Checklist: {checklist} ({inspection.title})")
        category = category if category is not None else self._category(found.title, inspection.category)
        if playbook_ids is None:
            matching = [d.id for d in self.kb.documents() if d.kind == KIND_PLAYBOOK and d.category == category]
            playbook_ids = matching if len(matching) == 1 else []
        incident = self.incidents.start(
            f"巡检发现 Inspection finding: {found.title}"[:200], level, description="\n".join(lines),
            category=category, channel="onsite", reporter=inspection.responsible, responsible=inspection.responsible,
            playbook_ids=playbook_ids, actor=actor,
            context={"inspection_id": inspection.id, "item": number, "item_title": found.title, "result": itypes.FAIL,
                     "value": found.value, "note": found.note, "checklist": checklist})
        self._log_follow_up(inspection, number, found.title, incident, actor)
        return incident

    def _log_follow_up(self, inspection: itypes.Incident, number: int, item_title: str, incident: itypes.Incident,
                       actor: str | None = None) -> None:
        from kbapp.replica import is_local_id

        checklist = inspection.playbook_ids[0] if inspection.playbook_ids else None
        follow_up: Any = incident.id
        if is_local_id(incident.id):  # opened offline: the server knows it by the uid this desk made
            follow_up = incident.uid or incident.id
        self.incidents.link_follow_up(inspection.id, number, item_title, follow_up, checklist, actor=actor)

    def _incident_for_item(self, inspection_id: int, number: int) -> int | None:
        """An incident whose creation context names this inspection item, if one exists."""
        def work(s: Session) -> int | None:
            q = (select(ActionRow.incident_id, ActionRow.payload)
                 .join(IncidentRow, IncidentRow.id == ActionRow.incident_id)
                 .where(ActionRow.kind == itypes.CREATED, IncidentRow.mode == itypes.MODE_INCIDENT,
                        IncidentRow.id > inspection_id))
            for incident_id, payload in s.execute(q):
                context = (payload or {}).get("context") or {}
                if context.get("inspection_id") == inspection_id and context.get("item") == number:
                    return incident_id
            return None

        return self._store_of(inspection_id).read(work)

    @staticmethod
    def _category(title: str, fallback: str) -> str:
        low = title.lower()
        return next((cat for word, cat in _CATEGORY_HINTS if word in low), fallback or "inspection")

    def report_markdown(self, inspection_id: int, *, redact: bool = True, tz: dt.tzinfo | None = None) -> str:
        """The inspection result and system operation report; redacted unless told otherwise."""
        inspection = self.get(inspection_id)
        items = self.items(inspection.id)
        actions = self.incidents.timeline(inspection.id)
        followed = {i.follow_up: self._status_or_none(i.follow_up) for i in items if i.follow_up}
        if redact:
            # Field by field, before the Markdown escaping that would hide "key=value" forms.
            inspection = redacted_incident(inspection)
            items = [replace(i, value=redact_text(i.value), note=redact_text(i.note)) for i in items]
            actions = [redacted_action(a) for a in actions]
        return inspection_report_markdown(inspection, items, actions, followed, tz)

    def _status_or_none(self, incident_id: int) -> str | None:
        try:
            return self.incidents.get(incident_id).status
        except IncidentError:
            return None


def _label(result: str | None) -> str:
    return " ".join(itypes.RESULT_LABELS[result]) if result in itypes.RESULT_LABELS else "未检查 not checked"


def inspection_report_markdown(inspection: itypes.Incident, items: list[ItemResult], actions: list[itypes.Action],
                               followed: dict[int, str | None], tz: dt.tzinfo | None = None) -> str:
    counts = {r: sum(1 for i in items if i.result == r) for r in itypes.INSPECTION_RESULTS}
    unchecked = sum(1 for i in items if i.result is None)
    failed = [i for i in items if i.result == itypes.FAIL]
    finished = not lc.is_working(inspection.status)
    if failed:
        overall = f"发现 {len(failed)} 项问题，已登记跟踪 — {len(failed)} issue(s) found and logged"
    elif unchecked:
        overall = f"巡检未完成，{unchecked} 项未检查 — not finished, {unchecked} item(s) not checked"
    else:
        overall = "系统运行正常 — the system runs normally"
    lines = [f"# {REPORT_TITLE}", "", f"## 巡检 Inspection #{inspection.id}: {inspection.title}", ""]
    fields = [
        ("检查清单 Checklist", ", ".join(inspection.playbook_ids)),
        ("巡检人 Inspector", inspection.responsible or inspection.created_by),
        ("开始 Started", local_time(inspection.created_at, tz)),
        ("完成 Finished", local_time(inspection.resolved_at, tz) if finished and inspection.resolved_at
         else "进行中 in progress"),
        ("结论 Overall", overall),
    ]
    lines += [f"- **{name}**: {value}" for name, value in fields if value]
    lines += ["", "## 巡检结果 Inspection results", "",
              f"通过 {counts[itypes.PASS]} pass · 不通过 {counts[itypes.FAIL]} fail · 不适用 {counts[itypes.NA]} n/a"
              + (f" · 未检查 {unchecked} not checked" if unchecked else ""), ""]
    lines += md_table(["#", "检查项 Item", "结果 Result", "测量值 Value", "备注 Note", "跟踪 Follow-up"], [
        [str(i.number), i.title, _label(i.result), i.value, i.note, f"#{i.follow_up}" if i.follow_up else ""]
        for i in items])
    lines += ["", "## 系统运行报告 System operation report", ""]
    rows = []
    for key, label, _words in (*ASPECTS, (*OTHER_ASPECT, ())):
        mine = [i for i in items if aspect_of(i.title)[0] == key]
        if not mine:
            continue
        if any(i.result == itypes.FAIL for i in mine):
            state = "异常 issues: " + ", ".join(f"{i.number}" for i in mine if i.result == itypes.FAIL)
        elif any(i.result is None for i in mine):
            state = "未检查完 not fully checked"
        elif all(i.result == itypes.NA for i in mine):
            state = "不适用 n/a"
        else:
            state = "正常 normal"
        rows.append([label, ", ".join(str(i.number) for i in mine), state])
    lines += md_table(["方面 Aspect", "检查项 Items", "状况 State"], rows)
    lines += ["", "## 发现的问题 Findings", ""]
    if failed:
        for i in failed:
            extra = "".join(f"; {name}: {value}" for name, value in (("测量值 value", i.value), ("备注 note", i.note))
                            if value)
            if i.follow_up:
                status = followed.get(i.follow_up)
                track = f" → 故障 incident #{i.follow_up}" + (f" ({lc.label(status)})" if status else "")
            else:
                track = " → 尚未登记 not logged as an incident yet"
            lines.append(f"- 第 {i.number} 项 item {i.number} {i.title}{extra}{track}")
    else:
        lines.append("- 无 none")
    lines += ["", "## 时间线 Timeline", ""]
    lines += md_table(["#", "时间 Time", "人员 Actor", "类型 Kind", "内容 Details"], [
        [f"#{a.id}", local_time(a.at, tz), a.actor, " ".join(itypes.ACTION_LABELS.get(a.kind, (a.kind, ""))).strip(),
         itypes.describe_action(a)] for a in actions])
    return inert_markdown("\n".join(lines) + "\n")
