from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SearchHit:
    id: str
    kind: str
    title: str
    title_en: str
    category: str
    levels: tuple[str, ...]
    tags: tuple[str, ...]
    score: float
    path: str
    snippet: str  # HTML: text escaped, matches wrapped in <b class="match">

    def to_json(self) -> dict:
        data = asdict(self)
        data["levels"] = list(self.levels)
        data["tags"] = list(self.tags)
        return data


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    # "Did you mean": set when the query as typed matched nothing and a spelling
    # correction did; ``hits`` then hold the corrected query's results.
    suggestion: str | None = None
    corrected: bool = False
