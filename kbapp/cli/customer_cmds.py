"""``kbapp customer``: the customers served, their systems and warranties (kbapp.plan.customers).

``kbapp customer add NAME [--system S]... [--accepted YYYY-MM-DD] [--warranty-years N]``
adds a customer or updates it; ``list`` and ``show NAME`` print them. Exit 1 for bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit as _emit
from kbapp.cli.common import pad

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase
    from kbapp.plan.customers import Customer


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser("customer", help="customers (客户单位), their systems (业务系统) and warranty (质保期)")
    sub = p.add_subparsers(dest="customer_command", required=True, metavar="COMMAND")
    a = _add(sub, "add", _add_customer, "add a customer, or add systems / set its acceptance date")
    a.add_argument("name", help="the customer's organisation")
    a.add_argument("--system", action="append", default=[], metavar="NAME", help="a business system (repeatable)")
    a.add_argument("--accepted", metavar="DATE", help="acceptance date (验收, YYYY-MM-DD): the warranty starts")
    a.add_argument("--warranty-years", type=int, metavar="N", help="warranty length in years (default 3)")
    _add(sub, "list", _list, "list the customers")
    s = _add(sub, "show", _show, "one customer, its systems and warranty")
    s.add_argument("name")


def _print(customer: Customer) -> None:
    ends = customer.warranty_ends
    today = dt.date.today()
    if ends is None:
        warranty = "质保期未知 warranty unknown (no acceptance date)"
    else:
        inside = "质保期内 in warranty" if customer.in_warranty(today) else "质保期外 out of warranty"
        warranty = f"{inside}: {customer.accepted_on} → {ends} ({customer.warranty_years} y)"
    print(f"{pad(customer.name, 30)} {warranty}")
    if customer.systems:
        print(f"  业务系统 systems: {', '.join(customer.systems)}")


def _add_customer(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    accepted = None
    if args.accepted:
        try:
            accepted = dt.date.fromisoformat(args.accepted)
        except ValueError:
            print(f"kbapp: --accepted: {args.accepted!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
            return 1
    customer = kb.customers.save(args.name, systems=args.system, accepted_on=accepted,
                                 warranty_years=args.warranty_years)
    if args.json:
        _emit(customer.to_json())
    else:
        _print(customer)
    return 0


def _list(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    customers = kb.customers.list()
    if args.json:
        _emit([c.to_json() for c in customers])
    elif not customers:
        print("no customers yet (kbapp customer add NAME, or incident start --customer NAME)")
    for customer in customers if not args.json else ():
        _print(customer)
    return 0


def _show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    customer = kb.customers.get(args.name)
    if customer is None:
        print(f"kbapp: customer: no customer named {args.name!r}", file=sys.stderr)
        return 1
    if args.json:
        _emit(customer.to_json())
    else:
        _print(customer)
    return 0
