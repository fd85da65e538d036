"""The incidents as a team desk uses them, local first (kbapp.replica, kbapp.offline).

:class:`LocalFirstIncidents` has every method of the incident service. Each call goes to
the shared server while it answers (the server orders and numbers; its row locks decide
between desks). When the server does not answer, a read comes from this desk's copy of
the incidents (everything the desk has seen, and what it did offline), and a write — any
of them: start, note, step, ack, plan, level, people, channel, escalate, settle … — is made
on the copy first and kept in the outbox with the time it was made, to be sent by the next
sync (:func:`kbapp.offline.queue`). An incident started offline (an id from
kbapp.replica.LOCAL_BASE up) is read and written on the copy until the server numbers it.

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
        self.queued: list[Queued] = []  # what this object kept for the server (the command line says so)
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
            self._went_offline(exc)
            return None

    def __getattr__(self, name: str) -> Any:
        from kbapp.incidents.service import IncidentService
        from kbapp.offline import CALLS
        from kbapp.store.db import StoreUnreachable

        if name.startswith("_") or not callable(getattr(IncidentService, name, None)):
            server = self._server()
            return getattr(server if server is not None else self.kb.replica.incidents, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            server = None if _local_arg(args) else self._server()
            if server is not None:
                try:
                    return getattr(server, name)(*args, **kwargs)
                except StoreUnreachable as exc:
                    self._went_offline(exc)
            local = getattr(self.kb.replica.incidents, name)
            if name in CALLS:
                return self._queue(name, local, args, kwargs)
            return local(*args, **kwargs)

        return call

    def _went_offline(self, exc: Exception) -> None:
        self.offline, self.offline_reason = True, str(exc)

    def escalate_now(self, incident_id: int, note: str = "", actor: str | None = None) -> Any:
        """The watcher's "escalate now" (kbapp.incidents.watcher), queued like the rest offline."""
        from kbapp.store.db import StoreUnreachable

        if not _local_arg((incident_id,)) and not self.offline:
            try:
                return self.kb.watcher().escalate_now(incident_id, note=note, actor=actor)
            except StoreUnreachable as exc:
                self._went_offline(exc)
        return self._queue("escalate_now", None, (), {"incident_id": incident_id, "note": note, "actor": actor})

    def settle(self, incident_id: int, note: str, actor: str | None = None) -> Any:
        """A person settles the conflicting offline moves (kbapp.incidents.merge.settle)."""
        from kbapp.incidents.merge import settle
        from kbapp.store.db import StoreUnreachable

        if not _local_arg((incident_id,)):
            server = self._server()
            try:
                if server is not None:
                    return settle(server, incident_id, note, actor=actor)
            except StoreUnreachable as exc:
                self._went_offline(exc)
        return self._queue("settle", None, (), {"incident_id": incident_id, "note": note, "actor": actor})

    def _queue(self, name: str, method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        from kbapp.errors import KbError
        from kbapp.incidents.errors import IncidentError
        from kbapp.offline import encode, queue
        from kbapp.replica import is_local_id

        if method is not None:
            bound = inspect.signature(method).bind(*args, **kwargs)
            kwargs = dict(bound.arguments)
        if kwargs.get("actor") is None:
            kwargs["actor"] = self.kb.actor_name()
        op_args: dict[str, Any] = {"method": name}
        if name == "correct":
            action_id = int(kwargs["action_id"])
            if is_local_id(action_id):
                raise IncidentError(f"action_id: #{action_id} was made offline; correct it once the server has it",
                                    field="action_id")
        elif name != "start":
            op_args["id"] = kwargs.pop("incident_id")
        op_args["kwargs"] = encode(kwargs)
        item, made = queue(self.kb, "call", op_args)
        self.queued.append(item)
        if name == "start":
            if made is None:
                raise KbError("the incident could not be started on this desk's copy")
            return self.kb.replica.incidents.get(made)
        return made


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

    def close_replica(self) -> None:
        found = self.__dict__.pop("_replica", None)
        if found is not None:
            found.close()


_REPLICA_LOCK = threading.RLock()
