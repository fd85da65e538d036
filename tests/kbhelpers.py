"""Shared helpers for the core tests: fixture playbooks written by the test itself, a
KnowledgeBase on a fresh data home, and running the command line in a subprocess.

Imported by the test modules (``tests/`` is on ``sys.path`` under pytest's default
import mode); kept out of a conftest so that it does not clash with other test folders.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import kbapp

REPO_ROOT = Path(kbapp.__file__).resolve().parent.parent


def playbook_text(
    doc_id: str,
    title: str = "测试预案",
    title_en: str = "Test playbook",
    *,
    category: str = "other",
    levels: str = "[II, III]",
    tags: str = "[test, 测试]",
    kind: str | None = None,
    reviewed: str = "2026-10-01",
    symptoms: str = "- 服务异常。",
    steps: str | None = None,
    extra_body: str = "",
) -> str:
    """A valid playbook; any part can be replaced to make it broken in one place."""
    if steps is None:
        steps = textwrap.dedent(
            """\
            1. 检查服务状态
               ```bash
               systemctl status app
               ```
               预期结果：服务在运行。
               如果 服务已停止 → 第 2 步
            2. 重启服务
               ```bash
               systemctl restart app
               ```
            """
        )
    kind_line = f"kind: {kind}\n" if kind else ""
    return (
        "---\n"
        f"id: {doc_id}\n"
        f"{kind_line}"
        f"title: {title}\n"
        f"title_en: {title_en}\n"
        f"category: {category}\n"
        f"levels: {levels}\n"
        f"tags: {tags}\n"
        "owner: 运维支持中心\n"
        f"reviewed: {reviewed}\n"
        "version: 1\n"
        "---\n"
        f"# {title} {title_en}\n\n"
        f"## 症状 Symptoms\n{symptoms}\n\n"
        "## 预防措施 Prevention\n- 定期检查。\n\n"
        f"## 应急步骤 Emergency steps\n{steps}\n"
        "## 验证 Verification\n- 服务正常。\n\n"
        "## 升级 Escalation\n- 30 分钟内无法恢复则上报。\n"
        f"{extra_body}"
    )


def write_library(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def open_kb(tmp_path: Path, shipped: dict[str, str | bytes] | Path | None = None):
    """A KnowledgeBase on the home ``tmp_path/home`` (fresh unless a test reopens it).

    ``shipped``: files to write as the fixture library (``tmp_path/shipped``) instead of
    the shipped playbooks, or the folder of one written before.
    """
    from kbapp.facade import KnowledgeBase

    if isinstance(shipped, dict):
        shipped = write_library(tmp_path / "shipped", shipped)
    return KnowledgeBase.open(home=tmp_path / "home", shipped_dir=shipped)


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KBAPP_HOME", "KBAPP_DB", "PYTHONPATH")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONWARNINGS"] = "error"
    env.update(extra)
    return env


def run_cli(*args: str, home: Path | None = None, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 120, process: bool = False, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``kbapp [--home HOME] ARGS...``; text output, as a CompletedProcess.

    In this process through ``kbapp.cli.main.main(argv)`` (with ``env`` as the environment,
    ``cwd`` as the working folder, stdout and stderr captured): a tenth of the time of a
    new interpreter. ``process=True`` runs ``python -m kbapp`` for what only a real process
    shows (exit codes on kill, the entry point, what a cold start imports)."""
    cmd = [sys.executable, "-m", "kbapp"]
    if home is not None:
        cmd += ["--home", str(home)]
    cmd += list(args)
    if process:
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, encoding="utf-8",
                              env=env or cli_env(), cwd=cwd or REPO_ROOT, timeout=timeout)
    return _run_in_process(cmd, cmd[3:], env or cli_env(), cwd or REPO_ROOT, stdin)


_QT_APP = []


def _qt_application() -> None:
    """A QApplication (not the bare QGuiApplication the CLI would make), as pytest-qt expects."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        _QT_APP.append(QApplication([]))


def _run_in_process(cmd: list[str], argv: list[str], env: dict[str, str], cwd: Path,
                    stdin: str | None = None) -> subprocess.CompletedProcess:
    import io

    from kbapp.cli.main import main

    if "pdf" in argv or "pack" in argv:  # the PDF writer's Qt application: one for the whole test run
        _qt_application()
    saved_env, saved_cwd, saved_streams = dict(os.environ), os.getcwd(), (sys.stdin, sys.stdout, sys.stderr)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin or ""), out, err
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors (2), --help and --version (0)
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)

    def text(stream: io.TextIOWrapper) -> str:
        stream.flush()
        return stream.buffer.getvalue().decode("utf-8").replace("\r\n", "\n")  # type: ignore[attr-defined]

    return subprocess.CompletedProcess(cmd, code, text(out), text(err))


def home_snapshot(home: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``home``: (size, mtime_ns); folders (0, 0) so that a new
    empty folder shows too."""
    found: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(home):
        for name in dirs:
            found[os.path.relpath(os.path.join(folder, name), home)] = (0, 0)
        for name in files:
            st = os.stat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), home)] = (st.st_size, st.st_mtime_ns)
    return found
