"""The built wheel carries playbooks/, ui/ and index/, and an installed kbapp finds them."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
from kbhelpers import REPO_ROOT, cli_env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # No isolation: hatchling comes from the test environment, nothing is downloaded.
    result = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
                             str(REPO_ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    wheels = list(out.glob("kbapp-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.mark.slow
def test_wheel_carries_the_shipped_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted(p.name for p in (REPO_ROOT / "playbooks").glob("*.md"))
    assert shipped
    for name in shipped:
        assert f"kbapp/_data/playbooks/{name}" in names
    assert "kbapp/_data/index/dict.txt" in names
    assert "kbapp/_data/index/synonyms.txt" in names and "kbapp/_data/index/stopwords.txt" in names
    ui_files = [n for n in names if n.startswith("kbapp/_data/ui/")]
    assert ui_files and len(ui_files) == len([p for p in (REPO_ROOT / "ui").rglob("*") if p.is_file()])
    assert "kbapp/resources.py" in names and "kbapp/__main__.py" in names
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "kbapp = kbapp.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


PROBE = """
import json, kbapp, kbapp.resources as r
print(json.dumps({"package": kbapp.__file__, "playbooks": str(r.playbooks_dir()), "ui": str(r.ui_dir()),
                  "index": str(r.index_config_dir())}))
"""


@pytest.mark.slow
def test_installed_wheel_finds_its_data(wheel, tmp_path):
    target = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                             "--disable-pip-version-check", "--target", str(target), str(wheel)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = cli_env(PYTHONPATH=str(target))
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=elsewhere, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    for key in ("package", "playbooks", "ui", "index"):
        assert found[key].startswith(str(target)), (key, found[key])
    assert found["playbooks"] == str(target / "kbapp" / "_data" / "playbooks")

    # And the installed command line works on its own shipped library.
    result = subprocess.run([sys.executable, "-m", "kbapp", "--home", str(tmp_path / "home"), "search", "data loss",
                             "--json", "--limit", "1"], capture_output=True, text=True, cwd=elsewhere, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits and hits[0]["path"].startswith(str(target))
