"""KbError: the one base of every error kbapp raises for something a person can act on.

Each carries what it concerns: ``field`` (the input field, as the command line and the
forms name it) and/or ``path`` (the file). ``exit_code`` is what ``kbapp`` exits with:
1 for bad input or a refused change, 2 when the database, the index or a file cannot be
used. Anything else that escapes is a bug: the command line and the window log its
traceback to the data home's log file (kbapp.logs) and say where.
"""

from __future__ import annotations

import os


class KbError(Exception):
    """Something a person can fix; the message is shown as is, in one line."""

    exit_code = 1

    def __init__(self, message: str = "", *, field: str | None = None,
                 path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.path = path


class KbEnvironmentError(KbError):
    """The database, the index, the data home or a configuration file cannot be used."""

    exit_code = 2


class NotFoundError(KbError, KeyError):
    """No document (or record) with that id. Still a KeyError, for the callers that
    caught one before there was a common base."""

    def __str__(self) -> str:  # KeyError's would quote the message
        return str(self.args[0]) if self.args else ""
