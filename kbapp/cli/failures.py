"""How a command's failure is told: one line per problem on stderr, and the exit status.

0 done; 1 bad input or a refused change (the message names the field); 2 the database,
the index, the data home or a file cannot be used, or kbapp itself failed (then its
traceback is in the data home's log file, kbapp.logs, and the line says where). Never a
traceback on the terminal. Light on purpose: ``kbapp search`` imports it.
"""

from __future__ import annotations

import sys
from typing import TextIO

from kbapp.errors import KbError


def report(exc: BaseException, where: str = "kbapp", stream: TextIO | None = None) -> int:
    """Print ``exc`` for the user and return the exit status; logs it when it is a bug."""
    out = stream or sys.stderr
    if isinstance(exc, KbError):
        problems: list[object] = []
        if getattr(exc, "problems", None):  # a report's missing fields (never imported by a search)
            from kbapp.reports.errors import ReportError

            problems = list(exc.problems) if isinstance(exc, ReportError) else []
        for line in [str(p) for p in problems] or [str(exc) or type(exc).__name__]:
            print(f"kbapp: {line}", file=out)  # each missing report field on its own line
        return exc.exit_code
    if isinstance(exc, OSError):
        path = exc.filename
        where_file = f"{path}: " if path else ""
        print(f"kbapp: {where_file}{exc.strerror or exc}", file=out)
        return 2
    from kbapp.logs import current_log_file, log_unexpected
    from kbapp.redact import redact

    log_unexpected(exc, where)
    log = current_log_file()
    print(f"kbapp: unexpected error ({type(exc).__name__}: {redact(str(exc))})"
          + (f"; the details are in {log}" if log else ""), file=out)
    return 2
