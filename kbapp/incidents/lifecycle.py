"""Incident statuses and the transitions allowed between them.

Normal path: open → responding → mitigated → resolved → report_submitted → closed.
Also allowed:
- open → resolved: answered on the spot (a consultation);
- open, responding or mitigated → closed: a duplicate, withdrawn by the customer, or not
  an incident (the service asks which, and why); the clocks stop without being met;
- mitigated → responding, resolved → responding: the fault came back (reopened);
- responding → resolved: solved without a separate mitigation.

"resolved" means the fault is solved (DOMAIN.md: the fault report is due 24 h
later); "report_submitted" means that report (故障处理报告) was handed in.
"""

from __future__ import annotations

from kbapp.incidents.errors import IncidentError

OPEN = "open"
RESPONDING = "responding"
MITIGATED = "mitigated"
RESOLVED = "resolved"
REPORT_SUBMITTED = "report_submitted"
CLOSED = "closed"

STATUSES = (OPEN, RESPONDING, MITIGATED, RESOLVED, REPORT_SUBMITTED, CLOSED)

STATUS_LABELS: dict[str, tuple[str, str]] = {
    OPEN: ("待响应", "Open"),
    RESPONDING: ("处理中", "Responding"),
    MITIGATED: ("已缓解", "Mitigated"),
    RESOLVED: ("已解决", "Resolved"),
    REPORT_SUBMITTED: ("已提交报告", "Report submitted"),
    CLOSED: ("已关闭", "Closed"),
}

TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({RESPONDING, RESOLVED, CLOSED}),
    RESPONDING: frozenset({MITIGATED, RESOLVED, CLOSED}),
    MITIGATED: frozenset({RESPONDING, RESOLVED, CLOSED}),
    RESOLVED: frozenset({REPORT_SUBMITTED, RESPONDING}),
    REPORT_SUBMITTED: frozenset({CLOSED}),
    CLOSED: frozenset(),
}

# Statuses in which engineers still work the incident (steps, notes, playbooks).
WORKING = frozenset({OPEN, RESPONDING, MITIGATED})

# Why an incident that was never solved is closed (DOMAIN: a duplicate or withdrawn
# request stops the clocks without meeting them; metrics leave them out).
DUPLICATE = "duplicate"
WITHDRAWN = "withdrawn"
NOT_AN_INCIDENT = "not_an_incident"
CLOSE_REASONS: dict[str, tuple[str, str]] = {
    DUPLICATE: ("重复报告", "Duplicate"),
    WITHDRAWN: ("用户撤回", "Withdrawn"),
    NOT_AN_INCIDENT: ("非故障", "Not an incident"),
}


def check_close_reason(value: str) -> str:
    text = (value or "").strip().lower().replace("-", "_").replace(" ", "_")
    text = {"dup": DUPLICATE, "duplicated": DUPLICATE, "not_incident": NOT_AN_INCIDENT}.get(text, text)
    if text not in CLOSE_REASONS:
        raise IncidentError(f"close_reason: {value!r} is not one of {', '.join(CLOSE_REASONS)}",
                            field="close_reason")
    return text


def check_status(status: str) -> str:
    value = (status or "").strip().lower().replace(" ", "_").replace("-", "_")
    if value not in STATUSES:
        raise IncidentError(f"status: {status!r} is not one of {', '.join(STATUSES)}", field="status")
    return value


def check_transition(current: str, new: str) -> None:
    """Raise IncidentError unless an incident in ``current`` may move to ``new``."""
    new = check_status(new)
    if new == current:
        raise IncidentError(f"status: the incident is already {current}", field="status")
    allowed = TRANSITIONS.get(current, frozenset())
    if new not in allowed:
        options = ", ".join(s for s in STATUSES if s in allowed) or "none: it is closed"
        raise IncidentError(
            f"status: cannot go from {current} to {new}; allowed from {current}: {options}", field="status"
        )


def is_open(status: str) -> bool:
    """Not closed yet: still has work or a report due."""
    return status != CLOSED


def is_working(status: str) -> bool:
    return status in WORKING


def label(status: str) -> str:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return f"{zh} {en}"
