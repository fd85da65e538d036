"""The packaging files: the Linux desktop entry and the Windows installer script compile."""

from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest
from kbhelpers import REPO_ROOT

PACKAGING = REPO_ROOT / "packaging"


def test_the_desktop_entry_starts_the_window_with_the_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "kbapp.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Exec"] == "kbapp" and section["Terminal"] == "false"
    assert section["Icon"] == "kbapp" and (REPO_ROOT / "ui" / "icons" / "kbapp.svg").is_file()
    assert section["Name[zh_CN]"] == "应急知识库"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(PACKAGING / "kbapp.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_desktop_entry_installer_points_at_the_bundle(tmp_path):
    bundle = tmp_path / "my bundle"
    bundle.mkdir()
    for name in ("kbapp.desktop", "install-desktop-entry.sh"):
        shutil.copy(PACKAGING / name, bundle / name)
    shutil.copy(REPO_ROOT / "ui" / "icons" / "kbapp.svg", bundle / "kbapp.svg")
    result = subprocess.run(["bash", str(bundle / "install-desktop-entry.sh")], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "share")})
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "share" / "applications" / "kbapp.desktop").read_text(encoding="utf-8")
    assert f'Exec="{bundle}/kbapp"' in text
    assert f"Icon={tmp_path}/share/icons/hicolor/scalable/apps/kbapp.svg" in text
    assert (tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "kbapp.svg").is_file()


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS is not installed (apt-get install nsis)")
def test_the_windows_installer_script_compiles(tmp_path):
    """With placeholder files for the Windows bundle: the script, its pages and shortcuts."""
    repo = tmp_path / "repo"
    (repo / "packaging" / "windows").mkdir(parents=True)
    shutil.copy(PACKAGING / "windows" / "kbapp.nsi", repo / "packaging" / "windows")
    shutil.copy(PACKAGING / "kbapp.ico", repo / "packaging")
    dist = repo / "dist" / "kbapp"
    (dist / "_internal").mkdir(parents=True)
    for name in ("kbapp.exe", "kbapp-cli.exe", "_internal/base_library.zip"):
        (dist / name).write_bytes(b"placeholder")
    result = subprocess.run(["makensis", "-V2", "-DVERSION=9.9.9", "kbapp.nsi"], cwd=repo / "packaging" / "windows",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (repo / "dist" / "kbapp-setup-9.9.9.exe").stat().st_size > 10_000
