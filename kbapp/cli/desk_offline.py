"""``kbapp report|lesson|record|change ...`` on a team desk whose server does not answer.

The handlers run on the knowledge base with its reports, lessons, problem records, change
requests and incidents local first (kbapp.desk_writes, kbapp.local_first): while the
server answers nothing changes; when it does not, reads come from the desk's copy and a
write is made there and queued, said once on stderr. A row written offline has no number
yet: it is shown as ``待编号 pending`` with the uid the desk made, and the commands take
that uid (or the copy's id) until the next ``kbapp sync`` numbers it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, cast

from kbapp.cli.common import add

if TYPE_CHECKING:
    from kbapp.cli.common import Handler, Subparsers
    from kbapp.facade import KnowledgeBase

PENDING = "待编号 pending"
_SERVICES = ("reports", "lessons", "records", "change_requests")
# An argument naming a row, by the command's option name: which table's row.
_ID_ARGS = {"incident": "incident_id", "record": "record_id"}


class DeskDocuments:
    """The knowledge base as a team desk's document commands see it."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self.incidents = kb.desk_incidents
        for name in _SERVICES:
            setattr(self, name, kb.desk_service(name))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)


def shown_id(row: Any) -> str:
    """How a command names a row: its number, or pending and its uid."""
    return f"{PENDING} {row.uid}" if getattr(row, "pending", False) else f"#{row.id}"


def _number(kb: KnowledgeBase, key: str, ref: Any) -> Any:
    """A row named by the uid this desk made: its number on the server when it has one, else
    its id on this desk's copy."""
    from kbapp.incidents.service import looks_like_uid

    if ref is None or not looks_like_uid(str(ref)):
        return ref
    if key == "incident_id":
        from kbapp.cli.incident_offline import _desk_number

        return _desk_number(kb, str(ref))
    from sqlalchemy import select

    from kbapp.desk_writes import _REFS
    from kbapp.errors import NotFoundError
    from kbapp.store.db import StoreUnreachable

    model = _REFS[key]
    uid = str(ref).strip().lower()
    stores = []
    if not kb.desk_incidents.offline:
        try:
            stores.append(kb.store)
        except StoreUnreachable as exc:
            kb.desk_incidents.went_offline(exc)
    stores.append(kb.replica.store)
    for store in stores:
        try:
            found = store.read(lambda s: s.scalar(select(model.id).where(model.uid == uid)))
        except StoreUnreachable as exc:
            kb.desk_incidents.went_offline(exc)
            continue
        if found is not None:
            return str(found)
    raise NotFoundError(f"{key}: nothing made as {uid} on this desk or the server", field=key)


def on_desk(handler: Handler, id_key: str | None = None) -> Handler:
    """In team mode: the handler on the local-first services (DeskDocuments), said once on
    stderr when it worked on this desk's copy. ``id_key``: what the command's ID names."""
    def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        if not kb.shares_database:
            return handler(args, kb)
        desk = kb.desk_incidents
        desk.offline_reason = ""
        before = len(desk.queued)
        for option, key in _ID_ARGS.items():
            if getattr(args, option, None) is not None and not isinstance(getattr(args, option), bool):
                setattr(args, option, _number(kb, key, getattr(args, option)))
        if id_key is not None and getattr(args, "id", None) is not None:
            args.id = _number(kb, id_key, args.id)
        code = handler(args, cast("KnowledgeBase", DeskDocuments(kb)))
        if len(desk.queued) > before:
            from kbapp.offline import Outbox

            print(f"kbapp: offline ({desk.offline_reason or 'this desk works on its copy'}); made on this desk's "
                  f"copy and queued, {Outbox(kb.home.root).count()} waiting: 'kbapp sync' sends them",
                  file=sys.stderr)
        elif desk.offline_reason:
            print(f"kbapp: offline ({desk.offline_reason}); showing this desk's copy", file=sys.stderr)
        return code
    return run


def add_on_desk(id_key: str | None = None) -> Any:
    """``kbapp.cli.common.add`` with the handler local first on a team desk (:func:`on_desk`)."""
    def add_command(sub: Subparsers, name: str, handler: Handler, help_text: str,
                    json_flag: bool = True) -> argparse.ArgumentParser:
        return add(sub, name, on_desk(handler, id_key), help_text, json_flag)
    return add_command
