"""IncidentService: every change to an incident, as an action appended to the log.

Each public method validates its input first and raises IncidentError (naming the
field) before anything is written; each write is one committed transaction, so an
action that a method returned is on disk. Actions are only ever inserted: a
correction is a new action pointing at the old one. Results are plain records
(kbapp.incidents.types), safe to hand to another thread. The acknowledgement and the
who/when/how edits are IncidentEdits (kbapp.incidents.edits); the reads, IncidentReads
(kbapp.incidents.reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from kbapp.incidents import kept_playbooks, knowledge, serious
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.base import LoggedService
from kbapp.incidents.edits import IncidentEdits
from kbapp.incidents.errors import IncidentError
from kbapp.incidents.escalation import EscalationChain, chain_path, load_chain, save_chain
from kbapp.incidents.reads import IncidentReads, looks_like_uid
from kbapp.incidents.validate import (
    MAX_TITLE_CHARS,
    check_category,
    check_channel,
    check_id,
    check_level,
    check_line,
    check_notified_at,
    check_result,
    check_text,
)
from kbapp.model import Document
from kbapp.plan import customers
from kbapp.store.ids import derived, uuid7
from kbapp.store.models import ActionRow, IncidentPlaybookRow, IncidentRow

if TYPE_CHECKING:
    from kbapp.model import Step




class AlreadyApplied(Exception):
    """The operation replayed from an offline outbox was stored before (its first action's uid)."""


# While an offline operation is replayed (kbapp.offline): [its uid, actions appended so far].
REPLAY_UID: ContextVar[list | None] = ContextVar("kbapp_replay_uid", default=None)


# While a desk's offline move is replayed (kbapp.offline): asked in the move's own
# transaction, under the incident's row lock, before and after the move, so a conflict flag
# commits with the move or neither does.
REPLAY_GUARD: ContextVar[Any] = ContextVar("kbapp_replay_guard", default=None)


def _next_uid() -> str:
    replay = REPLAY_UID.get()
    if replay is None:
        return uuid7()
    uid = derived(replay[0], replay[1])
    replay[1] += 1
    return uid


def _check_replay(s: Session) -> None:
    replay = REPLAY_UID.get()
    if replay is None:
        return
    replay[1] = 0  # a retried transaction makes the same uids again
    if s.scalar(select(ActionRow.id).where(ActionRow.uid == replay[0])) is not None:
        raise AlreadyApplied(replay[0])


_SERVER_NOW = "kbapp_server_now"


def server_now(s: Session) -> dt.datetime | None:
    """The shared server's clock in this transaction (its CURRENT_TIMESTAMP, asked once per
    transaction), or None on a desk's own SQLite file, where there is no other clock."""
    if s.get_bind().dialect.name == "sqlite":
        return None
    cached = s.info.get(_SERVER_NOW)
    transaction = s.get_transaction()
    if cached is not None and cached[0] is transaction:
        return cached[1]
    value = s.scalar(text("SELECT CURRENT_TIMESTAMP"))
    if isinstance(value, dt.datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    else:
        value = None
    s.info[_SERVER_NOW] = (transaction, value)
    return value


class IncidentService(IncidentEdits, IncidentReads, LoggedService):
    # -- helpers ---------------------------------------------------------------------------
    def _playbook(self, playbook_id: Any) -> Document:
        pid = check_line(playbook_id, "playbook_id", required=True)
        try:
            doc = self.kb.get(pid)
        except ImportError as exc:
            raise IncidentError(f"playbook_id: the playbook library is not available ({exc})",
                                field="playbook_id") from None
        if doc is None:
            raise IncidentError(f"playbook_id: no playbook {pid!r} in the library", field="playbook_id")
        return doc

    def _doc_or_none(self, playbook_id: str) -> Document | None:
        try:
            return self.kb.get(playbook_id)
        except ImportError:
            return None

    @staticmethod
    def _row(s: Session, incident_id: int, *, lock: bool = False) -> IncidentRow:
        """The incident's row; ``lock`` takes its row lock (SELECT … FOR UPDATE) on a server, so
        two desks moving one incident take turns and each checks the status the other left.
        SQLite needs none: its write transactions hold the database's write lock from BEGIN."""
        row = s.get(IncidentRow, incident_id, with_for_update=True if lock else None)
        if row is None:
            raise IncidentError(f"incident_id: no incident #{incident_id}", field="incident_id")
        return row

    @staticmethod
    def _append(s: Session, row: IncidentRow, kind: str, *, actor: str, at: dt.datetime, step: int | None = None,
                playbook_id: str | None = None, details: str = "", payload: dict | None = None,
                corrects_id: int | None = None) -> itypes.Action:
        action = ActionRow(incident_id=row.id, at=at, actor=actor, kind=kind, step=step, playbook_id=playbook_id,
                           details=details, payload=payload or {}, corrects_id=corrects_id, uid=_next_uid(),
                           received_at=server_now(s))
        s.add(action)
        row.updated_at = at
        flag_modified(row, "updated_at")  # the row is written even at the same time: a desk's copy looks for it
        s.flush()  # assigns the id
        return itypes.action_from_row(action)

    # Told after each committed write whether the incident is now solved; the facade sets it
    # to keep solved incidents searchable (kbapp.incidents.knowledge). None: nobody listens.
    after_commit: Callable[[int, bool], None] | None = None

    def _write(self, incident_id: int, work: Callable[[Session, IncidentRow, dt.datetime], Any]) -> Any:
        solved: list[bool] = []

        def run(s: Session) -> Any:
            row = self._row(s, incident_id, lock=True)
            _check_replay(s)  # under the row lock: of two replays of one operation, the second stops here
            guard = REPLAY_GUARD.get()
            seen = guard.before(s, row) if guard is not None else None
            result = work(s, row, self.now())
            if guard is not None:
                guard.after(self, s, row, seen)
            if REPLAY_UID.get() is not None:  # a desk's operation (kbapp.offline): what its actions say
                from kbapp.incidents.merge import derive

                derive(s, row)
            solved[:] = [knowledge.is_solved(row.mode, row.status, row.resolved_at)]
            return result

        result = self.store.write(run)
        self._committed(incident_id, bool(solved and solved[0]))
        return result

    def _committed(self, incident_id: int, solved: bool) -> None:
        if self.after_commit is not None:
            self.after_commit(incident_id, solved)

    @staticmethod
    def _require_working(row: IncidentRow, what: str) -> None:
        if row.status == lc.CLOSED:
            raise IncidentError(f"status: incident #{row.id} is closed", field="status")
        if not lc.is_working(row.status):
            raise IncidentError(
                f"status: incident #{row.id} is {row.status}; set it back to responding before {what}",
                field="status")

    # -- starting and attaching --------------------------------------------------------------
    def start(self, title: str, level: str, description: str = "", category: str = "", channel: str = "phone",
              reporter: str = "", responsible: str = "", playbook_ids: Iterable[str] = (), actor: str | None = None,
              notified_at: dt.datetime | None = None, mode: str = itypes.MODE_INCIDENT,
              context: dict[str, Any] | None = None, customer: str = "", system: str = "",
              uid: str | None = None) -> itypes.Incident:
        """Log a new incident, or with ``mode`` a drill or an inspection (same runner and log,
        never in incident lists or deadlines). ``context`` (JSON-able) is kept in the
        creation action, written in the same transaction: a drill's scenario, say. ``uid``:
        the desk-made id of an incident started offline (kbapp.offline); the server gives
        it its number now, once: a second replay of the same start raises AlreadyApplied."""
        if mode not in itypes.MODES:
            raise IncidentError(f"mode: {mode!r} is not one of {', '.join(itypes.MODES)}", field="mode")
        if context is not None and not isinstance(context, dict):
            raise IncidentError("context: must be a mapping", field="context")
        title = check_line(title, "title", required=True, max_chars=MAX_TITLE_CHARS)
        level = check_level(level)
        description = check_text(description, "description")
        category, channel = check_category(category), check_channel(channel)
        reporter = check_line(reporter, "reporter", max_chars=200)
        responsible = check_line(responsible, "responsible", max_chars=200)
        customer = check_line(customer, "customer", max_chars=200)  # 客户单位: what the metrics group by
        system = check_line(system, "system", max_chars=200)  # 业务系统 of that customer
        if system and not customer:
            raise IncidentError("system: a system belongs to a customer; name the customer too", field="system")
        actor = self._actor(actor)
        if isinstance(playbook_ids, str):
            playbook_ids = [playbook_ids]
        docs: dict[str, Document] = {}
        for pid in playbook_ids:
            doc = self._playbook(pid)
            docs.setdefault(doc.id, doc)
        now = self.now()
        notified_at = check_notified_at(notified_at, now)
        channels = serious.load_channels(self) if mode == itypes.MODE_INCIDENT and level in serious.SERIOUS_LEVELS \
            else (None, None)

        if uid is not None and not looks_like_uid(uid):
            raise IncidentError(f"uid: {uid!r} is not a desk-made incident id", field="uid")

        def work(s: Session) -> int:
            if uid is not None:
                _check_replay(s)
                if s.scalar(select(IncidentRow.id).where(IncidentRow.uid == uid)) is not None:
                    raise AlreadyApplied(uid)
            row = IncidentRow(title=title, description=description, level=level, category=category,
                              channel=channel, reporter=reporter, responsible=responsible, status=lc.OPEN,
                              summary="", created_by=actor, created_at=now, notified_at=notified_at,
                              updated_at=now, mode=mode, customer=customer, system=system, uid=uid)
            s.add(row)
            customers.ensure(s, customer, system, actor=actor, now=now)  # named on the fly: now in the list
            s.flush()
            payload: dict[str, Any] = {"title": title, "level": level, "category": category, "channel": channel,
                       "reporter": reporter, "responsible": responsible, "notified_at": notified_at.isoformat()}
            if customer:
                payload["customer"] = customer
            if system:
                payload["system"] = system
            if mode != itypes.MODE_INCIDENT:
                payload["mode"] = mode
            if context:
                payload["context"] = context
            self._append(s, row, itypes.CREATED, actor=actor, at=now, details=description, payload=payload)
            for position, doc in enumerate(docs.values()):
                self._attach(s, row, doc, position, actor, now)
            # Level I/II: the person in charge is told in this same transaction (kbapp.incidents.serious).
            serious.report_in(self, s, row, now, actor=serious.ACTOR, chain=channels[0], config=channels[1])
            return row.id

        return self.get(self.store.write(work))

    def _attach(self, s: Session, row: IncidentRow, doc: Document, position: int, actor: str,
                now: dt.datetime) -> itypes.Action:
        s.add(IncidentPlaybookRow(incident_id=row.id, playbook_id=doc.id, position=position, attached_at=now,
                                  attached_by=actor, text=kept_playbooks.file_text(doc)))
        return self._append(s, row, itypes.PLAYBOOK_ATTACHED, actor=actor, at=now, playbook_id=doc.id,
                            payload={"title": doc.title, "title_en": doc.title_en})

    def suggest_playbooks(self, description: str, limit: int = 5) -> list:
        """Search hits for playbooks matching the description; [] if search is unavailable."""
        text = check_text(description, "description")
        if not text.strip():
            return []
        try:
            return list(self.kb.search(text, limit=limit, kind="playbook").hits)
        except (ImportError, OSError):
            return []

    def attach_playbook(self, incident_id: int, playbook_id: str, actor: str | None = None) -> itypes.Action:
        incident_id, doc, actor = check_id(incident_id), self._playbook(playbook_id), self._actor(actor)

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            self._require_working(row, "attaching playbooks")
            attached = [p.playbook_id for p in row.playbooks]
            if doc.id in attached:
                raise IncidentError(f"playbook_id: {doc.id!r} is already attached to incident #{row.id}",
                                    field="playbook_id")
            return self._attach(s, row, doc, len(attached), actor, now)

        return self._write(incident_id, work)

    # -- working the playbook ----------------------------------------------------------------
    def _resolve_step(self, incident_id: int, step_number: Any,
                      playbook_id: str | None) -> tuple[Document, Step, itypes.Incident]:
        incident = self.get(incident_id)
        if playbook_id is None:
            if not incident.playbook_ids:
                raise IncidentError(f"playbook_id: incident #{incident_id} has no playbook attached",
                                    field="playbook_id")
            if len(incident.playbook_ids) > 1:
                raise IncidentError(f"playbook_id: incident #{incident_id} has several playbooks "
                                    f"({', '.join(incident.playbook_ids)}); say which", field="playbook_id")
            playbook_id = incident.playbook_ids[0]
        doc = self._playbook(playbook_id)
        if doc.id not in incident.playbook_ids:
            raise IncidentError(f"playbook_id: {doc.id!r} is not attached to incident #{incident_id}",
                                field="playbook_id")
        texts = self.store.read(lambda s: kept_playbooks.kept_texts(s, incident_id))
        doc = kept_playbooks.kept_version(doc, doc.id, texts.get(doc.id)) or doc  # the version it started with
        number = check_id(step_number, "step")
        step = doc.step(number)
        if step is None:
            raise IncidentError(f"step: playbook {doc.id!r} has no step {number} (it has 1–{len(doc.steps)})",
                                field="step")
        return doc, step, incident

    def _auto_respond(self, s: Session, row: IncidentRow, actor: str, now: dt.datetime) -> None:
        # The first thing an engineer does on an open incident is the response (a note, a
        # plan, a step, a copied command, an acknowledgement): it meets the 30 minutes.
        if row.status == lc.OPEN:
            self._change_status(s, row, lc.RESPONDING, actor, now, payload_extra={"auto": True})

    def step(self, incident_id: int, step_number: int, result: str, note: str = "", playbook_id: str | None = None,
             goto: int | None = None, actor: str | None = None, value: str = "",
             emergency_plan: bool = False) -> itypes.Action:
        """Record a step's result; ``goto`` follows a decision to the step it names.

        In an inspection the result is the item's pass, fail or na, and ``value`` is what
        was measured (``87%``), kept in the payload. ``emergency_plan``: this step (done)
        is the Level I emergency plan (应急方案); the note (or the step's title) is recorded
        as the plan in the same transaction."""
        incident_id = check_id(incident_id)
        note, actor = check_text(note, "note"), self._actor(actor)
        value = check_line(value, "value", max_chars=200)
        doc, step, incident = self._resolve_step(incident_id, step_number, playbook_id)
        result = check_result(result, incident.mode)
        payload: dict[str, Any] = {"result": result, "step_title": step.title}
        if value:
            payload["value"] = value
        if goto is not None:
            target = check_id(goto, "goto")
            if doc.step(target) is None:
                raise IncidentError(f"goto: playbook {doc.id!r} has no step {target}", field="goto")
            payload["goto"] = target
            decision = next((d for d in step.decisions if d.target == target), None)
            if decision is not None:
                payload["decision"] = decision.condition

        if emergency_plan and result != itypes.DONE:
            raise IncidentError("emergency_plan: only a step marked done can record the emergency plan",
                                field="emergency_plan")

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            self._require_working(row, "recording steps")
            self._auto_respond(s, row, actor, now)
            action = self._append(s, row, itypes.STEP, actor=actor, at=now, step=step.number, playbook_id=doc.id,
                                  details=note, payload=payload)
            if emergency_plan:
                row.emergency_plan_at = row.emergency_plan_at or now
                self._append(s, row, itypes.EMERGENCY_PLAN, actor=actor, at=now, step=step.number,
                             playbook_id=doc.id, details=note or step.title, payload={"from_step": action.id})
            return action

        return self._write(incident_id, work)

    def copy_command(self, incident_id: int, step_number: int, index: int = 0, playbook_id: str | None = None,
                     actor: str | None = None) -> itypes.Action:
        """Log that a step's command was copied; the command is in ``payload["command"]``."""
        incident_id, actor = check_id(incident_id), self._actor(actor)
        doc, step, _incident = self._resolve_step(incident_id, step_number, playbook_id)
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(step.commands):
            raise IncidentError(f"index: step {step.number} of {doc.id!r} has {len(step.commands)} command(s); "
                                f"{index!r} is not one of them", field="index")
        command = step.commands[index]

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            self._require_working(row, "copying commands")
            self._auto_respond(s, row, actor, now)
            return self._append(s, row, itypes.COMMAND_COPIED, actor=actor, at=now, step=step.number,
                                playbook_id=doc.id, payload={"command": command, "index": index})

        return self._write(incident_id, work)

    def note(self, incident_id: int, text: str, actor: str | None = None) -> itypes.Action:
        """A free-text note; allowed in any status, so late remarks still reach the log."""
        incident_id, text, actor = check_id(incident_id), check_text(text, "note", required=True), self._actor(actor)

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            self._auto_respond(s, row, actor, now)
            return self._append(s, row, itypes.NOTE, actor=actor, at=now, details=text)

        return self._write(incident_id, work)

    def record_plan(self, incident_id: int, text: str, emergency: bool = False,
                    actor: str | None = None) -> itypes.Action:
        """The handling plan (故障处理方案) or, for level I, the emergency plan (应急方案) was given."""
        incident_id, text, actor = check_id(incident_id), check_text(text, "plan", required=True), self._actor(actor)

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            if row.status == lc.CLOSED:
                raise IncidentError(f"status: incident #{row.id} is closed", field="status")
            if emergency and row.level != "I":
                raise IncidentError(f"level: only a level I incident has an emergency plan (应急方案); "
                                    f"#{row.id} is level {row.level}", field="level")
            self._auto_respond(s, row, actor, now)
            if emergency:
                row.emergency_plan_at = row.emergency_plan_at or now
            else:
                row.plan_at = row.plan_at or now
            return self._append(s, row, itypes.EMERGENCY_PLAN if emergency else itypes.PLAN, actor=actor, at=now,
                                details=text)

        return self._write(incident_id, work)

    # -- status, level, escalation, corrections --------------------------------------------
    def _change_status(self, s: Session, row: IncidentRow, new: str, actor: str, now: dt.datetime,
                       details: str = "", payload_extra: dict | None = None) -> itypes.Action:
        old = row.status
        lc.check_transition(old, new)
        if new in (lc.RESPONDING, lc.MITIGATED, lc.RESOLVED):
            row.responded_at = row.responded_at or now  # closing an unworked incident is no response
        if new == lc.RESOLVED:
            row.resolved_at, row.summary = now, details
        elif new == lc.RESPONDING and old == lc.RESOLVED:
            row.resolved_at = None  # reopened: the fault came back
        elif new == lc.REPORT_SUBMITTED:
            row.report_submitted_at = now
        elif new == lc.CLOSED:
            row.closed_at = now
        row.status = new
        return self._append(s, row, itypes.STATUS, actor=actor, at=now, details=details,
                            payload={"from": old, "to": new, **(payload_extra or {})})

    def set_status(self, incident_id: int, status: str, note: str = "", actor: str | None = None,
                   close_reason: str = "") -> itypes.Action:
        """Move the incident on. Closing one that was never solved needs ``close_reason``
        (duplicate, withdrawn, not_an_incident) and a note saying why; its clocks stop
        without being met."""
        incident_id, status = check_id(incident_id), lc.check_status(status)
        note, actor = check_text(note, "note"), self._actor(actor)
        reason = lc.check_close_reason(close_reason) if close_reason else ""
        if reason and status != lc.CLOSED:
            raise IncidentError("close_reason: only closing takes a reason", field="close_reason")
        if status == lc.RESOLVED:
            return self.resolve(incident_id, note, actor=actor)

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            extra = {}
            if status == lc.CLOSED and lc.is_working(row.status):
                if not reason:
                    raise IncidentError(f"close_reason: incident #{row.id} was never solved; say whether it is a "
                                        f"duplicate, withdrawn or not an incident", field="close_reason")
                if not note.strip():
                    raise IncidentError("note: say why an incident is closed without being solved", field="note")
                extra = {"close_reason": reason}
            elif reason:
                raise IncidentError(f"close_reason: incident #{row.id} was solved; it closes normally",
                                    field="close_reason")
            return self._change_status(s, row, status, actor, now, details=note, payload_extra=extra)

        return self._write(incident_id, work)

    def resolve(self, incident_id: int, summary: str, actor: str | None = None) -> itypes.Action:
        incident_id, actor = check_id(incident_id), self._actor(actor)
        summary = check_text(summary, "summary", required=True)
        return self._write(incident_id, lambda s, row, now: self._change_status(s, row, lc.RESOLVED, actor, now,
                                                                                details=summary))

    def change_level(self, incident_id: int, level: str, reason: str, actor: str | None = None) -> itypes.Action:
        """A new fault level, with the reason why (required). Re-plans only the deadlines
        still open now; a missed one stays missed (kbapp.incidents.deadlines)."""
        incident_id, level = check_id(incident_id), check_level(level)
        reason, actor = check_text(reason, "reason", required=True), self._actor(actor)
        channels = serious.load_channels(self) if level in serious.SERIOUS_LEVELS else (None, None)

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            if row.status == lc.CLOSED:
                raise IncidentError(f"status: incident #{row.id} is closed", field="status")
            if row.level == level:
                raise IncidentError(f"level: incident #{row.id} is already level {level}", field="level")
            old, row.level = row.level, level
            action = self._append(s, row, itypes.LEVEL, actor=actor, at=now, details=reason,
                                  payload={"from": old, "to": level})
            serious.report_in(self, s, row, now, actor=serious.ACTOR, chain=channels[0], config=channels[1])
            return action

        return self._write(incident_id, work)

    def correct(self, action_id: int, text: str, actor: str | None = None) -> itypes.Action:
        """Append a correction to an earlier action; the original stays as it was."""
        action_id, actor = check_id(action_id, "action_id"), self._actor(actor)
        text = check_text(text, "text", required=True)

        solved: list[bool] = []

        def work(s: Session) -> itypes.Action:
            original = s.get(ActionRow, action_id)
            if original is None:
                raise IncidentError(f"action_id: no action #{action_id}", field="action_id")
            row = self._row(s, original.incident_id, lock=True)
            solved[:] = [knowledge.is_solved(row.mode, row.status, row.resolved_at)]
            return self._append(s, row, itypes.CORRECTION, actor=actor, at=self.now(), step=original.step,
                                playbook_id=original.playbook_id, details=text, corrects_id=original.id,
                                payload={"corrects_kind": original.kind})

        action = self.store.write(work)
        self._committed(action.incident_id, solved[0])
        return action

    def link_follow_up(self, incident_id: int, item: int, item_title: str, follow_up: Any,
                       checklist: str | None = None, actor: str | None = None) -> itypes.Action:
        """In an inspection's log: its failed ``item`` opened the incident ``follow_up`` (a
        number, or the uid of one started offline; kbapp.training.inspections)."""
        who = self._actor(actor)
        opened = self.get(self.number_of(follow_up))

        def work(s: Session, row: IncidentRow, now: dt.datetime) -> itypes.Action:
            if row.status == lc.CLOSED:
                raise IncidentError(f"status: inspection #{row.id} is closed", field="status")
            return self._append(s, row, itypes.FOLLOW_UP, actor=who, at=now, step=item, playbook_id=checklist,
                                details=opened.title, payload={"incident_id": opened.id, "item_title": item_title})

        return self._write(incident_id, work)

    # -- the escalation chain ----------------------------------------------------------------
    def chain(self) -> EscalationChain:
        return load_chain(chain_path(self.kb.home.root))

    def save_chain(self, chain: EscalationChain) -> None:
        save_chain(chain_path(self.kb.home.root), chain)
