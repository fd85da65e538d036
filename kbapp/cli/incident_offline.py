"""``kbapp incident ...`` on a team desk (kbapp.offline, kbapp.local_first).

- While the server answers, every incident command is local first: made on this desk's
  copy and kept in its outbox, then sent at once; a move the server refuses now (another
  desk made it first) exits 1 and the copy shows the server's.

- ``start``, ``note``, ``step``, ``status`` and ``resolve`` go into this desk's outbox with
  the time they were made, and ``kbapp sync`` sends them; said once on stderr.
- An incident started offline has no number yet: ``start`` prints ``pending <uid>``, and
  every command takes that uid where it takes a number (before and after the server gave
  one). ``show`` and ``list`` show it as pending, with what was logged on it.
"""

from __future__ import annotations

import argparse
import builtins
import sys
from typing import TYPE_CHECKING, cast

from kbapp.cli.common import emit
from kbapp.redact import redact, redact_value

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from kbapp.cli.common import Handler
    from kbapp.facade import KnowledgeBase
    from kbapp.offline import PendingIncident

PENDING = "待编号 pending"


def print(*parts: object, **kwargs: Any) -> None:  # noqa: A001 - every line this module prints is redacted
    builtins.print(*(redact(str(p)) for p in parts), **kwargs)


def _text_arg(value: str) -> str:
    return sys.stdin.read() if value == "-" else value


def offline_args(op: str, args: argparse.Namespace, kb: KnowledgeBase) -> dict[str, Any]:
    """What the outbox keeps of a command, to run it later as this engineer."""
    if op == "start":
        import datetime as dt

        from kbapp.incidents.validate import parse_when

        # Not the service's clock: opening the service needs the server.
        notified = parse_when(args.notified_at, dt.datetime.now(dt.UTC)) if args.notified_at else None
        return {"title": args.title, "level": args.level, "description": args.description,
                "playbooks": list(args.playbook), "category": args.category, "channel": args.channel,
                "reporter": args.reporter, "responsible": args.responsible, "customer": args.customer,
                "system": args.system, "actor": kb.actor_name(),
                **({"notified_at": notified.isoformat()} if notified else {})}
    base: dict[str, Any] = {"id": args.id, "actor": kb.actor_name()}
    if op == "note":
        return {**base, "text": _text_arg(args.text)}
    if op == "step":
        return {**base, "step": args.step_number, "result": args.result, "note": args.note,
                "playbook": args.playbook, "goto": args.goto, "emergency_plan": args.emergency_plan}
    if op == "status":
        return {**base, "status": args.status, "note": args.note, "close_reason": args.close_reason}
    return {**base, "summary": args.summary}


def _check_start(args: argparse.Namespace, kb: KnowledgeBase) -> None:
    """What can be checked on this desk is checked before the start is queued."""
    from kbapp.incidents.errors import IncidentError
    from kbapp.incidents.validate import MAX_TITLE_CHARS, check_category, check_channel, check_level, check_line

    check_line(args.title, "title", required=True, max_chars=MAX_TITLE_CHARS)
    check_level(args.level)
    check_category(args.category)
    check_channel(args.channel)
    for pid in args.playbook:
        if kb.get(pid) is None:
            raise IncidentError(f"playbook_id: no playbook {pid!r} in the library", field="playbook_id")


def numbered(kb: KnowledgeBase, ref: str) -> str:
    """``ref`` as the incident's number: an incident started offline is looked up by its uid
    (sent first when it is still in this desk's outbox and the server answers)."""
    from kbapp.incidents.errors import IncidentError
    from kbapp.incidents.service import looks_like_uid

    if not looks_like_uid(ref):
        return ref
    try:
        return str(kb.incidents.number_of(ref))
    except IncidentError:
        from kbapp.offline import pending_incident, send

        if pending_incident(kb.home.root, ref) is None:
            raise
        send(kb)  # the server answers: the start goes now, and gets its number
        return str(kb.incidents.number_of(ref))


def queued_offline(op: str, handler: Handler) -> Handler:
    """In team mode, with the server unreachable, the command goes into this desk's offline
    outbox (kbapp.offline) and ``kbapp sync`` sends it later, with the time it was made."""
    def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        from kbapp.store.db import StoreUnreachable

        try:
            if op != "start":
                args.id = numbered(kb, args.id)
            if kb.shares_database and kb.desk_incidents._server() is not None:
                return _local_first(handler, args, kb)
            return handler(args, kb)
        except StoreUnreachable as exc:
            if not kb.shares_database:
                raise
            from kbapp.offline import Outbox, queue

            if op == "start":
                _check_start(args, kb)
            item = queue(kb, op, offline_args(op, args, kb))[0]  # on this desk's copy first
            waiting = Outbox(kb.home.root).count()
            print(f"kbapp: offline ({exc}); queued, {waiting} waiting: 'kbapp sync' sends them", file=sys.stderr)
            if args.json:
                emit(redact_value({"queued": {"uid": item.uid, "op": op, "made_at": item.made_at.isoformat()},
                                   "waiting": waiting, **({"incident": {"uid": item.uid, "number": None}}
                                                          if op == "start" else {})}))
            elif op == "start":
                print(f"{PENDING} {item.uid}")
            else:
                print(f"queued {item.uid}")
            return 0
    return run


def local_first(handler: Handler) -> Handler:
    """A command naming no incident (``incident correct ACTION``): in team mode on this desk's
    copy and outbox first, sent at once while the server answers (kbapp.local_first)."""
    def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        return _local_first(handler, args, kb) if kb.shares_database else handler(args, kb)
    return run


def _local_first(handler: Handler, args: argparse.Namespace, kb: KnowledgeBase) -> int:
    """Team mode, the server answering: the command made on this desk's copy and kept in its
    outbox first, then sent at once (kbapp.local_first); said on stderr when the server
    stopped answering in between and it waits for the next sync."""
    incidents = kb.desk_incidents
    before = len(incidents.queued)
    code = handler(args, desk(kb))
    if len(incidents.queued) > before:
        from kbapp.offline import Outbox

        print(f"kbapp: offline ({incidents.offline_reason}); made on this desk's copy and queued, "
              f"{Outbox(kb.home.root).count()} waiting: 'kbapp sync' sends them", file=sys.stderr)
    return code


class DeskKB:
    """The knowledge base as a team desk's incident commands see it: its incidents local
    first (kbapp.local_first), everything else as it is."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self.incidents = kb.desk_incidents

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)


def desk(kb: KnowledgeBase) -> KnowledgeBase:
    return cast("KnowledgeBase", DeskKB(kb)) if kb.shares_database else kb


def _desk_number(kb: KnowledgeBase, ref: str) -> str:
    from kbapp.store.db import StoreUnreachable

    try:
        return numbered(kb, ref)
    except StoreUnreachable:
        return str(kb.desk_incidents.number_of(ref))  # this desk's copy knows it (or says it does not)


def by_number(handler: Handler) -> Handler:
    """Any other incident command, taking a number or an offline start's uid. In team mode
    with the server unreachable it works on this desk's copy, a change queued for the
    server (kbapp.local_first), said once on stderr."""
    def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        if not kb.shares_database:
            args.id = numbered(kb, args.id)
            return handler(args, kb)
        args.id = _desk_number(kb, args.id)
        incidents = kb.desk_incidents
        before = len(incidents.queued)
        code = handler(args, desk(kb))
        if len(incidents.queued) > before:
            from kbapp.offline import Outbox

            print(f"kbapp: offline ({incidents.offline_reason}); made on this desk's copy and queued, "
                  f"{Outbox(kb.home.root).count()} waiting: 'kbapp sync' sends them", file=sys.stderr)
        return code
    return run


def show_or_pending(handler: Handler) -> Handler:
    """``incident show``: an incident this desk started offline is shown from its outbox, as
    pending, while the server has not numbered it (or cannot be reached)."""
    def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        from kbapp.offline import pending_incident
        from kbapp.store.db import StoreUnreachable

        pending = pending_incident(kb.home.root, args.id)
        if pending is not None:
            try:
                args.id = numbered(kb, args.id)
            except StoreUnreachable as exc:
                print(f"kbapp: offline ({exc}); showing this desk's copy", file=sys.stderr)
                return _show_pending(args, pending)
        elif kb.shares_database:
            args.id = _desk_number(kb, args.id)
            return _said_offline(kb, lambda: handler(args, desk(kb)))
        else:
            args.id = numbered(kb, args.id)
        return handler(args, kb)
    return run


def _said_offline(kb: KnowledgeBase, run: Callable[[], int]) -> int:
    incidents = kb.desk_incidents
    incidents.offline_reason = ""
    code = run()
    if incidents.offline_reason:
        print(f"kbapp: offline ({incidents.offline_reason}); showing this desk's copy", file=sys.stderr)
    return code


def _show_pending(args: argparse.Namespace, p: PendingIncident) -> int:
    from kbapp.offline import describe

    if args.json:
        emit(redact_value({"incident": p.to_json()}))
        return 0
    print(f"#{PENDING} [{p.level}] {p.title}")
    print(f"  {p.uid}: started offline by {p.actor or '—'} at {p.made_at.isoformat(timespec='seconds')}; "
          f"the server gives it its number on the next 'kbapp sync'")
    print("\n离线记录 Logged offline")
    for q in p.queued:
        print(f"  {describe(q)}")
    return 0


def list_with_pending(handler: Handler) -> Handler:
    """``incident list``: this desk's pending incidents first, then the server's (or, offline,
    the pending ones alone, said once on stderr)."""
    def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        from kbapp.offline import pending_incidents
        from kbapp.store.db import StoreUnreachable

        pending = pending_incidents(kb.home.root) if kb.shares_database else []
        if kb.shares_database:  # this desk's copy has them too: not twice
            from kbapp.replica import LOCAL_BASE

            pending = [p for p in pending if not _on_copy(kb, p.uid, LOCAL_BASE)]
        if not pending:
            if kb.shares_database:
                return _said_offline(kb, lambda: handler(args, desk(kb)))
            return handler(args, kb)
        if args.json:
            try:
                from kbapp.incidents.deadlines import worst_state

                svc = kb.incidents
                rows = [{**i.to_json(), "deadline_state": worst_state(svc.deadlines(i))}
                        for i in svc.list(open_only=args.open)]
            except StoreUnreachable as exc:
                print(f"kbapp: offline ({exc}); showing this desk's copy", file=sys.stderr)
                rows = []
            emit(redact_value([p.to_json() for p in pending] + rows))
            return 0
        for p in pending:
            print(f"{'pending':>7}  {p.level:<3} {'':<16}   {p.title}  ({p.uid})")
        try:
            return handler(args, kb)
        except StoreUnreachable as exc:
            print(f"kbapp: offline ({exc}); showing this desk's copy", file=sys.stderr)
            return 0
    return run


def _on_copy(kb: KnowledgeBase, uid: str, base: int) -> bool:
    """An incident started offline that this desk's copy holds (and lists itself)."""
    from kbapp.incidents.errors import IncidentError

    try:
        return kb.replica.incidents.number_of(uid) >= base
    except IncidentError:
        return False
