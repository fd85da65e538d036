"""Benchmark the desktop client: cold start to a usable window, keystroke to results.

    PYTHONPATH=. python bench/bench_gui.py [--runs 5] [--docs 10000] [--queries 120] [--out DIR]
                                           [--platform offscreen|xcb] [--only start|typing]
                                           [--profile] [--json]

Cold start (target ≤ 1.5 s to a usable window, shipped library): each run is a new process
doing what ``kbapp`` without a subcommand does (``kbapp.cli.main.main`` → ``run_gui``) on a
temporary data home and settings folder. The only hook is ``QApplication.exec``: once the
event loop runs, 1 ms timers poll until the window is exposed and its search box has the focus
("usable"; on X without a window manager nothing gets the focus, so exposed counts). Median
and max over ``--runs``, from the script's first line and from the parent's spawn, to the
event loop, to usable, to the first results and to the index being up to date; the longest UI
stall meanwhile (10 ms heartbeat); whether rjieba was imported or its dictionary loaded when
usable. Cases: a home indexed by an earlier start, and a new empty home (index built in the
background). ``--profile`` runs one more normal start under cProfile up to usable.

Keystroke to results (target p90 ≤ 120 ms at 10,000 documents, issue 19): ``bench_search.py``'s corpus and
queries (Chinese, English, mixed with codes, IPs, paths), indexed once with ``sync_index``; the
real ``MainWindow`` opened on it here, and each query typed into the search box after Ctrl+K's
``focus_search``: one unit every 80-120 ms on a QTimer, ASCII as key clicks, Chinese as
input-method commits of ≤ 2 characters (``QInputMethodEvent``, as tests/gui do). Measured from
the last unit until the window has put that text's results in the model (a slot after
``_show_results``), split into debounce, waiting for a stale search, the search on the worker
thread, delivery to the UI thread. A 10 ms heartbeat gives the UI thread's longest stall; 5
warm-up queries are not counted. The OS file cache is warm in both. ``--out DIR`` keeps
corpus, homes and ``results.json`` (a re-run re-indexes nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
for folder in (REPO_ROOT, BENCH_DIR):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_search import pct, write_corpus  # noqa: E402

TARGETS = {"start_s": 1.5, "keystroke_p90_ms": 120.0}
WARMUP = 5
TIMEOUT_S = 180.0

# -- cold start: the child process --------------------------------------------------------

CHILD = textwrap.dedent(r"""
    import json, sys, time
    t_main = time.perf_counter()
    t_spawn, home, timeout_s, profile = float(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4] == "1"
    if profile:
        import cProfile
        prof = cProfile.Profile()
        prof.enable()
    from PySide6.QtCore import Qt, QTimer  # run_gui's first import is PySide6 too
    from PySide6.QtWidgets import QApplication

    marks, gaps, last = {}, [], [0.0]
    out = {"marks": marks, "spawn_to_main": t_main - t_spawn}
    real_exec = QApplication.exec

    def mark(name):
        marks.setdefault(name, time.perf_counter() - t_main)

    def hooked_exec(app):
        from kbapp.gui.main_window import MainWindow
        mark("exec")
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        beat = QTimer(window)
        beat.setTimerType(Qt.TimerType.PreciseTimer)
        beat.setInterval(10)
        beat.timeout.connect(lambda: (gaps.append(time.perf_counter() - last[0]), last.__setitem__(0, time.perf_counter())))

        def finish():
            if not out.get("done"):
                out["done"] = True
                beat.stop()
                marks.setdefault("usable", marks.get("exposed", float("nan")))
                out["max_stall_ms"] = max((g * 1000 - 10 for g in gaps), default=0.0)
                print(json.dumps(out), flush=True)
                window.close()

        def maybe_finish():
            if all(k in marks for k in ("usable", "first_results", "index_ready")):
                finish()

        def loaded():
            analysis = sys.modules.get("kbapp.search.analysis")
            out["rjieba_imported"] = "rjieba" in sys.modules
            out["dictionary_loaded"] = bool(analysis and analysis._Segmenter._jieba is not None)

        def usable(at):
            marks["usable"] = at
            if profile:
                import io, pstats
                prof.disable()
                text = io.StringIO()
                pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(35)
                out["profile"] = text.getvalue()
            maybe_finish()

        def poll():
            handle = window.windowHandle()
            if handle is None or not handle.isExposed():
                return QTimer.singleShot(1, poll)
            if "exposed" not in marks:
                mark("exposed")
                loaded()
                last[0] = time.perf_counter()
                beat.start()
            out["focused"] = window.search_box.hasFocus()
            if out["focused"]:
                loaded()
                return usable(time.perf_counter() - t_main)
            if marks["exposed"] + 1.0 < time.perf_counter() - t_main:
                return usable(marks["exposed"])  # never activated (X without a window manager)
            QTimer.singleShot(1, poll)

        window.index_ready.connect(lambda: (mark("index_ready"), maybe_finish()))
        window.search.results_ready.connect(lambda *_: (mark("first_results"), maybe_finish()))
        QTimer.singleShot(0, poll)
        QTimer.singleShot(int(timeout_s * 1000), finish)
        return real_exec()

    QApplication.exec = hooked_exec
    from kbapp.cli.main import main
    main(["--home", home])
""")


def start_once(home: Path, env: dict, profile: bool = False) -> dict:
    t_spawn = time.perf_counter()  # CLOCK_MONOTONIC on Linux: the child's perf_counter shares it
    proc = subprocess.run([sys.executable, "-c", CHILD, str(t_spawn), str(home), str(TIMEOUT_S), str(int(profile))],
                          capture_output=True, text=True, env=env, timeout=TIMEOUT_S + 60)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the child failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def bench_start(root: Path, runs: int, platform_name: str, profile: bool) -> dict:
    # Bytecode is cached (outside the repository) as in an installed app, even if PYTHONDONTWRITEBYTECODE is set.
    env = {k: v for k, v in os.environ.items() if k not in ("KBAPP_HOME", "KBAPP_DB", "PYTHONDONTWRITEBYTECODE")}
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
               QT_QPA_PLATFORM=platform_name, PYTHONPYCACHEPREFIX=str(root / "pycache"))
    cases: dict = {}
    for case in ("indexed", "empty"):
        folder = root / f"start-{case}"
        shutil.rmtree(folder, ignore_errors=True)
        case_env = dict(env, XDG_CONFIG_HOME=str(folder / "config"))  # QSettings: never the user's own
        start_once(folder / "home", case_env)  # builds the index, or warms the file cache
        cases[case] = []
        for n in range(runs):
            print(f"cold start ({case} home) {n + 1}/{runs} ...", file=sys.stderr)
            cases[case].append(start_once(folder / ("home" if case == "indexed" else f"home-{n}"), case_env))
        if profile and case == "indexed":
            cases["profile"] = start_once(folder / "home", case_env, profile=True)["profile"]
    return cases


def summarize_start(samples: list[dict]) -> dict:
    out: dict = {"runs": len(samples), "interpreter": statistics.median(s["spawn_to_main"] for s in samples),
                 "max_stall_ms": max(s["max_stall_ms"] for s in samples)}
    for key, name, wall in [("exec", "exec", False), ("usable", "usable", False), ("usable_wall", "usable", True),
                            ("first_results", "first_results", False), ("index_ready", "index_ready", False)]:
        values = [s["marks"][name] + (s["spawn_to_main"] if wall else 0.0) for s in samples if name in s["marks"]]
        out[key] = {"median": statistics.median(values), "max": max(values)} if values else None
    for flag in ("focused", "rjieba_imported", "dictionary_loaded"):
        out[flag] = sum(bool(s.get(flag)) for s in samples)
    return out


# -- keystroke to results: in this process -------------------------------------------------------

UNIT = re.compile(r"[\u3400-\u9fff]{1,2}|.", re.S)  # one IME commit (≤ 2 Chinese characters) or one key


def _timer(slot, interval: int = 0, single: bool = True):
    from PySide6.QtCore import Qt, QTimer

    timer = QTimer()
    timer.setSingleShot(single)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(interval)
    timer.timeout.connect(slot)
    return timer


class Typist:
    """Types the queries one unit at a time on QTimers and records when each query's results land."""

    def __init__(self, window, kb, queries: list[str]):
        from PySide6.QtCore import QEventLoop

        self.window, self.queries, self.loop = window, queries, QEventLoop()
        self.rng = random.Random(20261126)
        self.records: list[dict] = []
        self.searches: list[tuple[str, float, float]] = []  # (text, start, end), appended by worker threads
        self.gaps: list[float] = []
        self.mistyped, self.query_index, self.units, self.current, self._last_beat = 0, -1, [], None, 0.0
        self.key_timer = _timer(self._step)
        self.give_up = _timer(self._next_query, 10_000)  # no results 10 s after the last key: lost
        self.beat = _timer(self._tick, 10, single=False)
        search = kb.search

        def timed_search(text, **filters):
            t = time.perf_counter()
            try:
                return search(text, **filters)
            finally:
                self.searches.append((text, t, time.perf_counter()))

        kb.search = timed_search  # the controller calls self._kb.search on a worker thread
        window.search.results_ready.connect(self._results)  # runs after MainWindow._show_results
        window.search._timer.timeout.connect(self._debounced)  # runs after SearchController._fire

    def run(self) -> None:
        self._last_beat = time.perf_counter()
        self.beat.start()
        self._next_query()
        self.loop.exec()  # not app.exec()/quit(): in Qt 6 QApplication.quit() closes every window
        self.beat.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last_beat)
        self._last_beat = now

    def _next_query(self) -> None:
        self.current = None
        self.query_index += 1
        if self.query_index >= len(self.queries):
            return self.loop.quit()
        self.window.focus_search()  # Ctrl+K: the old query is selected, the first key replaces it
        self.units = UNIT.findall(self.queries[self.query_index])
        self.key_timer.start(self.rng.randint(80, 120))

    def _step(self) -> None:
        from PySide6.QtGui import QInputMethodEvent
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        unit = self.units.pop(0)
        if not self.units:
            self.current = {"query": self.queries[self.query_index], "t_key": time.perf_counter()}
        if unit.isascii():
            QTest.keyClicks(self.window.search_box, unit)
        else:
            event = QInputMethodEvent()
            event.setCommitString(unit)
            QApplication.sendEvent(self.window.search_box, event)
        if self.units:
            return self.key_timer.start(self.rng.randint(80, 120))
        self.current["text"] = self.window.current_request().text
        self.mistyped += self.current["text"] != self.current["query"].strip()
        self.give_up.start()

    def _debounced(self) -> None:
        current = self.current
        if current and "t_fire" not in current and self.window.search.latest.text == current.get("text"):
            current["t_fire"] = time.perf_counter()

    def _results(self, request, results) -> None:
        from PySide6.QtCore import QTimer

        current = self.current
        if not current or request.text != current.get("text"):
            return
        self.give_up.stop()
        current.update(t_model=time.perf_counter(), hits=len(results.hits))
        started = [s for s in self.searches if s[0] == current["text"] and s[1] >= current["t_key"]]
        if started:
            current["t_search"], current["t_searched"] = started[-1][1:]
            # _debounced runs after _fire, which may already have handed the GIL to the search thread.
            current["t_fire"] = min(current.get("t_fire", current["t_search"]), current["t_search"])
        self.records.append(current)
        self.current = None
        QTimer.singleShot(self.rng.randint(250, 400), self._next_query)  # reads, then types the next one

    def summary(self) -> dict:
        done = [r for r in self.records[WARMUP:] if "t_search" in r]
        parts = {"total": ("t_key", "t_model"), "debounce": ("t_key", "t_fire"), "after_debounce": ("t_fire", "t_model"),
                 "wait_stale": ("t_fire", "t_search"), "search": ("t_search", "t_searched"),
                 "deliver": ("t_searched", "t_model")}
        out: dict = {}
        for key, (a, b) in parts.items():
            values = [(r[b] - r[a]) * 1000 for r in done]
            out[key] = {"p50": pct(values, 50), "p90": pct(values, 90), "max": max(values)} if values else None
        gaps = [g * 1000 - 10 for g in self.gaps]
        out.update(queries=len(done), lost=len(self.queries) - WARMUP - len(done), mistyped=self.mistyped,
                   searches=len(self.searches), max_stall_ms=max(gaps), stall_p99_ms=pct(gaps, 99),
                   stalls_over_50ms=sum(g > 50 for g in gaps),
                   hits_median=statistics.median(r["hits"] for r in done) if done else 0)
        return out


def none_leak_per_void_call() -> float:
    """PySide6 6.12.0 on Python < 3.12 loses a reference to None on every call of a C++ method
    returning void (6.11.3 does not; from 3.12 None is immortal). When None's count reaches zero
    the process aborts ("Fatal Python error: none_dealloc"): the typing run did within about a
    minute at 10,000 documents. Returns references lost per call; if any, None gets 2 million
    more so that the run can finish (the report says so)."""
    from PySide6.QtCore import QObject

    probe, before = QObject(), sys.getrefcount(None)
    for _ in range(1000):
        probe.setObjectName("probe")
    leak = (before - sys.getrefcount(None)) / 1000
    if leak > 0:
        import ctypes

        for _ in range(2_000_000):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    return leak


def bench_typing(root: Path, docs: int, queries: int, platform_name: str) -> dict:
    corpus_dir, home = root / "corpus", root / "home"
    print(f"generating {docs} documents in {corpus_dir} ...", file=sys.stderr)
    all_queries, _heavy, _bytes = write_corpus(corpus_dir, docs)
    os.environ["QT_QPA_PLATFORM"] = platform_name
    from PySide6.QtCore import QEventLoop, QSettings, qInstallMessageHandler

    from kbapp.facade import KnowledgeBase
    from kbapp.gui.app import apply_style, create_application, freeze_heap_when_ready
    from kbapp.gui.main_window import MainWindow

    kb = KnowledgeBase.open(home=home, shipped_dir=corpus_dir)
    t = time.perf_counter()
    report = kb.sync_index()
    out = {"docs": docs, "build_s": time.perf_counter() - t, "rebuilt": report.rebuilt}
    print(f"sync_index: {out['build_s']:.1f} s ({report}); typing {queries} queries ...", file=sys.stderr)
    kb.close()

    previous = qInstallMessageHandler(None)  # the offscreen plugin warns on every resize: drop that
    qInstallMessageHandler(lambda kind, context, text: None if "propagateSizeHints" in text else
                           previous(kind, context, text) if previous else print(text, file=sys.stderr))
    app = create_application(["bench_gui"])
    apply_style(app)
    # Opened as run_gui opens it: the index read as queries need it, scored for many queries.
    kb = KnowledgeBase.open(home=home, shipped_dir=corpus_dir, index_mmap=False, index_many_queries=True)
    window = MainWindow(kb, language="en", settings=QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat))
    window.show()
    freeze_heap_when_ready(window)  # as run_gui does
    t = time.perf_counter()
    loop = QEventLoop()
    window.index_ready.connect(loop.quit)
    window.start()
    loop.exec()  # until the start-up sync (nothing to index) is done
    out["ready_s"] = time.perf_counter() - t
    typist = Typist(window, kb, all_queries[queries : queries + WARMUP] + all_queries[:queries])
    out["none_refs_at_start"] = sys.getrefcount(None)
    out["none_leak_per_call"] = none_leak_per_void_call()
    typist.run()
    out.update(typist.summary())
    window.close()
    kb.close()
    return out


# -- report ------------------------------------------------------------------------------------------


def mark_target(value: float, limit: float) -> str:
    return f"≤ {limit:g} {'✓' if value <= limit else '✗ missed'}"


def start_table(cases: dict) -> str:
    a, b = summarize_start(cases["indexed"]), summarize_start(cases["empty"])
    rows = ["| cold start, median / max | normal start (index built) | first start (empty home) | target |",
            "|---|---:|---:|---|"]
    for label, key in [("to the event loop (in process), s", "exec"), ("**to a usable window** (in process), s", "usable"),
                       ("**to a usable window** (with interpreter start), s", "usable_wall"),
                       ("to the first results, s", "first_results"), ("to the index up to date, s", "index_ready")]:
        cells = ["–" if s[key] is None else f"{s[key]['median']:.2f} / {s[key]['max']:.2f}" for s in (a, b)]
        target = mark_target(max(a[key]["max"], b[key]["max"]), TARGETS["start_s"]) if key == "usable_wall" else ""
        rows.append(f"| {label} | {cells[0]} | {cells[1]} | {target} |")
    rows.append(f"| interpreter start, s (median) | {a['interpreter']:.2f} | {b['interpreter']:.2f} | |")
    rows.append(f"| longest UI stall, shown → index up to date, ms | {a['max_stall_ms']:.0f} | {b['max_stall_ms']:.0f} | |")
    for label, key in [("search box had the focus", "focused"), ("rjieba imported when usable", "rjieba_imported"),
                       ("segmenter dictionary loaded when usable", "dictionary_loaded")]:
        rows.append(f"| {label} (runs) | {a[key]}/{a['runs']} | {b[key]}/{b['runs']} | |")
    return "\n".join(rows)


def typing_table(t: dict) -> str:
    rows = ["| keystroke → results, ms | p50 | p90 | max | target |", "|---|---:|---:|---:|---|"]
    for label, key in [("**total** (last key → results in the model)", "total"), ("  debounce", "debounce"),
                       ("  after the debounce", "after_debounce"), ("    waiting for a stale search", "wait_stale"),
                       ("    the search (worker thread)", "search"), ("    delivery to the UI thread", "deliver")]:
        if v := t.get(key):
            target = mark_target(v["p90"], TARGETS["keystroke_p90_ms"]) if key == "total" else ""
            rows.append(f"| {label} | {v['p50']:.1f} | {v['p90']:.1f} | {v['max']:.1f} | {target} |")
    rows.append(f"\n{t['queries']} queries typed ({t['lost']} without results within 10 s, {t['mistyped']} mistyped) "
                f"on {t['docs']} documents, {t['searches']} searches run in all; a query showed {t['hits_median']:.0f} "
                f"hits (median, limit 50). UI thread: longest stall {t['max_stall_ms']:.0f} ms, p99 "
                f"{t['stall_p99_ms']:.1f} ms, {t['stalls_over_50ms']} stalls over 50 ms. "
                f"{'Index build' if t['rebuilt'] else 'Index sync (already built)'} {t['build_s']:.1f} s; "
                f"the window's start-up sync {t['ready_s']:.1f} s.")
    if t["none_leak_per_call"] > 0:
        from PySide6 import __version__ as pyside

        rows.append(f"\n**PySide6 {pyside} on Python {platform.python_version()} loses {t['none_leak_per_call']:g} "
                    f"reference to None per call of a void C++ method**: None had {t['none_refs_at_start']} when the "
                    "window was ready; the app aborts (\"none_dealloc\") when they run out. This run padded None's "
                    "count to finish (see none_leak_per_void_call).")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts per case (default 5)")
    parser.add_argument("--docs", type=int, default=10_000, help="documents for the typing benchmark (default 10000)")
    parser.add_argument("--queries", type=int, default=120, help="queries typed (default 120, plus 5 warm-up)")
    parser.add_argument("--out", type=Path, help="keep the corpus, homes and results.json here (default: a temp folder)")
    parser.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM (default offscreen; xcb needs DISPLAY)")
    parser.add_argument("--only", choices=("start", "typing"), help="run one of the two benchmarks")
    parser.add_argument("--profile", action="store_true", help="profile one normal start up to usable")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    if args.platform == "xcb" and not os.environ.get("DISPLAY"):
        parser.error("--platform xcb needs a DISPLAY (e.g. run under xvfb-run -a)")

    root = args.out or Path(tempfile.mkdtemp(prefix="kbapp-bench-gui-"))
    root.mkdir(parents=True, exist_ok=True)
    results: dict = {"meta": {"python": platform.python_version(), "cpus": os.cpu_count(), "qpa": args.platform,
                              "system": platform.platform()}}
    try:
        if args.only in (None, "start"):
            cases = bench_start(root, args.runs, args.platform, args.profile)
            print(start_table(cases) + "\n")
            if "profile" in cases:
                print("## cProfile of a normal start, up to usable\n\n```\n" + cases.pop("profile") + "```\n")
            results["start"] = {k: summarize_start(v) for k, v in cases.items()}
            results["start_runs"] = cases
        if args.only in (None, "typing"):
            results["typing"] = bench_typing(root, args.docs, args.queries, args.platform)
            print(typing_table(results["typing"]) + "\n")
        from PySide6 import __version__ as pyside

        results["meta"]["pyside6"] = pyside
        print(f"Python {platform.python_version()}, PySide6 {pyside}, {os.cpu_count()} CPUs, QPA {args.platform}, "
              f"{platform.platform()}.")
        if args.json:
            print(json.dumps({k: v for k, v in results.items() if k != "start_runs"}, indent=1))
        (root / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
