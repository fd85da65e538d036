"""Training pack and report PDFs: page count, every step's text, a step never split."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from kbhelpers import open_kb, playbook_text, run_cli

from kbapp.gui.pdf import print_pdf
from kbapp.gui.training import save_report

pytestmark = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdfinfo")),
                                reason="poppler-utils (pdftotext, pdfinfo) not installed")


def pages_of(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))


def text_of(path: Path, page: int | None = None, right_of_pt: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-f", str(page), "-l", str(page)] if page else [])
    if right_of_pt is not None:  # only what lies right of x (points; A4 is 595 wide)
        args += ["-x", str(right_of_pt), "-y", "0", "-W", str(600 - right_of_pt), "-H", "850"]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def long_steps(count: int, lines: int) -> str:
    """Steps tall enough that several pages are needed; each body ends with a marker."""
    out = []
    for n in range(1, count + 1):
        body = "\n".join(f"   第 {n} 步说明 body line {k} of step {n}." for k in range(lines))
        out.append(f"{n}. 长步骤标题 Long step {n}\n{body}\n   ```bash\n   echo step-{n}\n   ```\n"
                   f"   预期结果：END-{n}-MARK")
    return "\n".join(out) + "\n"


@pytest.fixture
def kb(tmp_path, qapp):
    base = open_kb(tmp_path, {
        "alpha.md": playbook_text("alpha", "甲预案", "Alpha playbook"),
        "beta.md": playbook_text("beta", "乙预案", "Beta playbook", category="network"),
        "gamma.md": playbook_text("gamma", "丙预案", "Gamma playbook", steps=long_steps(12, 9)),
    })
    yield base
    base.close()


def test_a_small_pack_has_cover_contents_and_two_pages_per_playbook(kb, tmp_path):
    out = tmp_path / "pack.pdf"
    sections = kb.training.pack(["alpha", "beta"], trainer="张老师")
    pages = print_pdf(out, sections=sections, title="培训资料 Training pack")
    # cover, contents, then per playbook: its one page and its quick-reference card
    assert pages == pages_of(out) == 6
    text = text_of(out)
    for title in ("甲预案", "Alpha playbook", "乙预案", "Beta playbook", "目录 Contents", "张老师"):
        assert title in text
    flat = squash(text)
    for step in ("☐1.检查服务状态", "☐2.重启服务", "systemctlrestartapp", "如果服务已停止→第2步"):
        assert flat.count(step) >= 2, step  # once in each playbook's pages
    assert "速查卡 Quick reference" in text_of(out, 4) and "速查卡 Quick reference" in text_of(out, 6)
    assert "预防措施 Prevention" in text_of(out, 3)  # the highlighted prevention box


def test_lessons_go_under_their_step_when_asked_for(kb, tmp_path):
    kb.lessons.add("alpha", "重启前先确认没有正在执行的批处理作业。", step=2)
    with_lessons, without = tmp_path / "with.pdf", tmp_path / "without.pdf"
    print_pdf(with_lessons, sections=kb.training.pack(["alpha"], include_lessons=True), title="Pack")
    print_pdf(without, sections=kb.training.pack(["alpha"]), title="Pack")
    flat = squash(text_of(with_lessons))
    assert "重启前先确认没有正在执行的批处理作业" in flat
    assert flat.index("☐2.重启服务") < flat.index("重启前先确认") < flat.index("验证Verification")
    assert "批处理作业" not in text_of(without)


def test_a_step_heading_and_its_body_share_a_page(kb, tmp_path):
    out = tmp_path / "long.pdf"
    pages = print_pdf(out, sections=kb.training.pack(["gamma"]), title="Long")
    assert pages == pages_of(out) >= 5  # cover, contents, several pages of steps, the card
    by_page = {p: squash(text_of(out, p)) for p in range(1, pages + 1)}
    for n in range(1, 13):
        heading = [p for p, t in by_page.items() if f"☐{n}.长步骤标题Longstep{n}" in t and "速查卡" not in t]
        ends = [p for p, t in by_page.items() if f"END-{n}-MARK" in t]
        assert len(heading) == 1 and heading == ends, (n, heading, ends)
    assert len({p for n in range(1, 13) for p, t in by_page.items() if f"END-{n}-MARK" in t}) > 1


def test_the_shipped_strategy_playbooks_print_every_step(tmp_path, qapp):
    kb = open_kb(tmp_path)
    try:
        out = tmp_path / "strategies.pdf"
        ids = ["operation-error", "config-loss", "data-loss"]
        pages = print_pdf(out, sections=kb.training.pack(ids), title="培训资料")
        assert pages == pages_of(out) >= 2 + 2 * len(ids)
        flat = squash(text_of(out))
        for pid in ids:
            for step in kb.get(pid).steps:
                assert squash(f"☐ {step.number}. {step.title}") in flat
    finally:
        kb.close()


def test_drill_and_inspection_reports_print(tmp_path, qapp):
    kb = open_kb(tmp_path)
    try:
        drill = kb.training.drills.start("operation-error", "drill-operation-error", "小王", actor="张老师")
        kb.training.drills.step(drill.id, 1, "done", note="已冻结现场")
        kb.training.drills.finish(drill.id)
        out = save_report(kb, "drill", drill.id, tmp_path / "drill.pdf")
        assert pages_of(out) >= 1
        text = text_of(out)
        assert "演练报告 Drill report" in text and "小王" in text and "not a real incident" in text
        inspection = kb.training.inspections.start(inspector="李工")
        kb.training.inspections.record(inspection.id, 2, "fail", value="bizapp inactive")
        out = save_report(kb, "inspection", inspection.id, tmp_path / "inspection.pdf")
        text = text_of(out)
        assert "巡检结果及系统运行报告" in text and "bizapp inactive" in text
        md = save_report(kb, "inspection", inspection.id, tmp_path / "inspection.md")
        assert md.read_text(encoding="utf-8").startswith("# 巡检结果及系统运行报告")
    finally:
        kb.close()


def test_cli_pack_export(tmp_path):
    out = tmp_path / "cli-pack.pdf"
    result = run_cli("pack", "export", "config-loss", "routine-inspection", "--out", str(out), "--trainer", "张老师",
                     "--json", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["pages"] == pages_of(out) and data["playbooks"] == ["config-loss", "routine-inspection"]
    assert "日常巡检" in text_of(out) and "检查项 Checklist" in text_of(out)
    bad = run_cli("pack", "export", "no-such-playbook", "--out", str(tmp_path / "x.pdf"), home=tmp_path / "home")
    assert bad.returncode == 1 and bad.stderr.startswith("kbapp: playbooks: no playbook 'no-such-playbook'")
    assert not (tmp_path / "x.pdf").exists()


def test_the_quick_reference_card_has_every_command_line_of_every_step(tmp_path, qapp):
    from kbapp.training.packs import command_lines

    kb = open_kb(tmp_path)
    try:
        ids = [d.id for d in kb.documents() if d.kind in ("playbook", "checklist")]
        out = tmp_path / "all.pdf"
        pages = print_pdf(out, sections=kb.training.pack(ids), title="培训资料")
        by_page = {p: squash(text_of(out, p)) for p in range(1, pages + 1)}
        cards = {}
        for pid in ids:
            doc = kb.get(pid)
            found = [p for p, t in by_page.items() if squash(f"速查卡 Quick reference — {doc.display_title}") in t]
            assert len(found) == 1, (pid, found)
            cards[pid] = found[0]
            # The whole card on one page: its last lines are there, not on the next page.
            assert squash("fault report within 24 h of the fix") in by_page[found[0]], pid
        config_loss = by_page[cards["config-loss"]]
        assert squash("mkdir -p /root/incident") in config_loss
        assert squash("cp -a /etc/bizapp /root/incident/etc-bizapp.$(date +%Y%m%d%H%M)") in config_loss
        for pid in ids:
            # The commands column only (right of the step titles), as pdftotext mixes columns.
            # pdftotext joins a line wrapped after "-" without it: compare without hyphens.
            card = squash(text_of(out, cards[pid], right_of_pt=228)).replace("-", "")
            for step in kb.get(pid).steps:
                for line in command_lines(step.commands):
                    assert squash(line).replace("-", "") in card, (pid, step.number, line)
        assert command_lines(["# 注释\n  show running-config\n\n-- SQL 注释\nSELECT 1;"]) == [
            "show running-config", "SELECT 1;"]
    finally:
        kb.close()


def report_pages(path: Path) -> dict[int, str]:
    return {p: text_of(path, p) for p in range(1, pages_of(path) + 1)}


def test_report_pdfs_keep_headings_with_their_text_and_table_rows_whole(tmp_path, qapp):
    """Sections of every length, so headings land at every height of a page; a long table."""

    parts = ["# 报告 Report"]
    for k in range(1, 41):
        parts.append(f"## HEAD-{k} 标题")
        parts.append(f"AFTER-{k} 正文开始。")
        parts += [f"- 第 {k} 节第 {i} 行 filler line {i}" for i in range(k % 9)]
    parts += ["## 时间线 Timeline", "", "| # | 时间 Time | 内容 Details |", "|---|---|---|"]
    parts += [f"| ROW{r:03d}START | 02:{r % 60:02d} | {'很长的说明 long explanation ' * (r % 11)}ROW{r:03d}END |"
              for r in range(120)]
    out = tmp_path / "report.pdf"
    print_pdf(out, markdown="\n".join(parts) + "\n", title="报告 Report")
    by_page = {p: squash(t) for p, t in report_pages(out).items()}
    for k in range(1, 41):
        heads = [p for p, t in by_page.items() if f"HEAD-{k}标题" in t]
        afters = [p for p, t in by_page.items() if f"AFTER-{k}正文" in t]
        assert heads == afters and len(heads) == 1, (k, heads, afters)
    row_pages = set()
    for r in range(120):
        starts = [p for p, t in by_page.items() if f"ROW{r:03d}START" in t]
        ends = [p for p, t in by_page.items() if f"ROW{r:03d}END" in t]
        assert starts == ends and len(starts) == 1, (r, starts, ends)  # never split across pages
        row_pages |= set(starts)
    assert len(row_pages) >= 2
    for page in row_pages:  # the header row again on every page the table continues on
        assert "内容Details" in by_page[page], page


def test_a_drill_report_with_a_long_timeline_prints_whole_rows(tmp_path, qapp):
    kb = open_kb(tmp_path)
    try:
        drill = kb.training.drills.start("data-loss", "drill-data-loss", "小王", actor="张老师")
        for i in range(60):
            kb.incidents.note(drill.id, f"NOTE{i:02d}BEGIN " + "很长的说明 long explanation " * (i % 7) + f"NOTE{i:02d}END")
        kb.training.drills.finish(drill.id)
        out = save_report(kb, "drill", drill.id, tmp_path / "drill.pdf")
        by_page = {p: squash(t) for p, t in report_pages(out).items()}
        for i in range(60):
            begins = [p for p, t in by_page.items() if f"NOTE{i:02d}BEGIN" in t]
            ends = [p for p, t in by_page.items() if f"NOTE{i:02d}END" in t]
            assert begins == ends and len(begins) == 1, (i, begins, ends)
        for heading, after in (("注入信息Injectedfacts", "第1步step1"), ("时间线Timeline", "时间Time")):
            page = next(p for p, t in by_page.items() if heading in t)
            assert after in by_page[page].split(heading, 1)[1], heading
    finally:
        kb.close()


def test_the_command_line_writes_a_pdf_without_any_window_class(tmp_path):
    """One PDF module (kbapp.gui.pdf, QtGui only) behind one API: no QtWidgets page class
    is imported to print a pack (a real process: what it imported is the point)."""
    import sys

    from kbhelpers import REPO_ROOT, cli_env

    out = tmp_path / "pack.pdf"
    code = ("import sys; from kbapp.cli.main import main; "
            f"rc = main(['--home', {str(tmp_path / 'home')!r}, 'pack', 'export', 'config-loss', '--out', {str(out)!r}]); "
            "print(rc, sorted(m for m in sys.modules if m.startswith(('PySide6.QtWidgets', 'kbapp.gui'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(),
                          cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 ['kbapp.gui', 'kbapp.gui.pdf', 'kbapp.gui.pdf_layout']"
    assert pages_of(out) >= 2


def test_the_core_keeps_no_copy_of_the_pdf_section():
    from kbapp.gui import pdf
    from kbapp.printing import PdfSection
    from kbapp.training import packs

    assert pdf.PdfSection is PdfSection and packs.PackSection is PdfSection
