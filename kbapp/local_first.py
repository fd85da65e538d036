"""The incidents as a team desk uses them, local first (kbapp.replica, kbapp.offline).

:class:`LocalFirstIncidents` has every method of the incident service. Every write —
start, note, step, ack, plan, level, people, channel, correct, escalate, settle … — is made
on this desk's copy of the incidents and kept in its outbox first, with the time it was
made (:func:`kbapp.offline.queue`): once the engineer has seen it done, neither a crash nor
a lost network loses it. While the server answers it is then sent at once
(:func:`kbapp.offline.push`): the server orders and numbers, its row locks decide between
desks, and a move another desk made first is refused at once (and this desk's copy
corrected) rather than kept as a conflict for someone to settle. When the server does not
answer, the write waits in the outbox for the next sync, and reads come from the copy
(everything the desk has seen, and what it did offline). An incident started offline (an
id from kbapp.replica.LOCAL_BASE up) is read and written on the copy until the server
numbers it.

``kb.desk_incidents`` is this object in team mode and the plain service otherwise; the
window's screens and the command line's incident commands use it.
"""

from __future__ import annotations

import inspect
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.service import IncidentService
    from kbapp.offline import Queued
    from kbapp.replica import Replica


def _local_arg(args: tuple[Any, ...]) -> bool:
    from kbapp.replica import is_local_id

    first = args[0] if args else None
    ref = getattr(first, "id", first)
    return isinstance(ref, int) and not isinstance(ref, bool) and is_local_id(ref)


class LocalFirstIncidents:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.queued: list[Queued] = []  # what this object left waiting for the server (the command line says so)
        self.offline_reason = ""  # why the server did not answer, when it did not
        # Once the server did not answer, everything goes to the copy until a sync reaches it
        # again (back_online): a window offline does not wait on the network for each read.
        self.offline = False

    def back_online(self) -> None:
        self.offline = False

    def _server(self) -> IncidentService | None:
        from kbapp.store.db import StoreUnreachable

        if self.offline:
            return None
        try:
            return self.kb.incidents
        except StoreUnreachable as exc:
            self.went_offline(exc)
            return None

    def __getattr__(self, name: str) -> Any:
        from kbapp.incidents.service import IncidentService
        from kbapp.offline import CALLS
        from kbapp.store.db import StoreUnreachable

        if name.startswith("_") or not callable(getattr(IncidentService, name, None)):
            server = self._server()
            return getattr(server if server is not None else self.kb.replica.incidents, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            local = getattr(self.kb.replica.incidents, name)
            if name in CALLS:
                return self._local_first(name, local, args, kwargs)
            server = None if _local_arg(args) else self._server()
            if server is not None:
                try:
                    return getattr(server, name)(*args, **kwargs)
                except StoreUnreachable as exc:
                    self.went_offline(exc)
            return local(*args, **kwargs)

        return call

    def store_of(self, incident_id: int) -> Any:
        """The database that holds ``incident_id`` for this desk now: the server's while it
        answers, else (or for one started offline) the copy's."""
        server = None if _local_arg((incident_id,)) else self._server()
        return server.store if server is not None else self.kb.replica.store

    def went_offline(self, exc: Exception) -> None:
        """The server did not answer: the copy answers until a refresh reaches it again."""
        self.offline, self.offline_reason = True, str(exc)

    def escalate_now(self, incident_id: int, note: str = "", actor: str | None = None) -> Any:
        """The watcher's "escalate now" (kbapp.incidents.watcher), local first like the rest;
        offline, this desk sends its notifications (``desk_sends``)."""
        kwargs: dict[str, Any] = {"incident_id": incident_id, "note": note, "actor": actor}
        if self._server() is None:
            kwargs["desk_sends"] = True
        return self._local_first("escalate_now", None, (), kwargs)

    def escalate_due(self, incident_id: int, deadline_key: str, step: int, person: dict[str, Any], reason: str,
                     at: Any) -> Any:
        """A step the desk's watcher escalated on the copy while offline (kbapp.incidents.desk_watch)."""
        from kbapp.notify.outbox import ACTOR

        return self._local_first("escalate_due", None, (), {
            "incident_id": incident_id, "deadline_key": deadline_key, "step": step, "person": person,
            "reason": reason, "at": at, "actor": ACTOR})

    def record_delivery(self, incident_id: Any, payload: dict[str, Any], at: Any) -> Any:
        """The outcome of a notification this desk sent (kbapp.incidents.desk_watch)."""
        from kbapp.notify.outbox import ACTOR

        return self._local_first("record_delivery", None, (), {"incident_id": incident_id, "payload": payload,
                                                                "at": at, "actor": ACTOR})

    def settle(self, incident_id: int, note: str, actor: str | None = None) -> Any:
        """A person settles the conflicting offline moves (kbapp.incidents.merge.settle)."""
        return self._local_first("settle", None, (), {"incident_id": incident_id, "note": note, "actor": actor})

    def _local_first(self, name: str, method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The write made on this desk's copy and kept in its outbox first — so once the
        engineer has seen it done, neither a crash nor a lost network can lose it — then,
        while the server answers, sent at once (kbapp.offline.push). What the server made of
        it is returned; a move the server refuses now (another desk made it first) raises at
        once and the copy is corrected from the server. Offline it stays queued for the next
        sync, and what the copy made of it is returned."""
        from kbapp.errors import KbError
        from kbapp.incidents.errors import IncidentError
        from kbapp.offline import push
        from kbapp.store.db import StoreUnreachable

        online = self._server() is not None
        item, made = self._enqueue(name, method, args, kwargs, online)
        if online:
            try:
                done = push(self.kb, item)
            except StoreUnreachable as exc:
                self.went_offline(exc)
            except IncidentError:
                self._refresh_copy()  # the other desk's move on this desk's copy, this one's taken out
                raise
            else:
                return self.kb.incidents.get(done) if name == "start" else done
        self.queued.append(item)
        if name == "start":
            if made is None:
                raise KbError("the incident could not be started on this desk's copy")
            return self.kb.replica.incidents.get(made)
        return made

    def _refresh_copy(self) -> bool:
        from kbapp.store.db import StoreError, StoreUnreachable

        try:
            self.kb.replica.refresh()
            return True
        except StoreUnreachable as exc:
            self.went_offline(exc)
        except StoreError:
            pass
        return False

    def _enqueue(self, name: str, method: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                 online: bool) -> tuple[Queued, Any]:
        """On the copy, then in the outbox (kbapp.offline.queue). When the copy refuses and the
        server answers, the copy may be behind the server: it is refreshed and asked again."""
        from kbapp.incidents.errors import IncidentError
        from kbapp.offline import encode, queue

        if method is not None:
            bound = inspect.signature(method).bind(*args, **kwargs)
            kwargs = dict(bound.arguments)
        if kwargs.get("actor") is None:
            kwargs["actor"] = self.kb.actor_name()
        op_args: dict[str, Any] = {"method": name}
        if name == "correct":
            kwargs.update(self._corrected(int(kwargs["action_id"])))
        elif name != "start":
            op_args["id"] = kwargs.pop("incident_id")
        op_args["kwargs"] = encode(kwargs)
        known = None
        if "id" in op_args:
            known = self._on_copy(op_args["id"])
            if online and not known:  # an incident this desk has not copied yet: copied now, then worked on
                known = self._refresh_copy() and self._on_copy(op_args["id"])
        try:
            return queue(self.kb, "call", op_args, known=known)
        except IncidentError:
            if not online or not self._refresh_copy():
                raise
        return queue(self.kb, "call", op_args)

    def _on_copy(self, ref: Any) -> bool:
        from kbapp.incidents.errors import IncidentError

        copy = self.kb.replica.incidents
        try:
            copy.get(copy.number_of(ref))
        except IncidentError:
            return False
        return True

    def _corrected(self, action_id: int) -> dict[str, Any]:
        """How the server will know the action a correction names: by its uid, so an action made
        on this desk (not on the server yet, an id from LOCAL_BASE up) can be corrected too:
        the correction is queued behind it."""
        from kbapp.incidents.errors import IncidentError
        from kbapp.offline import action_uid
        from kbapp.replica import is_local_id
        from kbapp.store.db import StoreUnreachable

        uid = action_uid(self.kb.replica.incidents, action_id) if self.kb.replica.path.exists() else None
        server = None if uid or is_local_id(action_id) else self._server()
        if server is not None:  # the server's id of an action this desk's copy has under its own
            try:
                uid = action_uid(server, action_id)
            except StoreUnreachable as exc:
                self.went_offline(exc)
        if is_local_id(action_id) and not uid:
            raise IncidentError(f"action_id: no action #{action_id} on this desk", field="action_id")
        return {"action_uid": uid} if uid else {}


class DeskCopy:
    """What KnowledgeBase adds for a team desk: its copy of the incidents, and the local-first
    incident service over it."""

    home: Any
    _lock: Any

    @property
    def replica(self) -> Replica:
        from kbapp.replica import Replica

        with _REPLICA_LOCK:
            found: Replica | None = self.__dict__.get("_replica")
            if found is None:
                found = self.__dict__["_replica"] = Replica(self)  # type: ignore[arg-type]
            return found

    @property
    def desk_incidents(self) -> Any:
        """The incident service as a desk uses it: local first in team mode (LocalFirstIncidents)."""
        if not getattr(self, "shares_database", False):
            return getattr(self, "incidents")  # noqa: B009 - KnowledgeBase's
        with _REPLICA_LOCK:
            found = self.__dict__.get("_desk_incidents")
            if found is None:
                found = self.__dict__["_desk_incidents"] = LocalFirstIncidents(self)  # type: ignore[arg-type]
            return found

    def desk_service(self, name: str) -> Any:
        """Reports, lessons, records or change requests as a desk writes them: local first in
        team mode (kbapp.desk_writes.LocalFirstWrites), the plain service otherwise."""
        if not getattr(self, "shares_database", False):
            return getattr(self, name)
        from kbapp.desk_writes import LocalFirstWrites

        with _REPLICA_LOCK:
            found = self.__dict__.get(f"_desk_{name}")
            if found is None:
                found = self.__dict__[f"_desk_{name}"] = LocalFirstWrites(self, name)  # type: ignore[arg-type]
            return found

    @property
    def desk_reads(self) -> Any:
        """The knowledge base for reading what the server holds (customers, visit and
        inspection plans, playbook changes, the metrics): the server while it answers, this
        desk's copy when it does not (:class:`ServerOrCopy`); the knowledge base itself
        without a team server."""
        if not getattr(self, "shares_database", False):
            return self
        return ServerOrCopy(self, ())

    desk_reports = property(lambda self: self.desk_service("reports"))
    desk_lessons = property(lambda self: self.desk_service("lessons"))
    desk_records = property(lambda self: self.desk_service("records"))
    desk_change_requests = property(lambda self: self.desk_service("change_requests"))

    def close_replica(self) -> None:
        found = self.__dict__.pop("_replica", None)
        if found is not None:
            found.close()


_REPLICA_LOCK = threading.RLock()


class ServerOrCopy:
    """``kb.desk_reads``, and what is reached through it (``.visits``, ``.visits.due``): a
    call is made on the server, and made again on the desk's copy (kbapp.copy_view) when the
    server does not answer, or at once while the desk is offline. The copy refuses writes of
    what only the server may change (kbapp.copy_view.ServerOnly)."""

    def __init__(self, kb: Any, path: tuple[str, ...]) -> None:
        self._kb, self._path = kb, path

    def __getattr__(self, name: str) -> ServerOrCopy:
        if name.startswith("_"):
            raise AttributeError(name)
        return ServerOrCopy(self._kb, (*self._path, name))

    def _on(self, root: Any) -> Any:
        for name in self._path:
            root = getattr(root, name)
        return root

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from kbapp.store.db import StoreUnreachable

        desk = self._kb.desk_incidents
        if not desk.offline:
            try:
                return self._on(self._kb)(*args, **kwargs)
            except StoreUnreachable as exc:
                desk.went_offline(exc)
        return self._on(self._kb.replica.incidents.kb)(*args, **kwargs)

