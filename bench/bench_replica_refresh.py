"""Benchmark a team desk's refresh of its copy of the incidents (kbapp.replica), which the
window runs on every poll (default every 5 s) and ``kbapp sync`` once.

    PYTHONPATH=.:tests python bench/bench_replica_refresh.py [--incidents 1000 10000]
        [--actions 5] [--repeat 7] [--writes 0] [--db URL] [--json]

Starts a throw-away PostgreSQL server (tests/pgserver.py) unless ``--db`` names one (a
database it may fill), puts ``--incidents`` incidents of ``--actions`` actions each on it
(copies of one real incident, inserted in bulk), then times on a fresh desk: the first
refresh (every incident copied; and as a window makes it, in steps of at most
COPY_STEP incidents, the longest step being what the window's writes may wait), an idle refresh comparing every incident (``full``: what
every poll cost before the change cursor), an idle refresh through the change cursor, and
a refresh after another desk wrote one note, both ways; with ``--writes N``, also an online
note through the service (server first) and through the desk (local first: the copy and
the outbox, then the server). Medians of ``--repeat`` runs, in
milliseconds; the machine's load (``os.getloadavg``) is printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbapp.store.ids import uuid7  # noqa: E402


def _fill(url: str, count: int, actions: int) -> int:
    """``count`` incidents of ``actions`` actions each on the server; the first one's id."""
    from sqlalchemy import select

    from kbapp.facade import KnowledgeBase
    from kbapp.store.models import ActionRow, IncidentRow

    with tempfile.TemporaryDirectory() as home:
        kb = KnowledgeBase.open(home=Path(home), db_url=url)
        kb.actor_override = "bench"
        try:
            first = kb.incidents.start("基准故障 bench", "III")
            for n in range(actions - 1):
                kb.incidents.note(first.id, f"记录 {n}")
            store = kb.store

            def clone(s) -> None:
                inc_t, act_t = IncidentRow.__table__, ActionRow.__table__
                row = dict(s.execute(select(inc_t).where(inc_t.c.id == first.id)).one()._mapping)
                acts = [dict(r._mapping) for r in s.execute(select(act_t).where(act_t.c.incident_id == first.id))]
                top = int(s.scalar(select(inc_t.c.id).order_by(inc_t.c.id.desc()).limit(1)))
                for start in range(0, count - 1, 1000):
                    ids = range(top + 1 + start, top + 1 + min(count - 1, start + 1000))
                    s.execute(inc_t.insert(), [{**row, "id": i, "uid": None, "title": f"基准故障 {i}"} for i in ids])
                    s.execute(act_t.insert(), [{**{k: v for k, v in a.items() if k != "id"}, "incident_id": i,
                                                "uid": uuid7()} for i in ids for a in acts])

            store.write(clone)
            return first.id
        finally:
            kb.close()


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def _window_steps(url: str) -> dict:
    """A new desk's first copy as its window makes it: steps of at most COPY_STEP incidents
    (kbapp.gui.team_sync), each holding the write lane; the longest step and their number."""
    from kbapp.facade import KnowledgeBase
    from kbapp.gui.team_sync import COPY_STEP

    with tempfile.TemporaryDirectory() as home:
        kb = KnowledgeBase.open(home=Path(home), db_url=url)
        try:
            steps: list[float] = []
            while not steps or kb.replica.behind:
                t0 = time.perf_counter()
                kb.replica.refresh(limit=COPY_STEP)
                steps.append((time.perf_counter() - t0) * 1000)
            return {"window_step": COPY_STEP, "window_steps": len(steps), "window_longest_step_ms": round(max(steps), 1),
                    "window_all_steps_ms": round(sum(steps), 1)}
        finally:
            kb.close()


def measure(url: str, count: int, actions: int, repeat: int, writes: int = 0) -> dict:
    from kbapp.facade import KnowledgeBase

    first = _fill(url, count, actions)
    with tempfile.TemporaryDirectory() as a_home, tempfile.TemporaryDirectory() as b_home:
        a = KnowledgeBase.open(home=Path(a_home), db_url=url)
        b = KnowledgeBase.open(home=Path(b_home), db_url=url)
        b.actor_override = "desk-b"
        try:
            t0 = time.perf_counter()
            copied = a.replica.refresh()
            first_ms = round((time.perf_counter() - t0) * 1000, 1)
            figures = {"incidents": count, "actions_each": actions, "first_refresh_ms": first_ms,
                       "first_copied": copied, **_window_steps(url),
                       "idle_full_compare_ms": _median_ms(lambda: a.replica.refresh(full=True), repeat),
                       "idle_cursor_ms": _median_ms(a.replica.refresh, repeat)}

            def one_note(full: bool) -> None:
                b.incidents.note(first, "又一条记录")
                t0 = time.perf_counter()
                assert a.replica.refresh(full=full) == 1
                times.append((time.perf_counter() - t0) * 1000)

            for key, full in (("one_changed_full_compare_ms", True), ("one_changed_cursor_ms", False)):
                times: list[float] = []
                for _ in range(repeat):
                    one_note(full)
                figures[key] = round(statistics.median(times), 1)
            if writes:  # one online note, server first (the service) against local first (the desk's)
                desk = a.desk_incidents
                figures["note_server_first_ms"] = _median_ms(lambda: a.incidents.note(first, "服务器优先"), writes)
                figures["note_local_first_ms"] = _median_ms(lambda: desk.note(first, "本地优先"), writes)
            figures["load"] = [round(x, 2) for x in os.getloadavg()]
            return figures
        finally:
            a.close()
            b.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--actions", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--writes", type=int, default=0,
                        help="also time this many online notes, server first and local first (kbapp.local_first)")
    parser.add_argument("--db", help="a PostgreSQL URL to fill (default: a throw-away server)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    server = None
    if args.db is None:
        from pgserver import start_server

        server = start_server()
    results = []
    try:
        for count in args.incidents:
            url = args.db or server.create_database()
            results.append(measure(url, count, args.actions, args.repeat, args.writes))
            if not args.json:
                r = results[-1]
                print(f"{count:>6} incidents × {args.actions} actions: first refresh {r['first_refresh_ms']} ms "
                      f"(the window: {r['window_steps']} step(s) of ≤ {r['window_step']}, the longest "
                      f"{r['window_longest_step_ms']} ms, {r['window_all_steps_ms']} ms in all); "
                      f"idle: full compare {r['idle_full_compare_ms']} ms, cursor {r['idle_cursor_ms']} ms; "
                      f"one incident changed: full compare {r['one_changed_full_compare_ms']} ms, "
                      f"cursor {r['one_changed_cursor_ms']} ms"
                      + (f"; an online note: server first {r['note_server_first_ms']} ms, local first "
                         f"{r['note_local_first_ms']} ms" if args.writes else "")
                      + f" (load {r['load']})", flush=True)
    finally:
        if server is not None:
            from pgserver import stop_server

            stop_server(server)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
