"""Problem records (问题记录, plan ch. 4.4): the two kinds, their states and the allowed moves.

Pure: no database, no files, no Qt. The service asks :func:`plan_move` whether a move
is allowed and gets back what to store, so the rules live in one place that the
CLI, the GUI (which offers only the legal next states) and the tests all share.

A consultation (咨询类) is answered on the spot: submitted → closed, with the answer.
A defect (系统缺陷类) goes submitted → analysed (classified as a technical, business or
operation problem; a technical problem goes to the technical staff, a business problem
to the business staff) → proposed (the fix, by whoever proposes it) → signed off (by a
supervisor, a person whose role allows it and never the one who proposed the fix: the
service checks both) → resolved (the fix carried out: the on-site record of ch. 4.3
with the cause, the prevention and the tips given to the user) → reported (to the
service centre) → replied (solution and analysis sent back to the reporter, with the
change record: what changed in the system). An operation problem is explained to the reporter
instead: moving a defect to "analysed" as an operation problem turns it into a
consultation record (still "analysed"), which then closes with the answer given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kbapp.incidents.errors import IncidentError


class RecordError(IncidentError):
    """Bad input or a forbidden move on a problem record; the message names the field.

    A subclass of IncidentError so that every handler that already shows incident
    errors as one readable line (CLI, GUI) shows these the same way. Raised before
    anything is written: a call that raises changed nothing.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field=field)


# -- kinds ------------------------------------------------------------------------------------------
CONSULTATION = "consultation"
DEFECT = "defect"
KINDS = (CONSULTATION, DEFECT)
KIND_LABELS: dict[str, tuple[str, str]] = {
    CONSULTATION: ("咨询类", "Consultation"),
    DEFECT: ("系统缺陷类", "Defect"),
}
_KIND_ALIASES = {"咨询": CONSULTATION, "咨询类": CONSULTATION, "咨询类问题": CONSULTATION,
                 "缺陷": DEFECT, "系统缺陷": DEFECT, "系统缺陷类": DEFECT, "系统缺陷类问题": DEFECT}

# -- states -----------------------------------------------------------------------------------------
SUBMITTED = "submitted"
ANALYSED = "analysed"
PROPOSED = "proposed"
SIGNED_OFF = "signed_off"
RESOLVED = "resolved"
REPORTED = "reported"
REPLIED = "replied"
CLOSED = "closed"
STATES = (SUBMITTED, ANALYSED, PROPOSED, SIGNED_OFF, RESOLVED, REPORTED, REPLIED, CLOSED)
STATE_LABELS: dict[str, tuple[str, str]] = {
    SUBMITTED: ("已提交", "Submitted"),
    ANALYSED: ("已分析", "Analysed"),
    PROPOSED: ("已提出处理建议", "Fix proposed"),
    SIGNED_OFF: ("主管已签字", "Signed off"),
    RESOLVED: ("已确认解决", "Confirmed and resolved"),
    REPORTED: ("已上报", "Reported"),
    REPLIED: ("已回复", "Replied"),
    CLOSED: ("已解答关闭", "Answered and closed"),
}
_STATE_ALIASES = {"analyzed": ANALYSED, "propose": PROPOSED, "signed-off": SIGNED_OFF, "signoff": SIGNED_OFF,
                  "sign-off": SIGNED_OFF, "sign_off": SIGNED_OFF, "处理建议": PROPOSED, "提出处理建议": PROPOSED,
                  "签字": SIGNED_OFF, "主管签字": SIGNED_OFF, "主管领导签字": SIGNED_OFF, "confirmed": RESOLVED, "answered": CLOSED,
                  "提交": SUBMITTED, "问题提交": SUBMITTED, "分析": ANALYSED, "问题分析": ANALYSED,
                  "确认": RESOLVED, "解决": RESOLVED, "问题确认、解决": RESOLVED, "上报": REPORTED,
                  "问题上报": REPORTED, "回复": REPLIED, "问题回复": REPLIED, "解答": CLOSED, "关闭": CLOSED}
for _state, (_zh, _en) in STATE_LABELS.items():
    _STATE_ALIASES.setdefault(_zh, _state)

# Allowed moves per kind; a state missing from its kind's table cannot be reached by it.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    DEFECT: {SUBMITTED: (ANALYSED,), ANALYSED: (PROPOSED,), PROPOSED: (SIGNED_OFF,), SIGNED_OFF: (RESOLVED,),
             RESOLVED: (REPORTED,), REPORTED: (REPLIED,), REPLIED: ()},
    # ANALYSED: a defect that analysis found to be an operation problem (converted).
    CONSULTATION: {SUBMITTED: (CLOSED,), ANALYSED: (CLOSED,), CLOSED: ()},
}

# -- classification (问题分析) ----------------------------------------------------------------------
TECHNICAL = "technical"
BUSINESS = "business"
OPERATION = "operation"
CLASSIFICATIONS = (TECHNICAL, BUSINESS, OPERATION)
CLASSIFICATION_LABELS: dict[str, tuple[str, str]] = {
    TECHNICAL: ("技术问题", "Technical problem"),
    BUSINESS: ("业务问题", "Business problem"),
    OPERATION: ("操作问题", "Operation problem"),
}
_CLASS_ALIASES = {"tech": TECHNICAL, "技术": TECHNICAL, "技术问题": TECHNICAL, "业务": BUSINESS,
                  "业务问题": BUSINESS, "operational": OPERATION, "操作": OPERATION, "操作问题": OPERATION}

# Who a classified problem goes to (an assignee by role): technical → technical staff, business →
# business staff; an operation problem is explained to the reporter instead.
ASSIGNED_ROLES = {TECHNICAL: TECHNICAL, BUSINESS: BUSINESS}
ASSIGNED_LABELS: dict[str, tuple[str, str]] = {
    TECHNICAL: ("技术人员", "Technical staff"),
    BUSINESS: ("业务人员", "Business staff"),
}

# -- the supervisor's sign-off (主管领导签字) ------------------------------------------------------
# A role allows the sign-off when it names a supervisor, a lead or a head, in either language
# (identity.ROLE_SUGGESTIONS offers 主管 Supervisor; the escalation chain has 技术主管 support lead).
SIGN_OFF_ROLE_WORDS = ("主管", "领导", "经理", "负责人", "组长", "supervisor", "manager", "lead", "head", "director")


def can_sign_off(role: str) -> bool:
    text = str(role or "").casefold()
    return any(word in text for word in SIGN_OFF_ROLE_WORDS)


def same_person(a: str, b: str) -> bool:
    """Names compared as people type them: case and spaces do not make another person."""
    def norm(name: str) -> str:
        return "".join(str(name or "").split()).casefold()
    return bool(norm(a)) and norm(a) == norm(b)


# -- the fields each move asks for --------------------------------------------------------------------
NOTE = "note"  # optional on every move
MOVE_FIELDS = ("classification", "assignee", "fix", "supervisor", "supervisor_role", "cause", "prevention", "tips",
               "solution", "analysis", "change_record", "answer")
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "classification": ("问题类型", "Classification"),
    "assignee": ("处理人", "Assignee"),
    "fix": ("处理建议和措施", "Fix"),
    "supervisor": ("主管领导签字", "Supervisor sign-off"),
    "supervisor_role": ("签字人职务", "Supervisor's role"),
    "prevention": ("预防措施", "Prevention"),
    "tips": ("给用户的提示", "Tips for the user"),
    "change_record": ("变更记录", "Change record"),
    "solution": ("解决方案", "Solution"),
    "analysis": ("分析过程", "Analysis"),
    "cause": ("问题原因", "Cause"),
    "answer": ("解答", "Answer"),
    NOTE: ("备注", "Note"),
}
FIELD_HELP: dict[str, str] = {
    "classification": "technical, business or operation",
    "assignee": "who of the technical or business staff takes it (处理人)",
    "fix": "the proposed fix (处理建议和措施)",
    "supervisor": "the name of the supervisor who signed off the fix (主管领导签字)",
    "supervisor_role": "the supervisor's role, one that allows the sign-off (e.g. 主管 Supervisor)",
    "prevention": "how it is kept from happening again (预防措施)",
    "tips": "the tips given to the user (给用户的提示)",
    "change_record": "what changed in the system (变更记录)",
    "solution": "the solution sent back to the reporter (解决方案)",
    "analysis": "how the problem was analysed (分析过程)",
    "cause": "why the problem happened (问题原因)",
    "answer": "the answer given to the reporter (解答)",
}
REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    (DEFECT, ANALYSED): ("classification",),
    (DEFECT, PROPOSED): ("fix",),
    (DEFECT, SIGNED_OFF): ("supervisor", "supervisor_role"),
    (DEFECT, RESOLVED): ("cause", "prevention", "tips"),
    (DEFECT, REPORTED): (),
    (DEFECT, REPLIED): ("solution", "analysis", "change_record"),
    (CONSULTATION, CLOSED): ("answer",),
}
# Taken when given, never required: the assignee of an analysed problem; the cause, put
# right in the reply when the carried-out fix showed a different one.
OPTIONAL: dict[tuple[str, str], tuple[str, ...]] = {
    (DEFECT, ANALYSED): ("assignee",),
    (DEFECT, REPLIED): ("cause",),
}
SINGLE_LINE = frozenset({"classification", "supervisor", "supervisor_role", "assignee"})


def label(labels: Mapping[str, tuple[str, str]], key: str, chinese: bool | None = None) -> str:
    """``zh en`` (both, for the CLI and documents), or one language for the GUI."""
    zh, en = labels.get(key, (key, key))
    if chinese is None:
        return zh if zh == en else f"{zh} {en}"
    return zh if chinese else en


def check_kind(value: Any) -> str:
    text = str(value or "").strip()
    kind = _KIND_ALIASES.get(text, text.lower())
    if kind not in KINDS:
        raise RecordError(f"kind: {value!r} is not one of {', '.join(KINDS)} (咨询类, 系统缺陷类)", field="kind")
    return kind


def check_state(value: Any) -> str:
    text = str(value or "").strip()
    state = _STATE_ALIASES.get(text, _STATE_ALIASES.get(text.lower(), text.lower()))
    if state not in STATES:
        raise RecordError(f"state: {value!r} is not one of {', '.join(STATES)}", field="state")
    return state


def check_classification(value: Any) -> str:
    text = str(value or "").strip()
    found = _CLASS_ALIASES.get(text, _CLASS_ALIASES.get(text.lower(), text.lower()))
    if found not in CLASSIFICATIONS:
        raise RecordError(f"classification: {value!r} is not one of {', '.join(CLASSIFICATIONS)} "
                          "(技术问题, 业务问题, 操作问题)", field="classification")
    return found


def allowed_moves(kind: str, state: str) -> tuple[str, ...]:
    """The states a record of ``kind`` in ``state`` may move to; () once it is finished."""
    return TRANSITIONS.get(kind, {}).get(state, ())


def is_finished(kind: str, state: str) -> bool:
    return not allowed_moves(kind, state)


def required_fields(kind: str, to_state: str) -> tuple[str, ...]:
    return REQUIRED.get((kind, to_state), ())


def optional_fields(kind: str, to_state: str) -> tuple[str, ...]:
    return OPTIONAL.get((kind, to_state), ())


def missing_fields(kind: str, to_state: str, fields: Mapping[str, Any]) -> list[str]:
    """Required fields of the move that are absent or blank, in the order they are asked for."""
    return [name for name in required_fields(kind, to_state) if not str(fields.get(name) or "").strip()]


@dataclass(frozen=True)
class Move:
    """What a legal move changes: the new kind and state, and the fields to store."""

    from_kind: str
    from_state: str
    to_kind: str
    to_state: str
    fields: dict[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def converted(self) -> bool:
        return self.to_kind != self.from_kind


def plan_move(kind: str, state: str, to_state: Any, fields: Mapping[str, Any] | None = None) -> Move:
    """Check one move and return it; raise RecordError naming the state or the field.

    ``fields`` may hold any of MOVE_FIELDS and ``note``; blank ones are ignored, one
    that the move does not take is refused (so a typo is not silently dropped).
    """
    target = check_state(to_state)
    allowed = allowed_moves(kind, state)
    if target not in allowed:
        options = ", ".join(allowed) if allowed else "none: the record is finished"
        kind_name = "consultation" if kind == CONSULTATION else "defect"
        raise RecordError(f"state: the {kind_name} record is {state}; it cannot move to {target}. "
                          f"Allowed from {state}: {options}", field="state")
    given = {k: v for k, v in (fields or {}).items() if v is not None and str(v).strip()}
    unknown = sorted(set(given) - set(MOVE_FIELDS) - {NOTE})
    if unknown:
        raise RecordError(f"{unknown[0]}: not a field of a problem record", field=unknown[0])
    wanted = required_fields(kind, target) + optional_fields(kind, target)
    extra = [name for name in MOVE_FIELDS if name in given and name not in wanted]
    if extra:
        takes = ", ".join(wanted) if wanted else "only a note"
        raise RecordError(f"{extra[0]}: not used when a {kind} moves to {target} (that move takes {takes})",
                          field=extra[0])
    missing = missing_fields(kind, target, given)
    if missing:
        also = f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""
        raise RecordError(f"{missing[0]}: required to move to {target}: {FIELD_HELP[missing[0]]}{also}",
                          field=missing[0])
    cleaned = {name: str(given[name]).strip() for name in wanted if name in given}
    if "classification" in cleaned:
        cleaned["classification"] = check_classification(cleaned["classification"])
        if cleaned["classification"] in ASSIGNED_ROLES:
            cleaned["assigned_role"] = ASSIGNED_ROLES[cleaned["classification"]]
        elif cleaned.get("assignee"):
            raise RecordError("assignee: an operation problem is explained to the reporter, not assigned",
                              field="assignee")
    for name in SINGLE_LINE & set(cleaned):
        if "\n" in cleaned[name] or "\r" in cleaned[name]:
            raise RecordError(f"{name}: must be a single line", field=name)
    to_kind = kind
    if kind == DEFECT and target == ANALYSED and cleaned.get("classification") == OPERATION:
        to_kind = CONSULTATION  # explained to the reporter; the plan turns it into a consultation
    return Move(kind, state, to_kind, target, cleaned, str(given.get(NOTE, "")).strip())


# -- the plain records the service hands out ---------------------------------------------------------
def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class ProblemRecord:
    """One record, detached from the database: safe to keep on the GUI thread."""

    id: int
    kind: str
    state: str
    title: str
    description: str
    reporter: str
    place: str
    incident_id: int | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    classification: str = ""
    fix: str = ""
    supervisor: str = ""
    solution: str = ""
    analysis: str = ""
    cause: str = ""
    answer: str = ""
    converted_from: str = ""  # "defect" when analysis found an operation problem
    file_name: str = ""
    raised_at: dt.datetime | None = None  # when it was raised (on site); None: when it was logged
    customer: str | None = None
    system: str | None = None
    assigned_role: str = ""  # technical or business: the staff it went to
    assignee: str = ""
    proposed_by: str = ""  # who proposed the fix; never its supervisor
    supervisor_role: str = ""
    signed_off_at: dt.datetime | None = None
    prevention: str = ""
    tips: str = ""
    change_record: str = ""
    uid: str | None = None  # made by the desk (UUIDv7); the id is the server's number once it has it

    @property
    def pending(self) -> bool:
        """Made on this desk while the server was unreachable: no number yet (kbapp.desk_writes)."""
        from kbapp.store.ids import LOCAL_BASE

        return self.id >= LOCAL_BASE

    @property
    def raised(self) -> dt.datetime:
        return self.raised_at or self.created_at

    @property
    def doc_id(self) -> str:
        return f"record-{self.id}"

    @property
    def next_states(self) -> tuple[str, ...]:
        return allowed_moves(self.kind, self.state)

    @property
    def finished(self) -> bool:
        return is_finished(self.kind, self.state)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            data[name] = _iso(value) if isinstance(value, dt.datetime) else value
        data.update(doc_id=self.doc_id, next_states=list(self.next_states), finished=self.finished,
                    pending=self.pending)
        return data


@dataclass(frozen=True)
class Transition:
    """One logged move; creation is the first, with no ``from_state``."""

    id: int
    record_id: int
    at: dt.datetime
    actor: str
    from_kind: str | None
    from_state: str | None
    to_kind: str
    to_state: str
    fields: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    db_login: str | None = None  # the server's database login that stored the move (a sign-off included)

    @property
    def converted(self) -> bool:
        return self.from_kind is not None and self.from_kind != self.to_kind

    def describe(self) -> str:
        """One line for the CLI, the document and the GUI history."""
        if self.from_state is None:
            text = f"{label(KIND_LABELS, self.to_kind)}: {label(STATE_LABELS, self.to_state)}"
        else:
            text = f"{label(STATE_LABELS, self.from_state)} → {label(STATE_LABELS, self.to_state)}"
        if self.fields.get("classification"):
            text += f" ({label(CLASSIFICATION_LABELS, self.fields['classification'])})"
        if self.converted:
            text += f"; 转为{KIND_LABELS[self.to_kind][0]} converted to a {self.to_kind} record"
        if self.fields.get("assigned_role"):
            text += f"; 交{ASSIGNED_LABELS[self.fields['assigned_role']][0]} to the " \
                    f"{ASSIGNED_LABELS[self.fields['assigned_role']][1].lower()}"
            if self.fields.get("assignee"):
                text += f" ({self.fields['assignee']})"
        if self.fields.get("supervisor"):
            text += f"; 主管领导签字 signed off by {self.fields['supervisor']}"
            if self.fields.get("supervisor_role"):
                text += f" ({self.fields['supervisor_role']})"
        if self.note:
            text += f" — {self.note}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "record_id": self.record_id, "at": _iso(self.at), "actor": self.actor,
                "from_kind": self.from_kind, "from_state": self.from_state, "to_kind": self.to_kind,
                "to_state": self.to_state, "fields": dict(self.fields), "note": self.note,
                "summary": self.describe(), **({"db_login": self.db_login} if self.db_login else {})}
