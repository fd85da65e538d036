"""Highlighted snippets: the window of a document's text with the most query matches.

Our own rather than Whoosh's highlighter, because Chinese search-mode tokens overlap
("数据", "数据备份", "备份") and the output must be safe HTML for the result list.
"""

from __future__ import annotations

import html

from kbapp.search.analysis import mixed_analyzer

MATCH_OPEN = '<b class="match">'
MATCH_CLOSE = "</b>"
_MAX_SCAN_CHARS = 20_000


def _match_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for token in mixed_analyzer()(text[:_MAX_SCAN_CHARS], chars=True, removestops=False):
        if token.text in terms:
            spans.append((token.startchar, token.endchar))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str, terms: set[str], width: int = 120) -> str:
    text = " ".join(text.split())  # one line: result lists show two lines at most
    spans = _match_spans(text, terms) if terms else []
    if not spans:
        cut = text[:width]
        return html.escape(cut) + ("…" if len(text) > width else "")
    # Slide a window over the spans and keep the one covering the most matches.
    best_start, best_count = spans[0][0], 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    begin = max(0, best_start - width // 4)
    end = min(len(text), begin + width)
    out = ["…" if begin > 0 else ""]
    cursor = begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(html.escape(text[cursor:start]))
        out.append(MATCH_OPEN + html.escape(text[start:stop]) + MATCH_CLOSE)
        cursor = stop
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)
