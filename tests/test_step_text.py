"""A step's instructions for the run view: every line, fenced commands and the expected
result left to their own widgets, warnings and promises against the clock picked out."""

from __future__ import annotations

from kbapp.incidents.step_text import instruction_paragraphs, is_warning

STEP = """与用户确认后停止写入的应用，避免覆盖。不要在受影响的文件系统上安装恢复工具。
```bash
systemctl stop bizapp
# 不要 in a comment stays in the command
```
- 按 I 级故障立即报告负责人，2 小时内提交故障处理方案；协调有关部门。
Check the mount. Do not remount it read-write yet!
预期结果：应用已停止。"""


def test_every_instruction_line_with_its_warnings():
    paragraphs = instruction_paragraphs(STEP)
    assert [p.text for p in paragraphs] == [
        "与用户确认后停止写入的应用，避免覆盖。不要在受影响的文件系统上安装恢复工具。",
        "按 I 级故障立即报告负责人，2 小时内提交故障处理方案；协调有关部门。",
        "Check the mount. Do not remount it read-write yet!",
    ]
    assert [(s.text, s.warning) for s in paragraphs[0].sentences] == [
        ("与用户确认后停止写入的应用，避免覆盖。", False), ("不要在受影响的文件系统上安装恢复工具。", True)]
    assert paragraphs[1].bullet and [s.warning for s in paragraphs[1].sentences] == [True, False]
    assert [s.warning for s in paragraphs[2].sentences] == [False, True]
    assert not any("systemctl" in p.text or "预期" in p.text for p in paragraphs)


def test_what_counts_as_a_warning():
    for text in ("切勿重启", "16 小时内提出应急方案", "必须先备份", "Never run fsck on a mounted disk",
                 "Report within 30 minutes"):
        assert is_warning(text), text
    for text in ("确认丢失的是哪些数据。", "Check the mount.", "镜像存放在其他磁盘上。"):
        assert not is_warning(text), text
    assert instruction_paragraphs("") == []
