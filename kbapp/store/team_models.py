"""Tables of team mode (one database shared by many desks): what every desk copies into
its own library and index.

- ``change_log``: one row per write another desk must copy (a report, lesson, problem
  record, approved playbook version, imported document, or a solved incident), numbered
  in commit order: a desk asks for the rows after the last id it saw (its change cursor,
  kbapp.sync). Written by the session hook in kbapp/store/changelog.py.
- ``playbook_versions``: an approved playbook version's whole text, immutable, unique on
  (playbook, version): two desks approving at once cannot both make version N.
- ``shared_documents``: the imported Markdown files, by their path in the library.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import FetchedValue, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kbapp.store.base import Base, UTCDateTime


class ChangeLogRow(Base):
    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # report, lesson, record, playbook, document, incident
    ref: Mapped[str] = mapped_column(String(200))  # the row's id; the playbook's id for versions
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PlaybookVersionRow(Base):
    __tablename__ = "playbook_versions"
    __table_args__ = (UniqueConstraint("playbook_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    playbook_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    rel_path: Mapped[str] = mapped_column(Text)  # where it lives below a data home's library/
    text: Mapped[str] = mapped_column(Text)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("playbook_changes.id"), nullable=True)
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The database login that stored it, set on the server by a trigger (migration 0020). None on SQLite.
    db_login: Mapped[str | None] = mapped_column(String(100), nullable=True, server_default=FetchedValue())


class SharedDocumentRow(Base):
    __tablename__ = "shared_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rel_path: Mapped[str] = mapped_column(String(500), unique=True)  # below a data home's library/
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
