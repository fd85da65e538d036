"""The error the report layer raises for anything the user can fix."""

from __future__ import annotations

from dataclasses import dataclass

from kbapp.errors import KbError


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ReportError(KbError, ValueError):
    """Bad input or a refused change; ``problems`` holds one message per field.

    Raised before anything is written: an operation that raises changed nothing.
    """

    def __init__(self, message: str | list[FieldProblem], *, field: str | None = None):
        if isinstance(message, list):
            self.problems = message
            text = "; ".join(str(p) for p in message)
        else:
            self.problems = [FieldProblem(field or "", message)] if field else []
            text = message
        super().__init__(text)
        self.field = field or (self.problems[0].field if self.problems else None)
