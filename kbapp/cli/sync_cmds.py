"""``kbapp sync``: copy what every desk wrote to the shared database into this data home's
library and index (kbapp.sync). Exit 0 when this desk is up to date, 2 when the database
cannot be reached (the desk keeps working on its local copy)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit as _emit

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase

# Commands that read the library or the index: in team mode they pull first when the
# server is reachable (kbapp.cli.main).
SYNC_BEFORE = frozenset({"search", "show", "playbook", "pack"})


def register(subparsers: Subparsers) -> None:
    _add(subparsers, "sync", _sync, "send what this desk did offline, then copy what the other desks wrote "
                                    "(reports, lessons, records, approved playbooks, imports, incidents) into "
                                    "this desk's library, index and copy of the incidents")


def _sync(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from kbapp.offline import send
    from kbapp.sync import SyncError

    sent = send(kb)  # what this desk did offline, first
    if sent.waiting:
        print(f"kbapp: offline: {sent.waiting} action(s) still waiting to be sent", file=sys.stderr)
        if args.json:
            _emit({"sent": sent.to_json(), "pulled": None})
        return 2
    from kbapp.store.db import StoreError

    try:
        result = kb.team.pull()
        copied = kb.replica.refresh(tables=True)  # this desk's copy of the incidents and the rest (kbapp.replica)
    except (SyncError, StoreError) as exc:
        print(f"kbapp: offline: {exc}", file=sys.stderr)
        return 2
    warn_skew(result.skew_s)
    for conflict in sent.conflicts:
        print(f"kbapp: {conflict}", file=sys.stderr)
    if args.json:
        _emit({"sent": sent.to_json(), "pulled": result.to_json(), "incidents_copied": copied})
    else:
        print(f"sent {sent.sent} offline action(s) ({sent.duplicates} already there, {len(sent.conflicts)} "
              f"conflict(s) flagged); {result.summary()}; {copied} incident(s) copied to this desk")
        for uid, number in sent.numbered.items():
            print(f"incident {uid} (started offline) is #{number}")
    return 0


_WARNED: list[str] = []
_OFFLINE: list[str] = []  # said on stderr by this command already: the desk is offline

# What this desk's copy answers while the server is unreachable (kbapp.replica, kbapp.library).
ON_THE_COPY = ("incident, report, lesson, record and change, search, show, watch, lint and index, and what "
               "is read of customers, visits, inspections, drills, playbook versions and the metrics")


# What the desk's copy answers of the commands on what the server holds (kbapp.copy_view):
# (command, action); the writes among them need the server.
COPY_READS = frozenset({
    ("metrics", None), ("service-report", None), ("customer", "list"), ("customer", "show"),
    ("visit", "plans"), ("visit", "due"), ("visit", "show"), ("visit", "list"),
    ("inspect", "plans"), ("inspect", "due"), ("inspect", "show"), ("inspect", "report"), ("inspect", "list"),
    ("drill", "show"), ("drill", "report"), ("drill", "list"), ("playbook", "versions"), ("playbook", "changes"),
})


def from_the_copy(kb: KnowledgeBase, exc: BaseException) -> KnowledgeBase:
    """The knowledge base on this desk's copy, for a read the server did not answer; said
    once on stderr."""
    if not _OFFLINE:
        print(f"kbapp: offline ({exc}); showing this desk's copy as of its last sync", file=sys.stderr)
    _OFFLINE.append("copy")
    kb.desk_incidents.went_offline(exc)
    return kb.replica.incidents.kb


def needs_server(command: str, exc: BaseException) -> int:
    """A write of what only the team server may change (customers, visit and inspection
    plans, visits, playbook changes), with the server unreachable: said once on stderr,
    with what works offline; exit 2, nothing changed."""
    said = "" if _OFFLINE else f"offline ({exc}): "  # once: a pull before it may have said it
    _OFFLINE.append(command)
    print(f"kbapp: {said}'kbapp {command}' needs the team server; nothing was changed. "
          f"Offline, this desk's copy answers {ON_THE_COPY}", file=sys.stderr)
    return 2


def warn_skew(seconds: float | None) -> None:
    """Once per command, on stderr: this desk's clock is more than a minute off the server's."""
    from kbapp.sync import skew_notice

    notice = skew_notice(seconds)
    if notice and not _WARNED:
        _WARNED.append(notice)
        print(f"kbapp: warning: {notice}", file=sys.stderr)


def check_clock(kb: KnowledgeBase) -> None:
    """Team mode, after a command that reached the server: the clocks compared (silent when
    the server stopped answering; the command said so itself)."""
    from kbapp.sync import SyncError

    try:
        warn_skew(kb.team.clock_skew())
    except SyncError:
        pass


def pull_before_reading(kb: KnowledgeBase) -> None:
    """Pull what changed when the server answers; said once on stderr when it does not."""
    from kbapp.sync import SyncError

    try:
        warn_skew(kb.team.pull().skew_s)
    except SyncError as exc:
        _OFFLINE.append("pull")
        print(f"kbapp: offline ({exc}); showing this desk's local copy", file=sys.stderr)
    except OSError as exc:
        print(f"kbapp: not synced ({exc.strerror or exc}); showing this desk's local copy", file=sys.stderr)
