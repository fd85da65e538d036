"""Validation messages under form fields that go away once the field is fixed.

A form shows what is wrong with :func:`show_problem`; :func:`recheck_on_edit` then
checks again on every edit of the fields concerned, so the message disappears as soon as
the problem is gone (or says what is still wrong) instead of staying until the next
submit. Checks run on the UI thread and must be cheap (no database, no files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

_SHOWN = "validationShown"  # dynamic property: the label holds a validation message now


class CheckedDialog(QDialog):
    """A form whose OK says what stops it, in ``self.error`` (a QLabel the subclass makes),
    instead of closing: ``problem()`` returns that text, "" when the form may be accepted."""

    error: QLabel

    def problem(self) -> str:
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            show_problem(self.error, problem)
            return
        super().accept()


def show_problem(label: QLabel, text: str) -> None:
    """Show ``text`` in ``label`` as a validation message (one :func:`recheck_on_edit` watches)."""
    label.setText(text)
    label.setProperty(_SHOWN, True)
    label.show()


def clear_problem(label: QLabel, hide: bool = True) -> None:
    label.clear()
    label.setProperty(_SHOWN, False)
    if hide:
        label.hide()


def showing_problem(label: QLabel) -> bool:
    return bool(label.property(_SHOWN)) and bool(label.text())


def _edited(widget: QWidget):
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QListWidget):
        return widget.itemChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    if isinstance(widget, QAbstractSpinBox) and hasattr(widget, "valueChanged"):
        return widget.valueChanged
    raise TypeError(f"no edit signal known for {type(widget).__name__}")


def recheck_on_edit(label: QLabel, widgets: Iterable[QWidget], problem: Callable[[], str] | None = None,
                    hide: bool = True) -> None:
    """While ``label`` shows a validation message, each edit of ``widgets`` asks ``problem()``
    again: "" clears the message (hiding the label when ``hide``), other text replaces it.
    Without ``problem`` any edit clears it (for a message only the save can check)."""

    def recheck(*_args) -> None:
        if not showing_problem(label):
            return
        now = problem() if problem is not None else ""
        if now:
            label.setText(now)
        else:
            clear_problem(label, hide)

    for widget in widgets:
        _edited(widget).connect(recheck)
