"""Library commands: search, import, index, lint, show."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kbapp.model import CATEGORIES, KINDS, LEVELS

if TYPE_CHECKING:
    from typing import Any

    from kbapp.facade import KnowledgeBase
    from kbapp.model import Document


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="search the library")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--category", choices=sorted(CATEGORIES))
    p.add_argument("--level", type=str.upper, choices=LEVELS)
    p.add_argument("--tag")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("import", help="copy Markdown files or folders into the library and index them")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--replace", action="store_true",
                   help="a file whose id the library already has (a shipped playbook, an earlier import) replaces it")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("index", help="search index: status, check or rebuild")
    p.add_argument("action", choices=("status", "check", "rebuild"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("lint", help="check playbooks; problems as file:line: message")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser("show", help="show one document")
    p.add_argument("id")
    p.add_argument("--format", choices=("md", "html", "json"), default="md")
    p.set_defaults(func=cmd_show)


def _sync(kb: KnowledgeBase) -> None:
    report = kb.sync_index(progress=None)
    if report.notice:
        print(f"kbapp: {report.notice}", file=sys.stderr)
    if report.rebuilt:
        print(f"kbapp: index rebuilt ({report.reason}): {report.added} documents", file=sys.stderr)


def cmd_search(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    if args.limit < 1:
        print("kbapp: limit: --limit must be at least 1", file=sys.stderr)
        return 1  # bad input, as every other command
    _sync(kb)
    results = kb.search(args.query, limit=args.limit, kind=args.kind, category=args.category, level=args.level,
                        tag=args.tag)
    notice = kb.take_index_notice()
    if notice:
        print(f"kbapp: {notice}", file=sys.stderr)
    if results.corrected:
        print(f"kbapp: '{results.query}' has words the library does not know; showing results for '{results.suggestion}'", file=sys.stderr)
    elif results.suggestion:
        print(f"kbapp: no results; did you mean '{results.suggestion}'?", file=sys.stderr)
    if args.json:
        print(json.dumps([h.to_json() for h in results.hits], ensure_ascii=False, indent=2))
        return 0
    if not results.hits:
        print("no results")
        return 1
    for rank, hit in enumerate(results.hits, start=1):
        levels = "/".join(hit.levels)
        print(f"{rank:2}. {hit.title} {hit.title_en}  [{hit.kind}{', ' + hit.category if hit.category else ''}"
              f"{', ' + levels if levels else ''}]  id={hit.id}  score={hit.score:.2f}")
        print(f"    {_plain(hit.snippet)}")
    return 0


def _plain(snippet: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r'<b class="match">(.*?)</b>', r"[\1]", snippet))


def cmd_import(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    result = kb.import_paths(args.paths, replace=args.replace)
    for problem in result.warnings:
        print(f"warning: {problem}")
    for dest, doc_id in result.replaced:
        print(f"replaced: {doc_id}: now {dest}")
    for source, reason in result.skipped:
        print(f"skipped: {source}: {reason}")
    for source, reason in result.failed:
        print(f"failed: {source}: {reason}")
    print(result.summary())
    return 1 if result.failed or result.skipped else 0


def cmd_index(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    if args.action == "rebuild":  # past incidents' documents are written again first
        report = kb.sync_index(force=True)
        print(f"rebuilt: {report.added} documents")
        return 0
    documents = kb.documents()
    if args.action == "check":
        findings = kb.index.check(documents)
        for line in findings:
            print(line)
        print("index ok" if not findings else f"{len(findings)} problem(s); run 'kbapp index rebuild'")
        return 1 if findings else 0
    status = kb.index.status(documents)
    data = {"path": str(status.path), "state": status.state, "reason": status.reason, "documents": status.documents,
            "size_bytes": status.size_bytes, "updated": status.updated, "pending": status.pending,
            "library_documents": len(documents), "library_problems": len(kb.problems())}
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for key, value in data.items():
            print(f"{key}: {value}")
    return 0


def cmd_lint(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    problems = kb.lint(args.paths or None)
    for problem in problems:
        print(problem)
    count = len(problems)
    print(f"{count} problem(s)" if count else "no problems", file=sys.stderr)
    return 1 if count else 0


def cmd_show(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    doc = kb.get(args.id)
    if doc is None:
        print(f"kbapp: no document with id '{args.id}'", file=sys.stderr)
        return 1
    if args.format == "md":
        sys.stdout.write(doc.path.read_text(encoding="utf-8"))
    elif args.format == "html":
        print(kb.render_html(doc.id))
    else:
        print(json.dumps(document_json(doc), ensure_ascii=False, indent=2))
    return 0


def document_json(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id, "kind": doc.kind, "title": doc.title, "title_en": doc.title_en, "category": doc.category,
        "levels": doc.levels, "tags": doc.tags, "owner": doc.owner,
        "reviewed": doc.reviewed.isoformat() if doc.reviewed else None, "version": doc.version,
        "summary": doc.summary, "path": str(doc.path), "shipped": doc.shipped,
        "steps": [{"number": s.number, "title": s.title, "line": s.line, "commands": s.commands,
                   "expected": s.expected,
                   "decisions": [{"condition": d.condition, "target": d.target} for d in s.decisions]}
                  for s in doc.steps],
    }
