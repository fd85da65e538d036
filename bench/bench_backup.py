"""Backup and restore of a home with N incidents (bench_metrics.populate fills the database)
and one library document per incident: ``kbapp backup``, then ``kbapp restore`` into a
fresh home. Prints the seconds of each.

    .venv/bin/python bench/bench_backup.py --incidents 10000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metrics import populate  # noqa: E402

from kbapp.facade import KnowledgeBase  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=10_000)
    ap.add_argument("--actions-per", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        kb = KnowledgeBase.open(home)
        kb.store.close()
        kb.close()
        populate(home / "kbapp.sqlite3", args.incidents, args.actions_per)
        docs = home / "library" / "incidents"
        docs.mkdir(parents=True, exist_ok=True)
        for n in range(1, args.incidents + 1):
            (docs / f"incident-{n}.md").write_text(f"---\nid: incident-{n}\n---\n# 事件 {n}\n" + "日志 " * 200,
                                                  encoding="utf-8")
        kb = KnowledgeBase.open(home)
        started = time.perf_counter()
        result = kb.backup()
        backup_s = time.perf_counter() - started
        kb.close()
        fresh = KnowledgeBase.open(Path(tmp) / "fresh")
        started = time.perf_counter()
        restored = fresh.restore(str(result.backup.path))
        restore_s = time.perf_counter() - started
        fresh.close()
        print(f"incidents={restored.incidents} files={result.files} size={result.size / 1e6:.1f}MB "
              f"backup={backup_s:.2f}s restore={restore_s:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
