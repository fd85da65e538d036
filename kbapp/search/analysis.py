"""One analyzer for Chinese and English together.

Chinese runs are segmented with jieba (the rjieba binding) plus the domain dictionary
from ``index/dict.txt``; Latin runs are kept whole when they are codes, IPs, paths or
file names (``ORA-00600``, ``10.0.0.12``, ``/var/log/messages``), lower-cased, and plain
English words are stemmed. At index time Chinese runs use jieba's search mode (words and
their sub-words) and compound Latin tokens also yield their parts, so a query can hit a
part of a longer word; at query time the input is segmented precisely.

The schema pickles these classes by module path: never move or rename them (an index
that cannot be unpickled is rebuilt, but that costs the user a rebuild).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, StopFilter, Token, Tokenizer
from whoosh.lang.porter import stem

from kbapp.resources import index_config_dir

ANALYZER_VERSION = 3  # 2: ASCII-only paths; H1 title no longer in the body field; 3: camelCase parts

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(
    rf"(?P<cjk>[{_CJK}]+)"
    # ASCII only (\w would swallow Chinese written right after a path, "/var/log/messages日志"),
    # and a component never ends in '.' or '-' (the full stop after "/var/log/messages.").
    r"|(?P<path>(?:~|\.{1,2})?/[A-Za-z0-9_.\-]*[A-Za-z0-9_](?:/[A-Za-z0-9_.\-]*[A-Za-z0-9_])*)"  # "/etc/nginx/" is "/etc/nginx"
    r"|(?P<latin>[A-Za-z0-9_]+(?:[-.:@/][A-Za-z0-9_]+)*)"
)
_PART_RE = re.compile(r"[A-Za-z0-9]+")
_STEMMABLE_RE = re.compile(r"^[a-z]{3,}$")
_DOTTED_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)+$")  # IPs and versions: parts are noise
_SEGMENT_RE = re.compile(r"[^:@/]+")
# Where a camelCase identifier splits: before an upper-case letter that follows a lower-case
# one ("etcd|Insufficient|Members"), and before the last capital of an acronym that starts
# a word ("HTTP|Server"). "IPv6" and "ORA" stay whole.
_CAMEL_SPLIT_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2})")


def _read_lines(name: str) -> list[str]:
    path = index_config_dir() / name
    if not path.is_file():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


@cache
def stop_words() -> frozenset[str]:
    return frozenset(word.lower() for word in _read_lines("stopwords.txt"))


def config_fingerprint() -> str:
    """Changes whenever something that decides the index's terms changes."""
    digest = hashlib.sha256(f"analyzer{ANALYZER_VERSION}".encode())
    for name in ("dict.txt", "stopwords.txt"):
        path = index_config_dir() / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()[:16]


class _Segmenter:
    """A private jieba instance with the domain dictionary, loaded on first use."""

    _lock = threading.Lock()
    _jieba = None

    @classmethod
    def get(cls) -> Any:
        if cls._jieba is None:
            with cls._lock:
                if cls._jieba is None:
                    import rjieba

                    # The instance rjieba builds when imported: a second Jieba() loads the
                    # dictionary again, 0.2-0.4 s of every command-line search. kbapp is its
                    # only user in the process (the benchmarks' references make their own).
                    jieba = getattr(rjieba, "_DEFAULT_JIEBA", None) or rjieba.Jieba()
                    for line in _read_lines("dict.txt"):
                        parts = line.split()
                        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                        tag = parts[2] if len(parts) > 2 else None
                        jieba.add_word(parts[0], freq, tag)
                    cls._jieba = jieba
        return cls._jieba


# While a query is analysed: what the index holds (term -> bool), so that a Chinese run
# made of words it knows is cut without jieba (see _cut_by_vocabulary).
_query_vocabulary: ContextVar[Callable[[str], bool] | None] = ContextVar("query_vocabulary", default=None)
MAX_WORD = 12


@contextmanager
def query_vocabulary(has_term: Callable[[str], bool]) -> Iterator[None]:
    token = _query_vocabulary.set(has_term)
    try:
        yield
    finally:
        _query_vocabulary.reset(token)


@cache
def domain_words() -> frozenset[str]:
    """The words of index/dict.txt: jieba keeps each whole, so a query may too."""
    return frozenset(line.split()[0] for line in _read_lines("dict.txt"))


def _cut_by_vocabulary(text: str, has_term: Callable[[str], bool]) -> list[tuple[str, int, int]] | None:
    """``text`` (a Chinese run of a query) cut into the fewest words of two or more
    characters that the index or the domain dictionary knows, and stop words; fewest
    single characters among equals; None when a character is in no such word or two
    cuts tie.

    Loading jieba's dictionary is 0.15-0.3 s of a command-line search; a query is
    mostly words the library has (数据库 起不来 了), and a word the index does not hold
    matches nothing whichever way it is cut. What is left to jieba is what it is for:
    unknown words, fragments (置丢) and ambiguous runs."""
    stops = stop_words()
    domain = domain_words()
    n = len(text)
    # best[i]: (pieces, single characters, ways) of the best cut of text[:i]
    best: list[tuple[int, int, int] | None] = [None] * (n + 1)
    back: list[int] = [0] * (n + 1)
    best[0] = (0, 0, 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_WORD), j):
            here = best[i]
            if here is None:
                continue
            word = text[i:j]
            # a character standing alone that is no stop word may be part of a word jieba
            # knows and the library lacks (一堆 is not 一 + 堆): jieba decides
            if not (word in stops or (j - i > 1 and (word in domain or has_term(word)))):
                continue
            pieces, singles, ways = here
            cand = (pieces + 1, singles + (j - i == 1))
            there = best[j]
            if there is None or cand < there[:2]:
                best[j] = (cand[0], cand[1], ways)
                back[j] = i
            elif cand == there[:2]:
                best[j] = (cand[0], cand[1], there[2] + ways)
    last = best[n]
    if last is None or last[2] != 1:
        return None
    cuts: list[tuple[str, int, int]] = []
    j = n
    while j > 0:
        i = back[j]
        cuts.append((text[i:j], i, j))
        j = i
    return cuts[::-1]


def segment_cjk(text: str, search_mode: bool) -> list[tuple[str, int, int]]:
    if not search_mode:
        has_term = _query_vocabulary.get()
        if has_term is not None:
            cut = _cut_by_vocabulary(text, has_term)
            if cut is not None:
                return cut
    jieba = _Segmenter.get()
    if search_mode:
        pieces = jieba.tokenize(text, mode="search")
        # jieba lists a long word after its parts; keep char order for highlighting.
        return sorted(set(pieces), key=lambda p: (p[1], p[2]))
    return jieba.tokenize(text)


def cut_query(text: str) -> list[str]:
    return [w for w in _Segmenter.get().cut(text) if w.strip()]


def _camel_parts(word: str, offset: int) -> list[tuple[str, int, int]]:
    cuts = [m.start() for m in _CAMEL_SPLIT_RE.finditer(word)]
    if not cuts:
        return []
    bounds = [0, *cuts, len(word)]
    return [(word[a:b], offset + a, offset + b) for a, b in zip(bounds, bounds[1:], strict=False) if b - a > 1]


def token_parts(whole: str) -> list[tuple[str, int, int]]:
    """What a Latin token also yields at index time, besides itself: the parts of a
    compound (below) and the words of a camelCase identifier (``etcdInsufficientMembers``
    is also ``etcd``, ``Insufficient``, ``Members``; snake_case splits as a compound)."""
    if whole.isalnum():
        return _camel_parts(whole, 0) if not (whole.islower() or whole.isupper()) else []
    parts = _compound_parts(whole)
    if not (whole.islower() or whole.isupper()):
        for m in _PART_RE.finditer(whole):
            parts += _camel_parts(m.group(), m.start())
    return parts


def _compound_parts(whole: str) -> list[tuple[str, int, int]]:
    """What a compound token also yields at index time: the codes, IPs and file names
    it joins with ':', '@' or '/' ('10.0.0.12' of '10.0.0.12:443', 'nginx.conf' of
    '/etc/nginx/nginx.conf'), and the alphanumeric parts ('ORA' of 'ORA-00600'),
    except the numbers of an IP or version."""
    parts: list[tuple[str, int, int]] = []
    for seg in _SEGMENT_RE.finditer(whole):
        text = seg.group()
        if text != whole and not text.isalnum():
            parts.append((text, seg.start(), seg.end()))
        if not _DOTTED_NUMBER_RE.match(text):
            parts += [(m.group(), seg.start() + m.start(), seg.start() + m.end())
                      for m in _PART_RE.finditer(text) if m.group() != whole]
    return parts


class MixedTokenizer(Tokenizer):
    def __eq__(self, other: Any) -> bool:
        return other.__class__ is self.__class__

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        index_mode = mode != "query"
        pos = start_pos
        for match in _RUN_RE.finditer(value):
            if match.group("cjk"):
                offset = match.start()
                pieces = segment_cjk(match.group(), search_mode=index_mode)
            else:
                whole = match.group()
                pieces = [(whole, 0, len(whole))]
                offset = match.start()
                if index_mode:
                    pieces += token_parts(whole)
            for text, start, end in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text  # type: ignore[attr-defined]  # Whoosh sets it so too
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + offset + start
                    token.endchar = start_char + offset + end
                pos += 1
                yield token


class EnglishStemFilter(Filter):
    """Porter-stems plain English words only; codes, paths and Chinese pass unchanged."""

    def __eq__(self, other: Any) -> bool:
        return other.__class__ is self.__class__

    def __call__(self, tokens: Any) -> Any:  # type: ignore[override]  # a filter takes tokens
        for token in tokens:
            if _STEMMABLE_RE.match(token.text):
                token.text = _cached_stem(token.text)
            yield token


@cache
def _cached_stem(word: str) -> str:
    return stem(word)


class KbStopFilter(StopFilter):
    """The stop list of ``index/stopwords.txt``, read when used, not pickled."""

    def __init__(self) -> None:
        super().__init__(stoplist=(), minsize=1)

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: Any) -> None:
        KbStopFilter.__init__(self)

    def __call__(self, tokens: Any) -> Any:  # type: ignore[override]  # a filter takes tokens
        self.stops = stop_words()
        return super().__call__(tokens)


def mixed_analyzer() -> Analyzer:
    return MixedTokenizer() | LowercaseFilter() | KbStopFilter() | EnglishStemFilter()


def analyze_query_terms(text: str) -> list[str]:
    """The terms a piece of query text becomes, in order (stop words dropped)."""
    return [t.text for t in mixed_analyzer()(text, mode="query")]
