"""Incidents and their actions with customer secrets masked (kbapp.redact), for every
path that prints or writes them out of the app: timeline exports, ``incident show``,
drill and inspection reports, training packs, knowledge documents."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from kbapp.incidents import types as itypes
from kbapp.redact import redact, redact_value

if TYPE_CHECKING:
    from typing import Any

__all__ = ["redacted_action", "redacted_incident", "redacted_actions"]


def redacted_action(action: itypes.Action) -> itypes.Action:
    """The action's details and every string of its payload redacted."""
    return replace(action, details=redact(action.details), payload=cast("dict[str, Any]", redact_value(action.payload)))


def redacted_actions(actions: list[itypes.Action]) -> list[itypes.Action]:
    return [redacted_action(a) for a in actions]


def redacted_incident(incident: itypes.Incident) -> itypes.Incident:
    """Free-text fields redacted (title, description, summary, reporter, responsible)."""
    return replace(incident, title=redact(incident.title), description=redact(incident.description),
                   summary=redact(incident.summary), reporter=redact(incident.reporter),
                   responsible=redact(incident.responsible))
