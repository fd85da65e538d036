"""``kbapp`` command line. With no subcommand it opens the desktop window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kbapp.home import HomeError

# Each module registers its subcommands; a handler is ``func(args, kb) -> int``.
_COMMAND_MODULES = (
    "kbapp.cli.library_cmds",
    "kbapp.cli.incident_cmds",
    "kbapp.cli.report_cmds",
    "kbapp.cli.record_cmds",
    "kbapp.cli.drill_cmds",
    "kbapp.cli.watch_cmds",
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="kbapp",
        description="Offline knowledge base and emergency playbooks for IT operations support.",
    )
    parser.add_argument("--home", metavar="DIR", help="data home (default: $KBAPP_HOME or the user data folder)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $KBAPP_DB or SQLite in the home)")
    parser.add_argument("--version", action="version", version="kbapp 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def _window_args(argv: Sequence[str] | None):
    """``--home``/``--db`` when nothing else is asked: the window opens without importing
    every command module (a third of a second of cold start)."""
    quick = argparse.ArgumentParser(add_help=False)
    quick.add_argument("--home")
    quick.add_argument("--db")
    try:
        args, rest = quick.parse_known_args(argv)
    except SystemExit:
        return None
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    window = _window_args(sys.argv[1:] if argv is None else argv)
    if window is not None:
        from kbapp.gui.app import run_gui

        return run_gui(home=window.home, db=window.db)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from kbapp.gui.app import run_gui

        return run_gui(home=args.home, db=args.db)
    from kbapp.facade import KnowledgeBase

    try:
        kb = KnowledgeBase.open(home=args.home, db_url=args.db)
    except HomeError as exc:
        print(f"kbapp: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, kb) or 0)
    except HomeError as exc:
        print(f"kbapp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head and the like
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        kb.close()
