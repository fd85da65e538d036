"""Hostile input and secrets, counted (issue 18's figures; a benchmark, not a test).

Part 1 imports every file of the hostile corpus (tests/hostile_corpus.py and hostile_more.py, plus the folder
tricks of issue 20: a symlink leaving the folder, a FIFO, a UTF-16 file, a shipped and a
reserved id) with ``kbapp import`` in a new process each, and counts what was imported,
refused with a message, crashed (a traceback, or an exit code outside the CLI's 0/1/2) or
hung (still running after ``--timeout`` seconds), with the time and peak memory of each.

Part 2 writes every form of tests/data/secret_forms.json into an incident (title,
description, notes, step notes, the resolution), its fault report, a lesson, a problem
record, a drill, then reads every way text leaves the app and counts the secrets that got
out of each: ``incident show`` (text, JSON), the timeline exports, the report and its
exports (Markdown, HTML, PDF), the library's Markdown copies, ``lesson list``, the drill
report, a training pack with lessons, the monthly service report, the search index (stored
fields and indexed terms), the log file, and a webhook notification to a local server.

    .venv/bin/python bench/bench_hostile.py            # about a minute on 2 cores
    .venv/bin/python bench/bench_hostile.py --details  # and what each file or output did
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostile_corpus import hostile_files  # noqa: E402  (tests/ holds the corpus)
from hostile_more import more_hostile_files  # noqa: E402
from notifyhelpers import HookServer  # noqa: E402

FORMS = json.loads((ROOT / "tests" / "data" / "secret_forms.json").read_text(encoding="utf-8"))
SECRETS = sorted({form["secret"] for form in FORMS})

# Run kbapp's CLI and report the peak memory on stderr's last line, whatever happens.
WRAP = ("import sys, resource\n"
        "from kbapp.cli.main import main\n"
        "try:\n    code = main(sys.argv[1:])\n"
        "finally:\n    sys.stderr.write(f'\\nMAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
        "sys.exit(code)\n")


# -- part 1: hostile files through `kbapp import` ---------------------------------------------------

def folder_tricks(outside: Path) -> dict[bytes, tuple[str, bool]]:
    """Issue 20's folder tricks: name -> (how to make it, must be refused)."""
    secret = outside / "shadow"
    secret.write_text("root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n", encoding="utf-8")
    return {b"link-outside.md": (f"symlink:{secret}", True),
            b"fifo.md": ("fifo", True),
            b"utf16.md": ("utf16", False),
            b"shipped-id.md": ("shipped", True),
            b"reserved-id.md": ("reserved", True)}


def make_trick(path: Path, how: str) -> None:
    if how.startswith("symlink:"):
        os.symlink(how.split(":", 1)[1], path)
    elif how == "fifo":
        os.mkfifo(path)
    elif how == "utf16":
        path.write_bytes("---\nid: utf16-doc\ntitle: UTF-16 文档\n---\n# UTF-16 文档\n\n内容\n".encode("utf-16"))
    elif how == "shipped":
        path.write_text("---\nid: config-loss\ntitle: 假的配置丢失\n---\n# 假的\n\n1. 删除一切\n", encoding="utf-8")
    elif how == "reserved":
        path.write_text("---\nid: report-1\nkind: report\ntitle: 假报告\n---\n# 假报告\n\n内容\n", encoding="utf-8")


def run_import(home: Path, path: Path, timeout: float) -> dict:
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", WRAP, "--home", str(home), "import", os.fsdecode(path)],
                              capture_output=True, timeout=timeout, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return {"outcome": "hung", "seconds": time.perf_counter() - start, "rss_mb": None, "said": ""}
    seconds = time.perf_counter() - start
    err = done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8", "replace")
    rss = re.search(r"MAXRSS (\d+)", err)
    said = (out + err).replace(rss.group(0), "").strip() if rss else (out + err).strip()
    if "Traceback (most recent call last)" in err or done.returncode not in (0, 1, 2):
        outcome = "crashed"
    elif done.returncode == 0 and re.search(r"imported [1-9]", out + err):
        outcome = "imported"
    else:
        outcome = "refused"
    return {"outcome": outcome, "seconds": seconds, "rss_mb": int(rss.group(1)) / 1024 if rss else None,
            "said": said.splitlines()[0] if said else "", "code": done.returncode}


def part_imports(work: Path, timeout: float, details: bool) -> dict:
    folder, outside, home = work / "hostile", work / "outside", work / "home-import"
    folder.mkdir()
    outside.mkdir()
    expected: dict[bytes, bool] = {}
    for name, (content, refuse) in {**hostile_files(), **more_hostile_files()}.items():
        Path(os.fsdecode(os.path.join(os.fsencode(folder), name))).write_bytes(content)
        expected[name] = refuse
    for name, (how, refuse) in folder_tricks(outside).items():
        make_trick(Path(os.fsdecode(os.path.join(os.fsencode(folder), name))), how)
        expected[name] = refuse
    results = {}
    for name in sorted(expected):
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
        results[name] = run_import(home, path, timeout)
        results[name]["expected"] = "refused" if expected[name] else "imported"
    counts = {k: sum(r["outcome"] == k for r in results.values()) for k in ("imported", "refused", "crashed", "hung")}
    unexpected = {n: r for n, r in results.items() if r["outcome"] != r["expected"]}
    done = [r for r in results.values() if r["outcome"] != "hung"]
    print(f"\n## Hostile files through `kbapp import`: {len(results)} tried")
    print(f"imported {counts['imported']}, refused with a message {counts['refused']}, "
          f"crashed {counts['crashed']}, hung {counts['hung']}")
    print(f"slowest {max(r['seconds'] for r in done):.2f} s; "
          f"peak memory {max(r['rss_mb'] or 0 for r in done):.0f} MB (a process's own, interpreter included)")
    for name, r in unexpected.items():
        print(f"  not as expected: {os.fsdecode(name)}: {r['outcome']} (expected {r['expected']}): {r['said'][:120]}")
    if details:
        for name, r in sorted(results.items()):
            print(f"  {os.fsdecode(name):28} {r['outcome']:9} {r['seconds']:5.2f} s {r['rss_mb'] or 0:5.0f} MB  {r['said'][:90]}")
    return {"counts": counts, "unexpected": len(unexpected)}


# -- part 2: secrets through every output ----------------------------------------------------------

def cli(home: Path, *args: str, stdin: str | None = None) -> str:
    """One in-process command; its standard output (exit code 0 required)."""
    from kbapp.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--home", str(home), *args])
    finally:
        sys.stdin = old_stdin
    if code != 0:
        raise SystemExit(f"kbapp {' '.join(args)[:80]} exited {code}: {err.getvalue()[:300]}")
    return out.getvalue()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8", "replace")


def pdf(home: Path, *args: str) -> str:
    """A PDF-writing command in its own process (Qt prints the PDF), read back with pdftotext."""
    out = Path(tempfile.mkdtemp()) / "out.pdf"
    subprocess.run([sys.executable, "-m", "kbapp", "--home", str(home), *args, str(out)], check=True,
                   capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    return pdf_text(out)


def new_id(output: str) -> int:
    """The id in a ``--json`` answer: {"incident": {"id": …}} and the like."""
    data = json.loads(output)
    return int(data["id"] if "id" in data else next(iter(data.values()))["id"])


def leaked(text: str) -> list[str]:
    text = html.unescape(text)
    flat = re.sub(r"\s+", " ", text)
    return [s for s in SECRETS if s in text or s in flat]


def index_text(home: Path) -> tuple[str, set[str]]:
    """Everything the search index keeps: its stored fields and its terms."""
    from kbapp.facade import KnowledgeBase

    kb = KnowledgeBase.open(home)
    try:
        kb.sync_index()
        searcher = kb.index.searcher()  # the index's shared searcher: closed with the knowledge base
        stored = "\n".join(json.dumps(fields, ensure_ascii=False, default=str) for fields in searcher.all_stored_fields())
        terms = {text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
                 for _field, text in searcher.reader().all_terms()}
    finally:
        kb.close()
    return stored, terms


def leaked_into_index(stored: str, terms: set[str]) -> list[str]:
    out = []
    for secret in SECRETS:
        # A secret's distinctive pieces (5+ characters with a digit or mixed case) as indexed terms.
        pieces = [p.lower() for p in re.findall(r"[A-Za-z0-9_\-]{5,}", secret)
                  if re.search(r"\d", p) or (re.search(r"[a-z]", p) and re.search(r"[A-Z]", p))]
        if secret in stored or (pieces and all(p in terms for p in pieces)):
            out.append(secret)
    return out


def part_secrets(work: Path, details: bool) -> dict:
    home = work / "home-secrets"
    texts = [form["text"] for form in FORMS]
    whole = "\n".join(texts)
    outputs: dict[str, str] = {}
    with HookServer() as hook:
        home.mkdir()
        (home / "notify.toml").write_text(f'[[webhook]]\nurl = "{hook.url()}"\n', encoding="utf-8")
        (home / "escalation.json").write_text(json.dumps({"people": [
            {"name": "王工", "role": "值班工程师", "phone": "138 0000 0001", "reports_to": "李经理"},
            {"name": "李经理", "role": "技术主管", "phone": "138 0000 0002"}]}, ensure_ascii=False), encoding="utf-8")
        incident = new_id(cli(home, "incident", "start", "--json", "--title", "数据库无法登录 " + texts[25],
                                  "--level", "II", "--playbook", "config-loss", "--description", "\n".join(texts[:40]),
                                  "--responsible", "王工", "--customer", "某银行"))
        for text in texts:
            cli(home, "incident", "note", str(incident), "-", stdin=text)
        cli(home, "incident", "ack", str(incident))
        for step, text in zip((1, 2, 3), texts[:3], strict=True):
            cli(home, "incident", "step", str(incident), str(step), "--done", "--note", text)
        from kbapp.facade import KnowledgeBase

        kb = KnowledgeBase.open(home)
        try:
            kb.notifications.deliver_due()
        finally:
            kb.close()
        cli(home, "incident", "resolve", str(incident), "--summary", texts[40])
        report = new_id(cli(home, "report", "new", "--json", str(incident), "--cause", "\n".join(texts[:50]),
                                "--method", "\n".join(texts[50:]), "--loss", texts[60], "--description", texts[70],
                                "--type", "配置丢失", "--place", "机房 " + texts[50], "--reporter", "张三"))
        cli(home, "lesson", "add", "--playbook", "config-loss", "--step", "1", "--text", "-", "--incident", str(incident),
            stdin=whole)
        record = new_id(cli(home, "record", "new", "--json", "--kind", "defect", "--title", "连接失败 " + texts[30],
                                "--description", whole))
        change = new_id(cli(home, "change", "new", "--json", "--kind", "defect", "--title", "改配置 " + texts[26],
                            "--description", whole, "--customer", "某银行"))
        visit = new_id(cli(home, "visit", "done", "--json", "--customer", "某银行", "--by", "王工",
                           "--remarks", whole, "--issue", texts[27]))
        drill = new_id(cli(home, "drill", "start", "--json", "config-loss", "--scenario",
                               str(ROOT / "playbooks" / "scenarios" / "drill-config-loss.md"), "--trainee", "小李"))
        for step, text in zip((1, 2), texts[80:82], strict=True):
            cli(home, "drill", "step", str(drill), str(step), "done", "--note", text)
        cli(home, "drill", "finish", str(drill))

        outputs["incident show"] = cli(home, "incident", "show", str(incident))
        outputs["incident show --json"] = cli(home, "incident", "show", str(incident), "--json")
        outputs["incident list"] = cli(home, "incident", "list")
        for fmt in ("md", "csv", "html"):
            outputs[f"timeline export {fmt}"] = cli(home, "incident", "export", str(incident), "--format", fmt)
        outputs["report show"] = cli(home, "report", "show", str(report))
        for fmt in ("md", "html"):
            outputs[f"report export {fmt}"] = cli(home, "report", "export", str(report), "--format", fmt)
        outputs["report export pdf"] = pdf(home, "report", "export", str(report), "--format", "pdf", "--out")
        outputs["report show --json"] = cli(home, "report", "show", str(report), "--json")
        outputs["report list"] = cli(home, "report", "list")
        outputs["record show"] = cli(home, "record", "show", str(record))
        outputs["record show --json"] = cli(home, "record", "show", str(record), "--json")
        outputs["record list"] = cli(home, "record", "list")
        outputs["change show"] = cli(home, "change", "show", str(change))
        outputs["change list --json"] = cli(home, "change", "list", "--json")
        outputs["visit show"] = cli(home, "visit", "show", str(visit))
        outputs["visit list --json"] = cli(home, "visit", "list", "--json")
        outputs["lesson list"] = cli(home, "lesson", "list")
        outputs["lesson list --json"] = cli(home, "lesson", "list", "--json")
        outputs["drill report md"] = cli(home, "drill", "report", str(drill), "--format", "md")
        outputs["drill report pdf"] = pdf(home, "drill", "report", str(drill), "--format", "pdf", "--out")
        outputs["training pack pdf (lessons)"] = pdf(home, "pack", "export", "config-loss", "--lessons", "--out")
        month = time.strftime("%Y-%m")
        outputs["service report md"] = cli(home, "service-report", "--customer", "某银行", "--month", month)
        library_md = [p for p in home.rglob("*.md") if "index" not in p.parts]
        outputs["file names in the home"] = "\n".join(str(p.relative_to(home)) for p in home.rglob("*"))
        outputs["library Markdown copies"] = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in library_md)
        outputs["log files"] = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in home.rglob("*.log*"))
        outputs["webhook notifications"] = json.dumps(hook.bodies(), ensure_ascii=False)
    stored, terms = index_text(home)
    print(f"\n## {len(SECRETS)} distinct secrets ({len(FORMS)} forms) in an incident, its report, a lesson, "
          "a record, a change request, a visit, a drill")
    print("| output | characters | secrets leaked |\n|---|---|---|")
    total = 0
    for name, text in outputs.items():
        got = leaked(text)
        total += len(got)
        print(f"| {name} | {len(text):,} | {len(got)} |")
        if details and got:
            print("    " + ", ".join(got[:10]))
    in_index = leaked_into_index(stored, terms)
    total += len(in_index)
    print(f"| search index (stored fields, terms) | {len(stored):,} | {len(in_index)} |")
    if details and in_index:
        print("    " + ", ".join(in_index[:10]))
    notified = len(outputs["webhook notifications"]) > 2
    print(f"(a webhook message was {'sent' if notified else 'NOT sent: the notification check saw nothing'})")
    return {"leaked": total}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before an import counts as hung")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--only", choices=("imports", "secrets"), help="run one part")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kbapp-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    try:
        imports = part_imports(work, args.timeout, args.details) if args.only != "secrets" else None
        secrets = part_secrets(work, args.details) if args.only != "imports" else None
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if imports:
        print(f"\nimports: crashed {imports['counts']['crashed']}, hung {imports['counts']['hung']}, "
              f"not as expected {imports['unexpected']}")
    if secrets:
        print(f"secrets leaked: {secrets['leaked']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
