"""Sentences, not keywords: ranked partial matching and the causes of lost queries
(issue 10): synonyms on word boundaries and by stem, single characters, nearest
spelling, camelCase, autolinks, exact titles, filler words."""

from __future__ import annotations

import pytest
from kbhelpers import open_kb

from kbapp.search.synonyms import default_synonyms


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


@pytest.fixture
def kb_of(tmp_path):
    opened = []

    def make(files: dict[str, str]):
        kb = open_kb(tmp_path, files)
        kb.sync_index()
        opened.append(kb)
        return kb

    yield make
    for kb in opened:
        kb.close()


RUNBOOKS = {
    "crashloop.md": "# Pod restarts\n\nWhen a pod is restarting in CrashLoopBackOff, read the previous logs "
                    "with kubectl logs --previous and check the liveness probe.\n",
    "nginx.md": "# nginx 502\n\nThe upstream returned an invalid response; check php-fpm and the upstream pool.\n",
    "restart.md": "# Restart a service\n\nUse systemctl restart to restart the daemon.\n",
    "oracle.md": "# Oracle 内部错误\n\n告警日志出现 ORA-00600，实例挂起，需要收集 trace 文件。\n",
    "disk.md": "# 磁盘空间不足\n\n服务器磁盘满了以后应用写入失败，日志报 No space left on device。\n",
}


def test_a_sentence_finds_the_document_missing_some_of_its_words(kb_of):
    kb = kb_of(RUNBOOKS)
    # "keep" and "loop" are in no document: every-word matching returned nothing.
    results = kb.search("pods keep restarting in a crash loop")
    assert ids(results)[0] == "crashloop"


def test_documents_matching_every_unit_come_first(kb_of):
    kb = kb_of(RUNBOOKS)
    found = ids(kb.search("systemctl restart daemon"))
    assert found[0] == "restart"
    assert "crashloop" in found  # matches "restart" only: after, not dropped


def test_a_distinctive_word_outweighs_common_ones(kb_of):
    kb = kb_of(RUNBOOKS)
    # ORA-00600 is in one document; 服务器 and 日志 in several: the rare one decides.
    assert ids(kb.search("服务器 日志 ORA-00600 怎么办"))[0] == "oracle"


def test_a_query_with_a_distinctive_indexed_term_is_never_empty(kb_of):
    kb = kb_of(RUNBOOKS)
    assert ids(kb.search("xyzzyplugh frobnicate nginx"))[0] == "nginx"


def test_filler_words_weigh_nothing(kb_of):
    kb = kb_of(RUNBOOKS)
    assert ids(kb.search("how to fix nginx 502 怎么办"))[0] == "nginx"
    assert ids(kb.search("怎么办")) == []


def test_filters_and_snippets_work_with_partial_matches(kb_of):
    kb = kb_of(RUNBOOKS)
    hit = kb.search("upstream frobnicate").hits[0]
    assert hit.id == "nginx" and '<b class="match">upstream</b>' in hit.snippet
    assert ids(kb.search("upstream frobnicate", kind="playbook")) == []


def test_a_synonym_inside_a_longer_chinese_word_is_not_a_synonym():
    # 服务 inside 服务器 left 器 as a term that had to match on its own.
    matches = default_synonyms().find("服务器硬盘满了")
    assert all("服务" not in m.group or "服务器" in m.group for m in matches)
    assert {m.group[0] for m in default_synonyms().find("数据库服务起不来")} >= {"service", "database"}


def test_the_sentence_of_the_issue_finds_the_disk_playbook(tmp_path):
    kb = open_kb(tmp_path)
    try:
        kb.sync_index()
        assert ids(kb.search("服务器硬盘空间满了写不进去"))[0] == "disk-full"
        assert ids(kb.search("数据库起不来了"))[0] == "database-failure"
        assert "database-failure" in ids(kb.search("客户报 ORA-00600 数据库宕机"))[:1]
    finally:
        kb.close()


def test_synonyms_are_looked_up_by_stem():
    groups = {m.group[0] for m in default_synonyms().find("the server crashed, disks full")}
    assert {"crash", "disk full"} <= groups


def test_a_single_character_alone_finds_the_words_containing_it(kb_of):
    kb = kb_of({"a.md": "# 时间同步\n\n检查时间偏差。\n", "b.md": "# 网卡\n\n网卡降速。\n",
                "c.md": "# 间隔\n\n间 是一个字。\n"})
    assert set(ids(kb.search("间"))) == {"a", "c"}
    assert ids(kb.search("卡")) == ["b"]


def test_did_you_mean_picks_the_nearest_word_not_the_most_frequent(kb_of):
    files = {f"aware{i}.md": f"# Note {i}\n\nBe aware of this; aware again.\n" for i in range(5)}
    files["hw.md"] = "# Hardware\n\nA hardware failure was detected.\n"
    files |= {f"del{i}.md": f"# Deleted {i}\n\nThe file was deleted.\n" for i in range(5)}
    kb = kb_of(files)
    results = kb.search("harware")
    assert results.suggestion == "hardware" and results.corrected and ids(results)[0] == "hw"
    assert kb.search("detcted").suggestion == "detected"


def test_camel_case_identifiers_are_split(kb_of):
    kb = kb_of({"etcd.md": "# etcd quorum\n\nThe alert etcdInsufficientMembers fires when quorum is lost.\n",
                "other.md": "# Members\n\nTeam list.\n"})
    assert ids(kb.search("insufficient members"))[0] == "etcd"
    assert ids(kb.search("etcdInsufficientMembers")) == ["etcd"]


def test_text_inside_an_autolink_is_indexed(kb_of):
    kb = kb_of({"log4j.md": "# Patch the logging library\n\nSee <https://nvd.nist.gov/vuln/detail/CVE-2021-44228>.\n",
                "other.md": "# Other\n\n<b>bold</b> text.\n"})
    assert ids(kb.search("CVE-2021-44228")) == ["log4j"]
    assert ids(kb.search("bold")) == ["other"]  # an HTML tag's content stays


def test_a_document_whose_title_is_the_query_comes_first(kb_of):
    kb = kb_of({"long.md": "# 升级 升级 数据库升级与升级失败回退 升级\n\n升级 升级 升级 升级。\n",
                "exact.md": "# 升级\n\n做好准备。\n",
                "en.md": "# Upgrade the cluster safely\n\nupgrade upgrade upgrade\n",
                "en-exact.md": "# Upgrade\n\nPlan it.\n"})
    assert ids(kb.search("升级"))[0] == "exact"
    assert ids(kb.search("upgrade"))[0] == "en-exact"


def test_a_word_jieba_glues_in_the_query_is_matched_by_the_words_the_library_has(kb_of):
    # jieba reads 硬盘坏道 as one new word; the library has 硬盘 but not 坏道 (nor 道 alone).
    kb = kb_of({"disk.md": "# 硬盘故障\n\n硬盘出现读写错误时更换硬盘。\n", "road.md": "# 道路\n\n市政道路施工。\n"})
    assert ids(kb.search("硬盘坏道")) == ["disk"]


def test_a_fragment_across_two_words_finds_them_side_by_side(kb_of):
    kb = kb_of({"redis.md": "# Redis 缓存雪崩\n\n大量缓存同时过期导致雪崩。\n",
                "store.md": "# 存储扩容\n\n存储空间不足。\n", "snow.md": "# 雪天巡检\n\n下雪天检查机房。\n"})
    assert ids(kb.search("存雪"))[0] == "redis"


def test_a_code_counts_as_distinctive_though_its_synonym_is_made_of_common_words(kb_of):
    # ORA-00257's synonym "archiver error" holds "error", which most of the library has;
    # two documents match the code (itself or its synonym) and three "timeout": the code
    # is the rarer thing asked for, whatever its broadest word.
    files = {f"error{n}.md": f"# Error {n}\n\nAn error in the error log of service {n}.\n" for n in range(1, 6)}
    files["archiver.md"] = "# Archiver\n\nThe archiver error shows in the error log.\n"
    files["archive.md"] = "# ORA-00257 处理\n\n告警日志里出现 ORA-00257，归档目的地已经用完。\n"
    for n, what in enumerate(("Gateway", "Client", "Read"), start=1):
        files[f"timeout{n}.md"] = f"# {what} timeout\n\nThe {what.lower()} timeout fired.\n"
    kb = kb_of(files)
    assert set(ids(kb.search("ORA-00257 timeout"))[:2]) == {"archiver", "archive"}


def test_a_character_typed_beside_a_word_finds_the_words_ending_with_it(kb_of):
    # 归档满了: 满 is a word of its own, but the library also writes 空间满 (one word of the
    # domain dictionary); only the words starting with 满 (满足) used to be tried.
    kb = kb_of({
        "full.md": "# 归档处理\n\n数据库的归档空间满，应用无法连接，需要清理已备份的归档日志并检查快速恢复区的配置。\n",
        "conf.md": "# 归档配置\n\n归档日志的保留策略。\n",
        "queue.md": "# 队列\n\n消息队列满了，消费者跟不上。\n",
    })
    assert ids(kb.search("归档满了"))[0] == "full"


def test_a_query_of_known_words_is_cut_as_jieba_cuts_it_without_jieba():
    from kbapp.search.analysis import _cut_by_vocabulary, segment_cjk

    known = {"数据库", "备份", "失败", "数据", "库存"}.__contains__
    text = "数据库备份失败了"
    assert [w for w, _, _ in _cut_by_vocabulary(text, known)] == ["数据库", "备份失败", "了"]  # a word of index/dict.txt
    assert _cut_by_vocabulary(text, known) == segment_cjk(text, search_mode=False)


def test_a_query_cut_is_left_to_jieba_when_the_words_are_unknown_lone_or_ambiguous():
    from kbapp.search.analysis import _cut_by_vocabulary

    assert _cut_by_vocabulary("一堆", {"一", "堆"}.__contains__) is None  # jieba knows 一堆
    assert _cut_by_vocabulary("置丢", {"配置", "丢失"}.__contains__) is None
    ambiguous = {"南京", "南京市", "市长", "长江", "江大桥", "大桥"}.__contains__
    assert _cut_by_vocabulary("南京市长江大桥", ambiguous) is None  # 南京|市长|江大桥 or 南京市|长江|大桥
