"""Build a hostile folder and import it: what is imported, skipped, refused, what crashed.

    .venv/bin/python bench/hostile_import.py [WORKDIR]

The folder holds: symbolic links to files and a folder outside it (one named like
/etc/shadow), a hard link to a file outside, a FIFO and a socket, files claiming the ids
of the app's own kinds (report-1, lesson-1, record-1, incident-1) and of a shipped
playbook (config-loss), UTF-16 LE and BE files with a BOM, a 10,000-step playbook and a
few ordinary files. It runs ``kbapp import`` on it (a real process, with a time-out:
opening a FIFO would block), then checks that no outside content is searchable, that the
shipped playbook is untouched, and that the long playbook kept 10,000 steps.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SECRET = "outsidesecretword"


def playbook(doc_id: str, steps: int = 2, title: str = "测试预案") -> str:
    body = "".join(f"{n}. 第 {n} 步 step{n}\n" for n in range(1, steps + 1))
    return (f"---\nid: {doc_id}\ntitle: {title}\ntitle_en: Test\ncategory: other\nlevels: [II]\n"
            f"owner: ops\nreviewed: 2026-10-01\nversion: 1\n---\n# {title}\n\n## 症状 Symptoms\n- x\n\n"
            f"## 预防措施 Prevention\n- x\n\n## 应急步骤 Emergency steps\n{body}\n## 验证 Verification\n- x\n\n"
            "## 升级 Escalation\n- x\n")


def build(work: Path) -> Path:
    outside, folder = work / "outside", work / "hostile"
    (outside / "dir").mkdir(parents=True)
    folder.mkdir()
    (outside / "shadow").write_text(f"root:{SECRET}:19000:0:99999:7:::\n")
    (outside / "dir" / "x.md").write_text(f"# x {SECRET}\n")
    (outside / "key.md").write_text(f"# key {SECRET}\n")
    (folder / "shadow").symlink_to(outside / "shadow")
    (folder / "up.md").symlink_to("../outside/shadow")
    (folder / "outdir").symlink_to(outside / "dir", target_is_directory=True)
    os.link(outside / "key.md", folder / "hardlink.md")
    os.mkfifo(folder / "pipe.md")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.md"))
    sock.close()
    for kind in ("report", "lesson", "record", "incident"):
        (folder / f"fake-{kind}.md").write_text(f"---\nid: {kind}-1\ntitle: fake {kind}\n---\n# fake\n")
    (folder / "config-loss.md").write_text(playbook("config-loss", title="假的配置丢失 fakeshipped"))
    (folder / "utf16le.md").write_bytes("\ufeff# UTF-16 LE utf16leword\r\n".encode("utf-16-le"))
    (folder / "utf16be.md").write_bytes("\ufeff# UTF-16 BE utf16beword\n".encode("utf-16-be"))
    (folder / "long.md").write_text(playbook("ten-thousand", steps=10_000))
    (folder / "ok.md").write_text("# ordinary okword\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "notes.md").write_text("# notes notesword\n")
    (folder / "inside-link.md").symlink_to(folder / "sub" / "notes.md")
    return folder


def kbapp(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kbapp", "--home", str(home), *args], capture_output=True,
                          text=True, timeout=600, check=False)


def main() -> int:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="kbapp-hostile-"))
    folder, home = build(work), work / "home"
    entries = sorted(p.name for p in folder.rglob("*"))
    result = kbapp(home, "import", str(folder))
    out = result.stdout.splitlines()
    for line in out:
        print("  " + line)
    crashed = "Traceback" in result.stdout + result.stderr
    counts = {kind: sum(1 for line in out if line.startswith(kind + ": ")) for kind in ("skipped", "failed")}
    leaked = json.loads(kbapp(home, "search", SECRET, "--json").stdout or "[]")
    shipped = json.loads(kbapp(home, "show", "config-loss", "--format", "json").stdout)
    long_doc = json.loads(kbapp(home, "show", "ten-thousand", "--format", "json").stdout or "{}")
    print(f"\nentries in the folder: {len(entries)} (files, links, pipe, socket; 'sub' is a folder)")
    print(f"summary: {out[-1] if out else '(none)'}; exit {result.returncode}")
    print(f"skipped unread: {counts['skipped']}, refused: {counts['failed']}, crashed: {int(crashed)}")
    print(f"outside content searchable: {len(leaked)} hit(s)")
    print(f"shipped config-loss replaced: {'fakeshipped' in json.dumps(shipped, ensure_ascii=False)}")
    print(f"10,000-step playbook steps kept: {len(long_doc.get('steps', []))}")
    return 1 if crashed or leaked else 0


if __name__ == "__main__":
    sys.exit(main())
