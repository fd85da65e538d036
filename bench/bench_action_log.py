"""Benchmark the action log: durable append latency, and opening a long incident.

    PYTHONPATH=. python bench/bench_action_log.py [--appends 10000] [--timeline 5000] [--dir DIR] [--json]

1. Appends ``--appends`` actions one by one through IncidentService (notes and step
   results, each its own committed, fsynced transaction, as the GUI does) and reports
   p50/p95/p99/max latency. Aim: p95 <= 10 ms.
2. Builds an incident with ``--timeline`` actions, reopens the database (as after a
   restart) and times opening it the way the incident window does: the incident,
   its timeline, the step-runner state and the deadlines. Aim: <= 300 ms.

The database is a fresh SQLite file in a temporary folder (or ``--dir``), so the
figures include real fsyncs on that disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kbapp.home import DataHome
from kbapp.incidents.service import IncidentService
from kbapp.model import Decision, Document, Step
from kbapp.store.db import Store
from kbapp.store.models import ActionRow

PLAYBOOK = Document(
    id="bench-playbook", kind="playbook", title="基准预案", path=Path("bench.md"), body="", title_en="Bench playbook",
    steps=[Step(n, f"步骤 {n}", n, commands=[f"echo step {n}"],
                decisions=[Decision("跳到最后", 20, n)] if n == 5 else []) for n in range(1, 21)],
)


class BenchKB:
    def __init__(self, root: Path):
        self.home = DataHome(root)

    def get(self, playbook_id: str):
        return PLAYBOOK if playbook_id == PLAYBOOK.id else None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def bench_appends(svc: IncidentService, count: int) -> dict:
    incident = svc.start("append benchmark", "II", playbook_ids=[PLAYBOOK.id])
    latencies = []
    started = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        if i % 4 == 0:
            svc.step(incident.id, 1 + i % 20, "done", note=f"step note {i}")
        else:
            svc.note(incident.id, f"note {i}: 服务恢复检查 {'x' * (i % 200)}")
        latencies.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    return {
        "count": count, "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99), "max_ms": max(latencies), "mean_ms": statistics.fmean(latencies),
        "per_second": count / total,
    }


def build_long_incident(svc: IncidentService, store: Store, size: int) -> int:
    incident = svc.start("timeline benchmark", "I", playbook_ids=[PLAYBOOK.id])
    now = dt.datetime.now(dt.UTC)

    def fill(session):
        # One bulk transaction: building the fixture is not what is measured.
        for i in range(size - 2):  # created + playbook_attached are already there
            step = 1 + i % 20
            if i % 3 == 0:
                session.add(ActionRow(incident_id=incident.id, at=now, actor="bench", kind="step", step=step,
                                      playbook_id=PLAYBOOK.id, details=f"note {i}",
                                      payload={"result": "done", "step_title": f"步骤 {step}"}))
            else:
                session.add(ActionRow(incident_id=incident.id, at=now, actor="bench", kind="note",
                                      details=f"note {i}: 检查日志 " + "y" * (i % 120), payload={}))

    store.write(fill)
    return incident.id


def bench_open(url: str, root: Path, incident_id: int, repeats: int) -> dict:
    store = Store.open(url, backup_dir=root / "backups")  # as after a restart
    try:
        svc = IncidentService(store, BenchKB(root))
        timings = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            incident = svc.get(incident_id)
            timeline = svc.timeline(incident_id)
            svc.playbook_runs(incident_id)
            svc.deadlines(incident)
            timings.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        svc.timeline(incident_id)
        timeline_only = (time.perf_counter() - t0) * 1000
    finally:
        store.close()
    return {"actions": len(timeline), "first_open_ms": timings[0], "median_open_ms": statistics.median(timings),
            "timeline_only_ms": timeline_only}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=10_000)
    parser.add_argument("--timeline", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="where to put the database (default: a temporary folder)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kbapp-bench-", dir=args.dir) as tmp:
        root = Path(tmp)
        url = f"sqlite:///{root / 'kbapp.sqlite3'}"
        store = Store.open(url, backup_dir=root / "backups")
        try:
            svc = IncidentService(store, BenchKB(root), actor="bench")
            appends = bench_appends(svc, args.appends)
            incident_id = build_long_incident(svc, store, args.timeline)
        finally:
            store.close()
        opening = bench_open(url, root, incident_id, args.repeats)

    result = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
              "append": appends, "open": opening}
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return 0
    a, o = appends, opening
    print(f"kbapp action log benchmark (Python {result['python']}, SQLite {result['sqlite']}, {result['platform']})")
    print(f"durable append, {a['count']:,} actions: p50 {a['p50_ms']:.2f} ms, p95 {a['p95_ms']:.2f} ms, "
          f"p99 {a['p99_ms']:.2f} ms, max {a['max_ms']:.1f} ms ({a['per_second']:.0f}/s)  [aim: p95 <= 10 ms]")
    print(f"open incident with {o['actions']:,} actions: first {o['first_open_ms']:.0f} ms, "
          f"median {o['median_open_ms']:.0f} ms (timeline alone {o['timeline_only_ms']:.0f} ms)  [aim: <= 300 ms]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
