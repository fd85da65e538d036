"""``kbapp engineer``: who this data home's actions are logged as (kbapp.identity).

``kbapp engineer`` shows the name in use and where it comes from; ``kbapp engineer set
NAME [--role ROLE]`` names the engineer of the data home, as the window asks on its first
start. ``--actor NAME`` or ``$KBAPP_ACTOR`` override it for one command.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit as _emit
from kbapp.cli.common import guarded
from kbapp.identity import ENV_ACTOR, engineer_path

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase


def register(subparsers: Subparsers) -> None:
    engineer = subparsers.add_parser("engineer", help="who is acting: the data home's engineer (name and role)",
                                     description="Show or set who this data home's actions are logged as.")
    sub = engineer.add_subparsers(dest="engineer_command", metavar="ACTION")
    engineer.add_argument("--json", action="store_true", help="print JSON")
    engineer.set_defaults(func=guarded(_show))
    _add(sub, "show", _show, "the name actions are logged as, and where it comes from")
    p = _add(sub, "set", _set, "name the engineer of this data home")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", default="", help="e.g. 值班工程师 On-duty engineer")


def _source(args: argparse.Namespace, kb: KnowledgeBase) -> str:
    if args.actor:
        return "--actor"
    if os.environ.get(ENV_ACTOR, "").strip():
        return f"${ENV_ACTOR}"
    return str(engineer_path(kb.home.root)) if kb.engineer is not None else "login name"


def _show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    engineer = kb.engineer
    data = {"actor": kb.actor_name(), "source": _source(args, kb),
            "engineer": engineer.to_json() if engineer is not None else None}
    if args.json:
        _emit(data)
        return 0
    print(f"{data['actor']}  ({data['source']})")
    if engineer is not None and engineer.role:
        print(f"role: {engineer.role}")
    return 0


def _set(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    engineer = kb.set_engineer(args.name, args.role)
    if args.json:
        _emit(engineer.to_json())
    else:
        print(f"engineer: {engineer.label} ({engineer_path(kb.home.root)})")
    return 0
