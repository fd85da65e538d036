"""The current step, whole: so that nobody has to open the reader at 3 a.m.

Every instruction line of the step (warnings and promises against the clock in bold
red), each command with a Copy button (Ctrl+Shift+C copies the first), the expected
result, and each decision as a button that says where it leads (Alt+1 … Alt+9). It
scrolls vertically and wraps to its width, never widening the window.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kbapp.gui.incident_models import local_time, pick
from kbapp.incidents import types as itypes
from kbapp.incidents.step_text import instruction_paragraphs

WARNING_STYLE = "color:#b71c1c;font-weight:bold;"
_CODE = re.compile(r"`([^`]+)`")


def instructions_html(text: str) -> str:
    """The step's instruction lines as HTML: warnings emphasised, `code` as code."""
    out = []
    for paragraph in instruction_paragraphs(text):
        sentences = []
        for sentence in paragraph.sentences:
            escaped = _CODE.sub(r"<code>\1</code>", html.escape(sentence.text))
            sentences.append(f'<span style="{WARNING_STYLE}">⚠ {escaped}</span>' if sentence.warning else escaped)
        prefix = "• " if paragraph.bullet else ""
        out.append(f"<p style='margin:0 0 6px 0;'>{prefix}{''.join(sentences)}</p>")
    return "".join(out)


def _label(parent, name: str, rich: bool = True) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class StepView(QScrollArea):
    copy_requested = Signal(int)  # the command's index in the step
    decision_requested = Signal(int)  # the target step

    def __init__(self, chinese: bool, parent=None):
        super().__init__(parent)
        self.chinese = chinese
        self.setObjectName("stepView")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget(self)
        self.body.setObjectName("stepViewBody")
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(8, 6, 8, 6)
        self.layout_.setSpacing(6)
        self.setWidget(self.body)
        self.step: itypes.StepState | None = None
        self.titles: dict[int, str] = {}
        self.copy_buttons: list[QPushButton] = []
        self.decision_buttons: list[QCommandLinkButton] = []
        self.title = _label(self.body, "stepTitle")
        self.branch = _label(self.body, "stepBranch")
        self.instructions = _label(self.body, "stepInstructions")
        self.commands = QVBoxLayout()
        self.expected = _label(self.body, "stepExpected")
        self.expected.setStyleSheet("background:#e8f5e9;color:#1b5e20;padding:4px;border-radius:3px;")
        self.decisions = QVBoxLayout()
        self.last = _label(self.body, "stepLastResult")
        for widget in (self.title, self.branch, self.instructions):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(self.commands)
        self.layout_.addWidget(self.expected)
        self.layout_.addLayout(self.decisions)
        self.layout_.addWidget(self.last)
        self.layout_.addStretch(1)

    def _clear(self, layout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
            elif item.layout() is not None:
                self._clear(item.layout())

    def show_message(self, text: str) -> None:
        self.show_step(None, {})
        self.title.setText(html.escape(text))

    def show_step(self, step: itypes.StepState | None, titles: dict[int, str], current: bool = True) -> None:
        """``titles``: every step's title by number, to say where a decision leads."""
        self.step, self.titles = step, titles
        self._clear(self.commands)
        self._clear(self.decisions)
        self.copy_buttons, self.decision_buttons = [], []
        for widget in (self.branch, self.instructions, self.expected, self.last):
            widget.clear()
            widget.hide()
        if step is None:
            self.title.clear()
            return
        label = pick((f"第 {step.number} 步", f"Step {step.number}"), self.chinese)
        state = "" if current else pick(("（查看中，非当前步骤）", " (reviewing: not the current step)"), self.chinese)
        self.title.setText(f'<span style="font-size:15pt;font-weight:bold;">{label} · {html.escape(step.title)}'
                           f'</span><span style="color:#757575;">{html.escape(state)}</span>')
        if step.reached_from is not None:
            why = f"：{step.reached_by}" if self.chinese else f": {step.reached_by}"
            self.branch.setText(html.escape(pick((f"↳ 由第 {step.reached_from} 步的判断进入{why if step.reached_by else ''}",
                                                  f"↳ reached from step {step.reached_from}"
                                                  f"{why if step.reached_by else ''}"), self.chinese)))
            self.branch.setStyleSheet("color:#0d47a1;")
            self.branch.show()
        text = instructions_html(step.text)
        if text:
            self.instructions.setText(text)
            self.instructions.show()
        for index, command in enumerate(step.commands):
            self._add_command(index, command)
        if step.expected:
            expected = pick(("预期结果：", "Expected: "), self.chinese)
            self.expected.setText(f"✔ <b>{html.escape(expected)}</b>{html.escape(step.expected)}")
            self.expected.show()
        for n, decision in enumerate(step.decisions[:9], start=1):
            self._add_decision(n, decision)
        if step.result:
            result = pick(itypes.RESULT_LABELS.get(step.result, (step.result, step.result)), self.chinese)
            when = local_time(step.result_at) if step.result_at else ""
            note = f" — {step.note}" if step.note else ""
            self.last.setText(html.escape(pick((f"上次结果：{result} {when}{note}", f"Last result: {result} {when}{note}"),
                                               self.chinese)))
            self.last.setStyleSheet("color:#616161;font-style:italic;")
            self.last.show()

    def _add_command(self, index: int, command: str) -> None:
        row = QHBoxLayout()
        code = _label(self.body, f"command-{index}", rich=False)
        code.setText(command)
        code.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        code.setStyleSheet("background:#263238;color:#eceff1;padding:6px;border-radius:3px;")
        copy = QPushButton(self.tr("Copy (Ctrl+Shift+C)") if index == 0 else self.tr("Copy"), self.body)
        copy.setObjectName(f"copyButton-{index}")
        copy.setMinimumWidth(copy.fontMetrics().horizontalAdvance(self.tr("Copy (Ctrl+Shift+C)")) + 24)
        copy.setToolTip(self.tr("Copy the command to the clipboard; the copy is logged"))
        copy.clicked.connect(lambda _checked=False, i=index: self.copy_requested.emit(i))
        row.addWidget(code, 1)
        row.addWidget(copy, 0, Qt.AlignmentFlag.AlignTop)
        self.commands.addLayout(row)
        self.copy_buttons.append(copy)

    def _add_decision(self, n: int, decision) -> None:
        target = self.titles.get(decision.target, "")
        goes = pick((f"第 {decision.target} 步 {target}", f"step {decision.target} {target}"), self.chinese).strip()
        button = QCommandLinkButton(f"Alt+{n}  →  {goes}", self.body)
        button.setDescription(pick((f"如果 {decision.condition}", f"If {decision.condition}"), self.chinese))
        button.setObjectName(f"decisionButton-{n}")
        button.setToolTip(self.tr("Mark this step done and go to the step this decision leads to (Alt+%1)")
                          .replace("%1", str(n)))
        button.clicked.connect(lambda _checked=False, t=decision.target: self.decision_requested.emit(t))
        button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.decisions.addWidget(button)
        self.decision_buttons.append(button)
