"""The playbook parser: structure, problems as file:line, hostile input."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from kbhelpers import playbook_text

from kbapp.model import KIND_DOCUMENT, KIND_PLAYBOOK
from kbapp.parser import parse_bytes, parse_file

# The full example of playbooks/README.md.
VALID = """\
---
id: config-loss
title: 配置丢失
title_en: Configuration loss
category: config-loss
levels: [II, III]
tags: [config, configuration, 配置, 恢复, restore]
owner: 运维支持中心 O&M support centre
reviewed: 2026-10-15
version: 3
summary: 系统或设备配置丢失后，按备份恢复并重新配置。
---
# 配置丢失 Configuration loss

## 症状 Symptoms
- 服务启动失败，日志提示找不到配置文件 `/etc/app/app.conf`。

## 预防措施 Prevention
- 培训时强调配置的方法和步骤。

## 应急步骤 Emergency steps
1. 确认丢失范围
   检查配置文件是否存在、是否为空。
   ```bash
   ls -l /etc/app/ && wc -c /etc/app/app.conf
   ```
   预期结果：列出文件及大小。
   如果 配置文件存在且完整 → 第 4 步
2. 从备份恢复配置
   ```bash
   cp -a /backup/etc/app/app.conf /etc/app/app.conf
   ```
   If the backup is older than a week -> step 3
3. 无备份时派维护人员重新配置
4. 重启服务并验证
   ```bash
   systemctl restart app && systemctl status app
   ```
   Expected: active (running)

## 验证 Verification
- 业务功能恢复，日志无报错。

## 升级 Escalation
- 30 分钟内无法恢复，上报负责人的上级。
"""


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def parse(tmp_path: Path, text: str | bytes, name: str = "doc.md"):
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    doc, problems = parse_file(path)
    return path, doc, problems


def messages(problems) -> list[str]:
    return [p.message for p in problems]


def test_valid_playbook_is_structured(tmp_path):
    path, doc, problems = parse(tmp_path, VALID)
    assert problems == []
    assert doc.id == "config-loss" and doc.kind == KIND_PLAYBOOK
    assert doc.title == "配置丢失" and doc.title_en == "Configuration loss"
    assert doc.category == "config-loss"
    assert doc.levels == ["II", "III"]
    assert doc.tags == ["config", "configuration", "配置", "恢复", "restore"]
    assert doc.owner.startswith("运维支持中心")
    assert doc.reviewed == dt.date(2026, 10, 15)
    assert doc.version == 3
    assert doc.summary.startswith("系统或设备配置丢失后")
    assert set(doc.sections) == {"symptoms", "prevention", "steps", "verification", "escalation"}
    assert "/etc/app/app.conf" in doc.sections["symptoms"]
    assert doc.body_line == line_of(VALID, "# 配置丢失 Configuration loss")
    assert doc.content_hash and doc.path == path

    assert [s.number for s in doc.steps] == [1, 2, 3, 4]
    assert [s.title for s in doc.steps] == ["确认丢失范围", "从备份恢复配置", "无备份时派维护人员重新配置", "重启服务并验证"]
    assert [s.line for s in doc.steps] == [line_of(VALID, f"{n}. ") for n in "1234"]
    first, second, third, fourth = doc.steps
    assert first.commands == ["ls -l /etc/app/ && wc -c /etc/app/app.conf"]
    assert first.expected == "列出文件及大小。"
    assert "检查配置文件是否存在" in first.text
    assert "如果" not in first.text and "预期结果" not in first.text
    assert len(first.decisions) == 1
    decision = first.decisions[0]
    assert (decision.condition, decision.target) == ("配置文件存在且完整", 4)
    assert decision.line == line_of(VALID, "如果 配置文件存在且完整")
    assert second.commands == ["cp -a /backup/etc/app/app.conf /etc/app/app.conf"]
    assert [(d.condition, d.target) for d in second.decisions] == [("the backup is older than a week", 3)]
    assert third.commands == [] and third.decisions == [] and third.expected == ""
    assert fourth.commands == ["systemctl restart app && systemctl status app"]
    assert fourth.expected == "active (running)"
    assert doc.step(4) is fourth and doc.step(5) is None


def test_several_commands_in_one_step_and_checklist_kind(tmp_path):
    steps = (
        "1. 检查磁盘和内存\n"
        "   ```bash\n   df -h\n   ```\n"
        "   ~~~\n   free -m\n   ~~~\n"
        "2. 检查进程\n"
    )
    _, doc, problems = parse(tmp_path, playbook_text("inspect", kind="checklist", category="inspection", steps=steps))
    assert problems == []
    assert doc.kind == "checklist"
    assert doc.steps[0].commands == ["df -h", "free -m"]


@pytest.mark.parametrize(
    "front_matter, bad_line, words",
    [
        ("id: x\ntitle: a: b\nowner: me", 3, "mapping values are not allowed"),
        ("id: x\ntitle: ok\nlevels: [I, II\nowner: me", 5, "starts on line 4"),
        ('id: x\ntitle: "unclosed\nowner: me', 4, "starts on line 3"),
        ("- a list\n- not a mapping", 2, "must be a mapping"),
    ],
)
def test_malformed_front_matter_names_file_and_line(tmp_path, front_matter, bad_line, words):
    text = f"---\n{front_matter}\n---\n# 标题\n\n正文\n"
    path, doc, problems = parse(tmp_path, text, "broken.md")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == path and problem.line == bad_line
    assert words in problem.message and "front matter" in problem.message
    assert str(problem) == f"{path}:{bad_line}: {problem.message}"
    # The file is still readable as a plain document rather than lost.
    assert doc is not None and doc.kind == KIND_DOCUMENT and doc.title == "标题"


def test_front_matter_never_closed(tmp_path):
    path, doc, problems = parse(tmp_path, "---\nid: x\ntitle: 标题\n\n# 标题\n正文\n")
    assert [(p.line, p.message) for p in problems] == [(1, "front matter starts with '---' but is never closed")]
    assert doc is not None and doc.kind == KIND_DOCUMENT


def test_missing_required_fields(tmp_path):
    text = playbook_text("no-owner").replace("owner: 运维支持中心\n", "").replace("title_en: Test playbook\n", "")
    _, doc, problems = parse(tmp_path, text)
    assert sorted(messages(problems)) == [
        "front matter: required field 'owner' is missing",
        "front matter: required field 'title_en' is missing",
    ]
    assert doc.id == "no-owner"  # still loaded


def test_bad_field_values_point_at_their_line(tmp_path):
    text = playbook_text("bad-values", category="no-such-category", levels="[I, V]", reviewed="last week")
    _, _, problems = parse(tmp_path, text)
    found = {p.message.split(":")[0]: p.line for p in problems}
    assert found == {"category": line_of(text, "category:"), "levels": line_of(text, "levels:"),
                     "reviewed": line_of(text, "reviewed:")}


def test_missing_sections(tmp_path):
    text = playbook_text("no-sections")
    text = text.replace("## 验证 Verification\n- 服务正常。\n", "").replace("## 症状 Symptoms\n", "")
    _, doc, problems = parse(tmp_path, text)
    assert sorted(messages(problems)) == ["missing section '## 症状 / symptom'", "missing section '## 验证 / verification'"]
    assert all(p.line == doc.body_line for p in problems)


def test_missing_steps_section_and_empty_steps(tmp_path):
    _, _, problems = parse(tmp_path, playbook_text("no-steps", steps="先看看再说。\n"))
    assert messages(problems) == ["the steps section has no numbered steps ('1. ...')"]


def test_repeated_section_heading(tmp_path):
    text = playbook_text("twice", extra_body="\n## 验证 Verification\n- 再验证一次。\n")
    _, _, problems = parse(tmp_path, text)
    assert [(p.line, p.message) for p in problems] == [
        (line_of(text, "- 再验证一次") - 1, "section '验证 Verification' appears twice; the first one is used")]


def test_step_numbering_gap(tmp_path):
    steps = "1. 第一步\n2. 第二步\n4. 第四步\n"
    text = playbook_text("gap", steps=steps)
    _, doc, problems = parse(tmp_path, text)
    assert [(p.line, p.message) for p in problems] == [(line_of(text, "4. 第四步"), "step numbered 4, expected 3")]
    assert [s.number for s in doc.steps] == [1, 2, 3]


def test_decision_to_missing_step_and_to_itself(tmp_path):
    steps = (
        "1. 检查\n"
        "   如果 服务正常 → 第 9 步\n"
        "2. 重启\n"
        "   If it still fails -> step 2\n"
        "3. 上报\n"
        "   如果 这里写错了 → 去第三步\n"
    )
    text = playbook_text("bad-decisions", steps=steps)
    _, doc, problems = parse(tmp_path, text)
    assert [(p.line, p.message) for p in problems] == [
        (line_of(text, "如果 这里写错了"), "decision not understood; write '如果 … → 第 N 步' or 'If … → step N'"),
        (line_of(text, "第 9 步"), "decision in step 1 points to step 9, which does not exist"),
        (line_of(text, "If it still fails"), "decision in step 2 points to itself"),
    ]
    assert doc.steps[0].decisions[0].target == 9


def test_unclosed_code_block_in_step(tmp_path):
    text = playbook_text("fence", steps="1. 检查\n   ```bash\n   df -h\n2. 重启\n")
    _, doc, problems = parse(tmp_path, text)
    assert "code block is never closed" in " ".join(messages(problems))
    assert doc.steps[0].commands  # what there is is kept


# -- hostile input ------------------------------------------------------------------


def test_script_tag_is_kept_as_text_for_the_renderer_to_clean(tmp_path):
    text = playbook_text("script", symptoms="- <script>alert('x')</script> <img src=x onerror=alert(1)>")
    _, doc, problems = parse(tmp_path, text)
    assert problems == []
    assert "<script>" in doc.sections["symptoms"]  # parsing never executes or drops content


@pytest.mark.parametrize(
    "line",
    [
        "a" * 200_000,
        "# a" + " " * 200_000 + "x",  # was cubic in the heading regex
        "## " + "#" * 200_000,
        "数据丢失 backup 10.0.0.12 " * 8_000,
        "<" * 200_000,
    ],
    ids=["letters", "heading-spaces", "hashes", "mixed", "brackets"],
)
def test_huge_single_line_is_fast(tmp_path, line):
    start = time.perf_counter()
    path, doc, problems = parse(tmp_path, line + "\n")
    assert time.perf_counter() - start < 2.0
    assert doc is not None and doc.kind == KIND_DOCUMENT


def test_huge_line_inside_a_step_is_fast(tmp_path):
    hostile = "   如果 " + " " * 200_000 + "→ 第 x 步\n"  # was quadratic in the decision regex
    text = playbook_text("huge-step", steps="1. 检查\n" + hostile + "2. 重启\n")
    start = time.perf_counter()
    _, doc, problems = parse(tmp_path, text)
    assert time.perf_counter() - start < 2.0
    assert len(doc.steps) == 2
    assert any("decision not understood" in m for m in messages(problems))


def test_binary_file(tmp_path):
    path, doc, problems = parse(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "x.md")
    assert doc is None
    assert [(p.path, p.message) for p in problems] == [(path, "binary file, not Markdown text")]


def test_non_utf8_file_reports_the_line(tmp_path):
    raw = "# 标题\n第二行\n".encode() + "第三行 GBK 编码\n".encode("gbk")
    path, doc, problems = parse(tmp_path, raw)
    assert doc is None
    assert len(problems) == 1 and problems[0].line == 3 and "not UTF-8" in problems[0].message


@pytest.mark.parametrize("raw", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom-only"])
def test_empty_file(tmp_path, raw):
    _, doc, problems = parse(tmp_path, raw)
    assert doc is None and messages(problems) == ["empty file"]


def test_crlf_and_bom_are_accepted(tmp_path):
    raw = b"\xef\xbb\xbf" + playbook_text("crlf").replace("\n", "\r\n").encode()
    _, doc, problems = parse(tmp_path, raw)
    assert problems == [] and doc.id == "crlf" and len(doc.steps) == 2


def test_oversized_file_is_refused_without_reading_it_as_text(tmp_path):
    path = tmp_path / "big.md"
    doc, problems = parse_bytes(b"x" * (5 * 1024 * 1024 + 1), path)
    assert doc is None and "limit" in problems[0].message


def test_unreadable_path(tmp_path):
    doc, problems = parse_file(tmp_path / "missing.md")
    assert doc is None and problems[0].message.startswith("cannot read file")


# -- plain Markdown -----------------------------------------------------------------


def test_plain_markdown_takes_title_from_first_heading(tmp_path):
    text = "Some intro text\n\n```\n# not a heading, inside a fence\n```\n\n# 重启 Nginx 的方法 ##\n\n## 步骤\n1. x\n"
    _, doc, problems = parse(tmp_path, text, "nginx-restart.md")
    assert problems == []
    assert doc.kind == KIND_DOCUMENT and doc.id == "nginx-restart"
    assert doc.title == "重启 Nginx 的方法"
    assert doc.steps == []


def test_plain_markdown_without_heading_takes_the_file_name(tmp_path):
    _, doc, problems = parse(tmp_path, "只有正文，没有标题。\n## 二级标题不算\n", "值班 交接记录.md")
    assert problems == []
    assert doc.title == "值班 交接记录" and doc.id == "值班 交接记录"


def test_document_kind_needs_only_id_and_title(tmp_path):
    text = "---\nid: note-1\ntitle: 笔记\nkind: document\n---\n正文\n"
    _, doc, problems = parse(tmp_path, text)
    assert problems == [] and doc.kind == KIND_DOCUMENT and doc.title == "笔记"


def test_a_ten_thousand_step_playbook_keeps_every_step(tmp_path):
    """Step numbers past 999 are steps (they were merged into step 999)."""
    steps = "".join(f"{n}. 第 {n} 步 step{n}\n" for n in range(1, 10_001))
    steps += "   如果 还不行 → 第 1 步\n"
    path = tmp_path / "long.md"
    doc, problems = parse_bytes(playbook_text("long", steps=steps).encode(), path)
    assert doc is not None and [p for p in problems if "step" in p.message] == []
    assert len(doc.steps) == 10_000
    assert [s.number for s in doc.steps[998:1001]] == [999, 1000, 1001]
    assert doc.steps[-1].title == "第 10000 步 step10000" and doc.steps[-1].decisions[0].target == 1
    assert "1000." not in doc.steps[998].text
