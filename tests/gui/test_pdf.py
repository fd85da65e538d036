"""PDF output: real Chinese/English text, page layout, contents, footer, atomic writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase

from kbapp.gui import pdf
from kbapp.gui.pdf import PdfSection, ensure_gui_app, html_to_pdf, write_pdf

HAVE_POPPLER = bool(shutil.which("pdftotext") and shutil.which("pdfinfo"))
needs_poppler = pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils (pdftotext, pdfinfo) not installed")


def page_count(path: Path) -> int:
    """Pages per pdfinfo, or by counting page objects when poppler is missing."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))
    return count_page_objects(path)


def count_page_objects(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", path.read_bytes()))


def text(path: Path, page: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if layout:
        args.append("-layout")
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def lines_html(label: str, count: int) -> str:
    return "".join(f"<p>{label} line {i:03d} 正文</p>" for i in range(count))


@pytest.fixture
def app(qapp):
    return ensure_gui_app()


@pytest.fixture(scope="module")
def geometry():
    """Page height and the height of one body line, measured the way write_pdf lays out."""
    ensure_gui_app()
    target = pdf._Target("measure", footer=True)
    one = target.document(lines_html("m", 1), "").size().height()
    ten = target.document(lines_html("m", 11), "").size().height()
    return target.height, (ten - one) / 10, target.gap


def section_of(fraction: float, label: str, geometry, **kwargs) -> PdfSection:
    """A section with a heading and as many lines as make ``fraction`` of a page."""
    page_height, line, _ = geometry
    count = max(1, int(fraction * page_height / line) - 3)
    return PdfSection(f"<h2>{label} heading</h2>{lines_html(label, count)}<p>{label} END</p>", **kwargs)


@needs_poppler
def test_chinese_and_english_are_real_text(app, tmp_path):
    out = tmp_path / "report.pdf"
    html = (
        "<h1>故障报告 Fault report</h1><p>数据库主从延迟 replication lag ☐ 已确认</p>"
        "<pre>mysql -e 'show slave status\\G'  # 检查复制状态</pre>"
        "<table><tr><th>指标</th><th>Value</th></tr><tr><td>延迟</td><td>120 s</td></tr></table>"
        "<ul><li>第一项 first</li><li>第二项 second</li></ul>"
    )
    assert write_pdf(out, [PdfSection(html)], title="故障报告 INC-7") == 1
    content = text(out)
    for expected in ("故障报告 Fault report", "数据库主从延迟 replication lag", "☐", "已确认",
                     "show slave status", "检查复制状态", "指标", "延迟", "第二项 second"):
        assert expected in content
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+故障报告 INC-7$", info, re.MULTILINE)
    assert re.search(r"^Creator:\s+kbapp$", info, re.MULTILINE)
    assert "A4" in info


def test_font_covers_chinese(app):
    family = pdf.cjk_font_family()
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


@needs_poppler
def test_sections_of_forty_percent_go_two_to_a_page(app, tmp_path, geometry):
    out = tmp_path / "pack.pdf"
    sections = [section_of(0.4, f"S{i:02d}", geometry) for i in range(1, 31)]
    assert write_pdf(out, sections, title="Pack") == 15
    assert page_count(out) == 15
    for page in (1, 7, 15):
        on_page = text(out, page)
        first, second = 2 * page - 1, 2 * page
        assert f"S{first:02d} heading" in on_page and f"S{second:02d} END" in on_page
        assert f"S{second + 1:02d} heading" not in on_page


def test_page_count_without_poppler(app, tmp_path, geometry):
    """The page arithmetic holds even where poppler is not installed."""
    out = tmp_path / "count.pdf"
    assert write_pdf(out, [section_of(0.4, f"S{i}", geometry) for i in range(9)], title="Count") == 5
    assert count_page_objects(out) == 5
    assert out.read_bytes().startswith(b"%PDF")


@needs_poppler
def test_keep_together_moves_a_section_that_does_not_fit(app, tmp_path, geometry):
    sections = [section_of(0.7, "A", geometry), section_of(0.5, "B", geometry), section_of(0.2, "C", geometry)]
    kept = tmp_path / "kept.pdf"
    assert write_pdf(kept, sections, title="Kept") == 2
    assert "B heading" not in text(kept, 1)
    page2 = text(kept, 2)
    assert "B heading" in page2 and "B END" in page2 and "C END" in page2

    sections[1] = section_of(0.5, "B", geometry, keep_together=False)
    flowing = tmp_path / "flowing.pdf"
    assert write_pdf(flowing, sections, title="Flowing") == 2
    assert "B heading" in text(flowing, 1)
    assert "B END" in text(flowing, 2)


@needs_poppler
def test_section_taller_than_a_page_spans_pages_without_losing_a_line(app, tmp_path, geometry):
    page_height, line, _ = geometry
    count = int(2.5 * page_height / line)
    out = tmp_path / "tall.pdf"
    sections = [section_of(0.2, "Intro", geometry),
                PdfSection(f"<h2>Tall</h2>{lines_html('T', count)}<p>T END</p>")]
    pages = write_pdf(out, sections, title="Tall")
    assert pages == page_count(out) == 3
    content = text(out)
    for i in range(count):  # every line exactly once: none cut away, none drawn twice
        assert content.count(f"T line {i:03d} 正文") == 1
    assert "Intro END" in text(out, 1) and "Tall" in text(out, 1)
    assert "T END" in text(out, 3)


@needs_poppler
def test_a_long_table_is_cut_between_rows(app, tmp_path):
    rows = "".join(
        f"<tr><td>row {i:03d}</td><td>主机 host-{i}</td>"
        f"<td>{'多行单元格 a cell that wraps over several lines ' * 4}END{i:03d}</td></tr>"
        for i in range(60)
    )
    out = tmp_path / "table.pdf"
    pages = write_pdf(out, [PdfSection(f"<h2>巡检结果</h2><table width=\"100%\">{rows}</table>")], title="T")
    assert pages >= 2
    per_page = [text(out, page) for page in range(1, pages + 1)]
    for i in range(60):
        holding = [n for n, content in enumerate(per_page) if f"row {i:03d}" in content]
        assert len(holding) == 1
        assert f"END{i:03d}" in per_page[holding[0]]  # the row's last line is on the same page


@needs_poppler
def test_page_break_before_never_leaves_a_blank_page(app, tmp_path, geometry):
    out = tmp_path / "breaks.pdf"
    sections = [section_of(0.2, "P1", geometry, page_break_before=True),
                section_of(0.2, "P2", geometry, page_break_before=True),
                section_of(0.2, "P3", geometry)]
    assert write_pdf(out, sections, title="Breaks") == 2
    assert "P1 END" in text(out, 1)
    assert "P2 heading" in text(out, 2) and "P3 END" in text(out, 2)


def toc_numbers(path: Path, pages: range) -> dict[str, int]:
    found = {}
    for page in pages:
        for match in re.finditer(r"^\s*(Chapter \d+)\s+(\d+)\s*$", text(path, page, layout=True), re.MULTILINE):
            found[match.group(1)] = int(match.group(2))
    return found


def first_page_of(path: Path, needle: str, pages: int) -> int:
    return next(p for p in range(1, pages + 1) if needle in text(path, p))


@needs_poppler
def test_contents_list_titles_with_their_pages(app, tmp_path, geometry):
    out = tmp_path / "toc.pdf"
    cover = PdfSection("<h1>Drill report 演练报告</h1><p>cover</p>")
    chapters = [section_of(0.6 if i % 2 else 0.3, f"Chapter {i}", geometry, toc_title=f"Chapter {i}",
                           toc_level=1 if i % 3 else 2) for i in range(1, 8)]
    pages = write_pdf(out, [cover, *chapters], title="Drill", toc=True, toc_heading="目录 Contents")
    assert pages == page_count(out)
    assert "cover" in text(out, 1) and "目录 Contents" not in text(out, 1)
    assert "目录 Contents" in text(out, 2)
    numbers = toc_numbers(out, range(2, 3))
    assert sorted(numbers) == sorted(f"Chapter {i}" for i in range(1, 8))
    assert numbers["Chapter 1"] == 3  # cover, contents, then the first chapter on a page of its own
    for title, page in numbers.items():
        assert first_page_of(out, f"{title} heading", pages) == page


@needs_poppler
def test_long_contents_shift_page_numbers(app, tmp_path, geometry):
    out = tmp_path / "long-toc.pdf"
    chapters = [section_of(0.45, f"Chapter {i}", geometry, toc_title=f"Chapter {i}") for i in range(1, 91)]
    pages = write_pdf(out, [PdfSection("<h1>Training pack</h1>"), *chapters], title="Pack", toc=True)
    numbers = toc_numbers(out, range(2, 6))
    assert len(numbers) == 90
    toc_pages = numbers["Chapter 1"] - 2
    assert toc_pages >= 2  # the contents needed more than one page, and the numbers account for it
    assert "Chapter 1 heading" not in text(out, 2 + toc_pages - 1)
    for title in ("Chapter 1", "Chapter 2", "Chapter 45", "Chapter 90"):
        assert first_page_of(out, f"{title} heading", pages) == numbers[title]


@needs_poppler
def test_footer_shows_title_and_page_of_pages(app, tmp_path, geometry):
    out = tmp_path / "footer.pdf"
    pages = write_pdf(out, [section_of(0.6, f"F{i}", geometry) for i in range(3)], title="巡检报告")
    assert pages == 3
    for page in range(1, 4):
        assert f"巡检报告 — page {page} / 3" in text(out, page)
    bare = tmp_path / "bare.pdf"
    write_pdf(bare, [PdfSection("<p>x</p>")], title="巡检报告", footer=False)
    assert "page" not in text(bare)
    chinese = tmp_path / "zh.pdf"
    write_pdf(chinese, [PdfSection("<p>x</p>")], title="巡检报告", footer_format="{title} 第 {page} / {pages} 页")
    assert "巡检报告 第 1 / 1 页" in text(chinese)


def word_heights(path: Path) -> dict[str, float]:
    """Height in points of each word's box, per ``pdftotext -bbox``."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return {m.group(3): float(m.group(2)) - float(m.group(1))
            for m in re.finditer(r'yMin="([\d.]+)".*?yMax="([\d.]+)">([^<]+)</word>', out)}


@needs_poppler
def test_text_prints_at_its_point_size_even_with_screen_px_styles(app, tmp_path):
    """kbapp.render's screen CSS sizes fonts in px; on paper that must not become dots."""
    out = tmp_path / "sizes.pdf"
    html_to_pdf(out, '<style>.meta { font-size: 12px; }</style><p class="meta">PXWORD</p>'
                     '<p>BODYWORD</p><h1>HEADWORD</h1><p style="font-size: 16px">INLINEPX</p>', title="T")
    heights = word_heights(out)
    assert 9 <= heights["PXWORD"] < heights["BODYWORD"] < 16  # 12px = 9pt; body 10.5pt
    assert heights["HEADWORD"] > 18  # h1 is 17pt
    assert heights["INLINEPX"] > heights["PXWORD"]


@needs_poppler
def test_long_commands_wrap_instead_of_running_off_the_page(app, tmp_path):
    out = tmp_path / "wrap.pdf"
    command = "ansible-playbook -i inventory/prod site.yml --limit " + ",".join(f"host{i:03d}" for i in range(40))
    write_pdf(out, [PdfSection(f"<pre>{command} --tags LASTTOKEN</pre><p><code>{'x' * 300}ENDX</code></p>")],
              title="Wrap")
    content = text(out)
    assert "host039" in content and "LASTTOKEN" in content and "ENDX" in content


@needs_poppler
def test_html_to_pdf_paginates_and_honours_page_breaks(app, tmp_path, geometry):
    page_height, line, _ = geometry
    count = int(1.5 * page_height / line)
    html = (f"<h1>巡检报告 Inspection</h1>{lines_html('H', count)}"
            f"<h2 style=\"page-break-before: always\">附录 Appendix</h2><p>附录正文 appendix body</p>")
    out = tmp_path / "flow.pdf"
    pages = html_to_pdf(out, html, title="Inspection")
    assert pages == page_count(out) == 3
    content = text(out)
    for i in range(count):
        assert content.count(f"H line {i:03d} 正文") == 1
    assert "附录 Appendix" in text(out, 3) and "附录正文 appendix body" in text(out, 3)
    assert "附录" not in text(out, 2)
    assert "Inspection — page 3 / 3" in text(out, 3)


@needs_poppler
@pytest.mark.parametrize("writer", ["write_pdf", "html_to_pdf"])
def test_a_heading_is_never_left_at_the_foot_of_a_page(app, tmp_path, geometry, writer):
    """Fill a page to every height around its foot, then a heading and its text."""
    page_height, line, _ = geometry
    lines = int(page_height / line)
    for fill in range(lines - 5, lines + 1):
        html = (f"{lines_html('F', fill)}<h2>ORPHAN heading</h2><h3>SUB heading</h3>"
                f"<p>BODY first line</p>{lines_html('B', 5)}")
        out = tmp_path / f"{writer}-{fill}.pdf"
        if writer == "write_pdf":
            pages = write_pdf(out, [PdfSection(html, keep_together=False)], title="H")
        else:
            pages = html_to_pdf(out, html, title="H")
        by_page = [text(out, p) for p in range(1, pages + 1)]
        where = {needle: [n for n, t in enumerate(by_page) if needle in t]
                 for needle in ("ORPHAN heading", "SUB heading", "BODY first line")}
        assert where["ORPHAN heading"] == where["SUB heading"] == where["BODY first line"], (fill, where)
        for i in range(fill):  # nothing lost or drawn twice on the way
            assert sum(t.count(f"F line {i:03d} 正文") for t in by_page) == 1


@needs_poppler
def test_a_table_starting_mid_page_moves_a_row_that_does_not_fit_whole(app, tmp_path, geometry):
    page_height, line, _ = geometry
    tall = "<br>".join(f"FIRSTROW part {i}" for i in range(12)) + "<br>FIRSTROW END"
    rows = f"<tr><td>FIRSTROW START</td><td>{tall}</td></tr>" + "".join(
        f"<tr><td>R{i:02d} START</td><td>R{i:02d} END</td></tr>" for i in range(5))
    out = tmp_path / "midpage.pdf"
    filler = PdfSection(lines_html("F", int(page_height / line) - 6))  # about six lines left
    pages = write_pdf(out, [filler, PdfSection(f"<table>{rows}</table>", keep_together=False)], title="T")
    assert pages == 2
    assert "FIRSTROW" not in text(out, 1)  # not split, and no part of it alone on page 1
    assert "FIRSTROW START" in text(out, 2) and "FIRSTROW END" in text(out, 2) and "R04 END" in text(out, 2)


@needs_poppler
def test_a_long_table_repeats_its_header_rows_on_every_page(app, tmp_path):
    rows = "".join(f"<tr><td>row {i:03d}</td><td>{'单元格 cell text ' * 3}END{i:03d}</td></tr>" for i in range(150))
    out = tmp_path / "header.pdf"
    pages = html_to_pdf(out, f"<h1>巡检</h1><table><thead><tr><th>HEADCOL 项目</th><th>结果</th></tr></thead>"
                             f"{rows}</table><p>AFTER TABLE</p>", title="T")
    assert pages >= 3
    per_page = [text(out, p) for p in range(1, pages + 1)]
    for content in per_page:
        if "row " in content:
            assert content.count("HEADCOL 项目") == 1
    for i in range(150):
        holding = [n for n, content in enumerate(per_page) if f"row {i:03d}" in content]
        assert len(holding) == 1 and f"END{i:03d}" in per_page[holding[0]]
    assert "AFTER TABLE" in per_page[-1]


def test_a_failed_write_leaves_the_existing_file_untouched(app, tmp_path, monkeypatch):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"previous report")

    def refuse(path, data):
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "atomic_write_bytes", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_pdf(out, [PdfSection("<p>新报告</p>")], title="T")
    with pytest.raises(OSError, match="disk full"):
        html_to_pdf(out, "<p>新报告</p>", title="T")
    assert out.read_bytes() == b"previous report"


def test_a_failure_at_the_rename_leaves_no_partial_file(app, tmp_path, monkeypatch):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"previous report")

    def no_rename(src, dst):
        raise PermissionError("read-only target")

    monkeypatch.setattr("kbapp.fsutil.os.replace", no_rename)
    with pytest.raises(PermissionError):
        write_pdf(out, [PdfSection("<p>新报告</p>")], title="T")
    assert out.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_a_layout_failure_writes_nothing(app, tmp_path, monkeypatch):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"previous report")

    def broken(*args, **kwargs):
        raise RuntimeError("layout bug")

    monkeypatch.setattr(pdf.pdf_layout, "plan", broken)
    with pytest.raises(RuntimeError):
        write_pdf(out, [PdfSection("<p>x</p>")], title="T")
    assert out.read_bytes() == b"previous report"


def test_ensure_gui_app_returns_the_running_application(qapp):
    assert ensure_gui_app() is qapp


def test_works_from_the_command_line_without_a_display(tmp_path):
    """No QApplication, no DISPLAY: the CLI path creates its own offscreen QGuiApplication."""
    out = tmp_path / "cli.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(pdf.__file__).parents[2]), env.get("PYTHONPATH")]))
    script = (
        "import sys; from pathlib import Path\n"
        "from kbapp.gui.pdf import write_pdf, PdfSection\n"
        "n = write_pdf(Path(sys.argv[1]), [PdfSection('<h1>命令行 CLI</h1>')], title='CLI')\n"
        "print(n)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(out)], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    assert out.read_bytes().startswith(b"%PDF")
    if HAVE_POPPLER:
        assert "命令行 CLI" in text(out)
