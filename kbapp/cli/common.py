"""What every ``kbapp`` subcommand shares: ``--json``, output, and errors as one line each.

Exit status: 0 done, 1 bad input (the message names the field), 2 the database or a file
could not be used. Never a traceback for something the user can fix.
"""

from __future__ import annotations

import argparse
import builtins
import json
import sys
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kbapp.cli import failures
from kbapp.errors import KbError
from kbapp.redact import redact, redact_value

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase


# What ``register(subparsers)`` of a command module receives.
Subparsers = argparse._SubParsersAction
# A command: ``func(args, kb) -> exit status``.
Handler = Callable[[argparse.Namespace, "KnowledgeBase"], int]


def add(sub: Subparsers, name: str, handler: Handler, help_text: str, json_flag: bool = True) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=guarded(handler))
    return parser


def guarded(handler: Handler) -> Handler:
    """The handler with its errors told as kbapp.cli.failures says (main does the same
    for every command; this keeps a handler called directly, as tests do, the same)."""

    def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        try:
            return handler(args, kb)
        except (KbError, OSError) as exc:
            from kbapp.store.db import StoreUnreachable  # imported already: the store met the error

            if isinstance(exc, StoreUnreachable) and kb.shares_database:  # what only the team server holds
                from kbapp.cli.sync_cmds import COPY_READS, from_the_copy, needs_server

                command = getattr(args, "command", None) or ""
                action = getattr(args, f"{command.replace('-', '_')}_command", None)
                if (command, action) in COPY_READS:  # a read: the desk's copy answers it
                    try:
                        return handler(args, from_the_copy(kb, exc))
                    except (KbError, OSError) as again:
                        return failures.report(again)
                return needs_server(f"{command} {action}" if action else command, exc)
            return failures.report(exc)

    return run


def emit(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def emit_redacted(data: object) -> None:
    """JSON out with every string redacted: what people typed carries customers' passwords
    (DOMAIN.md 4.2); only an explicit export with --no-redact shows them."""
    emit(redact_value(data))


def print_redacted(*parts: object, **kwargs: Any) -> None:
    """``print`` with every part redacted; the commands that show what people typed use it."""
    builtins.print(*(redact(str(p)) for p in parts), **kwargs)


def pad(text: str, width: int) -> str:
    # Chinese characters take two columns in a terminal.
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 0)
