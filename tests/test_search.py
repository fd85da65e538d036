"""Search relevance: Chinese, English, cross-language, short and partial Chinese,
typos, codes/IPs/paths, field boosts, filters and snippets.

The relevance tests that the issue's "done when" names run on the shipped library; the
rest run on small fixture libraries written by the tests.
"""

from __future__ import annotations

import re

import pytest
from kbhelpers import open_kb, playbook_text

from kbapp.resources import playbooks_dir


@pytest.fixture
def shipped_kb(tmp_path):
    kb = open_kb(tmp_path)
    report = kb.sync_index()
    assert report.rebuilt and report.added == len(kb.documents())
    yield kb
    kb.close()


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


def require_shipped(*doc_ids: str) -> None:
    missing = [d for d in doc_ids if not (playbooks_dir() / f"{d}.md").is_file()]
    if missing:
        pytest.skip(f"shipped playbooks not written yet: {', '.join(missing)}")


# -- relevance on the shipped library ---------------------------------------------------


@pytest.mark.parametrize("query, first", [
    ("数据丢失", "data-loss"),
    ("data loss", "data-loss"),
    ("Data Loss", "data-loss"),
    ("配置丢失", "config-loss"),
    ("config lost", "config-loss"),
    ("configuration loss", "config-loss"),
    ("操作失误", "operation-error"),
    ("宕机", "system-crash"),
    ("证书过期", "certificate-expiry"),
    ("disk full", "disk-full"),
    ("巡检", "routine-inspection"),
])
def test_the_right_playbook_comes_first(shipped_kb, query, first):
    require_shipped(first)
    assert ids(shipped_kb.search(query))[:1] == [first]


def test_chinese_and_english_queries_agree(shipped_kb):
    require_shipped("data-loss", "config-loss")
    assert ids(shipped_kb.search("数据丢失"))[:3] == ids(shipped_kb.search("data loss"))[:3]
    assert ids(shipped_kb.search("配置丢失"))[:3] == ids(shipped_kb.search("config lost"))[:3]


@pytest.mark.parametrize("query", ["备份", "宕机", "日志", "磁盘", "备", "份"])
def test_short_chinese_queries_return_results(shipped_kb, query):
    results = shipped_kb.search(query)
    assert results.hits, query
    assert len(set(ids(results))) == len(results.hits)


def test_short_query_prefers_the_playbook_about_it(shipped_kb):
    require_shipped("backup-failure")
    assert ids(shipped_kb.search("备份"))[0] == "backup-failure"
    assert ids(shipped_kb.search("backup"))[0] == "backup-failure"


def test_substring_of_a_longer_word(shipped_kb):
    require_shipped("data-loss")
    # '据丢' is in the middle of 数据丢失; no segmenter produces it as a word.
    results = shipped_kb.search("据丢")
    assert ids(results)[0] == "data-loss"
    assert '<b class="match">数据丢失</b>' in results.hits[0].snippet


def test_snippet_shows_what_was_typed(shipped_kb):
    require_shipped("data-loss")
    hit = shipped_kb.search("数据丢失").hits[0]
    assert '<b class="match">数据丢失</b>' in hit.snippet


def test_english_typo_gives_did_you_mean_and_results(shipped_kb):
    results = shipped_kb.search("confguration")
    assert results.suggestion == "configuration" and results.corrected
    assert results.hits
    require_shipped("config-loss")
    assert ids(results)[0] == "config-loss"


def test_no_suggestion_for_a_word_that_exists(shipped_kb):
    results = shipped_kb.search("configuration")
    assert results.hits and results.suggestion is None and not results.corrected


def _containing(kb, needle: str) -> set[str]:
    # As a token of its own: 'http://10.0.0.12:8080/' counts, '10.0.0.120' and
    # '/var/log/messages.1' do not.
    pattern = re.compile(rf"(?<![\w.\-]){re.escape(needle)}(?![\w\-]|[./]\w)")
    return {d.id for d in kb.documents() if pattern.search(d.path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("needle", ["ORA-00600", "10.0.0.12", "/var/log/messages"])
def test_codes_ips_and_paths_find_exactly_the_documents_containing_them(shipped_kb, needle):
    expected = _containing(shipped_kb, needle)
    if not expected:
        pytest.skip(f"no shipped playbook mentions {needle}")
    assert set(ids(shipped_kb.search(needle, limit=50))) == expected


# -- fixture libraries ---------------------------------------------------------------------

FIXTURES = {
    "oracle.md": playbook_text(
        "oracle-internal", "Oracle 内部错误", "Oracle internal error", category="database", levels="[I]",
        tags="[oracle, 数据库]",
        symptoms="- alert.log 中出现 ORA-00600: internal error code，主机 10.0.0.12 上的实例 PROD 挂起。\n"
                 "- 详细信息见 /var/log/messages 和 /u01/app/oracle/diag。",
    ),
    "network.md": playbook_text(
        "gateway-down", "网关不通", "Gateway unreachable", category="network", levels="[II]",
        tags="[network, 网络, gateway]",
        symptoms="- 从 10.0.0.1 与 10.0.0.120 ping 不通网关；ORA-00601 与本故障无关。\n"
                 "- /var/log/messages.1 里有 link down 记录。",
    ),
    "zebra-title.md": playbook_text(
        "zebra-title", "Zebra 路由守护进程", "Zebra routing daemon", category="network", levels="[III]",
        tags="[routing]", symptoms="- 路由表为空。",
    ),
    "zebra-body.md": playbook_text(
        "zebra-body", "路由表异常", "Routing table problems", category="network", levels="[III]", tags="[routing]",
        symptoms="- zebra 日志报错，zebra 进程重启，zebra 配置丢失，zebra zebra zebra。",
    ),
    "zebra-tag.md": playbook_text(
        "zebra-tag", "路由协议", "Routing protocols", category="network", levels="[III]", tags="[zebra, ospf]",
        symptoms="- 邻居关系断开，zebra 日志报错。",
    ),
    "checklist.md": playbook_text(
        "daily-check", "每日巡检", "Daily inspection", kind="checklist", category="inspection", levels="[IV]",
        tags="[巡检, daily]", symptoms="- 例行检查路由与网关。",
    ),
    "html.md": playbook_text(
        "html-body", "转义测试", "Escaping test", category="other", levels="[II]", tags="[escape]",
        symptoms="- 运行 `test -f /etc/hosts && echo \"ok\"` 检查 <script>alert('pwned')</script> 转义测试。",
    ),
    "notes.md": "# 机房值班笔记\n\n网关 10.0.0.1 的备用线路，转义测试时不要重启。\n",
}


@pytest.fixture
def fixture_kb(tmp_path):
    kb = open_kb(tmp_path, FIXTURES)
    assert kb.problems() == []
    kb.sync_index()
    yield kb
    kb.close()


def test_codes_ips_and_paths_are_matched_whole(fixture_kb):
    assert ids(fixture_kb.search("ORA-00600")) == ["oracle-internal"]
    assert ids(fixture_kb.search("ora-00600")) == ["oracle-internal"]
    assert ids(fixture_kb.search("10.0.0.12")) == ["oracle-internal"]
    assert sorted(ids(fixture_kb.search("10.0.0.1"))) == ["gateway-down", "notes"]
    assert ids(fixture_kb.search("/var/log/messages")) == ["oracle-internal"]
    assert ids(fixture_kb.search("/u01/app/oracle/diag")) == ["oracle-internal"]
    # Parts of a path are words too.
    assert "oracle-internal" in ids(fixture_kb.search("diag"))


def test_codes_inside_longer_tokens(tmp_path):
    kb = open_kb(tmp_path, {
        "a.md": "# 连接\n\nopenssl s_client -connect 10.0.0.12:443 与 ssh root@10.0.0.13，网段 10.0.1.0/24。\n",
        "b.md": "# 配置\n\n修改 /etc/nginx/nginx.conf 后查看/var/log/nginx/error.log日志。\n",
    })
    try:
        kb.sync_index()
        for query, expected in [("10.0.0.12", ["a"]), ("10.0.0.13", ["a"]), ("10.0.1.0", ["a"]), ("443", ["a"]),
                                ("nginx.conf", ["b"]), ("/var/log/nginx/error.log", ["b"]), ("error.log", ["b"]),
                                ("日志", ["b"]), ("10.0.0.1", [])]:
            assert ids(kb.search(query)) == expected, query
    finally:
        kb.close()


def test_synonyms_do_not_match_inside_paths_and_codes(tmp_path):
    # 'log' is a synonym of 日志; inside a path it is just part of the path.
    kb = open_kb(tmp_path, {"a.md": "# 系统消息\n\n见 /var/log/messages。\n", "b.md": "# 日志\n\n查看应用日志。\n"})
    try:
        kb.sync_index()
        assert ids(kb.search("/var/log/messages")) == ["a"]
        assert "b" in ids(kb.search("log"))
    finally:
        kb.close()


def test_title_beats_tags_beats_body(fixture_kb):
    assert ids(fixture_kb.search("zebra")) == ["zebra-title", "zebra-tag", "zebra-body"]


@pytest.mark.parametrize("filters, expected", [
    ({"kind": "checklist"}, ["daily-check"]),
    ({"kind": "document"}, ["notes"]),
    ({"category": "database"}, ["oracle-internal"]),
    ({"level": "iii"}, ["zebra-body", "zebra-tag", "zebra-title"]),
    ({"level": "IV"}, ["daily-check"]),
    ({"tag": "OSPF"}, ["zebra-tag"]),
    ({"category": "network", "level": "II"}, ["gateway-down"]),
    ({"kind": "playbook", "tag": "no-such-tag"}, []),
])
def test_filters_without_a_query(fixture_kb, filters, expected):
    assert sorted(ids(fixture_kb.search("", **filters))) == expected


def test_filters_with_a_query(fixture_kb):
    assert ids(fixture_kb.search("路由", category="network", level="III", tag="routing"))
    assert set(ids(fixture_kb.search("路由"))) >= {"daily-check", "zebra-body"}
    assert "daily-check" not in ids(fixture_kb.search("路由", kind="playbook"))
    assert ids(fixture_kb.search("路由", kind="checklist")) == ["daily-check"]


def test_snippets_highlight_matches_and_escape_html(fixture_kb):
    hit = fixture_kb.search("转义测试", kind="playbook").hits[0]
    assert hit.id == "html-body"
    assert '<b class="match">转义测试</b>' in hit.snippet
    assert "<script" not in hit.snippet and "<img" not in hit.snippet
    assert "&amp;" in hit.snippet and "&quot;ok&quot;" in hit.snippet
    # Nothing but our own <b class="match"> tags is markup.
    assert re.sub(r'</?b( class="match")?>', "", hit.snippet).count("<") == 0


def test_snippet_shows_the_exact_match_for_a_code(fixture_kb):
    hit = fixture_kb.search("ORA-00600").hits[0]
    assert '<b class="match">ORA-00600</b>' in hit.snippet


def test_results_as_json(fixture_kb):
    data = fixture_kb.search("zebra").hits[0].to_json()
    assert {"id", "kind", "title", "category", "score", "path", "snippet"} <= set(data)
    assert data["title"] == "Zebra 路由守护进程" and data["kind"] == "playbook"


def test_nothing_matches(fixture_kb):
    for query in ("xyzzyplugh", "的", "龘"):
        results = fixture_kb.search(query)
        assert results.hits == [] and not results.corrected


def test_typo_in_a_fixture_word(fixture_kb):
    results = fixture_kb.search("gatway")
    assert results.suggestion == "gateway" and results.corrected
    assert "gateway-down" in ids(results)
