"""``kbapp`` command line. With no subcommand it opens the desktop window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from kbapp.home import HomeError

# Each module registers its subcommands; a handler is ``func(args, kb) -> int``.
_COMMAND_MODULES = (
    "kbapp.cli.library_cmds",
    "kbapp.cli.incident_cmds",
    "kbapp.cli.report_cmds",
    "kbapp.cli.record_cmds",
    "kbapp.cli.drill_cmds",
    "kbapp.cli.watch_cmds",
    "kbapp.cli.engineer_cmds",
    "kbapp.cli.change_cmds",
    "kbapp.cli.plan_cmds",
    "kbapp.cli.metrics_cmds",
    "kbapp.cli.sync_cmds",
    "kbapp.cli.customer_cmds",
    "kbapp.cli.backup_cmds",
)

# The top-level commands each module registers, so that running one imports its module
# alone (``kbapp search`` needs neither SQLAlchemy nor the incident service). A command
# missing here still works: every module is imported for it (tests/test_cli_fast.py
# checks that this table says what the modules register).
_COMMANDS = {
    "search": "kbapp.cli.library_cmds", "import": "kbapp.cli.library_cmds", "index": "kbapp.cli.library_cmds",
    "lint": "kbapp.cli.library_cmds", "show": "kbapp.cli.library_cmds",
    "incident": "kbapp.cli.incident_cmds",
    "report": "kbapp.cli.report_cmds", "lesson": "kbapp.cli.report_cmds", "playbook": "kbapp.cli.report_cmds",
    "record": "kbapp.cli.record_cmds",
    "drill": "kbapp.cli.drill_cmds", "pack": "kbapp.cli.drill_cmds", "inspect": "kbapp.cli.drill_cmds",
    "watch": "kbapp.cli.watch_cmds", "notify": "kbapp.cli.watch_cmds",
    "engineer": "kbapp.cli.engineer_cmds",
    "change": "kbapp.cli.change_cmds",
    "visit": "kbapp.cli.plan_cmds",
    "metrics": "kbapp.cli.metrics_cmds", "service-report": "kbapp.cli.metrics_cmds",
    "sync": "kbapp.cli.sync_cmds",
    "customer": "kbapp.cli.customer_cmds",
    "backup": "kbapp.cli.backup_cmds", "restore": "kbapp.cli.backup_cmds",
}


def _global_options(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]] | None:
    """(the options before the command, what follows them), read without building the
    full parser; None when they do not parse."""
    quick = argparse.ArgumentParser(add_help=False)
    quick.add_argument("--home")
    quick.add_argument("--db")
    quick.add_argument("--actor")
    try:
        return quick.parse_known_args(argv)
    except SystemExit:
        return None


def _command_module(argv: Sequence[str]) -> str | None:
    """The module of the command ``argv`` asks for, when it is known; None for the rest
    (``--help``, a typo, a command not in the table)."""
    parsed = _global_options(argv)
    rest = parsed[1] if parsed else []
    return _COMMANDS.get(rest[0]) if rest else None


def _version() -> str:
    """The installed distribution's version (pyproject.toml), else the package's own."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kbapp")
    except PackageNotFoundError:
        from kbapp import __version__

        return __version__


class _VersionAction(argparse.Action):
    """``--version``, reading the installed version only when asked (importlib.metadata
    takes ~20 ms to import and search the installed distributions)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str = "show the version and exit") -> None:  # noqa: A002
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"kbapp {_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def _import_command_module(name: str) -> ModuleType:
    """The command module ``name``, imported by a plain import statement (not importlib by
    name): a frozen app (PyInstaller) bundles exactly what the code imports, and a module
    that fails to import is an error, never a command that silently disappears."""
    if name == "kbapp.cli.library_cmds":
        from kbapp.cli import library_cmds

        return library_cmds
    if name == "kbapp.cli.incident_cmds":
        from kbapp.cli import incident_cmds

        return incident_cmds
    if name == "kbapp.cli.report_cmds":
        from kbapp.cli import report_cmds

        return report_cmds
    if name == "kbapp.cli.record_cmds":
        from kbapp.cli import record_cmds

        return record_cmds
    if name == "kbapp.cli.drill_cmds":
        from kbapp.cli import drill_cmds

        return drill_cmds
    if name == "kbapp.cli.watch_cmds":
        from kbapp.cli import watch_cmds

        return watch_cmds
    if name == "kbapp.cli.engineer_cmds":
        from kbapp.cli import engineer_cmds

        return engineer_cmds
    if name == "kbapp.cli.change_cmds":
        from kbapp.cli import change_cmds

        return change_cmds
    if name == "kbapp.cli.plan_cmds":
        from kbapp.cli import plan_cmds

        return plan_cmds
    if name == "kbapp.cli.metrics_cmds":
        from kbapp.cli import metrics_cmds

        return metrics_cmds
    if name == "kbapp.cli.sync_cmds":
        from kbapp.cli import sync_cmds

        return sync_cmds
    if name == "kbapp.cli.customer_cmds":
        from kbapp.cli import customer_cmds

        return customer_cmds
    if name == "kbapp.cli.backup_cmds":
        from kbapp.cli import backup_cmds

        return backup_cmds
    # A module added without its lines here (tests/test_cli_fast.py says so); the spec bundles all.
    import importlib

    return importlib.import_module(name)


def build_parser(modules: Sequence[str] = _COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kbapp",
        description="Offline knowledge base and emergency playbooks for IT operations support.",
    )
    parser.add_argument("--home", metavar="DIR", help="data home (default: $KBAPP_HOME or the user data folder)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $KBAPP_DB or SQLite in the home)")
    parser.add_argument("--actor", metavar="NAME",
                        help="who is acting, for the action log (default: $KBAPP_ACTOR, else the data home's "
                             "engineer — see 'kbapp engineer' — else the login name)")
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        _import_command_module(name).register(sub)
    return parser


def _sync_before() -> frozenset[str]:
    from kbapp.cli.sync_cmds import SYNC_BEFORE

    return SYNC_BEFORE


def _window_args(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """``--home``/``--db`` when nothing else is asked: the window opens without importing
    every command module (a third of a second of cold start)."""
    parsed = _global_options(argv)
    return parsed[0] if parsed and not parsed[1] else None


def main(argv: Sequence[str] | None = None) -> int:
    from kbapp.cli.console import prepare_streams
    from kbapp.logs import install_log_redaction

    prepare_streams()  # UTF-8 into files and pipes; no console at all in a windowed executable

    install_log_redaction()  # no customer secret in any log line, window or command
    window = _window_args(sys.argv[1:] if argv is None else argv)
    if window is not None:
        from kbapp.gui.app import run_gui

        return run_gui(home=window.home, db=window.db)
    module = _command_module(sys.argv[1:] if argv is None else argv)
    parser = build_parser((module,) if module else _COMMAND_MODULES)
    args = parser.parse_args(argv)
    if args.command is None:
        from kbapp.gui.app import run_gui

        return run_gui(home=args.home, db=args.db)
    from kbapp.cli import failures
    from kbapp.facade import KnowledgeBase

    try:
        # A command asks few queries: the index files are read as needed, not mapped and copied.
        kb = KnowledgeBase.open(home=args.home, db_url=args.db, index_mmap=False)
    except HomeError as exc:
        return failures.report(exc)
    if kb.home.read_only:  # said once; nothing, not even the log, is written into it
        print(f"kbapp: {kb.home.read_only_notice()}", file=sys.stderr)
    else:
        from kbapp.logs import configure_logging

        configure_logging(kb.home.root)
    import os

    from kbapp.identity import ENV_ACTOR

    kb.actor_override = (args.actor or os.environ.get(ENV_ACTOR) or "").strip() or None
    try:
        if kb.shares_database:
            from kbapp.cli import sync_cmds

            sync_cmds._WARNED.clear()  # said once per command (tests run many in one process)
            sync_cmds._OFFLINE.clear()
            if args.command in _sync_before():
                sync_cmds.pull_before_reading(kb)  # team mode: what the other desks wrote, when the server answers
        status = int(args.func(args, kb) or 0)
        if kb.shares_database and args.command not in (*_sync_before(), "sync") and kb._store is not None:
            from kbapp.cli import sync_cmds

            sync_cmds.check_clock(kb)  # the server answered this command: are the clocks a minute apart?
        return status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head and the like
        from kbapp.cli.console import silence_stdout

        silence_stdout()
        return 0
    except Exception as exc:  # every command alike: one line, the exit status, a bug logged
        return failures.report(exc, where=f"kbapp {args.command}")
    finally:
        kb.close()
