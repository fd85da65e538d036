"""The core's error messages in the user's language.

The core (Qt-free) raises IncidentError, RecordError and ReportError with one English
line that names the field ("status: cannot go from resolved to report_submitted; ...").
In the Chinese UI :func:`localized` rewrites them, pattern by pattern, with the field,
the statuses and the states by their Chinese names; the OperationRunner applies it to
every failure it delivers, so each ``str(exc)`` the window shows is already translated.
A message no pattern knows keeps its English text behind a translated field name.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from kbapp.incidents import lifecycle as lc
from kbapp.incidents.errors import IncidentError
from kbapp.reports.errors import FieldProblem, ReportError

_CTX = "CoreErrors"

FIELD_NAMES = {
    "title": QT_TRANSLATE_NOOP("CoreErrors", "the title"),
    "level": QT_TRANSLATE_NOOP("CoreErrors", "the fault level"),
    "note": QT_TRANSLATE_NOOP("CoreErrors", "the note"),
    "text": QT_TRANSLATE_NOOP("CoreErrors", "the text"),
    "reason": QT_TRANSLATE_NOOP("CoreErrors", "the reason"),
    "status": QT_TRANSLATE_NOOP("CoreErrors", "the status"),
    "category": QT_TRANSLATE_NOOP("CoreErrors", "the category"),
    "channel": QT_TRANSLATE_NOOP("CoreErrors", "the channel"),
    "reporter": QT_TRANSLATE_NOOP("CoreErrors", "the reporter"),
    "responsible": QT_TRANSLATE_NOOP("CoreErrors", "the person responsible"),
    "description": QT_TRANSLATE_NOOP("CoreErrors", "the description"),
    "summary": QT_TRANSLATE_NOOP("CoreErrors", "the summary"),
    "plan": QT_TRANSLATE_NOOP("CoreErrors", "the handling plan"),
    "emergency_plan": QT_TRANSLATE_NOOP("CoreErrors", "the emergency plan"),
    "actor": QT_TRANSLATE_NOOP("CoreErrors", "the engineer's name"),
    "name": QT_TRANSLATE_NOOP("CoreErrors", "the name"),
    "role": QT_TRANSLATE_NOOP("CoreErrors", "the role"),
    "trainee": QT_TRANSLATE_NOOP("CoreErrors", "the trainee"),
    "trainer": QT_TRANSLATE_NOOP("CoreErrors", "the trainer"),
    "inspector": QT_TRANSLATE_NOOP("CoreErrors", "the inspector"),
    "value": QT_TRANSLATE_NOOP("CoreErrors", "the measured value"),
    "result": QT_TRANSLATE_NOOP("CoreErrors", "the result"),
    "step": QT_TRANSLATE_NOOP("CoreErrors", "the step"),
    "goto": QT_TRANSLATE_NOOP("CoreErrors", "the decision"),
    "item": QT_TRANSLATE_NOOP("CoreErrors", "the item"),
    "items": QT_TRANSLATE_NOOP("CoreErrors", "the items"),
    "playbook_id": QT_TRANSLATE_NOOP("CoreErrors", "the playbook"),
    "playbooks": QT_TRANSLATE_NOOP("CoreErrors", "the playbooks"),
    "scenario": QT_TRANSLATE_NOOP("CoreErrors", "the scenario card"),
    "close_reason": QT_TRANSLATE_NOOP("CoreErrors", "the reason for closing"),
    "notified_at": QT_TRANSLATE_NOOP("CoreErrors", "the notification time"),
    "escalation": QT_TRANSLATE_NOOP("CoreErrors", "the escalation"),
    "escalation_chain": QT_TRANSLATE_NOOP("CoreErrors", "the escalation chain"),
    "kind": QT_TRANSLATE_NOOP("CoreErrors", "the kind"),
    "state": QT_TRANSLATE_NOOP("CoreErrors", "the state"),
    "classification": QT_TRANSLATE_NOOP("CoreErrors", "the classification"),
    "incident_id": QT_TRANSLATE_NOOP("CoreErrors", "the incident"),
    "record_id": QT_TRANSLATE_NOOP("CoreErrors", "the problem record"),
    "drill_id": QT_TRANSLATE_NOOP("CoreErrors", "the drill"),
    "inspection_id": QT_TRANSLATE_NOOP("CoreErrors", "the inspection"),
    "action_id": QT_TRANSLATE_NOOP("CoreErrors", "the logged action"),
    "lesson": QT_TRANSLATE_NOOP("CoreErrors", "the lesson"),
    "fix": QT_TRANSLATE_NOOP("CoreErrors", "the proposed fix"),
    "supervisor": QT_TRANSLATE_NOOP("CoreErrors", "the supervisor"),
    "supervisor_role": QT_TRANSLATE_NOOP("CoreErrors", "the supervisor's role"),
    "assignee": QT_TRANSLATE_NOOP("CoreErrors", "the assignee"),
    "cause": QT_TRANSLATE_NOOP("CoreErrors", "the cause"),
    "prevention": QT_TRANSLATE_NOOP("CoreErrors", "the prevention"),
    "tips": QT_TRANSLATE_NOOP("CoreErrors", "the tips for the user"),
    "solution": QT_TRANSLATE_NOOP("CoreErrors", "the solution"),
    "analysis": QT_TRANSLATE_NOOP("CoreErrors", "the analysis"),
    "change_record": QT_TRANSLATE_NOOP("CoreErrors", "the change record"),
    "answer": QT_TRANSLATE_NOOP("CoreErrors", "the answer"),
    "raised_at": QT_TRANSLATE_NOOP("CoreErrors", "the time it was raised"),
    "customer": QT_TRANSLATE_NOOP("CoreErrors", "the customer"),
    "system": QT_TRANSLATE_NOOP("CoreErrors", "the system"),
}
MODES = {"incident": QT_TRANSLATE_NOOP("CoreErrors", "incident"), "drill": QT_TRANSLATE_NOOP("CoreErrors", "drill"),
         "inspection": QT_TRANSLATE_NOOP("CoreErrors", "inspection")}


def _t(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def field_name(field: str | None) -> str:
    return _t(FIELD_NAMES[field]) if field in FIELD_NAMES else (field or "")


def _status(value: str) -> str:
    return lc.STATUS_LABELS.get(value, (value, value))[0]


def _statuses(text: str) -> str:
    return "、".join(_status(s.strip()) for s in text.split(",") if s.strip())


def _record_state(value: str) -> str:
    from kbapp.records import workflow as wf

    return wf.STATE_LABELS.get(value, (value, value))[0]


MADE = {"problem record": QT_TRANSLATE_NOOP("CoreErrors", "problem record"),
        "change request": QT_TRANSLATE_NOOP("CoreErrors", "change request")}


def _change_state(value: str) -> str:
    from kbapp.plan import changes as ch

    return ch.STATE_LABELS.get(value, (value, value))[0]


def _mode(value: str) -> str:
    return _t(MODES.get(value, value))


def _fill(template: str, *args: str) -> str:
    text = _t(template)
    for number, arg in enumerate(args, start=1):
        text = text.replace(f"%{number}", arg)
    return text


# (pattern, template, how to turn the groups into the template's %1, %2 ...)
_Rule = tuple[re.Pattern, str, Callable[[re.Match], tuple[str, ...]]]


def _rule(pattern: str, template: str, args: Callable[[re.Match], tuple[str, ...]] = lambda m: ()) -> _Rule:
    return re.compile(pattern), template, args


_RULES: list[_Rule] = [
    _rule(r"^(?P<f>\w+): must not be empty$", QT_TRANSLATE_NOOP("CoreErrors", "Enter %1."),
          lambda m: (field_name(m["f"]),)),
    _rule(r"^(?P<f>\w+): must be a single line$", QT_TRANSLATE_NOOP("CoreErrors", "%1 must be one line."),
          lambda m: (field_name(m["f"]),)),
    _rule(r"^(?P<f>\w+): must be text$", QT_TRANSLATE_NOOP("CoreErrors", "%1 must be text."),
          lambda m: (field_name(m["f"]),)),
    _rule(r"^(?P<f>\w+): contains a NUL character$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1 contains a character that cannot be stored (NUL)."),
          lambda m: (field_name(m["f"]),)),
    _rule(r"^(?P<f>\w+): longer than (?P<n>\d+) characters$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1 is longer than %2 characters."), lambda m: (field_name(m["f"]), m["n"])),
    _rule(r"^(?P<f>\w+): (?P<size>[\d,]+) bytes is over the limit of (?P<k>\d+) KiB$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1 is %2 bytes, over the limit of %3 KiB."),
          lambda m: (field_name(m["f"]), m["size"], m["k"])),
    _rule(r"^status: cannot go from (?P<a>\w+) to (?P<b>\w+); allowed from \w+: none: it is closed$",
          QT_TRANSLATE_NOOP("CoreErrors", "The status cannot go from %1 to %2: the incident is closed."),
          lambda m: (_status(m["a"]), _status(m["b"]))),
    _rule(r"^status: cannot go from (?P<a>\w+) to (?P<b>\w+); allowed from \w+: (?P<o>.+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "The status cannot go from %1 to %2; from %1 it can go to %3."),
          lambda m: (_status(m["a"]), _status(m["b"]), _statuses(m["o"]))),
    _rule(r"^status: the incident is already (?P<a>\w+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "The incident is already %1."), lambda m: (_status(m["a"]),)),
    _rule(r"^status: (?P<w>incident|inspection) #(?P<n>\d+) is closed$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1 #%2 is closed."), lambda m: (_mode(m["w"]), m["n"])),
    _rule(r"^status: incident #(?P<n>\d+) is (?P<s>\w+); set it back to responding before .+$",
          QT_TRANSLATE_NOOP("CoreErrors", "Incident #%1 is %2; set it back to %3 first."),
          lambda m: (m["n"], _status(m["s"]), _status(lc.RESPONDING))),
    _rule(r"^status: (?P<w>drill|inspection) #(?P<n>\d+) is already finished$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1 #%2 is already finished."), lambda m: (_mode(m["w"]), m["n"])),
    _rule(r"^level: '(?P<v>.*)' is not a fault level; use I, II, III or IV$",
          QT_TRANSLATE_NOOP("CoreErrors", "“%1” is not a fault level; use I, II, III or IV."), lambda m: (m["v"],)),
    _rule(r"^level: incident #(?P<n>\d+) is already level (?P<l>\w+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "Incident #%1 is already level %2."), lambda m: (m["n"], m["l"])),
    _rule(r"^level: only a level I incident has an emergency plan.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Only a level I incident has an emergency plan (应急方案).")),
    _rule(r"^note: say why an incident is closed without being solved$",
          QT_TRANSLATE_NOOP("CoreErrors", "Say why the incident is closed without being solved.")),
    _rule(r"^close_reason: incident #(?P<n>\d+) was never solved.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Incident #%1 was never solved: say whether it is a duplicate, withdrawn "
                                          "or not an incident."), lambda m: (m["n"],)),
    _rule(r"^(?P<f>\w+): no (?:incident|problem record|action) #(?P<n>\d+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "There is no %1 #%2."), lambda m: (field_name(m["f"]), m["n"])),
    _rule(r"^no report #(?P<n>\d+)$", QT_TRANSLATE_NOOP("CoreErrors", "There is no report #%1."),
          lambda m: (m["n"],)),
    _rule(r"^(?:\w+: )?no playbook '(?P<p>[^']+)' in the library$",
          QT_TRANSLATE_NOOP("CoreErrors", "Playbook %1 is not in the library."), lambda m: (m["p"],)),
    _rule(r"^(?:\w+: )?playbook '(?P<p>[^']+)' has no step (?P<s>\d+).*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Playbook %1 has no step %2."), lambda m: (m["p"], m["s"])),
    _rule(r"^playbook_id: '(?P<p>[^']+)' is already attached to incident #(?P<n>\d+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "Playbook %1 is already attached to incident #%2."),
          lambda m: (m["p"], m["n"])),
    _rule(r"^items: (?P<i>.+) have no result yet; mark each pass, fail or na$",
          QT_TRANSLATE_NOOP("CoreErrors", "Items %1 have no result yet: mark each one pass, fail or n/a."),
          lambda m: (m["i"],)),
    _rule(r"^item: item (?P<n>\d+) is (?P<s>.+); only a failed item opens an incident$",
          QT_TRANSLATE_NOOP("CoreErrors", "Item %1 did not fail; only a failed item opens an incident."),
          lambda m: (m["n"],)),
    _rule(r"^item: the checklist has no item (?P<n>\d+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "The checklist has no item %1."), lambda m: (m["n"],)),
    _rule(r"^escalation: already escalated to the top of the chain, (?P<who>.+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "Already escalated to the top of the chain: %1."), lambda m: (m["who"],)),
    _rule(r"^escalation: someone else escalated this incident just now; try again$",
          QT_TRANSLATE_NOOP("CoreErrors", "Someone else escalated this incident just now; try again.")),
    _rule(r"^incident #(?P<n>\d+) is not resolved yet; resolve it before writing its report$",
          QT_TRANSLATE_NOOP("CoreErrors", "Incident #%1 is not resolved yet; resolve it before writing its report."),
          lambda m: (m["n"],)),
    _rule(r"^the lesson text is empty$", QT_TRANSLATE_NOOP("CoreErrors", "Write the lesson first.")),
    _rule(r"^the lesson is longer than (?P<n>\d+) characters$",
          QT_TRANSLATE_NOOP("CoreErrors", "The lesson is longer than %1 characters."), lambda m: (m["n"],)),
    _rule(r"^the proposal changes nothing$", QT_TRANSLATE_NOOP("CoreErrors", "The proposal changes nothing.")),
    _rule(r"^change #(?P<n>\d+) is already (?P<s>\w+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "Change #%1 has been decided already."), lambda m: (m["n"],)),
    _rule(r"^playbook '(?P<p>[^']+)' changed after change #(?P<n>\d+) was proposed.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Playbook %1 changed after change #%2 was proposed; propose the change "
                                          "again on the current version."), lambda m: (m["p"], m["n"])),
    _rule(r"^state: the (?P<k>.+?) record is (?P<a>\w+); it cannot move to (?P<b>\w+)\. Allowed from \w+: (?P<o>.*)$",
          QT_TRANSLATE_NOOP("CoreErrors", "The record is %1; it cannot move to %2."),
          lambda m: (_record_state(m["a"]), _record_state(m["b"]))),
    _rule(r"^(?P<f>\w+): required to move to (?P<s>\w+): .*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Enter %1 to move the record to %2."),
          lambda m: (field_name(m["f"]), _record_state(m["s"]))),
    _rule(r"^supervisor_role: (?P<who>.+) \((?P<role>.*)\) may not sign off a fix.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1 (%2) may not sign off a fix: the sign-off (主管领导签字) needs a "
                                          "supervisor's role, such as 主管, 经理 or 负责人."),
          lambda m: (m["who"], m["role"])),
    _rule(r"^supervisor: (?P<who>.+) proposed the fix and may not sign it off.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1 proposed the fix and may not sign it off; another person, a "
                                          "supervisor, signs it off."), lambda m: (m["who"],)),
    _rule(r"^(?P<f>\w+): '(?P<v>.*)' is not a time; use ISO 8601.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1: “%2” is not a time; use 2026-03-02 02:40 or HH:MM for today."),
          lambda m: (field_name(m["f"]), m["v"])),
    _rule(r"^raised_at: is in the future$", QT_TRANSLATE_NOOP("CoreErrors", "The time it was raised is in the future.")),
    # change requests (kbapp.plan.changes); the approvers' labels start with their Chinese name
    _rule(r"^approval: change #(?P<n>\d+) \(.+?\) needs the approval of the (?P<who>\S+) .*? before work starts.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Change request #%1 needs the approval of the %2 before work starts."),
          lambda m: (m["n"], m["who"])),
    _rule(r"^approval: change #(?P<n>\d+) was refused by (?P<by>.+?) \(.*\); work may not start$",
          QT_TRANSLATE_NOOP("CoreErrors", "Change request #%1 was refused by %2: work may not start."),
          lambda m: (m["n"], m["by"])),
    _rule(r"^as: change #(?P<n>\d+) is a new requirement of (?P<d>\d+) working days .*only the (?P<who>\S+) .*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Change request #%1 is a new requirement of %2 working days: only the %3 "
                                          "can approve it."), lambda m: (m["n"], m["d"], m["who"])),
    _rule(r"^state: change #(?P<n>\d+) is (?P<s>\w+), not awaiting approval$",
          QT_TRANSLATE_NOOP("CoreErrors", "Change request #%1 is %2, not awaiting approval."),
          lambda m: (m["n"], _change_state(m["s"]))),
    _rule(r"^state: change #(?P<n>\d+) is (?P<s>\w+); only a started change can be done.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Change request #%1 is %2; only a started change can be done."),
          lambda m: (m["n"], _change_state(m["s"]))),
    _rule(r"^state: change #(?P<n>\d+) has started already.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Change request #%1 has started already."), lambda m: (m["n"],)),
    _rule(r"^days: a new requirement needs its estimate in working days.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "A new requirement needs its estimate in working days.")),
    _rule(r"^customer: name the customer, or the follow-up plan.*$",
          QT_TRANSLATE_NOOP("CoreErrors", "Name the customer, or choose the follow-up schedule.")),
    _rule(r"^issue_id: issue #(?P<n>\d+) became (?P<w>problem record|change request) #(?P<m>\d+) already$",
          QT_TRANSLATE_NOOP("CoreErrors", "The issue has been made %1 #%2 already."),
          lambda m: (_t(MADE.get(m["w"], m["w"])), m["m"])),
    _rule(r"^checklist: '(?P<c>.*)' is (?:no such document|a \w+, not a checklist)$",
          QT_TRANSLATE_NOOP("CoreErrors", "“%1” is not a checklist of the library."), lambda m: (m["c"],)),
    _rule(r"^(?P<f>\w+): '(?P<v>.*)' is not one of (?P<o>.+)$",
          QT_TRANSLATE_NOOP("CoreErrors", "“%2” is not a possible value of %1."), lambda m: (field_name(m["f"]), m["v"])),
]

# Report fields (kbapp.reports.fields): the message after the field's bilingual label.
_REPORT_RULES: list[_Rule] = [
    _rule(r"^.+ is required$", QT_TRANSLATE_NOOP("CoreErrors", "%1 is required.")),
    _rule(r"^.+ is longer than (?P<n>\d+) characters$", QT_TRANSLATE_NOOP("CoreErrors", "%1 is longer than %2 characters."),
          lambda m: (m["n"],)),
    _rule(r"^.+ must be one line$", QT_TRANSLATE_NOOP("CoreErrors", "%1 must be one line.")),
    _rule(r"^'(?P<v>.*)' is not a fault level.*$", QT_TRANSLATE_NOOP("CoreErrors", "“%2” is not a fault level (I, II, III or IV)."),
          lambda m: (m["v"],)),
    _rule(r"^.+: '(?P<v>.*)' is not a time like .*$",
          QT_TRANSLATE_NOOP("CoreErrors", "%1: “%2” is not a time like 2026-03-01 14:05 +08:00."), lambda m: (m["v"],)),
    _rule(r"^.+ is before (?P<other>.+)$", QT_TRANSLATE_NOOP("CoreErrors", "%1 is before %2."),
          lambda m: (_report_label_of(m["other"]),)),
    _rule(r"^is not a report field$", QT_TRANSLATE_NOOP("CoreErrors", "%1 is not a report field.")),
]


def _report_label(field: str) -> str:
    from kbapp.reports.fields import SPECS

    spec = SPECS.get(field)
    return spec.zh if spec is not None else field


def _report_label_of(label: str) -> str:
    from kbapp.reports.fields import REPORT_FIELDS

    return next((f.zh for f in REPORT_FIELDS if f.label == label.strip()), label)


def localize_message(message: str, field: str | None = None) -> str:
    """``message`` (an error of the core) in the UI's language, by the first rule that fits."""
    for pattern, template, args in _RULES:
        match = pattern.match(message)
        if match:
            return _fill(template, *args(match))
    if field and message.startswith(f"{field}: "):
        return f"{field_name(field)}：{message[len(field) + 2:]}"
    return message


def localize_problem(problem: FieldProblem) -> FieldProblem:
    for pattern, template, args in _REPORT_RULES:
        match = pattern.match(problem.message)
        if match:
            return FieldProblem(problem.field, _fill(template, _report_label(problem.field), *args(match)))
    return FieldProblem(problem.field, localize_message(problem.message, problem.field))


def localized(exc: BaseException) -> BaseException:
    """The same error (same class, field and problems) with its message translated."""
    from kbapp.home import ReadOnlyHome

    if isinstance(exc, ReadOnlyHome) and exc.path is not None:
        from kbapp.gui.read_only import refusal_text

        new = copy.copy(exc)
        new.args = (refusal_text(exc.path),)
        return new
    if isinstance(exc, ReportError) and exc.problems:
        new = copy.copy(exc)
        new.problems = [localize_problem(p) for p in exc.problems]
        new.args = ("；".join(p.message for p in new.problems),)
        return new
    if isinstance(exc, IncidentError | ReportError):
        text = localize_message(str(exc), getattr(exc, "field", None))
        if text == str(exc):
            return exc
        new = copy.copy(exc)
        new.args = (text,)
        return new
    return exc
