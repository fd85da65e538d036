"""``kbapp watch`` (the deadline watcher) and ``kbapp notify check|test``.

``kbapp watch`` runs passes until Ctrl+C; ``--once`` runs one, for cron or a systemd
timer. Each pass escalates what is due on every open incident and sends the queued
notifications; it prints one line per escalation and per delivery, and warnings (an
empty chain, a broken notify.toml) on stderr. Exit status: 0, or 2 when the database
cannot be used. On a team desk whose server does not answer, the passes run on the desk's
copy (kbapp.incidents.desk_watch) and say so once. ``notify check|test`` read only the data
home's files, so they work offline too.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit as _emit
from kbapp.incidents.base import utc_now
from kbapp.incidents.escalation import chain_path, load_chain
from kbapp.notify.config import NotifyConfigError, config_path, load_config

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase
    from kbapp.incidents.watcher import PassResult


def register(subparsers: Subparsers) -> None:
    p = _add(subparsers, "watch", _watch,
             "watch every open incident's deadlines: escalate up the chain and notify (until Ctrl+C)")
    p.add_argument("--once", action="store_true", help="one pass, then exit (for cron or a systemd timer)")
    p.add_argument("--interval", type=float, metavar="SECONDS",
                   help="seconds between passes (default: notify.toml's [watch] interval_seconds, or 60)")

    notify = subparsers.add_parser("notify", help="check notify.toml or send a test message",
                                   description="E-mail and webhook notifications (notify.toml in the data home).")
    sub = notify.add_subparsers(dest="notify_command", metavar="ACTION", required=True)
    _add(sub, "check", _check, "read notify.toml and the escalation chain, and say what is wrong or what is set")
    p = _add(sub, "test", _test, "send a test message now over every channel (not logged on any incident)")
    p.add_argument("--to", metavar="NAME", help="a person of the escalation chain to e-mail (default: the first)")


OFFLINE = "offline"


def _pass_lines(result: PassResult) -> list[str]:
    lines = []
    for e in result.escalated:
        who = ", ".join(x for x in (e.person.role, e.person.phone) if x)
        what = "提醒 reminder" if e.step == 0 else f"第 {e.step} 级 level {e.step}"
        lines.append(f"#{e.incident_id} {e.summary} → {what}: {e.person.name}{' (' + who + ')' if who else ''}"
                     f"{'' if e.queued else ' [no channel in notify.toml: nobody was sent anything]'}")
    for d in result.deliveries:
        error = f": {d.error}" if d.error else ""
        lines.append(f"#{d.incident_id} {d.channel} {d.target} → {d.person}: {d.outcome}{error}")
    return lines


def _report(args: argparse.Namespace, result: PassResult, warned: set[str], kb: KnowledgeBase) -> None:
    if result.offline and OFFLINE not in warned:  # said once, until the server answers again
        warned.add(OFFLINE)
        reason = getattr(kb.desk_incidents, "offline_reason", "") or "the team server did not answer"
        print(f"kbapp: offline ({reason}): escalating from this desk's copy and sending from this desk; "
              f"the server gets each escalation at the next sync", file=sys.stderr)
    elif not result.offline:
        warned.discard(OFFLINE)
    for warning in result.warnings:
        if warning not in warned:  # a long-running watch says each warning once
            warned.add(warning)
            print(f"kbapp: warning: {warning}", file=sys.stderr)
    if args.json:
        _emit({"at": result.at.isoformat(),
               "open_incidents": [{"id": w.incident.id, "title": w.incident.title, "level": w.incident.level,
                                   "deadlines": [d.to_json() for d in w.running]} for w in result.incidents],
               "escalated": [{"incident_id": e.incident_id, "deadline": e.deadline_key, "step": e.step,
                              "person": e.person.name, "phone": e.person.phone, "reason": e.reason,
                              "action_id": e.action_id, "notifications_queued": e.queued}
                             for e in result.escalated],
               "deliveries": [{"notification_id": d.notification_id, "incident_id": d.incident_id,
                               "channel": d.channel, "target": d.target, "person": d.person,
                               "outcome": d.outcome, "error": d.error, "attempts": d.attempts}
                              for d in result.deliveries],
               "warnings": result.warnings})
    else:
        for line in _pass_lines(result):
            print(line, flush=True)


def _watch(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    watcher = kb.watcher()
    warned: set[str] = set()
    if args.once:
        _report(args, watcher.run_once(), warned, kb)
        return 0
    if not args.json:
        print(f"kbapp watch: watching open incidents in {kb.home.root} (Ctrl+C stops)", file=sys.stderr)
    try:
        watcher.run_forever(args.interval, lambda result: _report(args, result, warned, kb))
    except KeyboardInterrupt:
        watcher.stop()
    return 0


def _check(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    problems, lines = [], []
    try:
        config = load_config(config_path(kb.home.root))
    except NotifyConfigError as exc:
        problems.append(str(exc))
        config = None
    try:
        chain = load_chain(chain_path(kb.home.root))
    except ValueError as exc:
        problems.append(str(exc))
        chain = None
    if config is not None:
        if config.smtp is not None:
            lines.append(f"smtp: {config.smtp.host}:{config.smtp.port} from {config.smtp.sender} (tls {config.smtp.tls})")
        lines += [f"webhook: {w.target} ({w.format})" for w in config.webhooks]
        if not config.has_channels:
            lines.append(f"no channels: {config.source} is missing or empty; escalations are logged, not sent")
        lines.append(f"escalation: one level per {int(config.escalation_interval.total_seconds() // 60)} min")
    if chain is not None:
        if not chain.people:
            problems.append("the escalation chain is empty: nobody can be escalated to (see the README)")
        for person in chain.people:
            above = f" → {person.reports_to}" if person.reports_to else " (top)"
            lines.append(f"person: {person.name}{above}{' <' + person.email + '>' if person.email else ''}")
    if args.json:
        _emit({"ok": not problems, "problems": problems, "lines": lines})
    else:
        for line in lines:
            print(line)
        for problem in problems:
            print(f"kbapp: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _test(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from kbapp.notify.channels import DeliveryError, Message, send_email, send_webhook

    try:
        config = load_config(config_path(kb.home.root))
    except NotifyConfigError as exc:
        print(f"kbapp: {exc}", file=sys.stderr)
        return 1
    chain = load_chain(chain_path(kb.home.root))
    person = chain.get(args.to) if args.to else chain.on_duty
    if args.to and person is None:
        print(f"kbapp: --to: {args.to!r} is not in the escalation chain", file=sys.stderr)
        return 1
    now = utc_now()
    message = Message("[kbapp] 测试通知 test notification", "kbapp 通知测试 — notifications work.",
                      {"event": "test", "person": person.name if person else ""},
                      (person.phone,) if person and person.phone else ())
    results, failed = [], False
    if config.smtp is not None and person is not None and person.email:
        try:
            send_email(config.smtp, person.email, message, now)
            results.append(f"email {person.email}: sent")
        except DeliveryError as exc:
            results.append(f"email {person.email}: failed: {exc.reason}")
            failed = True
    for hook in config.webhooks:
        try:
            send_webhook(hook, message, now)
            results.append(f"webhook {hook.target}: sent")
        except DeliveryError as exc:
            results.append(f"webhook {hook.target}: failed: {exc.reason}")
            failed = True
    if not results:
        results.append("nothing to send: no webhook, and no [smtp] with a person that has an e-mail")
    for line in results:
        print(line)
    return 1 if failed else 0
