"""More hostile library files: YAML's odd corners, ids that try to leave the library, text that
spoofs what the engineer reads (bidirectional overrides, terminal escapes), and sizes that cost
time rather than memory. Same shape as ``hostile_corpus.hostile_files``: name -> (bytes, refused)."""

from __future__ import annotations

from kbhelpers import playbook_text


def _front(fields: str, body: str = "# T\n\ntext\n") -> bytes:
    return f"---\n{fields}---\n{body}".encode()


def _doc(doc_id: str, old: str, new: str) -> bytes:
    return playbook_text(doc_id).replace(old, new, 1).encode()


def more_hostile_files() -> dict[bytes, tuple[bytes, bool]]:
    steps = "".join(f"{i}. 第 {i} 步\n   做第 {i} 件事\n" for i in range(1, 3001))
    return {
        # YAML's corners: each a problem line or a refusal, never a traceback.
        b"yaml-dup-keys.md": (_front("id: dup-keys\ntitle: 一\ntitle: 二\n"), False),
        b"yaml-complex-key.md": (_front("id: complex-key\ntitle: x\n? [a, b]\n: c\n"), False),
        b"yaml-map-key.md": (_front("id: map-key\ntitle: x\n{a: 1}: b\n"), False),
        b"yaml-set.md": (_front("id: yaml-set\ntitle: !!set {a, b}\n"), False),
        b"yaml-omap.md": (_front("id: yaml-omap\ntitle: x\ntags: !!omap [a: 1, b: 2]\n"), False),
        b"yaml-timestamp-tag.md": (_front("id: ts-tag\ntitle: !!timestamp 2001-12-14t21:59:43.10-05:00\n"), False),
        b"yaml-bool-title.md": (_front("id: bool-title\ntitle: yes\ntitle_en: off\n"), False),
        b"yaml-null-fields.md": (_front("id: ~\ntitle: ~\ntags: ~\nlevels: ~\n"), False),
        b"yaml-float-keys.md": (_front("id: float-keys\ntitle: x\n1e999: inf\n.nan: nan\n"), False),
        b"yaml-tabs.md": (_front("id: tabs\ntitle: x\ntags:\n\t- a\n"), False),
        b"yaml-many-keys.md": (_front("id: many-keys\ntitle: x\n" + "".join(f"k{i}: {i}\n" for i in range(6000))), True),
        b"yaml-binary-big.md": (_front("id: binary-big\ntitle: !!binary " + "QUFB" * 12000 + "\n"), False),
        b"yaml-unknown-tag.md": (_front("id: unknown-tag\ntitle: !custom x\n"), False),
        b"yaml-deep-map.md": (_front("id: deep-map\ntitle: x\n" + "".join(" " * i + f"k{i}:\n" for i in range(200))), True),
        b"front-only.md": (b"---\nid: front-only\ntitle: x\n---\n", False),
        b"dashes-only.md": (b"---\n---\n", False),
        b"cr-only.md": (playbook_text("cr-only").replace("\n", "\r").encode(), False),
        # Ids that name a path, a device or nothing visible: never a file outside the library.
        b"id-traversal.md": (_doc("hostile-ok", "id: hostile-ok", "id: ../../../../tmp/kbapp-escape"), False),
        b"id-absolute.md": (_doc("hostile-ok", "id: hostile-ok", "id: /etc/passwd"), False),
        b"id-windows.md": (_doc("hostile-ok", "id: hostile-ok", "id: 'C:\\Windows\\system32\\CON'"), False),
        b"id-device.md": (_doc("hostile-ok", "id: hostile-ok", "id: NUL"), False),
        b"id-long.md": (_doc("hostile-ok", "id: hostile-ok", "id: " + "a" * 5000), False),
        b"id-zero-width.md": (_doc("hostile-ok", "id: hostile-ok", "id: config\u200b-loss"), False),
        # Text that shows the engineer something other than what is there.
        b"bidi-title.md": (_doc("bidi-title", "title: 测试预案", "title: 正常标题\u202e txt.exe"), False),
        b"ansi-title.md": (_doc("ansi-title", "title: 测试预案", 'title: "\\e[2J\\e[31m已清屏 cleared\\e[0m"'), False),
        b"ansi-body.md": (playbook_text("ansi-body", extra_body="\n\x1b]0;pwned\x07\x1b[2J\n").encode(), False),
        b"overlong-utf8.md": (b"# x\n\n\xc0\xaf\xe0\x80\xaf\n", True),
        b"surrogate-utf8.md": (b"# x\n\n\xed\xa0\x80\n", True),
        # Markup that a renderer or a sanitiser might choke on, or let through.
        b"script-svg.md": (playbook_text("script-svg", extra_body=(
            "\n<script>alert(1)</script><svg onload=alert(2)><img src=x onerror=alert(3)>"
            "<iframe src=https://evil.example/></iframe><style>body{display:none}</style>"
            "[j](javascript:alert(4)) [d](data:text/html;base64,PHNjcmlwdD4=) [v](vbscript:x)\n")).encode(), False),
        b"unclosed-comment.md": (playbook_text("unclosed-comment", extra_body="\n<!-- never closed\n" + "x\n" * 1000).encode(), False),
        b"unclosed-fence.md": (playbook_text("unclosed-fence", extra_body="\n```bash\nrm -rf /\n" + "y\n" * 1000).encode(), False),
        # Sizes that cost time: each well under the 2 MiB limit.
        b"many-steps.md": (("---\nid: many-steps\ntitle: 三千步\n---\n# 三千步\n\n## 步骤\n\n" + steps).encode(), False),
        b"step-number-huge.md": (playbook_text("step-huge", extra_body="\n## 步骤\n\n99999999999999999999999. 巨大\n").encode(), False),
        b"huge-table.md": (("# 表\n\n| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 40000).encode(), False),
        b"many-links.md": (("# 链接\n\n" + "[a](b) " * 40000 + "\n").encode(), False),
        b"many-headings.md": (("".join(f"## 标题 {i}\n\n" for i in range(30000))).encode(), False),
        b"long-word.md": (("# 长\n\n" + "a" * 1_500_000 + "\n").encode(), False),
        b"long-cjk.md": (("# 中文\n\n" + "数据库服务器宕机了需要恢复" * 50000 + "\n").encode(), False),
    }
