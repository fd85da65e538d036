"""Item models of the run view, usable and tested without any widget.

- :class:`StepListModel`: one playbook's steps as a list, each with its full title, a
  state icon and line (done at 02:58, current and open for 4 min, reached from step 3
  by a decision, bypassed by one);
- :class:`TimelineFilter`: the timeline (kbapp.gui.incident_models.TimelineModel)
  filtered by kind of entry (notes, steps, deadlines, escalations) and by text.

Both give a head line and a body for :class:`kbapp.gui.wrap_delegate.WrapDelegate`,
which draws each entry whole, wrapped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from kbapp.gui.incident_models import RESULT_COLOURS, BodyRole, HeadRole, format_duration, local_time, pick
from kbapp.incidents import types as itypes

Index = QModelIndex | QPersistentModelIndex
__all__ = ["BodyRole", "HeadRole"]  # defined with the other models, re-exported for the views
StateRole = Qt.ItemDataRole.UserRole + 12  # a step's state (below), or a timeline entry's kind
NumberRole = Qt.ItemDataRole.UserRole + 13

CURRENT, TODO, BYPASSED = "current", "todo", "bypassed"
STATE_ICONS = {itypes.DONE: "✔", itypes.SKIPPED: "»", itypes.FAILED: "✘", itypes.PASS: "✔", itypes.FAIL: "✘", itypes.NA: "–",
               CURRENT: "▶", TODO: "○", BYPASSED: "↷"}
STATE_COLOURS = {**RESULT_COLOURS, CURRENT: "#0d47a1", TODO: "#212121", BYPASSED: "#9e9e9e"}


def step_state(step: itypes.StepState, current: int | None) -> str:
    if step.number == current:
        return CURRENT
    if step.result is not None:
        return step.result
    return BYPASSED if step.bypassed else TODO


class StepListModel(QAbstractListModel):
    """A playbook's steps as the runner replayed them; the current one's timer ticks."""

    def __init__(self, clock: Callable[[], dt.datetime], chinese: bool = False, parent=None):
        super().__init__(parent)
        self.clock, self.chinese = clock, chinese
        self.state: itypes.PlaybookRun | None = None

    def set_state(self, state: itypes.PlaybookRun | None) -> None:
        self.beginResetModel()
        self.state = state
        self.endResetModel()

    def step_at(self, row: int) -> itypes.StepState | None:
        if self.state is None or not 0 <= row < len(self.state.steps):
            return None
        return self.state.steps[row]

    def row_of(self, number: int | None) -> int:
        if self.state is None or number is None:
            return -1
        return next((i for i, s in enumerate(self.state.steps) if s.number == number), -1)

    def tick(self) -> None:
        row = self.row_of(self.state.current) if self.state is not None else -1
        if row >= 0:
            self.dataChanged.emit(self.index(row), self.index(row), [BodyRole])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() or self.state is None else len(self.state.steps)

    def status_line(self, step: itypes.StepState) -> str:
        state = step_state(step, self.state.current if self.state else None)
        parts = []
        if state == CURRENT:
            parts.append(pick(("当前步骤", "current step"), self.chinese))
            if step.opened_at is not None:
                parts.append(pick(("已用 ", "open for "), self.chinese) + format_duration(self.clock() - step.opened_at))
        elif state == BYPASSED:
            parts.append(pick(("已绕过（分支走向别处）", "bypassed: the branch went elsewhere"), self.chinese))
        elif step.result is not None:
            label = pick(itypes.RESULT_LABELS.get(step.result, (step.result, step.result)), self.chinese)
            parts.append(f"{label} {local_time(step.result_at)[:5]}" if step.result_at else label)
        if step.reached_from is not None:
            why = f": {step.reached_by}" if step.reached_by else ""
            parts.append(pick((f"↳ 由第 {step.reached_from} 步分支进入{why}",
                               f"↳ branch from step {step.reached_from}{why}"), self.chinese))
        if step.note:
            parts.append(f"“{step.note}”")
        return " · ".join(parts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        step = self.step_at(index.row()) if index.isValid() else None
        if step is None:
            return None
        state = step_state(step, self.state.current)
        if role == HeadRole:
            return f"{STATE_ICONS[state]} {step.number}. {step.title}"
        if role == BodyRole:
            return self.status_line(step)
        if role == Qt.ItemDataRole.DisplayRole:
            body = self.status_line(step)
            return f"{STATE_ICONS[state]} {step.number}. {step.title}" + (f"\n{body}" if body else "")
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(STATE_COLOURS.get(state, "#212121")))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{step.number}. {step.title}" + (f"\n{step.note}" if step.note else "")
        if role == StateRole:
            return state
        if role == NumberRole:
            return step.number
        return None


# -- the timeline ---------------------------------------------------------------------------

ALL = "all"
NOTES, STEPS, DEADLINES, ESCALATIONS = "notes", "steps", "deadlines", "escalations"
KIND_GROUPS: dict[str, frozenset[str]] = {
    NOTES: frozenset({itypes.NOTE, itypes.CORRECTION, itypes.PLAN, itypes.EMERGENCY_PLAN}),
    STEPS: frozenset({itypes.STEP, itypes.COMMAND_COPIED, itypes.PLAYBOOK_ATTACHED, itypes.FOLLOW_UP}),
    DEADLINES: frozenset({itypes.CREATED, itypes.ACK, itypes.STATUS, itypes.LEVEL, itypes.NOTIFIED, itypes.PLAN, itypes.EMERGENCY_PLAN}),
    ESCALATIONS: frozenset({itypes.ESCALATION, itypes.NOTIFICATION, itypes.RESPONSIBLE, itypes.CHANNEL, itypes.REPORTER}),
}
GROUP_LABELS = {ALL: ("全部", "All entries"), NOTES: ("备注与方案", "Notes and plans"), STEPS: ("步骤", "Steps"),
                DEADLINES: ("时限相关", "Deadlines"), ESCALATIONS: ("升级与通知", "Escalations")}
KIND_COLOURS = {itypes.NOTE: "#4a148c", itypes.STEP: "#1b5e20", itypes.ESCALATION: "#b71c1c", itypes.NOTIFICATION: "#b71c1c",
                itypes.PLAN: "#0d47a1", itypes.EMERGENCY_PLAN: "#0d47a1", itypes.ACK: "#0d47a1", itypes.LEVEL: "#e65100"}


def timeline_head(action: itypes.Action, chinese: bool) -> str:
    kind = pick(itypes.ACTION_LABELS.get(action.kind, (action.kind, action.kind)), chinese)
    return f"{local_time(action.at)} · {kind} · {action.actor}"


class TimelineFilter(QSortFilterProxyModel):
    """The timeline by kind (:data:`KIND_GROUPS`) and by text (in the entry or its head)."""

    def __init__(self, source, chinese: bool = False, parent=None):
        super().__init__(parent)
        self.chinese = chinese
        self.group = ALL
        self.text = ""
        self.setSourceModel(source)

    def set_group(self, group: str) -> None:
        if group not in (ALL, *KIND_GROUPS):
            raise ValueError(f"no timeline group {group!r}")
        self._refilter(lambda: setattr(self, "group", group))

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "text", text.strip().casefold()))

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 and later
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def action(self, row: int) -> itypes.Action | None:
        source = self.mapToSource(self.index(row, 0)).row()
        actions = self.sourceModel().actions
        return actions[source] if 0 <= source < len(actions) else None

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 - Qt's name
        actions = self.sourceModel().actions
        if not 0 <= source_row < len(actions):
            return False
        action = actions[source_row]
        if self.group != ALL and action.kind not in KIND_GROUPS[self.group]:
            return False
        if not self.text:
            return True
        haystack = f"{timeline_head(action, self.chinese)}\n{itypes.describe_action(action)}".casefold()
        return all(word in haystack for word in self.text.split())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role in (HeadRole, BodyRole, StateRole) and index.isValid():
            action = self.action(index.row())
            if action is None:
                return None
            if role == HeadRole:
                return timeline_head(action, self.chinese)
            if role == BodyRole:
                return itypes.describe_action(action) or "—"
            return action.kind
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 0:
            action = self.action(index.row())
            return QBrush(QColor(KIND_COLOURS.get(action.kind, "#37474f"))) if action else None
        return super().data(index, role)
