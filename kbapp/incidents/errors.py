"""The one exception the incident layer raises for anything the user can fix."""

from __future__ import annotations

from kbapp.errors import KbError


class IncidentError(KbError, ValueError):
    """Bad input or a forbidden change. The message names the field and is shown as is.

    Raised before anything is written: an operation that raises changed nothing.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, field=field)
