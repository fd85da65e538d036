"""Plain data types shared by the core, the CLI and the GUI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

LEVELS = ("I", "II", "III", "IV")

# Kinds of searchable document. Playbooks and checklists come from the library;
# reports, lessons, records and past incidents are written by the app into the data
# home's library.
KIND_PLAYBOOK = "playbook"
KIND_CHECKLIST = "checklist"
KIND_DOCUMENT = "document"
KIND_REPORT = "report"
KIND_LESSON = "lesson"
KIND_RECORD = "record"  # a problem record (问题记录), consultation or defect
KIND_SCENARIO = "scenario"  # a drill scenario card
KIND_INCIDENT = "incident"  # a resolved incident, redacted (kbapp.incidents.knowledge); never a drill
KINDS = (KIND_PLAYBOOK, KIND_CHECKLIST, KIND_DOCUMENT, KIND_REPORT, KIND_LESSON, KIND_RECORD, KIND_SCENARIO,
         KIND_INCIDENT)

CATEGORIES: dict[str, tuple[str, str]] = {
    "operation-error": ("操作失误", "Operation error"),
    "config-loss": ("配置丢失", "Configuration loss"),
    "data-loss": ("数据丢失", "Data loss"),
    "system-crash": ("系统崩溃", "System crash"),
    "software": ("软件故障", "Software fault"),
    "performance": ("性能下降", "Performance degradation"),
    "disk-full": ("磁盘空间", "Disk full"),
    "database": ("数据库故障", "Database failure"),
    "network": ("网络故障", "Network outage"),
    "backup": ("备份故障", "Backup failure"),
    "upgrade": ("升级与回退", "Upgrade and rollback"),
    "certificate": ("证书", "Certificate"),
    "security": ("安全事件", "Security incident"),
    "hardware": ("硬件故障", "Hardware failure"),
    "inspection": ("巡检", "Inspection"),
    "other": ("其他", "Other"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a library file, reported as ``path:line: message``."""

    path: Path
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Decision:
    condition: str
    target: int
    line: int


@dataclass
class Step:
    number: int
    title: str
    line: int
    text: str = ""  # the step's own Markdown, without title and decisions
    commands: list[str] = field(default_factory=list)
    expected: str = ""
    decisions: list[Decision] = field(default_factory=list)


@dataclass
class Document:
    """A library file: a playbook/checklist with structure, or plain Markdown."""

    id: str
    kind: str
    title: str
    path: Path
    body: str  # Markdown without front matter
    body_line: int = 1  # line in the file where ``body`` starts
    title_en: str = ""
    category: str = ""
    levels: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    owner: str = ""
    reviewed: dt.date | None = None
    version: int = 0
    summary: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # the raw front matter
    content_hash: str = ""
    shipped: bool = False

    @property
    def display_title(self) -> str:
        if self.title_en and self.title_en != self.title:
            return f"{self.title} {self.title_en}"
        return self.title

    def step(self, number: int) -> Step | None:
        for step in self.steps:
            if step.number == number:
                return step
        return None

    def is_stale(self, today: dt.date, max_age_days: int = 365) -> bool:
        return self.reviewed is not None and (today - self.reviewed).days > max_age_days
