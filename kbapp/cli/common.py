"""What every ``kbapp`` subcommand shares: ``--json``, output, and errors as one line each.

Exit status: 0 done, 1 bad input (the message names the field), 2 the database or a file
could not be used. Never a traceback for something the user can fix.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from kbapp.incidents.errors import IncidentError
from kbapp.reports.errors import ReportError
from kbapp.store.db import StoreError

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
    def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
        try:
            return handler(args, kb)
        except IncidentError as exc:  # problem-record errors included
            print(f"kbapp: {exc}", file=sys.stderr)
            return 1
        except ReportError as exc:
            for problem in list[object](exc.problems) or [exc]:  # each missing report field on its own line
                print(f"kbapp: {problem}", file=sys.stderr)
            return 1
        except StoreError as exc:
            print(f"kbapp: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"kbapp: {where}{exc.strerror or exc}", file=sys.stderr)
            return 2

    return run


def emit(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def pad(text: str, width: int) -> str:
    # Chinese characters take two columns in a terminal.
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 0)
