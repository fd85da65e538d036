"""Benchmark the service metrics over a large action log in SQLite.

    PYTHONPATH=. python bench/bench_metrics.py [--incidents 100000] [--actions-per 20] [--dir DIR] [--json]

Writes ``--incidents`` incidents over 14 months with about ``--actions-per`` actions
each (2 million at the defaults), as the incident service logs them (creation, an
acknowledgement, notes, steps, a plan, resolution, a report; some reopened, some level
changes, drills and duplicates among them), straight into a migrated SQLite database.
Then times, through the facade, as the CLI and the Metrics tab call it:

1. the first computation, which derives every incident's facts once (``incident_facts``);
2. a year's figures once the facts are current (median of 5): the issue's target is <= 1 s;
3. the same after one more action was logged (one incident derived again);
4. one customer's year, and the missed responses of one bar explained.

Nothing is timed inside pytest; the figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kbapp.facade import KnowledgeBase
from kbapp.home import DataHome

T0 = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
LEVELS = ("I", "II", "II", "III", "III", "III", "IV", "IV")
CATEGORIES = ("operation-error", "config-loss", "data-loss", "hardware", "software", "network")
CUSTOMERS = tuple(f"客户{n:02d}" for n in range(40))


def _ts(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def populate(db: Path, incidents: int, actions_per: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    inc_rows, act_rows, pb_rows = [], [], []
    action_id = 0

    def act(iid: int, at: dt.datetime, kind: str, payload: dict, step=None, playbook=None, details="") -> None:
        nonlocal action_id
        action_id += 1
        act_rows.append((action_id, iid, _ts(at), "bench", kind, step, playbook, details,
                         json.dumps(payload, ensure_ascii=False)))

    span = 420 * 86400
    for iid in range(1, incidents + 1):
        level, category = rng.choice(LEVELS), rng.choice(CATEGORIES)
        customer = rng.choice(CUSTOMERS)
        mode = "drill" if rng.random() < 0.03 else "incident"
        notified = T0 + dt.timedelta(seconds=rng.randrange(span))
        t = notified + dt.timedelta(seconds=rng.randrange(0, 600))
        act(iid, t, "created", {"title": f"故障 {iid}", "level": level, "category": category, "channel": "phone",
                                "reporter": "", "responsible": "", "notified_at": notified.isoformat(),
                                "customer": customer})
        pb = f"pb-{rng.randrange(30)}"
        act(iid, t, "playbook_attached", {"title": pb, "title_en": pb}, playbook=pb)
        pb_rows.append((iid, pb, 0, _ts(t), "bench"))
        t += dt.timedelta(seconds=rng.expovariate(1 / 1500))
        act(iid, t, "ack", {})
        act(iid, t, "status", {"from": "open", "to": "responding"})
        n_fill = max(0, actions_per - 8 + rng.randrange(-3, 4))
        for k in range(n_fill):
            t += dt.timedelta(seconds=rng.expovariate(1 / 900))
            if k % 3 == 0:
                result = rng.choice(("done", "done", "done", "skipped", "failed"))
                act(iid, t, "step", {"result": result, "step_title": f"步骤 {k % 10 + 1}"}, step=k % 10 + 1,
                    playbook=pb)
            else:
                act(iid, t, "note", {}, details="检查日志 restart service")
        if rng.random() < 0.05:
            act(iid, t, "level", {"from": level, "to": "II"}, details="影响扩大")
            level = "II"
        t += dt.timedelta(seconds=rng.expovariate(1 / 20000))
        act(iid, t, "plan", {}, details="处理方案")
        t += dt.timedelta(seconds=rng.expovariate(1 / 60000))
        if rng.random() < 0.02:
            act(iid, t, "status", {"from": "responding", "to": "closed", "close_reason": "duplicate"})
        else:
            act(iid, t, "status", {"from": "responding", "to": "resolved"})
            if rng.random() < 0.04:
                t += dt.timedelta(hours=2)
                act(iid, t, "status", {"from": "resolved", "to": "responding"})
                t += dt.timedelta(hours=3)
                act(iid, t, "status", {"from": "responding", "to": "resolved"})
            t += dt.timedelta(seconds=rng.expovariate(1 / 70000))
            act(iid, t, "status", {"from": "resolved", "to": "report_submitted"})
        inc_rows.append((iid, f"故障 {iid}", "", level, category, "phone", "", "", "report_submitted", mode, "",
                         "bench", _ts(notified), _ts(notified), _ts(t), customer, ""))
        if len(act_rows) > 200_000:
            _flush(conn, inc_rows, act_rows, pb_rows)
    _flush(conn, inc_rows, act_rows, pb_rows)
    conn.close()
    return action_id


def _flush(conn, inc_rows, act_rows, pb_rows) -> None:
    conn.executemany("INSERT INTO incidents (id, title, description, level, category, channel, reporter, responsible,"
                     " status, mode, summary, created_by, created_at, notified_at, updated_at, customer, system)"
                     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", inc_rows)
    conn.executemany("INSERT INTO actions (id, incident_id, at, actor, kind, step, playbook_id, details, payload)"
                     " VALUES (?,?,?,?,?,?,?,?,?)", act_rows)
    conn.executemany("INSERT INTO incident_playbooks (incident_id, playbook_id, position, attached_at, attached_by)"
                     " VALUES (?,?,?,?,?)", pb_rows)
    conn.commit()
    inc_rows.clear(), act_rows.clear(), pb_rows.clear()


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--actions-per", type=int, default=20)
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--reuse", action="store_true",
                    help="time again on the incidents and facts already in --dir (no first derivation)")
    args = ap.parse_args(argv)
    root = args.dir or Path(tempfile.mkdtemp(prefix="kbapp-bench-metrics-"))
    home = DataHome(root / "home")
    kb = KnowledgeBase.open(home=home.root, shipped_dir=root / "empty-library")
    _ = kb.store  # opening the store runs the migrations
    db = Path(kb.db_url.removeprefix("sqlite:///"))
    kb.close()
    if args.reuse:
        conn = sqlite3.connect(db)
        fill, actions = 0.0, conn.execute("SELECT count(*) FROM actions").fetchone()[0]
        conn.close()
    else:
        fill, actions = _timed(lambda: populate(db, args.incidents, args.actions_per))
    now = T0 + dt.timedelta(days=430)
    year = (dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    kb = KnowledgeBase.open(home=home.root, shipped_dir=root / "empty-library")
    first, figures = _timed(lambda: kb.metrics(*year, now=now))
    steady = [_timed(lambda: kb.metrics(*year, now=now))[0] for _ in range(5)]
    kb.incidents.note(args.incidents // 2, "补充说明")
    after_one, _ = _timed(lambda: kb.metrics(*year, now=now))
    customer, _ = _timed(lambda: kb.metrics(*year, customer=CUSTOMERS[3], now=now))
    bar, missed = _timed(lambda: kb.missed_deadlines("response", *year, level="II", month="2026-03", now=now))
    kb.close()
    result = {
        "incidents": args.incidents, "actions": actions, "populate_s": round(fill, 1),
        "first_computation_s": round(first, 2), "year_median_s": round(statistics.median(steady), 3),
        "year_max_s": round(max(steady), 3), "after_one_action_s": round(after_one, 3),
        "one_customer_year_s": round(customer, 3), "missed_bar_s": round(bar, 3), "missed_bar_incidents": len(missed),
        "year_incidents": figures["overall"]["incidents"],
        "response_on_time_rate": figures["overall"]["response_on_time_rate"],
        "python": platform.python_version(),
    }
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
