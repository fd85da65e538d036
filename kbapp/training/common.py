"""Helpers the drill, inspection and pack exports share: redaction, Markdown to HTML
for PDF, durations, and the small Markdown building blocks.

Reports leave the building (they are printed and mailed), so they are redacted by
default: customers' passwords and core parameters must not spread (DOMAIN.md, ch. 4.2).
"""

from __future__ import annotations

import datetime as dt
import html

from kbapp.incidents.export import md_escape
from kbapp.incidents.redaction import redacted_action, redacted_incident  # noqa: F401 (re-exported)
from kbapp.redact import redact
from kbapp.redact import redact_value as _redact_value
from kbapp.render import sanitize_markdown

# Added to kbapp.gui.pdf's print style (fonts come from there, so Chinese never boxes).
REPORT_CSS = """
h1 { font-size: 16pt; }
blockquote { background-color: #fff3e0; color: #8a3c00; }
"""


def redact_text(text: str) -> str:
    """``kbapp.redact.redact``: passwords, keys and the like masked before a report leaves."""
    return redact(text)


# One redaction everywhere: the same functions as the timeline exports and ``incident show``.
redact_value = _redact_value


def markdown_to_html(markdown_text: str, title: str) -> str:
    """A whole HTML page for a Markdown report, sanitised like every rendered document;
    styled by REPORT_CSS given to the PDF writer."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body>{sanitize_markdown(markdown_text)}</body></html>")


def format_seconds(seconds: float | None) -> str:
    """``12:05`` (minutes:seconds), ``1:02:05`` past an hour; "" for None."""
    if seconds is None:
        return ""
    total = int(round(max(seconds, 0)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_minutes(minutes: float | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes:g} 分钟 min"


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table; every cell is escaped (engineers' notes may hold anything)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(md_escape(str(c)) for c in row) + " |" for row in rows]
    return lines


def local_time(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    from kbapp.incidents.export import format_time

    return format_time(value, tz)
