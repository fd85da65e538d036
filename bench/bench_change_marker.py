"""Benchmark noticing writes made elsewhere (kbapp.store.change_marker, polled by the window).

    PYTHONPATH=. python bench/bench_change_marker.py [--incidents 50] [--polls 2000] [--changes 200]

1. An idle poll (nothing committed since the last one: one ``PRAGMA data_version``),
   averaged over ``--polls``. The window polls twice a second, so this is its cost.
2. A poll after another connection logged a note (the marker moved: the new actions and
   change-log entries are read), averaged over ``--changes``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kbapp.facade import KnowledgeBase
from kbapp.store.change_marker import ChangeMarker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=50)
    parser.add_argument("--polls", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        kb, other = KnowledgeBase.open(home=home), KnowledgeBase.open(home=home)
        ids = [kb.incidents.start(f"incident {i}", "III", actor="bench").id for i in range(args.incidents)]
        marker = ChangeMarker(kb.store)
        marker.poll()
        start = time.perf_counter()
        for _ in range(args.polls):
            marker.poll()
        idle = (time.perf_counter() - start) / args.polls
        moved = 0.0
        for n in range(args.changes):
            other.incidents.note(ids[n % len(ids)], "from elsewhere", actor="bench")
            start = time.perf_counter()
            changes = marker.poll()
            moved += time.perf_counter() - start
            assert changes.incident(ids[n % len(ids)])
        marker.close()
        other.close()
        kb.close()
    print(f"idle poll: {idle * 1e6:.0f} µs; poll after a write elsewhere: {moved / args.changes * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
