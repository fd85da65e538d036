"""Benchmark team mode: how long a report written on desk A takes to be found by search on
desk B, with B pulling the change log in the background as its window does.

    PYTHONPATH=.:tests python bench/bench_propagation.py [--rounds 10] [--poll 1.0] [--db URL] [--json]

Starts a throw-away PostgreSQL server (tests/pgserver.py) unless ``--db`` names one. Two
data homes (desks A and B) on it; B's index is built first, then a thread on B calls
``kb.team.pull()`` every ``--poll`` seconds (the window's ``team/poll_seconds``; its
shortest is 1 s, its default 5 s). Each round, A solves an incident and submits its fault
report carrying a unique code; the time is from ``submit`` returning (committed on the
server) until ``B.search(code, kind="report")`` finds it, asked every 20 ms. Reports
p50/p95/max over the rounds and the pull's own time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

FILLED = {"fault_type": "配置丢失", "cause": "运维误删配置", "loss": "业务中断 40 分钟", "place": "客户机房"}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def run(url: str, rounds: int, poll: float) -> dict:
    from kbapp.facade import KnowledgeBase

    top = Path(tempfile.mkdtemp(prefix="kbapp-prop-"))
    a = KnowledgeBase.open(home=top / "a", db_url=url)
    b = KnowledgeBase.open(home=top / "b", db_url=url)
    a.actor_override, b.actor_override = "desk-a", "desk-b"
    b.sync_index()
    stop = threading.Event()
    pulls: list[float] = []

    def poller() -> None:
        while not stop.is_set():
            t = time.perf_counter()
            b.team.pull()
            pulls.append((time.perf_counter() - t) * 1000)
            stop.wait(poll)

    thread = threading.Thread(target=poller, daemon=True)
    thread.start()
    seen: list[float] = []
    try:
        for n in range(rounds):
            code = f"PRP{n:03d}X{int(time.time()) % 100000}"
            incident = a.incidents.start(f"传播测试 {code}", "II", category="config-loss", reporter="客户")
            a.incidents.resolve(incident.id, "已恢复")
            a.reports.submit(incident.id, FILLED)
            t0 = time.perf_counter()
            while not any(h.id == f"report-{incident.id}" for h in b.search(code, kind="report").hits):
                if time.perf_counter() - t0 > 60:
                    raise SystemExit(f"round {n}: not found on desk B after 60 s")
                time.sleep(0.02)
            seen.append((time.perf_counter() - t0) * 1000)
    finally:
        stop.set()
        thread.join()
        a.close()
        b.close()
    return {"rounds": rounds, "poll_s": poll, "found_p50_ms": statistics.median(seen),
            "found_p95_ms": percentile(seen, 95), "found_max_ms": max(seen),
            "pull_p50_ms": statistics.median(pulls), "pull_max_ms": max(pulls)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--poll", type=float, default=1.0)
    parser.add_argument("--db", help="a PostgreSQL URL (default: a throw-away server)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    server = None
    url = args.db
    if url is None:
        from pgserver import start_server

        server = start_server()
        url = server.create_database()
    try:
        figures = run(url, args.rounds, args.poll)
    finally:
        if server is not None:
            from pgserver import stop_server

            stop_server(server)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:16} {value:.1f}" if isinstance(value, float) else f"{key:16} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
