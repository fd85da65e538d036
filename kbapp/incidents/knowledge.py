"""Past incidents are knowledge too: a resolved incident as a searchable document.

When a write leaves a real incident solved (resolved, report submitted, or closed after
being resolved), it is rendered as Markdown with front matter (``id: incident-<id>``,
``kind: incident``, its category and level) into the data home's library
(``library/incidents/incident-<id>.md``), written atomically and indexed at once, like
reports and lessons. The library sync keeps it across restarts and index rebuilds.

What is searchable: the title, the description, the handling plans, the steps taken
with their notes, the notes (and corrections), and the resolution (summary). Every piece
of it passes through :func:`kbapp.redact.redact` before it is written, so no customer
password, token or credential reaches the file or the index (DOMAIN.md, conduct).

A reopened incident is no longer a solved lesson: its file is deleted and it leaves the
index. Drills and inspections never become documents, nor does an incident closed
without being solved (a duplicate, withdrawn, not an incident).

The file is derived from the action log, which stays the record of truth: it is written
*after* the incident's transaction commits, so a full disk or a busy index never loses
the engineer's note; the failure is logged and :meth:`IncidentKnowledge.rebuild` (run by
``kbapp index rebuild``) writes every file again. Homes that had resolved incidents
before this existed are filled once, when the folder is missing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.fsutil import atomic_write_text
from kbapp.incidents import lifecycle as lc
from kbapp.incidents import types as itypes
from kbapp.incidents.export import format_time, md_escape
from kbapp.inert_markdown import inert_markdown
from kbapp.model import CATEGORIES, KIND_INCIDENT

if TYPE_CHECKING:
    from kbapp.facade import KnowledgeBase

log = logging.getLogger(__name__)

DOC_PREFIX = "incident-"
_FILE_RE = re.compile(r"^incident-(\d+)\.md$")
SOLVED = frozenset({lc.RESOLVED, lc.REPORT_SUBMITTED, lc.CLOSED})


def doc_id(incident_id: int) -> str:
    return f"{DOC_PREFIX}{incident_id}"


def file_name(incident_id: int) -> str:
    return f"{doc_id(incident_id)}.md"


def is_solved(mode: str, status: str, resolved_at: dt.datetime | None) -> bool:
    """A real incident whose fault was solved: the only kind that becomes a document."""
    return mode == itypes.MODE_INCIDENT and status in SOLVED and resolved_at is not None


def _clean(text: str) -> str:
    from kbapp.redact import redact

    return redact(text or "")


def _block(text: str) -> str:
    """Free text (redacted) as the body of a list item: continuation lines indented, and
    nothing that would turn into a heading or a code fence and swallow the rest."""
    lines = _clean(text).replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("#", "```", "~~~")):
            line = "\\" + stripped
        out.append(line.rstrip())
    return "\n  ".join(out)


def incident_markdown(incident: itypes.Incident, actions: list[itypes.Action], tz: dt.tzinfo | None = None) -> str:
    """The solved incident as a library document, every engineer's text redacted."""
    from kbapp.reports.document import front_matter

    title = _clean(incident.title)
    playbooks: dict[str, str] = {}
    plans, steps, notes = [], [], []
    for a in actions:
        when = f"{format_time(a.at, tz)} · {md_escape(a.actor)}"
        if a.kind == itypes.PLAYBOOK_ATTACHED and a.playbook_id:
            playbooks[a.playbook_id] = str(a.payload.get("title") or a.playbook_id)
        elif a.kind in (itypes.PLAN, itypes.EMERGENCY_PLAN) and a.details.strip():
            zh, en = itypes.ACTION_LABELS[a.kind]
            plans.append(f"- {zh} {en}（{when}）：{_block(a.details)}")
        elif a.kind == itypes.STEP:
            zh, en = itypes.RESULT_LABELS.get(a.payload.get("result", ""), (a.payload.get("result", ""), ""))
            where = playbooks.get(a.playbook_id or "", a.playbook_id or "")
            line = f"- {md_escape(where)} · 第 {a.step} 步 {md_escape(str(a.payload.get('step_title', '')))}：{zh} {en}"
            if a.payload.get("value"):
                line += f" = {md_escape(_clean(str(a.payload['value'])))}"
            if a.details.strip():
                line += f"。{_block(a.details)}"
            steps.append(line.rstrip())
        elif a.kind in (itypes.NOTE, itypes.ACK, itypes.CORRECTION) and a.details.strip():
            label = f"更正 #{a.corrects_id} Correction：" if a.kind == itypes.CORRECTION else ""
            notes.append(f"- {when}：{label}{_block(a.details)}")
        elif a.kind == itypes.STATUS and a.details.strip() and a.payload.get("to") != lc.RESOLVED:
            status = lc.label(str(a.payload.get("to", "")))
            notes.append(f"- {when}（{status}）：{_block(a.details)}")

    category = incident.category if incident.category in CATEGORIES else ""
    summary = " ".join(_clean(incident.summary).split())
    meta = {
        "id": doc_id(incident.id), "kind": KIND_INCIDENT, "title": title,
        "title_en": f"Past incident #{incident.id}", "category": category or None, "levels": [incident.level],
        "tags": ["故障记录", *playbooks], "incident": incident.id, "playbooks": list(playbooks),
        "resolved_at": incident.resolved_at.astimezone(dt.UTC).isoformat(timespec="seconds") if incident.resolved_at else None,
        "summary": summary[:160],
    }
    cat = " ".join(CATEGORIES[category]) if category else "—"
    channel = " ".join(itypes.CHANNEL_LABELS.get(incident.channel, (incident.channel, "")))
    out = [front_matter({k: v for k, v in meta.items() if v is not None}).rstrip("\n"),
           f"# {md_escape(title)}", "", f"历史故障 Past incident #{incident.id}", "",
           "| 字段 Field | 内容 Value |", "|---|---|",
           f"| 故障级别 Level | {incident.level} |",
           f"| 故障类别 Category | {md_escape(cat)} |",
           f"| 服务方式 Channel | {md_escape(channel)} |",
           f"| 负责人 Responsible | {md_escape(incident.responsible) or '—'} |",
           f"| 接报时间 Notified | {format_time(incident.notified_at, tz)} |",
           f"| 解决时间 Resolved | {format_time(incident.resolved_at, tz)} |",
           f"| 预案 Playbooks | {md_escape('、'.join(f'{t} ({p})' for p, t in playbooks.items())) or '—'} |",
           "", "## 解决方法 Resolution", "", _block(incident.summary) or "—",
           "", "## 故障描述 Description", "", _block(incident.description) or "—"]
    for heading, lines in (("处理方案 Plans", plans), ("已执行步骤 Steps taken", steps), ("备注 Notes", notes)):
        if lines:
            out += ["", f"## {heading}", "", *lines]
    return inert_markdown("\n".join(out) + "\n")


class IncidentKnowledge:
    """Keeps ``library/incidents/`` and the index in step with the solved incidents."""

    def __init__(self, kb: KnowledgeBase, *, tz: dt.tzinfo | None = None) -> None:
        self.kb = kb
        self.tz = tz  # None: the machine's local zone, as in reports
        self._lock = threading.RLock()

    @property
    def folder(self) -> Path:
        return self.kb.home.incidents

    def path(self, incident_id: int) -> Path:
        return self.folder / file_name(incident_id)

    # -- after each write --------------------------------------------------------------
    def after_commit(self, incident_id: int, solved: bool) -> None:
        """Called by IncidentService after each committed write. Never raises: the
        incident's change is saved already; the document can be rebuilt."""
        try:
            with self._lock:
                self.backfill_if_missing()  # before this file makes the folder exist
                if solved:
                    self._publish(incident_id)
                elif self.path(incident_id).exists():
                    self._withdraw(incident_id)
        except Exception as exc:  # noqa: BLE001 - a full disk, a busy index: the action log has it all
            log.warning("incident #%s is saved but its search document is not up to date (%s: %s); "
                        "'kbapp index rebuild' writes it again", incident_id, type(exc).__name__, exc)

    def _render(self, incident_id: int) -> str | None:
        svc = self.kb.incidents
        incident = svc.get(incident_id)
        if not is_solved(incident.mode, incident.status, incident.resolved_at):
            return None
        return incident_markdown(incident, svc.timeline(incident_id), self.tz)

    def _write(self, incident_id: int, text: str) -> bool:
        """Write the file unless it already says exactly that; True when written."""
        path = self.path(incident_id)
        try:
            if path.read_text(encoding="utf-8") == text:
                return False
        except (OSError, UnicodeDecodeError):
            pass
        atomic_write_text(path, text)
        return True

    def _publish(self, incident_id: int) -> None:
        text = self._render(incident_id)
        if text is None:  # changed again since the commit that called us
            if self.path(incident_id).exists():
                self._withdraw(incident_id)
            return
        if not self._write(incident_id, text) and self.kb.get(doc_id(incident_id)) is not None:
            return
        doc, problems = self.kb.library.load_path(self.path(incident_id))
        if doc is None or any(p.severity == "error" for p in problems):
            raise ValueError("; ".join(str(p) for p in problems) or "the written document does not load")
        # Searchable now when there is an index; with none yet the first search builds it.
        self.kb.add_document(doc, build=False)

    def _withdraw(self, incident_id: int) -> None:
        self.path(incident_id).unlink(missing_ok=True)
        self.kb.remove_document(doc_id(incident_id))

    # -- all at once -------------------------------------------------------------------
    def solved_ids(self) -> list[int]:
        from sqlalchemy import select

        from kbapp.store.models import IncidentRow

        query = (select(IncidentRow.id).where(IncidentRow.mode == itypes.MODE_INCIDENT)
                 .where(IncidentRow.status.in_(tuple(SOLVED))).where(IncidentRow.resolved_at.is_not(None))
                 .order_by(IncidentRow.id))
        return list(self.kb.store.read(lambda s: list(s.scalars(query))))

    def rebuild(self, *, update_library: bool = True) -> tuple[int, int]:
        """Write every solved incident's document and delete those of incidents that are
        no longer solved; returns (written, removed). ``update_library``: also put the
        changes into the loaded library (False while the library is being built)."""
        with self._lock:
            wanted = set(self.solved_ids())
            written = removed = 0
            for incident_id in sorted(wanted):
                text = self._render(incident_id)
                if text is not None and self._write(incident_id, text):
                    written += 1
                    if update_library:
                        self.kb.library.load_path(self.path(incident_id))
            if self.folder.is_dir():
                for path in sorted(self.folder.iterdir()):
                    match = _FILE_RE.match(path.name)
                    if match and int(match.group(1)) not in wanted:
                        path.unlink(missing_ok=True)
                        removed += 1
                        if update_library:
                            self.kb.library.remove(doc_id(int(match.group(1))))
            self.folder.mkdir(parents=True, exist_ok=True)
            return written, removed

    def backfill_if_missing(self) -> None:
        """Once per home: the incidents solved before their documents existed. Cheap on
        every later start (the folder exists); no database yet means nothing to fill."""
        if self.folder.exists():
            return
        try:
            if self._database_exists():
                written, _ = self.rebuild(update_library=False)
                if written:
                    log.info("wrote %s past incident(s) into %s", written, self.folder)
            else:
                self.folder.mkdir(parents=True, exist_ok=True)
        except Exception as exc:  # noqa: BLE001 - the library must load even when the database cannot
            log.warning("past incidents are not in the library yet (%s: %s)", type(exc).__name__, exc)

    def _database_exists(self) -> bool:
        url = self.kb.db_url
        if url.startswith("sqlite:///"):
            return Path(url[len("sqlite:///"):]).exists()
        return True
