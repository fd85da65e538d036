"""Highlighted snippets: the window of a document's text with the most query matches.

Our own rather than Whoosh's highlighter, because Chinese search-mode tokens overlap
("数据", "数据备份", "备份") and the output must be safe HTML for the result list.

Matches are found without running the analyzer over the document (segmenting every
hit's text cost more than the search itself): a Chinese term is highlighted wherever
it occurs, a Latin token wherever it analyzes to a query term (codes, paths and the
parts of both, lower-cased and stemmed as the index has them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Set as AbstractSet

from kbapp.search.analysis import _CJK, _RUN_RE, _STEMMABLE_RE, _cached_stem, token_parts

MATCH_OPEN = '<b class="match">'
MATCH_CLOSE = "</b>"
_MAX_SCAN_CHARS = 20_000
_CJK_RE = re.compile(f"[{_CJK}]")


def _term_of(token: str) -> str:
    token = token.lower()
    return _cached_stem(token) if _STEMMABLE_RE.match(token) else token


def _match_tokens(text: str, terms: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every match, by start."""
    text = text[:_MAX_SCAN_CHARS]
    found: list[tuple[int, int, str]] = []
    latin = set()
    for term in terms:
        if _CJK_RE.search(term):
            at = text.find(term)
            while at != -1:
                found.append((at, at + len(term), term))
                at = text.find(term, at + 1)
        else:
            latin.add(term)
    if latin:
        # A Latin term's first three letters are in any word that analyzes to it (stemming
        # changes endings only, and a part of a word is in the word): words without any
        # are not taken apart (that was most of a snippet's time).
        heads = re.compile("|".join(sorted({re.escape(t[:3]) for t in latin})))
        for match in _RUN_RE.finditer(text):
            if match.group("cjk"):
                continue
            whole, offset = match.group(), match.start()
            if heads.search(whole.lower()) is None:
                continue
            pieces = [(whole, 0, len(whole)), *token_parts(whole)]
            for piece, start, end in pieces:
                term = _term_of(piece)
                if term in latin:
                    found.append((offset + start, offset + end, term))
    found.sort()
    return found


def _merge(tokens: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end, _ in tokens:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_window_start(tokens: list[tuple[int, int, str]], width: int, primary: AbstractSet[str]) -> int:
    """Start of the window with the most different terms the user typed, then the most
    different terms (synonyms included), then the most matches."""
    best_start, best = tokens[0][0], (0, 0, 0)
    counts: dict[str, int] = {}
    j = 0
    for i, (start, _, _) in enumerate(tokens):
        while j < len(tokens) and tokens[j][0] < start + width:
            counts[tokens[j][2]] = counts.get(tokens[j][2], 0) + 1
            j += 1
        score = (sum(1 for t in counts if t in primary), len(counts), j - i)
        if score > best:
            best_start, best = start, score
        term = tokens[i][2]
        counts[term] -= 1
        if not counts[term]:
            del counts[term]
    return best_start


def make_snippet(text: str, terms: set[str], width: int = 120, primary: AbstractSet[str] | None = None) -> str:
    """``terms``: the index terms to highlight; ``primary``: those the user typed
    (rather than their synonyms), which decide where the window goes."""
    primary = primary or set()
    text = " ".join(text.split())  # one line: result lists show two lines at most
    tokens = _match_tokens(text, terms | primary) if terms or primary else []
    if not tokens:
        cut = text[:width]
        return html.escape(cut) + ("…" if len(text) > width else "")
    spans = _merge(tokens)
    best_start = _best_window_start(tokens, width, primary)
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
