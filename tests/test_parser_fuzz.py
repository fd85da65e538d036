"""Property tests (issue 18): the parser never raises on generated front matter and
Markdown, and the work is bounded by the limits checked before parsing."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbapp.parser import parse_bytes
from kbapp.render import render_document

_YAML_BITS = st.sampled_from([
    "id", "title", "title_en", "kind", "category", "levels", "tags", "owner", "reviewed", "version", "summary",
    ": ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!binary ", "!!python/name:os.system", "'",
    '"', "2026-13-45", "2026-10-01 10:00:00", "9" * 30, ".inf", "~", "true", "|", ">", "#", "---", "\t", "? ",
])
_MD_BITS = st.sampled_from([
    "# ", "## 应急步骤 Emergency steps\n", "## 症状\n", "1. ", "2. ", "   ", "- ", "> ", "\n", "\n\n", "```", "~~~",
    "[", "]", "(", ")", "*", "_", "`", "<div>", "</div>", "<a href='kbapp:copy/1/0'>", "[x](kbapp:lesson/1)",
    "[y](//host/x)", "如果 条件 → 第 2 步", "预期结果：ok", "\r\n", "\ufeff", "\x00", "文字",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=st.lists(_YAML_BITS, max_size=60), body=st.lists(_MD_BITS, max_size=120),
       noise=st.binary(max_size=40))
def test_parser_and_renderer_never_raise(front, body, noise):
    raw = ("---\n" + "".join(front) + "\n---\n" + "".join(body)).encode("utf-8") + noise
    doc, problems = parse_bytes(raw, Path("fuzz.md"))
    assert doc is not None or problems
    if doc is not None:
        assert render_document(doc)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(raw):
    doc, problems = parse_bytes(raw, Path("bytes.md"))
    assert doc is not None or problems
