"""The index schema and how a library Document becomes an index document."""

from __future__ import annotations

import re

from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from kbapp.model import Document
from kbapp.search.analysis import mixed_analyzer

SCHEMA_VERSION = 3  # 2: autolink text indexed; title_key for exact-title matches; 3: the listing column


def build_schema() -> Schema:
    analyzer = mixed_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        category=ID(stored=True),
        levels=KEYWORD(stored=True, commas=True),
        tag=KEYWORD(commas=True, lowercase=True),  # exact tag filter
        title=TEXT(analyzer=analyzer),  # Chinese and English titles together
        title_key=KEYWORD,  # each title normalised (title_key()), for "the query is the title"
        tags=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        # Unstemmed English words: the vocabulary for "did you mean".
        spell=TEXT(analyzer=RegexTokenizer(r"[A-Za-z]{3,}") | LowercaseFilter(), spelling=True),
        display_title=STORED,
        # kind and title, for the whole library's listing (an empty query) in that order
        # without reading every document's stored fields (seconds at 10,000 documents)
        listing=COLUMN(VarBytesColumn()),
        title_en=STORED,
        path=STORED,
        hash=STORED,
    )


_FENCE_LINE_RE = re.compile(r"^\s*(```|~~~).*$", re.M)
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+)>", re.I)
_TAG_RE = re.compile(r"<[^>\n]{1,200}>")
_EMPHASIS_RE = re.compile(r"(\*\*|__|`)")
_BLANKS_RE = re.compile(r"\n\s*\n+")


_H1_LINE_RE = re.compile(r"^#\s.*$", re.M)  # the title, indexed in its own field


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to its words, for indexing and snippets."""
    text = _H1_LINE_RE.sub("", markdown_text)
    text = _FENCE_LINE_RE.sub("", text)
    text = _HEADING_RE.sub("", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _AUTOLINK_RE.sub(r" \1 ", text)  # <https://…/CVE-2021-44228> is text, not a tag
    text = _TAG_RE.sub(" ", text)
    text = _EMPHASIS_RE.sub("", text)
    return _BLANKS_RE.sub("\n", text).strip()


def title_key(text: str) -> str:
    """A title or a query, compared as a whole: case, spacing and punctuation ignored."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def listing_key(kind: str, title: str) -> bytes:
    """Sorts as (kind, title) does: UTF-8 keeps the order of code points, and NUL comes
    before any character."""
    return f"{kind}\x00{title}".encode("utf-8", "surrogatepass")


def index_fields(doc: Document) -> dict:
    body = plain_text(doc.body)
    if doc.summary:
        body = f"{doc.summary}\n{body}"
    titles = " ".join(t for t in (doc.title, doc.title_en) if t)
    return {
        "id": doc.id,
        "kind": doc.kind,
        "category": doc.category,
        "levels": ",".join(doc.levels),
        "tag": ",".join(t.lower() for t in doc.tags),
        "title": titles,
        "title_key": " ".join(dict.fromkeys(k for k in (title_key(doc.title), title_key(doc.title_en)) if k)),
        "tags": ", ".join(doc.tags),
        "body": body,
        "spell": f"{titles} {' '.join(doc.tags)} {body}",
        "display_title": doc.title,
        "listing": listing_key(doc.kind, doc.title),
        "title_en": doc.title_en,
        "path": str(doc.path),
        "hash": doc.content_hash,
    }
