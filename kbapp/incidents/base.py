"""What every service that appends who-did-what rows shares: its clock and its actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING

from kbapp.incidents.validate import check_line, default_actor

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase
    from kbapp.store.db import Store

# Set while an action made offline is replayed (kbapp.offline): the time the engineer made
# it on the desk's clock, which every time of that operation is.
REPLAY_AT: ContextVar[dt.datetime | None] = ContextVar("kbapp_replay_at", default=None)


def op_uid(n: int = 0) -> str:
    """The client-made id (UUIDv7) of the ``n``-th row an operation writes: while an offline
    operation is replayed (kbapp.offline), derived from its uid, the same on every replay,
    so the server recognises a row it has already; otherwise a new one."""
    from kbapp.incidents.service import REPLAY_UID
    from kbapp.store.ids import derived, uuid7

    replay = REPLAY_UID.get()
    return uuid7() if replay is None else derived(replay[0], n)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LoggedService:
    def __init__(self, store: Store, kb: KnowledgeBase, *, clock: Callable[[], dt.datetime] | None = None, actor: str | None = None) -> None:
        self.store = store
        self.kb = kb
        self.clock = clock or utc_now  # tests pass their own to move time
        self.default_actor = actor  # fixed by tests; None = the knowledge base's (kbapp.identity)

    def now(self) -> dt.datetime:
        value = REPLAY_AT.get() or self.clock()
        if value.tzinfo is None:
            raise ValueError("the service clock must return timezone-aware datetimes")
        return value.astimezone(dt.UTC)

    def _actor(self, actor: str | None) -> str:
        """The caller's name, else the --actor/$KBAPP_ACTOR override, else the data home's
        engineer, else the login name (kbapp.identity)."""
        if not actor and not self.default_actor:
            named = getattr(self.kb, "actor_name", None)
            actor = named() if named is not None else default_actor()
        return check_line(actor or self.default_actor, "actor", required=True)
