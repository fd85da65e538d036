"""The fields of the fault handling report (故障处理报告) and their checks.

DOMAIN.md (ch. 4.1): within 24 hours after a fault is solved, a report states the
fault type (故障种类), cause (故障原因), the method used to solve it (解决方法) and
the loss caused (故障损失). The issue adds level, the four times, place, reporter
and description. Times are text in the form the app shows them
(``2026-03-01 14:05:09 +08:00``); ISO 8601 is accepted too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kbapp.model import LEVELS
from kbapp.reports.errors import FieldProblem


@dataclass(frozen=True)
class FieldSpec:
    key: str
    zh: str
    en: str
    required: bool = True
    multiline: bool = False
    is_time: bool = False

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"


REPORT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("fault_type", "故障种类", "Fault type"),
    FieldSpec("level", "故障级别", "Fault level"),
    FieldSpec("occurred_at", "发生时间", "Occurred", is_time=True),
    FieldSpec("notified_at", "通知时间", "Notified", is_time=True),
    FieldSpec("responded_at", "响应时间", "Responded", is_time=True),
    FieldSpec("resolved_at", "解决时间", "Resolved", is_time=True),
    FieldSpec("place", "地点", "Place"),
    FieldSpec("reporter", "报告人", "Reporter"),
    FieldSpec("description", "故障描述", "Description", multiline=True),
    FieldSpec("cause", "故障原因", "Cause", multiline=True),
    FieldSpec("method", "解决方法", "Method used", multiline=True),
    FieldSpec("loss", "故障损失", "Loss caused", multiline=True),
)
FIELD_KEYS = tuple(f.key for f in REPORT_FIELDS)
SPECS = {f.key: f for f in REPORT_FIELDS}
MAX_LINE = 200
MAX_TEXT = 20_000

_TIME_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)\s*(Z|[+-]\d{2}:?\d{2})?\s*$")


def parse_time(text: str, tz: dt.tzinfo | None = None) -> dt.datetime:
    """A report time as an aware datetime; without an offset it is local time (or ``tz``)."""
    match = _TIME_RE.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a time like 2026-03-01 14:05 +08:00")
    date, clock, offset = match.groups()
    value = dt.datetime.fromisoformat(f"{date}T{clock}")
    if offset:
        offset = "+00:00" if offset == "Z" else offset
        if ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        value = dt.datetime.fromisoformat(f"{date}T{clock}{offset}")
    elif tz is not None:
        value = value.replace(tzinfo=tz)
    else:
        value = value.astimezone()  # the machine's local zone
    return value.astimezone(dt.UTC)


def check_fields(values: dict[str, str], *, tz: dt.tzinfo | None = None) -> list[FieldProblem]:
    """Every problem with a report's fields, one message per field, in form order."""
    problems: list[FieldProblem] = []
    unknown = sorted(set(values) - set(FIELD_KEYS))
    for key in unknown:
        problems.append(FieldProblem(key, "is not a report field"))
    times: dict[str, dt.datetime] = {}
    for spec in REPORT_FIELDS:
        raw = values.get(spec.key)
        text = "" if raw is None else str(raw).strip()
        if not text:
            if spec.required:
                problems.append(FieldProblem(spec.key, f"{spec.label} is required"))
            continue
        limit = MAX_TEXT if spec.multiline else MAX_LINE
        if len(text) > limit:
            problems.append(FieldProblem(spec.key, f"{spec.label} is longer than {limit} characters"))
        elif not spec.multiline and "\n" in text:
            problems.append(FieldProblem(spec.key, f"{spec.label} must be one line"))
        if spec.key == "level" and text.upper() not in LEVELS:
            problems.append(FieldProblem(spec.key, f"{text!r} is not a fault level (I, II, III or IV)"))
        if spec.is_time:
            try:
                times[spec.key] = parse_time(text, tz)
            except ValueError as exc:
                problems.append(FieldProblem(spec.key, f"{spec.label}: {exc}"))
    order = ("occurred_at", "notified_at", "responded_at", "resolved_at")
    known = [(k, times[k]) for k in order if k in times]
    for (first, t1), (second, t2) in zip(known, known[1:], strict=False):
        if t2 < t1:
            problems.append(FieldProblem(second, f"{SPECS[second].label} is before {SPECS[first].label}"))
    return problems


def normalise(values: dict[str, str]) -> dict[str, str]:
    """Trimmed text for every field (missing ones as ""), level in upper case."""
    out = {key: str(values.get(key) or "").strip() for key in FIELD_KEYS}
    out["level"] = out["level"].upper()
    return out
