"""How kbapp scales with the library: 1,000, 10,000 and 50,000 documents (issue 19).

For each size, a data home whose library holds bench_search.py's corpus (as bench_cli.py
builds it, indexed once), and, over the same documents segmented by rjieba, SQLite FTS5
and tantivy (when `pip install tantivy` worked), measured in the same run:

- window open → first result for a query typed at once: a new process runs `kbapp`
  (offscreen Qt), the query is put in the search box when the event loop starts, and the
  clock stops when the window has results for it (kbapp only);
- a search as a new process: `python -m kbapp --home HOME search QUERY` (FTS5 and
  tantivy: a new Python process that imports rjieba, opens the index and asks), wall
  time and the process's peak memory (max RSS, from wait4);
- query p50 / p95 in one process over the same queries (kbapp with partial matching,
  20 hits with snippets; FTS5 and tantivy every word required, 20 hits);
- add one document → searchable (median of 10).

Usage:
    PYTHONPATH=. .venv/bin/python bench/bench_scale.py                      # 1k, 10k, 50k (the 50k build: ~15 min)
    PYTHONPATH=. .venv/bin/python bench/bench_scale.py --docs 1000 10000 --out /tmp/scale --json
    PYTHONPATH=. .venv/bin/python bench/bench_scale.py --out /tmp/scale   # again: the built homes and indexes are kept

Keystroke → results in the window is bench_gui.py's (`--only typing`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO_ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from bench_cli import env_for, prepare  # noqa: E402
from bench_search import NEW_DOC, SEED, Corpus, fts_match, pct, segment  # noqa: E402

QUERIES = ["数据库 备份", "disk full", "nginx 502 排查"]
TARGETS_50K = {"window_s": 1.0, "cli_s": 1.5, "p95_ms": 100.0, "add_ms": 100.0, "rss_mb": 150.0}

WINDOW_CHILD = textwrap.dedent(r"""
    import json, sys, time
    t_spawn, home, query = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    out = {}
    real_exec = QApplication.exec

    def hooked_exec(app):
        from kbapp.gui.main_window import MainWindow
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        out["exec_s"] = time.perf_counter() - t_spawn
        window.search_box.setText(query)  # typed as soon as the window can take it

        def results(request, found):
            if request.text == query and "first_result_s" not in out:
                out["first_result_s"] = time.perf_counter() - t_spawn
                out["hits"] = len(found.hits)
                finish()

        def finish():
            print(json.dumps(out), flush=True)
            window.close()
            app.quit()

        window.search.results_ready.connect(results)
        QTimer.singleShot(180_000, finish)
        return real_exec()

    QApplication.exec = hooked_exec
    from kbapp.cli.main import main
    main(["--home", home])
""")

FTS_CHILD = textwrap.dedent("""
    import json, sqlite3, sys
    sys.path.insert(0, sys.argv[3])
    from bench_search import fts_match, FTS_QUERY
    db = sqlite3.connect(sys.argv[1])
    print(json.dumps({"hits": len(db.execute(FTS_QUERY, (fts_match(sys.argv[2]),)).fetchall())}))
""")

TANTIVY_CHILD = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[3])
    import tantivy
    from bench_scale import tantivy_query
    index = tantivy.Index.open(sys.argv[1])
    searcher = index.searcher()
    hits = searcher.search(index.parse_query(tantivy_query(sys.argv[2]), ["title", "body"]), 20).hits
    print(json.dumps({"hits": len(hits)}))
""")


TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def spawn(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall s, peak memory MB, stdout) of one process. The peak (max RSS) is GNU time's:
    the child's own rusage would count the copy of this (large) process it was forked
    from before it ran Python."""
    if TIME:
        argv = [TIME, "-f", "@@RSS %M", *argv]
    t = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, env=env, cwd=REPO_ROOT, check=False)
    wall = time.perf_counter() - t
    stderr = proc.stderr.decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{argv[:6]} failed ({proc.returncode}): {stderr[-2000:]}")
    rss_kb = [int(line.split()[1]) for line in stderr.splitlines() if line.startswith("@@RSS ")]
    return wall, (rss_kb[-1] / 1024 if rss_kb else float("nan")), proc.stdout.decode("utf-8", errors="replace")


def median_of(samples: list[tuple[float, float, str]]) -> dict:
    return {"wall_s": statistics.median(s[0] for s in samples), "rss_mb": statistics.median(s[1] for s in samples)}


# -- the references -------------------------------------------------------------------------------

def corpus_docs(home: Path):
    from kbapp.parser import parse_file

    folder = home / "library" / "imported" / "bench"
    for path in sorted(folder.glob("*.md")):
        doc, _ = parse_file(path)
        if doc is not None:
            yield doc


def fts_row(doc) -> tuple:
    from kbapp.search.schema import plain_text

    return (doc.id, segment(" ".join([doc.title, doc.title_en])), segment(" ".join(doc.tags)),
            segment(plain_text(doc.body)))


def build_fts(db_path: Path, home: Path) -> None:
    if db_path.exists():
        return
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, tags, body, "
               "tokenize = \"unicode61 remove_diacritics 0 tokenchars '-_./:'\")")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", (fts_row(d) for d in corpus_docs(home)))
    db.commit()
    db.close()


def tantivy_query(query: str) -> str:
    """Every word required, as the FTS5 reference: '+"a" +"b c"' over rjieba's words."""
    import rjieba

    terms = []
    for chunk in query.split():
        words = [w for w in rjieba.cut(chunk) if w.strip() and any(ch.isalnum() for ch in w)]
        if words:
            terms.append('+"' + " ".join(words).replace('"', " ") + '"')
    return " ".join(terms)


def tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True)
    builder.add_text_field("body", stored=True)
    return builder.build()


def build_tantivy(folder: Path, home: Path) -> None:
    import tantivy

    if (folder / "meta.json").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(tantivy_schema(), path=str(folder))
    writer = index.writer(heap_size=100_000_000, num_threads=1)
    for doc in corpus_docs(home):
        row = fts_row(doc)
        writer.add_document(tantivy.Document(id=row[0], title=row[1] + " " + row[2], body=row[3]))
    writer.commit()
    writer.wait_merging_threads()


# -- one size ---------------------------------------------------------------------------------------

def queries_for_p95(count: int) -> list[str]:
    return Corpus(SEED + 7).queries(count)


def bench_kbapp_in_process(home: Path, queries: list[str]) -> dict:
    from kbapp.facade import KnowledgeBase
    from kbapp.parser import parse_file

    kb = KnowledgeBase.open(home=home)
    kb.reload_library()
    kb.sync_index()
    for q in queries[:5]:
        kb.search(q, limit=20)
    latencies = []
    for q in queries:
        t = time.perf_counter()
        kb.search(q, limit=20)
        latencies.append((time.perf_counter() - t) * 1000)
    adds = []
    filler = Corpus(SEED + 1).sentence()
    stamp = time.time_ns()
    for n in range(10):
        path = home / "library" / "scale-new" / f"new-{stamp}-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(NEW_DOC.format(n=n, body=filler).replace(f"bench-new-{n}", f"scale-new-{stamp}-{n}")
                        .replace(f"freshtoken{n}x", f"freshtoken{stamp}x{n}"), encoding="utf-8")
        doc, _ = parse_file(path)
        t = time.perf_counter()
        kb.add_document(doc)
        hits = kb.search(f"freshtoken{stamp}x{n}", limit=20).hits
        adds.append((time.perf_counter() - t) * 1000)
        assert [h.id for h in hits] == [doc.id], hits
    kb.close()
    shutil.rmtree(home / "library" / "scale-new", ignore_errors=True)
    return {"p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95), "add_ms": statistics.median(adds)}


def bench_fts_in_process(db_path: Path, queries: list[str]) -> dict:
    from bench_search import FTS_QUERY

    db = sqlite3.connect(db_path)
    latencies = []
    for q in queries[:5]:
        db.execute(FTS_QUERY, (fts_match(q),)).fetchall()
    for q in queries:
        t = time.perf_counter()
        db.execute(FTS_QUERY, (fts_match(q),)).fetchall()
        latencies.append((time.perf_counter() - t) * 1000)
    adds = []
    for n in range(10):
        row = (f"fts-new-{n}", "新增", "", segment(f"独有标记 freshfts{n}x 出现"))
        t = time.perf_counter()
        db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)", row)
        db.commit()
        found = db.execute(FTS_QUERY, (fts_match(f"freshfts{n}x"),)).fetchall()
        adds.append((time.perf_counter() - t) * 1000)
        assert found, n
    db.execute("DELETE FROM docs WHERE id LIKE 'fts-new-%'")
    db.commit()
    db.close()
    return {"p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95), "add_ms": statistics.median(adds)}


def bench_tantivy_in_process(folder: Path, queries: list[str]) -> dict:
    import tantivy

    index = tantivy.Index.open(str(folder))
    searcher = index.searcher()

    def search(q: str):
        text = tantivy_query(q)
        return searcher.search(index.parse_query(text, ["title", "body"]), 20).hits if text else []

    for q in queries[:5]:
        search(q)
    latencies = []
    for q in queries:
        t = time.perf_counter()
        search(q)
        latencies.append((time.perf_counter() - t) * 1000)
    adds = []
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    for n in range(10):
        t = time.perf_counter()
        writer.add_document(tantivy.Document(id=f"tv-new-{n}", title="新增", body=f"独有标记 freshtv{n}x 出现"))
        writer.commit()
        index.reload()
        searcher = index.searcher()
        found = search(f"freshtv{n}x")
        adds.append((time.perf_counter() - t) * 1000)
        assert found, n
    writer.delete_documents_by_query(index.parse_query('id:"tv-new-*"', ["id"])) if False else None
    writer.wait_merging_threads()
    return {"p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95), "add_ms": statistics.median(adds)}


def bench_size(root: Path, docs: int, runs: int, queries: list[str], window: bool) -> dict:
    home, first_s = prepare(root, docs)
    out: dict = {"docs": docs, "build_s": first_s}
    env = env_for(REPO_ROOT)
    kb_cli = [sys.executable, "-m", "kbapp", "--home", str(home), "search"]
    for q in QUERIES:  # settle (racy files hashed once more), warm the file cache
        spawn([*kb_cli, q, "--limit", "10"], env)
    print(f"{docs}: kbapp search as a new process ...", file=sys.stderr)
    out["kbapp_cli"] = median_of([spawn([*kb_cli, q, "--limit", "10"], env) for q in QUERIES for _ in range(runs)])
    if window:
        print(f"{docs}: the window ...", file=sys.stderr)
        from kbapp.facade import KnowledgeBase

        kb = KnowledgeBase.open(home=home)
        if kb.engineer is None:
            kb.set_engineer("bench")  # no first-start dialog asking for a name
        kb.close()
        wenv = dict(env, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(root / "config"),
                    PYTHONPYCACHEPREFIX=str(root / "pycache"))
        samples = []
        for n in range(runs):
            wall, _rss, stdout = spawn([sys.executable, "-c", WINDOW_CHILD, str(time.perf_counter()), str(home),
                                        QUERIES[n % len(QUERIES)]], wenv)
            lines = [line for line in stdout.splitlines() if line.startswith("{")]
            samples.append(json.loads(lines[-1]) if lines else {})
        firsts = [s["first_result_s"] for s in samples if "first_result_s" in s]
        out["kbapp_window_s"] = statistics.median(firsts) if firsts else float("nan")
        out["kbapp_window_exec_s"] = statistics.median(s.get("exec_s", float("nan")) for s in samples)
    print(f"{docs}: kbapp in one process ...", file=sys.stderr)
    out["kbapp"] = bench_kbapp_in_process(home, queries)

    print(f"{docs}: FTS5 ...", file=sys.stderr)
    db_path = root / f"fts-{docs}.sqlite3"
    t = time.perf_counter()
    build_fts(db_path, home)
    out["fts_build_s"] = time.perf_counter() - t
    out["fts_cli"] = median_of([spawn([sys.executable, "-c", FTS_CHILD, str(db_path), q, str(BENCH)], env)
                                for q in QUERIES for _ in range(runs)])
    out["fts"] = bench_fts_in_process(db_path, queries)
    if tantivy_available():
        print(f"{docs}: tantivy ...", file=sys.stderr)
        folder = root / f"tantivy-{docs}"
        t = time.perf_counter()
        build_tantivy(folder, home)
        out["tantivy_build_s"] = time.perf_counter() - t
        out["tantivy_cli"] = median_of([spawn([sys.executable, "-c", TANTIVY_CHILD, str(folder), q, str(BENCH)], env)
                                        for q in QUERIES for _ in range(runs)])
        out["tantivy"] = bench_tantivy_in_process(folder, queries)
    return out


# -- report -----------------------------------------------------------------------------------------

def table(results: list[dict]) -> str:
    sizes = [f"{r['docs']:,}" for r in results]
    tv = all("tantivy" in r for r in results)
    head = "| measure | " + " | ".join(f"{s} kbapp | FTS5 | ×" + (" | tantivy | ×" if tv else "") for s in sizes) + " |"
    cols = 1 + len(results) * (5 if tv else 3)
    lines = [head, "|" + "---|" * cols]

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}×" if b and a == a else "—"

    def row(name: str, kb, fts, tvv, fmt: str) -> None:
        cells = [name]
        for r in results:
            a, b = kb(r), fts(r)
            cells += [format(a, fmt) if a is not None else "—", format(b, fmt) if b is not None else "—",
                      ratio(a, b) if a is not None and b is not None else "—"]
            if tv:
                c = tvv(r)
                cells += [format(c, fmt) if c is not None else "—", ratio(a, c) if a is not None and c is not None else "—"]
        lines.append("| " + " | ".join(cells) + " |")

    row("window start (spawn) → first result for a typed query, s", lambda r: r.get("kbapp_window_s"), lambda r: None,
        lambda r: None, ".2f")
    row("  of which from the event loop (the window shown) to that result, s",
        lambda r: r.get("kbapp_window_s", float("nan")) - r.get("kbapp_window_exec_s", float("nan")),
        lambda r: None, lambda r: None, ".2f")
    row("search as a new process, s", lambda r: r["kbapp_cli"]["wall_s"], lambda r: r["fts_cli"]["wall_s"],
        lambda r: r.get("tantivy_cli", {}).get("wall_s"), ".2f")
    row("query p50, ms", lambda r: r["kbapp"]["p50_ms"], lambda r: r["fts"]["p50_ms"],
        lambda r: r.get("tantivy", {}).get("p50_ms"), ".1f")
    row("query p95, ms", lambda r: r["kbapp"]["p95_ms"], lambda r: r["fts"]["p95_ms"],
        lambda r: r.get("tantivy", {}).get("p95_ms"), ".1f")
    row("add one → searchable, ms", lambda r: r["kbapp"]["add_ms"], lambda r: r["fts"]["add_ms"],
        lambda r: r.get("tantivy", {}).get("add_ms"), ".1f")
    row("memory to answer one query (new process, max RSS), MB", lambda r: r["kbapp_cli"]["rss_mb"],
        lambda r: r["fts_cli"]["rss_mb"], lambda r: r.get("tantivy_cli", {}).get("rss_mb"), ".0f")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3, help="new processes per query (default 3)")
    parser.add_argument("--queries", type=int, default=100, help="in-process queries (default 100)")
    parser.add_argument("--out", type=Path, help="keep homes and indexes here (a second run re-builds nothing)")
    parser.add_argument("--no-window", action="store_true", help="skip the window measure (no Qt)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    root = args.out or Path(tempfile.mkdtemp(prefix="kbapp-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    queries = queries_for_p95(args.queries)
    results = []
    try:
        for docs in args.docs:
            results.append(bench_size(root, docs, args.runs, queries, not args.no_window))
            print(json.dumps(results[-1]), file=sys.stderr)
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in load)}")
    print(table(results))
    if results and results[-1]["docs"] >= 50_000:
        r = results[-1]
        print("\ntargets at 50,000:", json.dumps({
            "window ≤ 1 s": r.get("kbapp_window_s", float("nan")) <= TARGETS_50K["window_s"],
            "new process ≤ 1.5 s": r["kbapp_cli"]["wall_s"] <= TARGETS_50K["cli_s"],
            "p95 ≤ 100 ms": r["kbapp"]["p95_ms"] <= TARGETS_50K["p95_ms"],
            "add ≤ 100 ms": r["kbapp"]["add_ms"] <= TARGETS_50K["add_ms"],
            "memory ≤ 150 MB": r["kbapp_cli"]["rss_mb"] <= TARGETS_50K["rss_mb"]}, ensure_ascii=False))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
