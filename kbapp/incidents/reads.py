"""IncidentReads: an incident, its log, its playbook runs and its deadlines, as read.

Mixed into IncidentService (kbapp.incidents.service), whose store, library and clock it
uses; every method is one read (``state``, what the run view shows, one transaction).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kbapp.incidents import deadline_log, kept_playbooks
from kbapp.incidents import deadlines as dl
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import check_id
from kbapp.store.models import ActionRow, IncidentRow

if TYPE_CHECKING:
    from kbapp.model import Document

# The kinds of action the deadline replay reads (kbapp.incidents.deadline_log).
DEADLINE_KINDS = (itypes.CREATED, itypes.NOTIFIED, itypes.STATUS, itypes.LEVEL, *deadline_log.RESPONDING_KINDS)


def looks_like_uid(ref: Any) -> bool:
    """A desk-made incident id (UUIDv7, as ``incident start`` prints it offline)."""
    import uuid

    if not isinstance(ref, str) or len(ref.strip()) != 36:
        return False
    try:
        uuid.UUID(ref.strip())
    except ValueError:
        return False
    return True


class IncidentReads:
    if TYPE_CHECKING:  # what IncidentService, the one class this is mixed into, provides
        store: Any

        def now(self) -> dt.datetime: ...

        def _doc_or_none(self, playbook_id: str) -> Document | None: ...

        @staticmethod
        def _row(s: Session, incident_id: int, *, lock: bool = False) -> IncidentRow: ...

    def number_of(self, ref: Any) -> int:
        """The incident's number for ``ref``: a number, or the desk-made id an incident
        started offline had before the server numbered it (IncidentError when unknown)."""
        if not looks_like_uid(ref):
            return check_id(ref)
        uid = str(ref).strip().lower()
        found = self.store.read(lambda s: s.scalar(select(IncidentRow.id).where(IncidentRow.uid == uid)))
        if found is None:
            raise IncidentError(f"incident_id: no incident {uid} on the server yet (started offline and not "
                                f"synced?)", field="incident_id")
        return int(found)

    def get(self, incident_id: int) -> itypes.Incident:
        incident_id = check_id(incident_id)

        def work(s: Session) -> itypes.Incident:
            row = s.scalars(select(IncidentRow).where(IncidentRow.id == incident_id)
                            .options(selectinload(IncidentRow.playbooks))).one_or_none()
            if row is None:
                raise IncidentError(f"incident_id: no incident #{incident_id}", field="incident_id")
            return itypes.incident_from_row(row)

        return self.store.read(work)

    def list_incidents(self, open_only: bool = False,
                       mode: str | Iterable[str] | None = itypes.MODE_INCIDENT) -> list[itypes.Incident]:
        """Newest first; ``open_only`` leaves out closed incidents. Real incidents only unless
        ``mode`` names others ("drill", "inspection", several, or None for all): drills and
        inspections must never count as incidents."""
        query = select(IncidentRow).options(selectinload(IncidentRow.playbooks)).order_by(IncidentRow.id.desc())
        if isinstance(mode, str):
            query = query.where(IncidentRow.mode == mode)
        elif mode is not None:
            query = query.where(IncidentRow.mode.in_(tuple(mode)))
        if open_only:
            query = query.where(IncidentRow.status != lc.CLOSED)
        return self.store.read(lambda s: [itypes.incident_from_row(r) for r in s.scalars(query)])

    list = list_incidents  # noqa: A003 - the name the GUI and CLI use

    def timeline(self, incident_id: int, kinds: Iterable[str] | None = None) -> builtins.list[itypes.Action]:
        """The incident's actions in the order they were logged, with corrections linked."""
        incident_id = check_id(incident_id)
        columns = ActionRow.__table__.c
        query = select(*columns).where(columns.incident_id == incident_id).order_by(columns.id)
        if kinds is not None:
            query = query.where(columns.kind.in_(tuple(kinds)))

        def work(s: Session) -> list[itypes.Action]:
            self._row(s, incident_id)
            return [itypes.action_from_row(r) for r in s.execute(query)]

        return _link_corrections(self.store.read(work))

    def playbook_runs(self, incident_id: int) -> builtins.list[itypes.PlaybookRun]:
        """Where the engineer is in each attached playbook (replayed from the log)."""
        incident = self.get(incident_id)
        return self._runs(incident, self.timeline(incident.id, kinds=(itypes.STEP, itypes.PLAYBOOK_ATTACHED)))

    def _runs(self, incident: itypes.Incident, actions: builtins.list[itypes.Action],
              texts: dict[str, str | None] | None = None) -> builtins.list[itypes.PlaybookRun]:
        """``texts``: the playbook versions the incident keeps, when already read with its log."""
        steps = [a for a in actions if a.kind in (itypes.STEP, itypes.PLAYBOOK_ATTACHED)]
        attached = {a.playbook_id: a.at for a in steps if a.kind == itypes.PLAYBOOK_ATTACHED}
        if texts is None:
            texts = self.store.read(lambda s: kept_playbooks.kept_texts(s, incident.id))
        return [itypes.replay_playbook_run(pid, kept_playbooks.kept_version(self._doc_or_none(pid), pid, texts.get(pid)),
                                           steps, attached.get(pid))
                for pid in incident.playbook_ids]

    def state(self, incident_id: int) -> IncidentState:
        """The incident, its whole log, its playbook runs and its deadlines, read in one
        transaction (so they never mix two states): what the run view shows."""
        incident_id = check_id(incident_id)
        columns = ActionRow.__table__.c
        query = select(*columns).where(columns.incident_id == incident_id).order_by(columns.id)

        def work(s: Session) -> tuple[itypes.Incident, list[itypes.Action], dict[str, str | None]]:
            row = s.scalars(select(IncidentRow).where(IncidentRow.id == incident_id)
                            .options(selectinload(IncidentRow.playbooks))).one_or_none()
            if row is None:
                raise IncidentError(f"incident_id: no incident #{incident_id}", field="incident_id")
            return (itypes.incident_from_row(row), [itypes.action_from_row(r) for r in s.execute(query)],
                    kept_playbooks.kept_texts(s, incident_id))

        incident, actions, texts = self.store.read(work)
        actions = _link_corrections(actions)
        return IncidentState(incident, actions, self._runs(incident, actions, texts),
                             self.deadline_records(incident, actions))

    def deadline_records(self, incident: itypes.Incident | int,
                         actions: builtins.list[itypes.Action] | None = None) -> builtins.list[deadline_log.DeadlineRecord]:
        """The deadlines as replayed from the action log (clock-independent)."""
        if not isinstance(incident, itypes.Incident):
            incident = self.get(incident)
        if incident.mode != itypes.MODE_INCIDENT:
            return []  # drills and inspections have no deadlines
        if actions is None:
            actions = self.timeline(incident.id, kinds=DEADLINE_KINDS)
        return deadline_log.replay(actions, notified_at=incident.notified_at, level=incident.level,
                                   category=incident.category)

    def deadlines(self, incident: itypes.Incident | int, now: dt.datetime | None = None,
                  actions: builtins.list[itypes.Action] | None = None) -> builtins.list[dl.Deadline]:
        """Each deadline's state at ``now`` (the service clock by default), in due order."""
        return deadline_log.deadlines_at(self.deadline_records(incident, actions), now or self.now())


@dataclass(frozen=True)
class IncidentState:
    """One incident as the run view shows it (IncidentService.state), from one read."""

    incident: itypes.Incident
    actions: list[itypes.Action]
    runs: list[itypes.PlaybookRun]
    deadline_records: list[deadline_log.DeadlineRecord]


def _link_corrections(actions: list[itypes.Action]) -> list[itypes.Action]:
    """Each corrected action names the corrections pointing at it."""
    corrections: dict[int, list[int]] = {}
    for action in actions:
        if action.corrects_id is not None:
            corrections.setdefault(action.corrects_id, []).append(action.id)
    if not corrections:
        return actions
    return [replace(a, corrected_by=tuple(corrections.get(a.id, ()))) for a in actions]
