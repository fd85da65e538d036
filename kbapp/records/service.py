"""RecordService: problem records (问题记录), every move logged, every change searchable.

Each public method checks its input first and raises RecordError (naming the field or
the state) before anything is written. A change is one committed transaction that
also rewrites the record's Markdown document: the file is written inside the
transaction, so a failed write commits nothing. After the commit the document is
handed to the library and the search index, so the record is found at once.
Results are plain frozen records (kbapp.records.workflow), safe on any thread.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbapp.incidents.base import LoggedService, op_uid
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.validate import MAX_TITLE_CHARS, check_id, check_line, check_text, parse_when
from kbapp.plan import customers
from kbapp.records import document
from kbapp.records import workflow as wf
from kbapp.records.workflow import RecordError
from kbapp.store.models import IncidentRow
from kbapp.store.records_models import ProblemRecordRow, RecordTransitionRow

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _as_record_error() -> Iterator[None]:
    """The shared input checks raise IncidentError; callers of this service expect RecordError."""
    try:
        yield
    except RecordError:
        raise
    except IncidentError as exc:
        raise RecordError(str(exc), field=exc.field) from None


def record_from_row(row: ProblemRecordRow) -> wf.ProblemRecord:
    return wf.ProblemRecord(
        id=row.id, kind=row.kind, state=row.state, title=row.title, description=row.description,
        reporter=row.reporter, place=row.place, incident_id=row.incident_id, created_by=row.created_by,
        created_at=row.created_at, updated_at=row.updated_at, classification=row.classification, fix=row.fix,
        supervisor=row.supervisor, solution=row.solution, analysis=row.analysis, cause=row.cause,
        answer=row.answer, converted_from=row.converted_from, file_name=row.file_name, raised_at=row.raised_at,
        customer=row.customer, system=row.system, assigned_role=row.assigned_role or "", assignee=row.assignee or "",
        proposed_by=row.proposed_by or "", supervisor_role=row.supervisor_role or "",
        signed_off_at=row.signed_off_at, prevention=row.prevention or "", tips=row.tips or "",
        change_record=row.change_record or "", uid=row.uid)


def transition_from_row(row: RecordTransitionRow) -> wf.Transition:
    return wf.Transition(id=row.id, record_id=row.record_id, at=row.at, actor=row.actor, from_kind=row.from_kind,
                         from_state=row.from_state, to_kind=row.to_kind, to_state=row.to_state,
                         fields=dict(row.fields or {}), note=row.note, db_login=getattr(row, "db_login", None))


class RecordService(LoggedService):
    def _actor(self, actor: str | None) -> str:
        with _as_record_error():
            return super()._actor(actor)

    @property
    def folder(self) -> Path:
        return Path(self.kb.home.records)

    @staticmethod
    def _row(s: Session, record_id: int, *, lock: bool = False) -> ProblemRecordRow:
        # ``lock``: the row lock on a server, so two desks moving one record take turns.
        row = s.get(ProblemRecordRow, record_id, with_for_update=True if lock else None)
        if row is None:
            raise RecordError(f"record_id: no problem record #{record_id}", field="record_id")
        return row

    @staticmethod
    def _log(s: Session, row: ProblemRecordRow, *, actor: str, at: dt.datetime, from_kind: str | None,
             from_state: str | None, fields: dict[str, Any], note: str = "", uid: int = 0) -> None:
        s.add(RecordTransitionRow(record_id=row.id, at=at, actor=actor, from_kind=from_kind, from_state=from_state,
                                  to_kind=row.kind, to_state=row.state, fields=fields, note=note,
                                  uid=op_uid(uid)))
        row.updated_at = at
        s.flush()

    def _save_row(self, record_id: int, s: Session) -> wf.ProblemRecord:
        return self._save_document(s, self._row(s, record_id))

    def _save_document(self, s: Session, row: ProblemRecordRow) -> wf.ProblemRecord:
        """Rewrite the record's file inside the open transaction; returns the record."""
        row.file_name = row.file_name or document.file_name(row.id, row.title)
        s.flush()
        record = record_from_row(row)
        history = [transition_from_row(t) for t in s.scalars(
            select(RecordTransitionRow).where(RecordTransitionRow.record_id == row.id)
            .order_by(RecordTransitionRow.id))]
        document.write_record_document(self.folder, record, history, s)
        return record

    def _index(self, record: wf.ProblemRecord) -> None:
        """Make the written document searchable now. The change is committed already, so a
        search index that cannot take it is logged, not raised: the next index sync picks
        the file up from the library folder."""
        from kbapp.parser import parse_file

        path = self.folder / record.file_name
        doc, problems = parse_file(path, doc_id_hint=record.doc_id)
        if doc is None or problems:
            log.warning("problem record document %s does not parse: %s", path, "; ".join(map(str, problems)))
            if doc is None:
                return
        try:
            self.kb.add_document(doc)  # builds the index first when there is none yet
        except Exception as exc:  # OSError, a lock held too long: the record itself is saved
            log.warning("problem record #%s is saved but not indexed yet: %s", record.id, exc)

    # -- creating and moving -----------------------------------------------------------------
    def _raised_at(self, value: Any, now: dt.datetime) -> dt.datetime | None:
        """When it was raised: an aware time or the command line's text; never in the future."""
        if value in (None, ""):
            return None
        with _as_record_error():
            when = value if isinstance(value, dt.datetime) else parse_when(value, now, "raised_at")
        if when.tzinfo is None:
            raise RecordError("raised_at: must be a date and time with a time zone", field="raised_at")
        if when > now + dt.timedelta(minutes=5):
            raise RecordError("raised_at: is in the future", field="raised_at")
        return when.astimezone(dt.UTC)

    def new(self, kind: str, title: str = "", description: str = "", reporter: str = "", place: str = "",
            incident_id: int | None = None, actor: str | None = None, *, raised_at: Any = None,
            customer: str | None = None, system: str | None = None) -> wf.ProblemRecord:
        """A new record in "submitted"; from an incident, blank fields are taken from it.

        The on-site record (ch. 4.3): ``raised_at`` (when it was raised; default: now),
        ``place``, ``reporter`` (who raised it) and the description; ``customer`` and
        ``system`` name whose system it is (None: not known)."""
        kind = wf.check_kind(kind)
        with _as_record_error():
            title = check_line(title, "title", max_chars=MAX_TITLE_CHARS)
            description = check_text(description, "description")
            reporter = check_line(reporter, "reporter", max_chars=200)
            place = check_line(place, "place", max_chars=200)
            customer = check_line(customer, "customer", max_chars=200) or None
            system = check_line(system, "system", max_chars=200) or None
            incident_id = check_id(incident_id, "incident_id") if incident_id not in (None, "") else None
        if not title and incident_id is None:
            raise RecordError("title: must not be empty", field="title")
        actor, now = self._actor(actor), self.now()
        raised = self._raised_at(raised_at, now) or now

        def work(s: Session) -> wf.ProblemRecord:
            nonlocal title, description, reporter, customer, system
            if incident_id is not None:
                incident = s.get(IncidentRow, incident_id)
                if incident is None:
                    raise RecordError(f"incident_id: no incident #{incident_id}", field="incident_id")
                title, description = title or incident.title, description or incident.description
                reporter = reporter or incident.reporter
                customer, system = customer or incident.customer or None, system or incident.system or None
            # A customer or system named here joins the team's list (kbapp.plan.customers).
            customers.ensure(s, customer or "", system or "", actor=actor, now=now)
            row = ProblemRecordRow(kind=kind, state=wf.SUBMITTED, title=title, description=description,
                                   reporter=reporter, place=place, incident_id=incident_id, classification="",
                                   fix="", supervisor="", solution="", analysis="", cause="", answer="",
                                   converted_from="", file_name="", created_by=actor, created_at=now,
                                   updated_at=now, raised_at=raised, customer=customer, system=system,
                                   assigned_role="", assignee="", proposed_by="", supervisor_role="",
                                   prevention="", tips="", change_record="", uid=op_uid())
            s.add(row)
            s.flush()
            logged = {"title": title, "reporter": reporter, "place": place, "incident_id": incident_id}
            if raised != now:
                logged["raised_at"] = raised.isoformat()
            logged.update({k: v for k, v in (("customer", customer), ("system", system)) if v})
            self._log(s, row, actor=actor, at=now, from_kind=None, from_state=None, fields=logged, uid=1)
            return self._save_document(s, row)

        record = self.store.write(work)
        self._index(record)
        return record

    def move(self, record_id: int, to_state: str, actor: str | None = None, **fields: Any) -> wf.ProblemRecord:
        """Move a record to its next state with that move's fields; the move is logged.

        Fields: classification, assignee, fix, supervisor, supervisor_role, cause, prevention,
        tips, solution, analysis, change_record, answer, note (kbapp.records.workflow says which
        move takes which). An illegal move raises RecordError naming the current state and
        the allowed ones.

        The sign-off (to ``signed_off``) is by the supervisor: ``supervisor`` defaults to the
        actor and ``supervisor_role`` to that person's role (the data home's engineer, else
        the escalation chain). It is refused unless the role allows it (wf.can_sign_off) and
        when the supervisor is the person who proposed the fix.
        """
        with _as_record_error():
            record_id = check_id(record_id, "record_id")
            for name, value in fields.items():
                check_text(value, name)
        actor = self._actor(actor)
        target = wf.check_state(to_state)  # an unknown state is refused before the database is opened
        fields = dict(fields)
        if target == wf.SIGNED_OFF:
            if not str(fields.get("supervisor") or "").strip():
                fields["supervisor"] = actor
            if not str(fields.get("supervisor_role") or "").strip():
                fields["supervisor_role"] = self.role_of(str(fields["supervisor"]).strip())

        def work(s: Session) -> wf.ProblemRecord:
            row = self._row(s, record_id, lock=True)
            move = wf.plan_move(row.kind, row.state, target, fields)
            now = self.now()
            if move.to_state == wf.SIGNED_OFF:
                self._check_sign_off(row, move.fields["supervisor"], move.fields["supervisor_role"])
                row.signed_off_at = now
            elif move.to_state == wf.PROPOSED:
                row.proposed_by = actor
            for name, value in move.fields.items():
                setattr(row, name, value)
            if move.converted:
                row.converted_from = move.from_kind
            row.kind, row.state = move.to_kind, move.to_state
            self._log(s, row, actor=actor, at=now, from_kind=move.from_kind, from_state=move.from_state,
                      fields=dict(move.fields), note=move.note)
            return self._save_document(s, row)

        record = self.store.write(work)
        self._index(record)
        return record

    def role_of(self, name: str) -> str:
        """The role kbapp knows for ``name``: the data home's engineer's, else the escalation
        chain's; '' when neither names them."""
        engineer = getattr(self.kb, "engineer", None)
        if engineer is not None and wf.same_person(engineer.name, name):
            return engineer.role
        try:
            from kbapp.incidents.escalation import chain_path, load_chain

            chain = load_chain(chain_path(self.kb.home.root))
        except Exception:  # no chain, or one that does not load: nothing known
            return ""
        person = next((p for p in chain.people if wf.same_person(p.name, name)), None)
        return person.role if person is not None else ""

    @staticmethod
    def _check_sign_off(row: ProblemRecordRow, supervisor: str, role: str) -> None:
        if not wf.can_sign_off(role):
            raise RecordError(
                f"supervisor_role: {supervisor} ({role}) may not sign off a fix: the sign-off (主管领导签字) needs "
                "a supervisor's role such as 主管 Supervisor, 经理 Manager, 负责人 Lead", field="supervisor_role")
        if wf.same_person(supervisor, row.proposed_by):
            raise RecordError(
                f"supervisor: {supervisor} proposed the fix and may not sign it off; another person, "
                "a supervisor, signs it off (主管领导签字)", field="supervisor")

    # -- reading ---------------------------------------------------------------------------
    def get(self, record_id: int) -> wf.ProblemRecord:
        with _as_record_error():
            record_id = check_id(record_id, "record_id")
        return self.store.read(lambda s: record_from_row(self._row(s, record_id)))

    def list_records(self, kind: str | None = None, state: str | None = None,
                     incident_id: int | None = None, assigned_role: str | None = None,
                     customer: str | None = None) -> list[wf.ProblemRecord]:
        """Newest first, optionally only one kind, state, incident, customer or staff
        (``assigned_role``: technical or business, the staff a record went to)."""
        query = select(ProblemRecordRow).order_by(ProblemRecordRow.id.desc())
        if assigned_role:
            role = wf.check_classification(assigned_role)
            if role not in wf.ASSIGNED_ROLES:
                raise RecordError("assigned_role: records go to the technical or the business staff",
                                  field="assigned_role")
            query = query.where(ProblemRecordRow.assigned_role == role)
        if customer:
            query = query.where(ProblemRecordRow.customer == customer.strip())
        if kind:
            query = query.where(ProblemRecordRow.kind == wf.check_kind(kind))
        if state:
            query = query.where(ProblemRecordRow.state == wf.check_state(state))
        if incident_id is not None:
            with _as_record_error():
                query = query.where(ProblemRecordRow.incident_id == check_id(incident_id))
        return self.store.read(lambda s: [record_from_row(r) for r in s.scalars(query)])

    list = list_records  # noqa: A003 - the name the GUI and CLI use

    def history(self, record_id: int) -> builtins.list[wf.Transition]:
        """Every move of the record in the order it was logged, creation first."""
        with _as_record_error():
            record_id = check_id(record_id, "record_id")

        def work(s: Session) -> list[wf.Transition]:
            self._row(s, record_id)
            query = (select(RecordTransitionRow).where(RecordTransitionRow.record_id == record_id)
                     .order_by(RecordTransitionRow.id))
            return [transition_from_row(t) for t in s.scalars(query)]

        return self.store.read(work)

    def rewrite_documents(self) -> int:
        """Write every record's document again (after restoring a database, or on a second
        machine sharing a server database); returns how many were written."""
        ids = self.store.read(lambda s: list(s.scalars(select(ProblemRecordRow.id))))
        for record_id in ids:
            record = self.store.write(partial(self._save_row, record_id))
            self._index(record)
        return len(ids)
