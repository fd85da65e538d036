"""Benchmark ``kbapp search`` as a new process, as an engineer types it in a terminal.

    PYTHONPATH=. python bench/bench_cli.py [--docs 1000 10000] [--runs 7] [--out DIR]
                                           [--compare-with CHECKOUT] [--json]

For each library size: a data home whose library holds ``--docs`` documents of
``bench_search.py``'s corpus (under ``library/imported/``, as ``kbapp import`` puts them)
plus the shipped playbooks; the index is built once by a first ``kbapp search``. Then,
with nothing changed, ``--runs`` new processes per query (Chinese, English, mixed) run
``python -m kbapp --home HOME search QUERY``; each is timed from spawn to exit (the
process's wall time and its CPU time, user + system). Also:

- one file edited, then a new process searches (the edit is parsed and indexed);
- where the time goes in one such process (in-process marks): Python and kbapp imports,
  the library scan (kbapp.catalogue), the index sync and open, the first query, and
  separately what loading the Chinese segmenter costs (``import rjieba`` and one
  ``rjieba.Jieba()``), which the first query of a Chinese or synonym-expanded query pays;
- ``--compare-with CHECKOUT``: the same timed searches with another checkout's kbapp
  (e.g. a worktree of the commit before), on the same homes.

Targets on the project's 2-core machine (issue 10): ≤ 0.4 s at 1,000 documents and
≤ 1 s at 10,000, median wall time, nothing changed. The machine is shared: compare the
CPU column and ratios as well as wall times. ``--out DIR`` keeps the homes, so a second
run skips building the index.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import write_corpus  # noqa: E402

QUERIES = {"Chinese": "数据库 备份", "English": "disk full", "mixed": "nginx 502 排查"}
TARGETS_S = {1000: 0.4, 10_000: 1.0}

PHASES = textwrap.dedent("""
    import json, sys, time
    t0 = time.perf_counter()
    marks = {}
    def mark(name, _last=[t0]):
        now = time.perf_counter()
        marks[name] = now - _last[0]
        _last[0] = now
    from kbapp.cli import library_cmds
    from kbapp.facade import KnowledgeBase
    mark("imports")
    kb = KnowledgeBase.open(home=sys.argv[1], index_mmap=False)
    scan = kb.scan_library()
    mark("library scan")
    wanted = {doc_id: entry.hash for doc_id, entry in scan.documents.items()}
    report = kb.index.sync_hashes(wanted, lambda ids: [scan.document(i) for i in ids])
    mark("index sync and open")
    results = kb.search(sys.argv[2], limit=10)
    mark("first query")
    print(json.dumps({"marks": marks, "files": scan.files, "hashed": scan.hashed, "parsed": scan.parsed_count,
                      "changed": report.changed, "hits": len(results.hits)}))
""")

SEGMENTER = textwrap.dedent("""
    import json, time
    t0 = time.perf_counter()
    import rjieba
    t1 = time.perf_counter()
    rjieba.Jieba()
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "instance": t2 - t1}))
""")


def env_for(checkout: Path) -> dict[str, str]:
    # An installed kbapp runs from compiled bytecode (pip compiles it): a shell that sets
    # PYTHONDONTWRITEBYTECODE would time compiling kbapp's sources on every run instead.
    env = {k: v for k, v in os.environ.items() if k not in ("KBAPP_HOME", "KBAPP_DB", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = str(checkout)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_search(home: Path, query: str, checkout: Path = REPO_ROOT) -> tuple[float, float, str]:
    """(wall s, CPU s, stdout) of one ``python -m kbapp --home HOME search QUERY``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kbapp", "--home", str(home), "search", query, "--limit", "10"],
                          capture_output=True, text=True, encoding="utf-8", env=env_for(checkout), cwd=checkout,
                          check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"kbapp search failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def prepare(root: Path, docs: int) -> tuple[Path, float]:
    """A home with ``docs`` corpus documents in its library, indexed; the seconds the
    first ``kbapp search`` took (0 when a kept home was reused)."""
    home = root / f"home-{docs}"
    corpus = home / "library" / "imported" / "bench"
    stamp = home / "bench-docs.txt"
    if stamp.is_file() and stamp.read_text() == str(docs):
        return home, 0.0
    shutil.rmtree(home, ignore_errors=True)
    print(f"generating {docs} documents in {corpus} ...", file=sys.stderr)
    write_corpus(corpus, docs)
    print("first kbapp search: building the index ...", file=sys.stderr)
    first, _, _ = run_search(home, "数据库")
    stamp.write_text(str(docs))
    return home, first


def summarize(samples: list[tuple[float, float]]) -> dict:
    walls, cpus = [w for w, _ in samples], [c for _, c in samples]
    return {"wall_median_s": statistics.median(walls), "wall_min_s": min(walls), "cpu_median_s": statistics.median(cpus),
            "runs": len(samples)}


def bench_size(root: Path, docs: int, runs: int, compare_with: Path | None) -> dict:
    home, first_s = prepare(root, docs)
    for query in QUERIES.values():  # settle: files written a moment ago are hashed once more (racy)
        run_search(home, query)
    out: dict = {"docs": docs, "first_search_s": first_s, "queries": {}}
    everything = []
    for label, query in QUERIES.items():
        samples = []
        for _ in range(runs):
            wall, cpu, stdout = run_search(home, query)
            samples.append((wall, cpu))
        everything += samples
        out["queries"][label] = summarize(samples) | {"query": query, "hits": stdout.count(" id=")}
    out |= {k: v for k, v in summarize(everything).items() if k in ("wall_median_s", "cpu_median_s")}

    # One file edited: parsed and indexed by the next search.
    victim = next((home / "library" / "imported" / "bench").glob("doc-*.md"))
    edits = []
    for n in range(3):
        with victim.open("a", encoding="utf-8") as handle:
            handle.write(f"\n追加一行 appended line {n}。\n")
        wall, cpu, _ = run_search(home, QUERIES["English"])
        edits.append((wall, cpu))
    out["one_edited"] = summarize(edits)

    phase = subprocess.run([sys.executable, "-c", PHASES, str(home), QUERIES["Chinese"]], capture_output=True,
                           text=True, encoding="utf-8", env=env_for(REPO_ROOT), cwd=REPO_ROOT, check=True)
    out["phases"] = json.loads(phase.stdout)
    seg = subprocess.run([sys.executable, "-c", SEGMENTER], capture_output=True, text=True, env=env_for(REPO_ROOT),
                         check=True)
    out["segmenter"] = json.loads(seg.stdout)

    if compare_with is not None:
        samples = [run_search(home, query, checkout=compare_with)[:2] for query in QUERIES.values()
                   for _ in range(max(1, runs // 2))]
        out["compared"] = summarize(samples) | {"checkout": str(compare_with)}
    return out


def table(results: list[dict]) -> str:
    sizes = [r["docs"] for r in results]
    head = "| `kbapp search`, new process | " + " | ".join(f"{n:,} documents" for n in sizes) + " |"
    rows = [head, "|---|" + "---:|" * len(sizes)]

    def row(label: str, cell) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    for label in QUERIES:
        row(f"{label} `{QUERIES[label]}`: wall median / min, s (CPU)",
            lambda r, q=label: "{wall_median_s:.2f} / {wall_min_s:.2f} ({cpu_median_s:.2f})".format(**r["queries"][q]))

    def verdict(r: dict) -> str:
        target = TARGETS_S.get(r["docs"])
        mark = "" if target is None else f" (≤ {target:g} {'✓' if r['wall_median_s'] <= target else '✗ missed'})"
        return f"**{r['wall_median_s']:.2f}** ({r['cpu_median_s']:.2f}){mark}"

    row("**all queries: median wall, s (CPU)**", verdict)
    if any("compared" in r for r in results):
        row("the same with `--compare-with`, s (CPU)",
            lambda r: "{wall_median_s:.2f} ({cpu_median_s:.2f})".format(**r["compared"]) if "compared" in r else "–")
    row("one file edited, then a search: median s (CPU)",
        lambda r: "{wall_median_s:.2f} ({cpu_median_s:.2f})".format(**r["one_edited"]))
    row("first search of a new home (builds the index), s",
        lambda r: f"{r['first_search_s']:.1f}" if r["first_search_s"] else "(kept)")
    for name in ("imports", "library scan", "index sync and open", "first query"):
        row(f"  in process: {name}, ms", lambda r, n=name: f"{r['phases']['marks'][n] * 1000:.0f}")
    row("  of the first query: loading the Chinese segmenter (import rjieba + one Jieba()), ms",
        lambda r: f"{(r['segmenter']['import'] + r['segmenter']['instance']) * 1000:.0f}")
    row("  files stat'ed / hashed / parsed by the scan",
        lambda r: f"{r['phases']['files']:,} / {r['phases']['hashed']} / {r['phases']['parsed']}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows.append("")
    rows.append(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load:.1f} at the end, "
                f"{platform.platform()}.")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10_000], help="library sizes (default 1000 10000)")
    parser.add_argument("--runs", type=int, default=7, help="new processes per query (default 7)")
    parser.add_argument("--out", type=Path, help="keep the homes here (default: a temporary folder)")
    parser.add_argument("--compare-with", type=Path, metavar="CHECKOUT",
                        help="also time another checkout's kbapp on the same homes (e.g. the commit before)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    root = args.out or Path(tempfile.mkdtemp(prefix="kbapp-bench-cli-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        results = [bench_size(root, docs, args.runs, args.compare_with) for docs in args.docs]
        print(table(results))
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=1))
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
