"""IncidentEdits: acknowledging, and changing who, when and how, each change a logged action.

Mixed into IncidentService (kbapp.incidents.service), whose ``_write``/``_append`` it
uses: every method validates first, then writes one transaction that appends the
action and updates the incident's summary columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import check_channel, check_id, check_line, check_notified_at, check_text

if TYPE_CHECKING:
    from kbapp.store.models import IncidentRow

# Channels escalate phone → remote → on-site (DOMAIN.md ch. 1, 2, 6); consultation
# (chat, e-mail) sits with the phone at the first rung.
CHANNEL_RANK = {"consultation": 0, "phone": 0, "remote": 1, "onsite": 2}


class IncidentEdits:
    if TYPE_CHECKING:  # what IncidentService, the one class this is mixed into, provides
        def _actor(self, actor: str | None) -> str: ...

        @staticmethod
        def _require_working(row: IncidentRow, what: str) -> None: ...

        def _auto_respond(self, s: Session, row: IncidentRow, actor: str, now: dt.datetime) -> None: ...

        @staticmethod
        def _append(s: Session, row: IncidentRow, kind: str, *, actor: str, at: dt.datetime, step: int | None = None,
                    playbook_id: str | None = None, details: str = "", payload: dict | None = None,
                    corrects_id: int | None = None) -> itypes.Action: ...

        def _write(self, incident_id: int, work: Callable[[Session, IncidentRow, dt.datetime], Any]) -> Any: ...

    def acknowledge(self, incident_id: int, note: str = "", actor: str | None = None) -> itypes.Action:
        """响应: the engineer has the incident. The first one meets the response deadline."""
        incident_id, note, actor = check_id(incident_id), check_text(note, "note"), self._actor(actor)

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            self._require_working(row, "acknowledging")
            first = row.responded_at is None
            self._auto_respond(s, row, actor, now)
            return self._append(s, row, itypes.ACK, actor=actor, at=now, details=note, payload={"first": first})

        return self._write(incident_id, work)

    def correct_notified_at(self, incident_id: int, notified_at: dt.datetime, reason: str,
                            actor: str | None = None) -> itypes.Action:
        """The customer called earlier (or later) than logged: every deadline counts from
        the corrected time. Who corrected it and why is in the log."""
        incident_id, actor = check_id(incident_id), self._actor(actor)
        reason = check_text(reason, "reason", required=True)

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            if row.status == lc.CLOSED:
                raise IncidentError(f"status: incident #{row.id} is closed", field="status")
            when = check_notified_at(notified_at, now)
            if when > row.created_at + dt.timedelta(minutes=5):
                raise IncidentError("notified_at: is after the incident was logged", field="notified_at")
            if when == row.notified_at:
                raise IncidentError(f"notified_at: incident #{row.id} already has that time", field="notified_at")
            old, row.notified_at = row.notified_at, when
            return self._append(s, row, itypes.NOTIFIED, actor=actor, at=now, details=reason,
                                payload={"from": old.isoformat(), "to": when.isoformat()})

        return self._write(incident_id, work)

    def _set_field(self, incident_id: Any, field: str, value: str, reason: str, actor: str | None,
                   check: Callable[[str, str, str], None] | None = None) -> itypes.Action:
        incident_id, actor, reason = check_id(incident_id), self._actor(actor), check_text(reason, "reason")
        value = check_line(value, field, max_chars=200)

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            if row.status == lc.CLOSED:
                raise IncidentError(f"status: incident #{row.id} is closed", field="status")
            old = getattr(row, field)
            if old == value:
                raise IncidentError(f"{field}: incident #{row.id} already has {value or 'none'!r}", field=field)
            if check is not None:
                check(old, value, reason)
            setattr(row, field, value)
            return self._append(s, row, field, actor=actor, at=now, details=reason,
                                payload={"from": old, "to": value})

        return self._write(incident_id, work)

    def set_responsible(self, incident_id: int, name: str, reason: str = "", actor: str | None = None) -> itypes.Action:
        """Who answers for the incident: escalation goes to their superior."""
        return self._set_field(incident_id, itypes.RESPONSIBLE, name, reason, actor)

    def set_reporter(self, incident_id: int, name: str, reason: str = "", actor: str | None = None) -> itypes.Action:
        return self._set_field(incident_id, itypes.REPORTER, name, reason, actor)

    def set_channel(self, incident_id: int, channel: str, reason: str = "", actor: str | None = None) -> itypes.Action:
        """phone → remote → on-site. Going back down corrects a mistake and needs a reason."""
        channel = check_channel(channel)

        def check(old: str, new: str, why: str) -> None:
            if CHANNEL_RANK.get(new, 0) < CHANNEL_RANK.get(old, 0) and not why.strip():
                raise IncidentError(f"reason: the channel escalates phone → remote → on-site; going back from "
                                    f"{old} to {new} corrects a mistake, so say why", field="reason")

        return self._set_field(incident_id, itypes.CHANNEL, channel, reason, actor, check)
