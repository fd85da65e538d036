"""How well search finds the right document: kbapp against a plain BM25 baseline.

    PYTHONPATH=. python bench/eval/evaluate.py [--queries bench/eval/queries.tsv]
                                               [--misses] [--json] [--only kbapp|baseline]

The library searched is the shipped playbooks plus the runbooks of ``bench/eval/corpus/``
(English and Chinese, imported with ``kbapp import`` into a fresh temporary data home, as
a user would). ``queries.tsv`` holds the judged queries: ``type<TAB>query<TAB>answers``,
where answers are ``|``-separated corpus paths (``en/oom-killer.md``) or shipped document
ids (``disk-full``); a query is a hit at k when one of its answers is among the first k
results. The baseline, on the same documents and queries in the same run, is SQLite FTS5
BM25 over text pre-segmented with rjieba's default dictionary, every query word OR-ed,
title weighted 5 to 1 (kbapp's stop words dropped from both sides).

Prints hit@1, hit@3, MRR@10 and the zero-result rate per query type and overall, as a
Markdown table; ``--misses`` lists the queries kbapp gets wrong with what it returned.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

HERE = Path(__file__).resolve().parent
K = 10


def load_queries(path: Path) -> list[tuple[str, str, set[str]]]:
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise SystemExit(f"{path}:{number}: expected type<TAB>query<TAB>answers, got {len(parts)} fields")
        kind, text, answers = parts
        queries.append((kind.strip(), text.strip(), {a.strip() for a in answers.split("|") if a.strip()}))
    return queries


def open_library(home: Path):
    from kbapp.facade import KnowledgeBase

    fresh = not home.exists()
    kb = KnowledgeBase.open(home)
    if fresh:
        corpus = HERE / "corpus"
        result = kb.import_paths([p for p in sorted(corpus.iterdir()) if p.is_dir()])
        for source, reason in result.failed:
            print(f"warning: {source}: {reason}", file=sys.stderr)
    kb.sync_index()
    # The judged answers name corpus files by their path under corpus/, or shipped ids.
    names: dict[str, str] = {}
    for doc in kb.documents():
        try:
            names[doc.id] = Path(doc.path).relative_to(kb.home.imported).as_posix()
        except ValueError:
            names[doc.id] = doc.id
    return kb, names


# -- the baseline ------------------------------------------------------------------------

_LATIN_RE = re.compile(r"[A-Za-z0-9_]+")
_CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


class Baseline:
    def __init__(self, docs):
        import rjieba

        from kbapp.search.analysis import stop_words

        self._jieba = rjieba.Jieba()
        self._stops = stop_words()
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE d USING fts5(doc_id UNINDEXED, title, body)")
        self.db.executemany("INSERT INTO d VALUES (?, ?, ?)", [
            (doc.id, self.tokens(f"{doc.title} {doc.title_en} {' '.join(doc.tags)}"),
             self.tokens(Path(doc.path).read_text(encoding="utf-8"))) for doc in docs])

    def words(self, text: str) -> list[str]:
        out = []
        for match in re.finditer(f"{_CJK_RUN_RE.pattern}|{_LATIN_RE.pattern}", text):
            piece = match.group()
            if _CJK_RUN_RE.fullmatch(piece):
                out += [w for w in self._jieba.cut(piece) if w.strip()]
            else:
                out.append(piece.lower())
        return [w for w in out if w not in self._stops]

    def tokens(self, text: str) -> str:
        return " ".join(self.words(text))

    def search(self, text: str, limit: int = K) -> list[str]:
        words = list(dict.fromkeys(self.words(text)))
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.db.execute("SELECT doc_id FROM d WHERE d MATCH ? ORDER BY bm25(d, 5.0, 1.0) LIMIT ?",
                               (match, limit)).fetchall()
        return [r[0] for r in rows]


# -- scoring -------------------------------------------------------------------------------

def evaluate(queries, search, names) -> dict[str, dict[str, float]]:
    per_type: dict[str, list[tuple[int | None, bool]]] = defaultdict(list)
    misses = []
    ranks = {}
    for kind, text, answers in queries:
        found = [names.get(doc_id, doc_id) for doc_id in search(text)]
        rank = next((i for i, name in enumerate(found[:K], start=1) if name in answers), None)
        per_type[kind].append((rank, not found))
        ranks[text] = rank
        if rank != 1:
            misses.append((kind, text, sorted(answers), found[:3], rank))
    table = {kind: _metrics(rows) for kind, rows in sorted(per_type.items())}
    table["all"] = _metrics([row for rows in per_type.values() for row in rows])
    return {"table": table, "misses": misses, "ranks": ranks}


def _metrics(rows) -> dict[str, float]:
    n = len(rows)
    return {
        "queries": n,
        "hit@1": sum(1 for r, _ in rows if r == 1) / n,
        "hit@3": sum(1 for r, _ in rows if r is not None and r <= 3) / n,
        "mrr@10": sum(1 / r for r, _ in rows if r is not None) / n,
        "zero": sum(1 for _, empty in rows if empty) / n,
    }


def print_table(results: dict[str, dict]) -> None:
    systems = list(results)
    kinds = list(next(iter(results.values()))["table"])
    head = "| query type | n | " + " | ".join(
        f"{s} hit@1 | {s} hit@3 | {s} MRR@10 | {s} zero" for s in systems) + " |"
    print(head)
    print("|" + "---|" * (2 + 4 * len(systems)))
    for kind in kinds:
        cells = [kind, str(results[systems[0]]["table"][kind]["queries"])]
        for s in systems:
            m = results[s]["table"][kind]
            cells += [f"{m['hit@1']:.0%}", f"{m['hit@3']:.0%}", f"{m['mrr@10']:.2f}", f"{m['zero']:.0%}"]
        print("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=HERE / "queries.tsv")
    parser.add_argument("--misses", action="store_true", help="list the queries kbapp does not put first")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=("kbapp", "baseline"))
    parser.add_argument("--home", type=Path, help="keep the data home here and reuse it on the next run "
                        "(default: a fresh temporary one)")
    args = parser.parse_args(argv)
    queries = load_queries(args.queries)
    with tempfile.TemporaryDirectory(prefix="kbapp-eval-") as tmp:
        kb, names = open_library(args.home or Path(tmp) / "home")
        try:
            results = {}
            if args.only != "baseline":
                results["kbapp"] = evaluate(queries, lambda q: [h.id for h in kb.search(q, limit=K).hits], names)
            if args.only != "kbapp":
                baseline = Baseline(kb.documents())
                results["baseline"] = evaluate(queries, baseline.search, names)
        finally:
            kb.close()
    print(f"{len(queries)} queries over {len(names)} documents")
    print_table(results)
    if args.misses and "kbapp" in results:
        print("\nkbapp misses (type, query, answers, first three results, rank of the answer):")
        base = results.get("baseline", {}).get("ranks", {})
        for miss in results["kbapp"]["misses"]:
            print("  ", *miss, f"baseline: {base.get(miss[1], '-')}", sep=" | ")
    if args.json:
        print(json.dumps({s: r["table"] for s, r in results.items()}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
