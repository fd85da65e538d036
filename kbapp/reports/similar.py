"""Finding the past: incidents and documents like the one being started.

Reports and lessons are in the search index, so they come from the index's
more-like-this. Past incidents live in the database; there are few enough of them
(thousands) to score in memory: words shared with the new description, each
weighted by its rarity among incidents (idf), so that "数据库" shared by half the
incidents counts for little and "ORA-01555" for a lot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from kbapp.store.models import IncidentRow

if TYPE_CHECKING:
    from typing import Any

    from sqlalchemy.orm import Session

    from kbapp.store.db import Store

SIMILAR_DOC_KINDS = ("report", "lesson", "record")


@dataclass(frozen=True)
class SimilarIncident:
    id: int
    title: str
    level: str
    status: str
    score: float
    shared: tuple[str, ...]


def _terms(text: str) -> set[str]:
    from kbapp.search.analysis import analyze_query_terms

    return {t for t in analyze_query_terms(text) if len(t) > 1}


def similar_incidents(store: Store, text: str, *, limit: int = 5, exclude_id: int | None = None) -> list[SimilarIncident]:
    wanted = _terms(text)
    if not wanted:
        return []

    def load(s: Session) -> list[Any]:
        q = select(IncidentRow.id, IncidentRow.title, IncidentRow.description, IncidentRow.summary,
                   IncidentRow.level, IncidentRow.status).where(IncidentRow.mode == "incident")
        return list(s.execute(q))

    rows = [r for r in store.read(load) if r.id != exclude_id]
    if not rows:
        return []
    bags = {r.id: _terms(" ".join((r.title, r.description, r.summary))) for r in rows}
    df: dict[str, int] = {}
    for bag in bags.values():
        for term in bag & wanted:
            df[term] = df.get(term, 0) + 1
    n = len(rows)
    scored = []
    for r in rows:
        shared = bags[r.id] & wanted
        if not shared:
            continue
        score = sum(math.log(1 + n / df[t]) for t in shared)
        scored.append(SimilarIncident(r.id, r.title, r.level, r.status, round(score, 3),
                                      tuple(sorted(shared, key=lambda t: df[t]))))
    scored.sort(key=lambda x: (-x.score, -x.id))
    return scored[:limit]
