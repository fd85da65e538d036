"""``kbapp metrics``: whether the plan's promises were kept, per fault level (kbapp.reports.metrics).

Dates are days of the local time zone; ``--to`` is included. Exit status 1 for a bad
date, 2 when the database cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kbapp.cli.common import add as _add
from kbapp.cli.common import emit as _emit
from kbapp.cli.common import pad

if TYPE_CHECKING:
    from kbapp.cli.common import Subparsers
    from kbapp.facade import KnowledgeBase


def register(subparsers: Subparsers) -> None:
    p = _add(subparsers, "metrics", _metrics,
             "service figures per fault level: responses, plans, resolutions and reports on time, MTTA/MTTR")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD), local time")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, included (YYYY-MM-DD)")
    p.add_argument("--month", metavar="YYYY-MM", help="one calendar month (instead of --from/--to)")
    p.add_argument("--customer", metavar="NAME", help="one customer's incidents (客户单位)")
    r = _add(subparsers, "service-report", _service_report,
             "one customer's monthly service report (系统运行状况分析报告) as Markdown or PDF", json_flag=False)
    r.add_argument("--customer", required=True, metavar="NAME", help="the customer (客户单位)")
    r.add_argument("--month", required=True, metavar="YYYY-MM")
    r.add_argument("--output", "-o", metavar="FILE", help="write it to FILE (.pdf for a PDF; else Markdown); "
                                                         "default: Markdown on stdout")
    r.add_argument("--suggestions", metavar="FILE", help="the improvement suggestions, Markdown "
                                                        "(default: pre-filled from recurring faults and failed steps)")


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).astimezone()  # the machine's zone, DST included


def _day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def period(args: argparse.Namespace) -> tuple[dt.datetime | None, dt.datetime | None]:
    if args.month:
        from kbapp.reports.metrics import month_bounds

        try:
            return month_bounds(args.month)
        except ValueError as exc:
            raise ValueError(f"--{exc}") from None
    start = _local_midnight(_day(args.start, "--from")) if args.start else None
    end = _local_midnight(_day(args.end, "--to") + dt.timedelta(days=1)) if args.end else None
    return start, end


def _percent(rate: float | None) -> str:
    from kbapp.reports.metrics_text import format_rate

    return format_rate(rate)


def _minutes(seconds: float | None) -> str:
    from kbapp.reports.metrics_text import format_seconds

    return format_seconds(seconds)


COLUMNS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("incidents", "故障数 incidents", str),
    ("response_on_time_rate", "30分钟响应 response", _percent),
    ("plan_on_time_rate", "方案 plan", _percent),
    ("resolution_on_time_rate", "解决 resolution", _percent),
    ("report_on_time_rate", "报告 report", _percent),
    ("mtta_median_s", "MTTA 中位", _minutes),
    ("mttr_median_s", "MTTR 中位", _minutes),
)


def _metrics(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    try:
        start, end = period(args)
    except ValueError as exc:
        print(f"kbapp: {exc}", file=sys.stderr)
        return 1
    figures = kb.metrics(start, end, customer=args.customer)
    figures["from"] = start.isoformat() if start else None
    figures["to"] = end.isoformat() if end else None  # exclusive
    if args.json:
        _emit(figures)
        return 0
    widths = [10] + [max(12, len(title) + 2) for _, title, _ in COLUMNS]
    print(pad("级别 level", widths[0]) + "".join(pad(title, w) for (_, title, _), w in zip(COLUMNS, widths[1:], strict=True)))
    rows = [(level, figures["levels"][level]) for level in figures["levels"]] + [("all 合计", figures["overall"])]
    for name, bucket in rows:
        print(pad(name, widths[0]) + "".join(pad(fmt(bucket[key]), w)
                                             for (key, _, fmt), w in zip(COLUMNS, widths[1:], strict=True)))
    missed = figures["overall"]["missed"]
    for key, ids in missed.items():
        if ids:
            print(f"missed {key}: " + ", ".join(f"#{i}" for i in ids))
    return 0


def _service_report(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    from pathlib import Path

    from kbapp.fsutil import atomic_write_text

    suggestions = None
    if args.suggestions:
        try:
            suggestions = Path(args.suggestions).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"kbapp: --suggestions: {args.suggestions}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            return 1
    try:
        report = kb.service_report(args.customer, args.month)
    except ValueError as exc:
        print(f"kbapp: --{exc}", file=sys.stderr)
        return 1
    markdown = report.markdown(suggestions)
    if not args.output:
        sys.stdout.write(markdown)
        return 0
    out = Path(args.output)
    if out.suffix.lower() == ".pdf":
        from kbapp.gui.pdf import print_pdf  # QtGui only: an offscreen application, no window classes

        pages = print_pdf(out, markdown=markdown, title=report.title)
        print(f"{out} ({pages} pages)")
    else:
        atomic_write_text(out, markdown)
        print(out)
    return 0
