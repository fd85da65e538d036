"""Input checks for the incident layer: each returns the cleaned value or raises
IncidentError naming the field. Pure; nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

from kbapp.incidents import types as itypes
from kbapp.incidents.errors import IncidentError
from kbapp.model import CATEGORIES, LEVELS

MAX_TEXT_BYTES = 64 * 1024
MAX_TITLE_CHARS = 200
MAX_NAME_CHARS = 100
_LEVEL_ALIASES = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_CHANNEL_ALIASES = {"on-site": "onsite", "on_site": "onsite", "电话": "phone", "远程": "remote", "现场": "onsite",
                    "咨询": "consultation"}


def default_actor() -> str:
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no login name at all (some containers): still log who we can
        return "unknown"


def check_text(value: Any, name: str, *, required: bool = False, max_bytes: int = MAX_TEXT_BYTES) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise IncidentError(f"{name}: must be text", field=name)
    if required and not value.strip():
        raise IncidentError(f"{name}: must not be empty", field=name)
    if "\x00" in value:
        raise IncidentError(f"{name}: contains a NUL character", field=name)
    size = len(value.encode("utf-8"))
    if size > max_bytes:
        raise IncidentError(f"{name}: {size:,} bytes is over the limit of {max_bytes // 1024} KiB", field=name)
    return value


def check_line(value: Any, name: str, *, required: bool = False, max_chars: int = MAX_NAME_CHARS) -> str:
    value = check_text(value, name, required=required).strip()
    if "\n" in value or "\r" in value:
        raise IncidentError(f"{name}: must be a single line", field=name)
    if len(value) > max_chars:
        raise IncidentError(f"{name}: longer than {max_chars} characters", field=name)
    return value


def check_level(value: Any) -> str:
    level = _LEVEL_ALIASES.get(str(value).strip(), str(value).strip().upper())
    if level not in LEVELS:
        raise IncidentError(f"level: {value!r} is not a fault level; use I, II, III or IV", field="level")
    return level


def check_category(value: Any) -> str:
    text = check_line(value, "category")
    if not text or text in CATEGORIES:
        return text
    for key, (zh, en) in CATEGORIES.items():
        if text in (zh, en) or text.lower() == en.lower():
            return key
    raise IncidentError(f"category: {text!r} is not one of {', '.join(CATEGORIES)}", field="category")


def check_channel(value: Any) -> str:
    text = check_line(value or "phone", "channel").lower()
    text = _CHANNEL_ALIASES.get(text, text)
    if text not in itypes.CHANNELS:
        raise IncidentError(f"channel: {value!r} is not one of {', '.join(itypes.CHANNELS)}", field="channel")
    return text


def check_id(value: Any, name: str = "incident_id") -> int:
    """A positive whole number: an incident, action or step number (also given as text)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise IncidentError(f"{name}: must be a whole number", field=name)
    try:
        number = int(value)
    except ValueError:
        raise IncidentError(f"{name}: {value!r} is not a number", field=name) from None
    if number <= 0:
        raise IncidentError(f"{name}: {value!r} must be 1 or more", field=name)
    return number


_INSPECTION_ALIASES = {"passed": itypes.PASS, "ok": itypes.PASS, "通过": itypes.PASS, "failed": itypes.FAIL,
                       "不通过": itypes.FAIL, "n/a": itypes.NA, "n.a.": itypes.NA, "n.a": itypes.NA, "不适用": itypes.NA}


def check_result(value: Any, mode: str = itypes.MODE_INCIDENT) -> str:
    """A step result: done, skipped or failed (skip and fail are accepted too); in an
    inspection, an item's result instead: pass, fail or na (n/a, 通过/不通过/不适用 too)."""
    text = str(value).strip().lower()
    if mode == itypes.MODE_INSPECTION:
        text = _INSPECTION_ALIASES.get(text, text)
        if text not in itypes.INSPECTION_RESULTS:
            raise IncidentError(f"result: {value!r} is not one of {', '.join(itypes.INSPECTION_RESULTS)}",
                                field="result")
        return text
    text = {"skip": itypes.SKIPPED, "fail": itypes.FAILED}.get(text, text)
    if text not in itypes.STEP_RESULTS:
        raise IncidentError(f"result: {value!r} is not one of {', '.join(itypes.STEP_RESULTS)}", field="result")
    return text


def check_answer(value: Any) -> bool:
    """Yes or no (also 是/否, y/n, true/false)."""
    word = ("yes" if value else "no") if isinstance(value, bool) else str(value).strip().lower()
    if word in ("yes", "y", "true", "是"):
        return True
    if word in ("no", "n", "false", "否"):
        return False
    raise IncidentError(f"answer: {value!r} is not yes or no", field="answer")


def check_notified_at(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When the customer notified us: defaults to now, never in the future."""
    if value is None:
        return now
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise IncidentError("notified_at: must be a date and time with a time zone", field="notified_at")
    value = value.astimezone(dt.UTC)
    if value > now + dt.timedelta(minutes=5):
        raise IncidentError("notified_at: is in the future", field="notified_at")
    return value


def parse_when(text: Any, now: dt.datetime, name: str = "notified_at", tz: dt.tzinfo | None = None) -> dt.datetime:
    """A time given on the command line: ISO 8601 (``2026-03-02T02:40+08:00``; without an
    offset it is local time), or ``HH:MM`` for today in local time. ``HH:MM`` later than
    ``now`` means yesterday: a call at 23:50 logged at 00:10."""
    raw = str(text or "").strip()
    local_now = now.astimezone(tz)
    try:
        if len(raw) <= 5 and ":" in raw:
            clock = dt.time.fromisoformat(raw.zfill(5))
            value = dt.datetime.combine(local_now.date(), clock, tzinfo=local_now.tzinfo)
            if value > local_now + dt.timedelta(minutes=5):
                value -= dt.timedelta(days=1)
        else:
            value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if value.tzinfo is None:
                value = value.replace(tzinfo=tz) if tz is not None else value.astimezone()
    except ValueError:
        raise IncidentError(f"{name}: {raw!r} is not a time; use ISO 8601 (2026-03-02T02:40+08:00) or HH:MM "
                            f"for today", field=name) from None
    return value.astimezone(dt.UTC)
