"""Write-ups and training material: how long the engineer waits after pressing a button.

On the shipped library in a fresh temporary data home: drafting a fault report,
submitting it (checks, Markdown, database, index), a lesson until search finds it,
a report PDF, and a training pack of the three seed playbooks. Prints one line each.

    PYTHONPATH=. python bench/bench_writeups.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="lessons to add (default 20)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kbapp.facade import KnowledgeBase
    from kbapp.gui.pdf import print_pdf
    from kbapp.gui.report_dialog import export_report

    tmp = Path(tempfile.mkdtemp(prefix="kbapp-bench-"))
    kb = KnowledgeBase.open(home=tmp / "home")
    kb.sync_index()
    svc = kb.incidents
    incident = svc.start("客户配置丢失", "II", description="升级后配置文件丢失，服务无法启动", category="config-loss",
                         playbook_ids=["config-loss"], reporter="王经理", actor="李工")
    for step in (1, 2, 3):
        svc.step(incident.id, step, "done", actor="李工")
    svc.resolve(incident.id, "从备份恢复配置", actor="李工")

    _, draft_ms = timed(lambda: kb.reports.draft(incident.id))
    fields = {"fault_type": "配置丢失", "cause": "升级脚本覆盖配置", "loss": "中断 40 分钟", "place": "远程"}
    report, submit_ms = timed(lambda: kb.reports.submit(incident.id, fields, actor="李工"))
    print(f"report draft {draft_ms:.0f} ms; submit (checks, Markdown, database, index) {submit_ms:.0f} ms")

    waits = []
    for i in range(args.runs):
        def add_and_find(i=i):
            lesson = kb.lessons.add("config-loss", f"第 3 步的教训 BENCH{i}MARK", step=3, actor="李工")
            assert [h.id for h in kb.search(f"BENCH{i}MARK").hits] == [lesson.doc_id]
        waits.append(timed(add_and_find)[1])
    print(f"lesson added → found by search, {args.runs} runs: median {statistics.median(waits):.0f} ms, "
          f"max {max(waits):.0f} ms")

    _, pdf_ms = timed(lambda: export_report(kb, report.id, tmp / "report.pdf", True))
    print(f"report PDF {pdf_ms:.0f} ms")
    seeds = ["operation-error", "config-loss", "data-loss"]
    pages, pack_ms = timed(lambda: print_pdf(tmp / "pack.pdf", sections=kb.training.pack(seeds, include_lessons=True),
                                             title="培训资料 Training pack"))
    print(f"training pack of the 3 seed playbooks with lessons: {pack_ms:.0f} ms, {pages} pages")
    kb.close()


if __name__ == "__main__":
    main()
