"""Benchmark team mode: many desks appending actions to one PostgreSQL server.

    PYTHONPATH=.:tests python bench/bench_team.py [--desks 20] [--seconds 60] [--incidents 5]
        [--pause 0.2] [--poll 0.5] [--db URL] [--local-first] [--json]

Starts a throw-away PostgreSQL server (tests/pgserver.py: initdb + pg_ctl on a temporary
folder, a loopback port) unless ``--db`` names one, then runs ``--desks`` processes, each
a desk with its own connection pool, for ``--seconds``. Each desk appends notes and step
results (three notes to one step) through IncidentService — the incident's row lock and
the change-log hook included, as on a real desk — to incident ``desk % --incidents``,
pausing ``--pause`` seconds between appends (an engineer's pace, sped up), and every
``--poll`` seconds reads the actions it has not seen yet, as a desk's window does.

``--local-first``: each desk is a whole knowledge base on a data home of its own, and
appends the way a desk does (``kb.desk_incidents``, kbapp.local_first): on its copy, into
its outbox, then sent at once; the latency is then the engineer's, copy and outbox included.

Reports the append latency (p50/p95/p99/max, from the call to its commit) and, for every
action, the time from its commit until every desk had seen it (p50/p95/max), plus how
many actions each desk saw (every desk must see every action).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from kbapp.home import DataHome  # noqa: E402
from kbapp.model import Document, Step  # noqa: E402

PLAYBOOK = Document(id="bench-playbook", kind="playbook", title="基准预案", path=Path("bench.md"), body="",
                    title_en="Bench playbook", steps=[Step(n, f"步骤 {n}", n) for n in range(1, 21)])


class BenchKB:
    def __init__(self, root: Path):
        self.home = DataHome(root)

    def get(self, playbook_id: str):
        return PLAYBOOK if playbook_id == PLAYBOOK.id else None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def _desk(desk: int, url: str, incident_ids: list[int], seconds: float, pause: float, poll: float,
          start_at: float, appended_total, appending, out, home: str | None = None) -> None:
    from typing import Any

    from sqlalchemy import select

    from kbapp.incidents.service import IncidentService
    from kbapp.store.db import Store
    from kbapp.store.models import ActionRow

    kb = None
    svc: Any
    if home is not None:  # a whole desk, local first
        from kbhelpers import playbook_text

        from kbapp.facade import KnowledgeBase

        library = Path(home) / "library"
        library.mkdir(parents=True, exist_ok=True)  # the bench playbook, for the desk's step checks
        steps = "".join(f"{n}. 步骤 {n}\n" for n in range(1, 21))
        (library / "bench-playbook.md").write_text(playbook_text(PLAYBOOK.id, steps=steps), encoding="utf-8")
        kb = KnowledgeBase.open(home=Path(home), db_url=url)
        kb.actor_override = f"desk-{desk:02d}"
        store, svc = kb.store, kb.desk_incidents
        svc.note(incident_ids[desk % len(incident_ids)], "desk ready")  # the first copy, before the clock starts
        with appended_total.get_lock():
            appended_total.value += 1  # every desk waits until it has seen this one too
    else:
        store = Store.open(url, migrate=False)
        svc = IncidentService(store, BenchKB(Path("/nonexistent")), actor=f"desk-{desk:02d}")
    incident = incident_ids[desk % len(incident_ids)]
    latencies: list[float] = []
    appended: list[tuple[int, float]] = []
    seen: dict[int, float] = {}
    low = 0

    def read_new() -> None:
        nonlocal low
        ids = store.read(lambda s: list(s.scalars(select(ActionRow.id).where(ActionRow.id > low))))
        now = time.time()
        for action_id in ids:
            seen.setdefault(action_id, now)
        if ids:
            low = max(0, max(ids) - 2000)  # ids may commit a little out of order: look back

    while time.time() < start_at:
        time.sleep(0.01)
    end, next_poll, i = start_at + seconds, start_at, 0
    while time.time() < end:
        t0 = time.perf_counter()
        if i % 4 == 3:
            action = svc.step(incident, 1 + i % 20, "done", note=f"desk {desk} step {i}")
        else:
            action = svc.note(incident, f"desk {desk} note {i}: 检查服务状态")
        latencies.append((time.perf_counter() - t0) * 1000)
        appended.append((action.id, time.time()))
        with appended_total.get_lock():
            appended_total.value += 1
        i += 1
        if time.time() >= next_poll:
            read_new()
            next_poll = time.time() + poll
        time.sleep(pause)
    with appending.get_lock():
        appending.value -= 1
    # Keep reading until every desk stopped and this desk has seen every action appended.
    while True:
        read_new()
        if appending.value == 0 and len([a for a in seen if a >= 0]) >= appended_total.value:
            break
        time.sleep(poll)
    if kb is not None:
        kb.close()
    else:
        store.close()
    out.put({"desk": desk, "latencies": latencies, "appended": appended, "seen": seen})


def run(url: str, desks: int, seconds: float, incidents: int, pause: float, poll: float,
        local_first: bool = False) -> dict:
    import tempfile

    from kbapp.incidents.service import IncidentService
    from kbapp.store.db import Store

    store = Store.open(url)
    svc = IncidentService(store, BenchKB(Path("/nonexistent")), actor="bench")
    incident_ids = [svc.start(f"team benchmark {n}", "II", playbook_ids=[PLAYBOOK.id]).id for n in range(incidents)]
    baseline = store.read(lambda s: s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM actions")).scalar())
    store.close()

    ctx = mp.get_context("spawn")
    appended_total, appending, out = ctx.Value("i", int(baseline)), ctx.Value("i", desks), ctx.Queue()
    homes = tempfile.mkdtemp(prefix="kbapp-bench-desks-")
    start_at = time.time() + 3 + desks * (1.0 if local_first else 0.3)  # every desk ready before the clock starts
    procs = [ctx.Process(target=_desk, args=(d, url, incident_ids, seconds, pause, poll, start_at, appended_total,
                                             appending, out, f"{homes}/desk-{d:02d}" if local_first else None))
             for d in range(desks)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 600) for _ in procs]
    for p in procs:
        p.join(30)

    latencies = [x for r in results for x in r["latencies"]]
    committed = {a: t for r in results for a, t in r["appended"]}
    all_seen = []
    for action_id, t_commit in committed.items():
        last = max(r["seen"].get(action_id, float("inf")) for r in results)
        all_seen.append(max(0.0, last - t_commit) * 1000)
    seen_counts = [sum(1 for a in committed if a in r["seen"]) for r in results]
    import shutil

    shutil.rmtree(homes, ignore_errors=True)
    return {
        "desks": desks, "local_first": local_first, "seconds": seconds, "incidents": incidents, "pause_s": pause, "poll_s": poll,
        "appends": len(latencies), "appends_per_second": len(latencies) / seconds,
        "append_p50_ms": percentile(latencies, 50), "append_p95_ms": percentile(latencies, 95),
        "append_p99_ms": percentile(latencies, 99), "append_max_ms": max(latencies),
        "append_mean_ms": statistics.fmean(latencies),
        "all_desks_seen_p50_ms": percentile(all_seen, 50), "all_desks_seen_p95_ms": percentile(all_seen, 95),
        "all_desks_seen_max_ms": max(all_seen),
        "every_desk_saw_every_action": all(c == len(committed) for c in seen_counts),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--incidents", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.2)
    parser.add_argument("--poll", type=float, default=0.5)
    parser.add_argument("--db", help="a PostgreSQL URL (default: a throw-away server)")
    parser.add_argument("--local-first", action="store_true",
                        help="each desk a knowledge base appending local first (copy, outbox, then the server)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    server = None
    url = args.db
    if url is None:
        from pgserver import start_server

        server = start_server()
        url = server.create_database()
    try:
        figures = run(url, args.desks, args.seconds, args.incidents, args.pause, args.poll, args.local_first)
    finally:
        if server is not None:
            from pgserver import stop_server

            stop_server(server)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:28} {value:.1f}" if isinstance(value, float) else f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
