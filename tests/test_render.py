"""Rendering a document to HTML: safe, numbered, with copy and decision links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from kbhelpers import open_kb, playbook_text

from kbapp.render import render_document

HOSTILE = (
    "- <script>alert('x')</script>恶意脚本\n"
    "- <img src=\"http://evil.example/track.png\" onerror=\"alert(1)\">\n"
    "- ![远程图片](https://evil.example/pixel.gif)\n"
    "- [外部链接](https://evil.example/phish) 和 <a href=\"javascript:alert(1)\">js</a>\n"
    "- <p onclick=\"steal()\" style=\"position:fixed\">点我</p>\n"
    "- <iframe src=\"https://evil.example\"></iframe><svg onload=\"alert(1)\"></svg>\n"
    "- <style>body { display: none }</style><link rel=\"stylesheet\" href=\"http://evil.example/x.css\">\n"
    "- <form action=\"http://evil.example\"><input name=\"pw\"></form>\n"
)

STEPS = (
    "1. 检查服务\n"
    "   ```bash\n   systemctl status app <pid>\n   ```\n"
    "   ```bash\n   journalctl -u app -n 50\n   ```\n"
    "   预期结果：active (running)\n"
    "   如果 服务已停止 → 第 3 步\n"
    "2. 检查配置 <script>alert(2)</script>\n"
    "   见 [手册](http://intranet.example/manual)。\n"
    "3. 重启服务\n"
    "   ```bash\n   systemctl restart app\n   ```\n"
    "   If it still fails -> step 2\n"
)


@pytest.fixture
def kb(tmp_path):
    kb = open_kb(tmp_path, {
        "hostile.md": playbook_text("hostile", "渲染测试 <b>粗</b>", "Render test", symptoms=HOSTILE, steps=STEPS,
                                    reviewed="2024-01-10",
                                    extra_body="\n## 附录 Appendix\n<script>alert(3)</script>附录内容\n"),
        "fresh.md": playbook_text("fresh", "新预案", "Fresh", reviewed="2026-06-01"),
        "plain.md": "# 普通文档\n\n<script>alert(4)</script>\n\n正文 **加粗**。\n",
    })
    assert kb.problems() == []
    yield kb
    kb.close()


def tags_in(html: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html)}


def test_no_script_handlers_or_remote_resources(kb):
    html = kb.render_html("hostile", today=dt.date(2026, 11, 25))
    lower = html.lower()
    assert "<script" not in lower and "javascript:" not in lower
    assert not re.search(r"\son[a-z]+\s*=", lower)  # no event handler attributes
    assert tags_in(html).isdisjoint({"script", "img", "iframe", "svg", "link", "form", "input", "object", "embed"})
    assert "evil.example" not in html and "intranet.example" not in html
    assert "style=" not in lower
    # Every link is an in-page anchor or one of the app's own actions.
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("#step-", "kbapp:")), href
    # The text around the removed markup is kept.
    assert "恶意脚本" in html and "点我" in html and "附录内容" in html and "外部链接" in html
    # The title is escaped, not interpreted.
    assert "渲染测试 &lt;b&gt;粗&lt;/b&gt;" in html


def test_steps_are_numbered_with_copy_and_decision_links(kb):
    html = kb.render_html("hostile", today=dt.date(2026, 11, 25))
    assert re.findall(r'<a name="step-(\d+)"></a>', html) == ["1", "2", "3"]
    assert re.findall(r"<h3>(\d+)\. ", html) == ["1", "2", "3"]
    assert re.findall(r'href="(kbapp:copy/\d+/\d+)"', html) == ["kbapp:copy/1/0", "kbapp:copy/1/1", "kbapp:copy/3/0"]
    # Commands are shown escaped, exactly as they will be copied.
    assert "<pre>systemctl status app &lt;pid&gt;</pre>" in html
    assert re.findall(r'href="(#step-\d+)"', html) == ["#step-3", "#step-2"]
    assert "服务已停止" in html and "active (running)" in html
    assert "检查配置 &lt;script&gt;" in html  # a step title is text


def test_english_labels(kb):
    html = kb.render_html("hostile", lang="en", today=dt.date(2026, 11, 25))
    assert "Emergency steps" in html and "step 3" in html


def test_stale_review_warning(kb):
    today = dt.date(2026, 11, 25)
    stale = kb.render_html("hostile", today=today)
    assert 'class="stale"' in stale and "2024-01-10" in stale
    assert 'class="stale"' not in kb.render_html("fresh", today=today)
    # Exactly a year is not yet stale; a year and a day is.
    doc = kb.get("fresh")
    assert 'class="stale"' not in render_document(doc, today=dt.date(2027, 6, 1))
    assert 'class="stale"' in render_document(doc, today=dt.date(2027, 6, 2))
    assert "Not reviewed for over a year" in render_document(doc, today=dt.date(2028, 1, 1), lang="en")


def test_plain_document_is_sanitized_too(kb):
    html = kb.render_html("plain")
    assert "<script" not in html and "<strong>加粗</strong>" in html
    fragment = kb.render_html("plain", standalone=False)
    assert not fragment.startswith("<!DOCTYPE")


def test_unknown_id(kb):
    with pytest.raises(KeyError):
        kb.render_html("nope")


def test_huge_document_renders(kb, tmp_path):
    from kbapp.parser import parse_bytes

    doc, _ = parse_bytes(("很长的一行 " * 40_000 + "\n").encode(), tmp_path / "huge.md")
    assert len(render_document(doc)) > 200_000
