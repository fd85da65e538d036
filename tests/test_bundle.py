"""Smoke test of the built bundle (packaging/build.sh): its window opens offscreen and its
command line searches, starts an incident and exports a training pack.

Runs against $KBAPP_BUNDLE (CI builds it and sets it: a missing bundle then fails), else
dist/kbapp/ of this checkout when it was built; skipped when there is none.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from kbhelpers import REPO_ROOT

_ENV_BUNDLE = os.environ.get("KBAPP_BUNDLE", "").strip()
BUNDLE = Path(_ENV_BUNDLE).absolute() if _ENV_BUNDLE else REPO_ROOT / "dist" / "kbapp"
SUFFIX = ".exe" if os.name == "nt" else ""
CLI = BUNDLE / f"kbapp-cli{SUFFIX}"
WINDOW = BUNDLE / f"kbapp{SUFFIX}"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _ENV_BUNDLE and not CLI.is_file(),
                       reason="no bundle built (packaging/build.sh, or set KBAPP_BUNDLE)"),
]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The machine's environment without anything pointing into this checkout."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KBAPP_", "PYTHON", "VIRTUAL_ENV")) and k not in ("QT_PLUGIN_PATH",)}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.update(extra)
    return env


def _cli(tmp_path: Path, *args: str, stdout=subprocess.PIPE, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), "--home", str(tmp_path / "home"), *args], stdout=stdout,
                          stderr=subprocess.PIPE, env=_env(tmp_path, **extra), cwd=tmp_path, timeout=180)


def test_the_bundle_is_complete():
    assert CLI.is_file() and WINDOW.is_file(), f"{BUNDLE} lacks its executables"
    internal = BUNDLE / "_internal" / "kbapp"
    for folder in ("_data/playbooks", "_data/ui", "_data/index", "store/migrations/versions"):
        assert (internal / folder).is_dir(), folder
    assert not list(BUNDLE.rglob("*Qt6Quick*")) and not list(BUNDLE.rglob("*VirtualKeyboard*"))


def test_the_cli_knows_every_command(tmp_path):
    result = _cli(tmp_path, "--help")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    for command in ("search", "incident", "pack", "report", "index"):
        assert command in result.stdout.decode("utf-8")


@pytest.mark.parametrize("encoding", ["gbk", "cp1252"])
def test_search_into_a_file_under_a_windows_code_page(tmp_path, encoding):
    out = tmp_path / "out.txt"
    with out.open("wb") as handle:
        result = _cli(tmp_path, "search", "数据丢失", stdout=handle, PYTHONIOENCODING=encoding)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].split()[1:3] == ["数据丢失", "Data"] and "id=data-loss" in text


def test_incident_start_and_show(tmp_path):
    started = _cli(tmp_path, "incident", "start", "--title", "配置丢失", "--level", "II", "--playbook", "config-loss")
    assert started.returncode == 0, started.stderr.decode("utf-8", "replace")
    incident_id = started.stdout.decode().strip()
    assert incident_id == "1"
    shown = _cli(tmp_path, "incident", "show", incident_id, PYTHONIOENCODING="cp1252")
    assert shown.returncode == 0, shown.stderr.decode("utf-8", "replace")
    text = shown.stdout.decode("utf-8")
    assert "配置丢失" in text and "▶ 1." in text


def test_pack_export_writes_a_pdf(tmp_path):
    result = _cli(tmp_path, "pack", "export", "data-loss", "config-loss", "--out", str(tmp_path / "pack.pdf"))
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    data = (tmp_path / "pack.pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000


def test_the_window_opens_offscreen_and_builds_its_index(tmp_path):
    assert _cli(tmp_path, "engineer", "set", "王工", "--role", "值班工程师").returncode == 0  # no first-start dialog
    result = subprocess.run([str(WINDOW), "--home", str(tmp_path / "home")], capture_output=True,
                            env=_env(tmp_path, KBAPP_QUIT_WHEN_READY="120"), cwd=tmp_path, timeout=240)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, err  # 3: the window never became ready
    assert "Traceback" not in err
    assert (tmp_path / "home" / "index" / "manifest.json").is_file()
