"""Benchmark kbapp's search against SQLite FTS5 on a generated bilingual corpus.

    PYTHONPATH=. python bench/bench_search.py [--docs 10000] [--queries 200] [--out DIR]
                                              [--profile] [--json]

One run measures, for kbapp (Whoosh, through ``KnowledgeBase``) and for the reference
(SQLite FTS5 on text pre-segmented with rjieba), on the same corpus and queries:

- full index build: parsing the library and indexing it on a fresh data home
  (``kb.sync_index()``); for FTS5, segmenting and inserting;
- index size on disk;
- query latency p50/p95/max of ``--queries`` queries (Chinese, English, mixed; 1-3 terms
  ranked with partial matching when fewer than 20 documents match them all; FTS5 requires
  them all), top 20 with highlighted snippets, after a few warm-up queries;
- add to searchable: one new document written, ``kb.add_document()``, then searched until
  found (median and max of 10);
- the worst case: the most common words of the corpus alone and in pairs, which match
  most documents (median and max);
- cold open: a new process opens the index and answers one query (measured inside the
  process, from before the first kbapp import to the results; median of 3).

The corpus (``--docs`` Markdown files of about 1.5 KB, Chinese mixed with English ops
vocabulary, error codes, IPs, paths and ticket numbers) is generated from a fixed seed,
so two runs search the same text. Everything is written under ``--out`` (kept) or a
temporary folder (removed). Prints a Markdown table; ``--json`` also prints the figures
as JSON. ``--profile`` runs the query loop again under cProfile and prints where the
time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import itertools
import json
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SEED = 20261125
TARGETS = {"query_p95_ms": 30.0, "add_ms": 300.0, "build_s": 60.0}

# -- vocabulary ---------------------------------------------------------------------------

# The 600 most frequent Chinese words and 300 English words of the shipped playbooks (at the
# time of writing), most frequent first: documents use them with Zipf frequencies by rank.
ZH_WORDS = """
结果 故障 备份 预期 数据 提交 业务 处理 恢复 确认 检查 时间 日志 解决 报告 配置 问题 升级 服务 如果 小时 丢失 记录 数据库 失败 证书 响应 无法 用户 方案 正常 系统 文件 负责人 状态 影响
原因 验证 变更 巡检 运行 立即 重启 是否 错误 执行 操作 进程 告警 上报 回退 服务器 主机 修复 应急 应用 内存 自动 主管 功能 及时 启动 增量 归档 文件系统 空间 删除 支持 步骤 现场 登录 端口
人员 分钟 补救 通知 阵列 中断 临时 方法 连接 一次 中心 协调 完整 定期 实例 找到 核对 目录 硬件 预防措施 上级 任务 使用 出现 异常 校验 症状 直至 责任人 运维 逐级 位置 保存 停止 可用 接到
未能 不要 使用率 关键 写入 到期 损失 监控 种类 范围 返回 部分 业务部门 同步 报错 显示 更换 最近 查询 访问 通过 部署 全部 切换 导致 崩溃 性能 清理 版本 预案 不可 之前 保留 全备 培训 存在
完成 提出 偏差 入侵 发现 更新 权限 磁盘 观察 超时 远程 连接数 重建 下降 依赖 信息 占用 厂商 句柄 同意 命令 咨询 存储 安装 开始 当前 接口 日常 查看 没有 监听 维护 缺陷 网络 误操作 过期
避免 部门 陌生 需要 一致 其他 参数 地址 复制 所有 扩容 找出 文档 来源 正确 注意事项 相关 窗口 等待 计划 设备 资源 跟踪 配置文件 链路 防火墙 不再 不得 不足 交换机 修改 健康检查 关闭 列出
可疑 大小 安排 客户端 持续 明确 演练 现状 电源 结构 网络设备 耗尽 脚本 负载 账号 超过 业务人员 保护 做好 内核 内部 分析 启用 告知 回到 备用 密码 成功 挂载 收集 无法访问 期间 私钥 签发
线路 覆盖 说明 镜像 降级 预警 之后 事件 会话 判断 匹配 备库 定位 定级 当天 快照 打开 损坏 每日 生产 生成 电话 硬盘 程序 签字 缺失 网段 要求 调整 过程 造成 重新配置 阻塞 隔离 页面 中有
以下 低峰 保密 决定 变慢 可用性 可能 台账 同时 基线 存放 安全部门 容量 小于 强调 必要 恢复正常 排查 措施 提示 改动 数据完整性 新增 无新 校正 测试环境 环境 登记 直接 策略 级别 结束 网关
补丁 补做 补录 解答 讲解 路径 连接池 部件 重新 错误码 预约 风扇 高危 上门 为空 书面 优先 传播 低于 修补 停机 充足 公钥 冗余 冻结 备件 外联 大量 失效 实际 客户 尚未 序列号 开启 得到 必须
恶意 情况 持久 按时 控制台 撤销 操作失误 数据文件 既成 时先 明显 本机 核心 流程 测试 浏览器 清除 漏洞 疑似 知识库 短时间 磁盘空间 续期 缓解 网卡 耐心 联系 至少 认证 证据 评估 误删 请求
路由 软件包 运营商 释放 重载 限制 随意 风险 一份 一步 一点 上门服务 不会 不到 不见 不通 专线 丢包 主备 交易 仍能 任何 优化 作业 保障 先对 内容 再次发生 准备 出口 切回 列入 前后 加固 包率
区分 及其 反复 可以 合理 否则 回收站 在线 均衡 堡垒 增加 备机 外部 存档 安全性 完全 宕机 定时 实施 对应 对象 属于 工具 已有 已登记 延迟 建立 建议 当场 手工 打包 批量 报表 指定 接近 描述
操作手册 数据恢复 整个 整体 旧版本 时候 时段 时钟 时限 木马 本次 水平 派出 清楚 瓶颈 目标 相符 知晓 稳定 管理 篡改 索引 繁忙 线程 组织 统计 继续 网络连接 自行 补充 规划 设置 证据目录 负有
责任 转储 软件 近期 进入 连通性 邮件 长时间 降到 顺序 一人 一周 一块 一天 一般 一起 上限 下来 不是 不行 两个 严重 主要 事务 产生 人工 从库 代理 传感器 位后 依次 保证 修正 修订 值班人员
共同 具体 分工 切割 创建 前先 前滚 剩余 加强 化项 协助 单个 单元 单台 单据 压缩 及早 发现异常 取证 口令 另一台 只能 只读 合计 同一 后端 周期 命令行 和表 哪天 回访 域名 域名解析 备份文件
复查 多个 大偏差 天内 失性 存活 安全 安全事件 定期检查 实时 审计 对时 对比 对照 导出 工程师 差异 已获 已过期 带外 常见 常见问题 应用软件 开发 开机 形成 或硬件 所在 拒绝 持续增长 持续时间
挖矿 提前 操作方法 放行 数据安全 数据库管理员 文件大小 方向 方式
""".split()


ZH_GLUE = """
的 了 在 后 时 和 与 并 已 将 需要 发现 出现 导致 立即 确认 检查 处理 记录 通知 根据 按照 如果 然后
可能 由于 所有 部分 当前 最近 每天 每周 定期 及时 尽快 先 再 不 无法 没有 正常 异常 全部
""".split()

EN_WORDS = """
bizapp data backup etc grep log nginx systemctl tail ora date var error mysql dev root status http opt time
oracle config incident head name out portal tar failure ssl bizdb curl openssl ping select err failed full
rsync tmp cpu null orcl rman start cat journalctl loss proc certificate conf connection daily mysqld binlog
code crt mkdir show system type upgrade upstream chronyc database echo find gateway health last noout
postgresql restore running timed txt active cert connect crash dba disk file inode ipmitool not order outage
restart secure since bad clock dmesg example files invalid link list lsof mysqldump network ntp rollback sdb
sha sort space trx vmstat checklist chronyd dns hardware inspection iso left lib lntp local long mdstat
monitor mount mtime mysqladmin open operation password performance query raid rpm server session smart ssh
startup stop style table too total tracking undo xdev alert before cfg chrony consultation current dest device
dnf down drop enospc expired gzip history intrusion isready iuse java keystore limit mdadm memory optimal
panic print recover refused request route state storcli sum sync timedatectl trace used verify write yesterday
accepted admin all ant app awk blocking command configuration connections czpf datetime degradation degraded
detected diag diff directory done dport ecc elist enddate eth event exec fail firewall free guard https iostat
iptables jar key lanplus leap logrotate many max messages oom pem pgrep rdbms recovery releases retention
routine routines run schema sector security sel serial single subject sums suspected tablespace top traceroute
transaction triggers tzf update wait web addr adrci already archive archivelog archiver authorized biz blocked
business call cannot chain chassis checkend chmod cisco cmd copy cron crond crontab csr delete deleted desc
dig dry edac errors exe exist export handling idrac ilo include info installed instance internal ipmi jstack
kdump kernel
""".split()

COMMANDS = [
    "systemctl status {svc}", "systemctl restart {svc}", "journalctl -u {svc} --since '1 hour ago'",
    "df -h {path}", "du -sh {path}/*", "tail -n 200 {log}", "grep -i error {log}", "ping -c 4 {ip}",
    "ssh ops@{ip}", "curl -sS http://{ip}:8080/health", "mysql -h {ip} -e 'SHOW SLAVE STATUS\\G'",
    "rsync -aH {path}/ backup@{ip}:/backup{path}/", "openssl x509 -noout -enddate -in {path}/server.crt",
    "tar -czf /backup/etc-$(date +%F).tar.gz {path}", "lsof +L1 | grep {svc}", "iostat -x 1 5",
]
SERVICES = ["nginx", "mysqld", "redis", "kafka", "tomcat", "bizapp", "sshd", "chronyd", "postgresql", "docker"]
PATHS = ["/var/log/messages", "/var/log/nginx/error.log", "/etc/nginx/nginx.conf", "/data/backup/daily",
         "/u01/app/oracle/diag", "/etc/my.cnf", "/var/lib/mysql", "/opt/bizapp/conf", "/etc/ssl/certs",
         "/home/ops/scripts", "/var/spool/cron", "/data/app/upload"]
CODES = ["ORA-00600", "ORA-01555", "ORA-04031", "ORA-12541", "HTTP 502", "HTTP 503", "ERROR 1045", "ERROR 2013",
         "ENOSPC", "EACCES", "OOM", "ECONNREFUSED", "SIGKILL", "E11000", "ERR-4031", "NT_STATUS_ACCESS_DENIED"]
CATEGORIES = ["operation-error", "config-loss", "data-loss", "system-crash", "performance", "disk-full", "database",
              "network", "backup", "upgrade", "certificate", "security", "hardware", "inspection", "other"]


class Corpus:
    """Deterministic bilingual documents; word frequencies follow Zipf's law."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.zh = ZH_WORDS[:]  # most frequent first
        self.en = EN_WORDS[:]
        self.zh_cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(self.zh))))
        self.en_cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(self.en))))

    def ip(self) -> str:
        return f"10.{self.rng.randint(0, 3)}.{self.rng.randint(0, 9)}.{self.rng.randint(1, 60)}"

    def zh_word(self) -> str:
        return self.rng.choices(self.zh, cum_weights=self.zh_cum)[0]

    def en_word(self) -> str:
        return self.rng.choices(self.en, cum_weights=self.en_cum)[0]

    def sentence(self) -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.randint(5, 10)):
            roll = rng.random()
            if roll < 0.55:
                parts.append(self.zh_word())
            elif roll < 0.75:
                parts.append(rng.choice(ZH_GLUE))
            elif roll < 0.88:
                parts.append(f" {self.en_word()} ")
            elif roll < 0.92:
                parts.append(f" {rng.choice(CODES)} ")
            elif roll < 0.96:
                parts.append(f" {self.ip()} ")
            else:
                parts.append(f" `{rng.choice(PATHS)}` ")
        return "".join(parts).strip().replace("  ", " ") + rng.choice(["。", "；", "，随后恢复。", "。"])

    def command(self) -> str:
        return self.rng.choice(COMMANDS).format(svc=self.rng.choice(SERVICES), path=self.rng.choice(PATHS),
                                                log=self.rng.choice(PATHS), ip=self.ip())

    def document(self, number: int, target_bytes: int = 1500) -> str:
        rng = self.rng
        title_zh = "".join(self.zh_word() for _ in range(rng.randint(2, 3)))
        title_en = " ".join(self.en_word() for _ in range(rng.randint(2, 3))).capitalize()
        tags = sorted({self.zh_word() for _ in range(2)} | {self.en_word() for _ in range(2)})
        lines = [
            "---", f"id: doc-{number:05d}", "kind: document", f"title: {title_zh} {title_en}",
            f"category: {rng.choice(CATEGORIES)}", f"tags: [{', '.join(json.dumps(t, ensure_ascii=False) for t in tags)}]",  # "null" is a word too
            f"summary: 工单 INC-2026-{rng.randint(1000, 9999)}：{self.sentence()}", "---",
            f"# {title_zh} {title_en}", "", "## 现象 Symptoms",
        ]
        size = sum(len(line.encode()) + 1 for line in lines)
        section, step = 0, 0
        want = target_bytes + rng.randint(-200, 200)
        while size < want:
            roll = rng.random()
            if roll < 0.06 and section < 3:
                section += 1
                line = ["", "## 处理步骤 Steps", "## 验证 Verification", "## 经验 Lessons"][section]
            elif roll < 0.16:
                line = f"```bash\n{self.command()}\n```"
            elif roll < 0.30 and section == 1:
                step += 1
                line = f"{step}. {self.sentence()}"
            else:
                line = "- " + self.sentence() if rng.random() < 0.3 else self.sentence()
            lines.append(line)
            size += len(line.encode()) + 1
        return "\n".join(lines) + "\n"

    def queries(self, count: int) -> list[str]:
        """Documents use words by Zipf's law (weight 1/rank); queries favour common words
        less steeply (1/sqrt(rank)): people look for common topics more often, but a
        query is not a sample of running text. ``heavy_queries`` is the worst case."""
        rng = self.rng
        zh_cum = list(itertools.accumulate(1.0 / (rank + 1) ** 0.5 for rank in range(len(self.zh))))
        en_cum = list(itertools.accumulate(1.0 / (rank + 1) ** 0.5 for rank in range(len(self.en))))

        def zh() -> str:
            return rng.choices(self.zh, cum_weights=zh_cum)[0]

        def en() -> str:
            return rng.choices(self.en, cum_weights=en_cum)[0]

        out = []
        for i in range(count):
            kind = i % 3
            n = rng.choice([1, 1, 2, 2, 3])
            if kind == 0:  # Chinese, typed with or without spaces
                words = [zh() for _ in range(n)]
                out.append(" ".join(words) if rng.random() < 0.5 else "".join(words))
            elif kind == 1:  # English
                out.append(" ".join(en() for _ in range(n)))
            else:  # mixed: Chinese and English words, codes, IPs, paths
                extra = rng.choice([en(), rng.choice(CODES), rng.choice(PATHS), self.ip()])
                out.append(" ".join([zh(), extra] + [zh() for _ in range(n - 2)]))
        return out

    def heavy_queries(self) -> list[str]:
        """The most frequent words, alone and in pairs: queries matching most documents."""
        zh, en = self.zh[:4], self.en[:4]
        return zh + en + [f"{zh[0]} {zh[1]}", f"{en[0]} {en[1]}", f"{zh[2]} {en[2]}", f"{zh[3]}{zh[0]}"]


def write_corpus(folder: Path, docs: int) -> tuple[list[str], list[str], int]:
    corpus = Corpus()
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for number in range(docs):
        text = corpus.document(number)
        total += len(text.encode())
        (folder / f"doc-{number:05d}.md").write_text(text, encoding="utf-8")
    return corpus.queries(400), corpus.heavy_queries(), total


# -- measuring ---------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


NEW_DOC = """---
id: bench-new-{n}
kind: document
title: 新增文档 {n} Fresh document
tags: [bench]
---
# 新增文档 {n}

独有标记 freshtoken{n}x 出现在 10.9.9.{n} 上；{body}
"""


def bench_kbapp(corpus_dir: Path, home: Path, queries: list[str], warmup: list[str], heavy_queries: list[str],
                profile: bool) -> dict:
    from kbapp.facade import KnowledgeBase
    from kbapp.parser import parse_file

    res: dict = {}
    kb = KnowledgeBase.open(home=home, shipped_dir=corpus_dir)
    t0 = time.perf_counter()
    docs = kb.documents()
    res["parse_s"] = time.perf_counter() - t0
    assert not kb.problems(), kb.problems()[:3]
    t1 = time.perf_counter()
    report = kb.sync_index()
    res["index_s"] = time.perf_counter() - t1
    res["build_s"] = res["parse_s"] + res["index_s"]
    assert report.rebuilt and report.added == len(docs)
    res["size_mb"] = folder_size(home / "index") / 1e6

    t = time.perf_counter()
    kb.search(warmup[0], limit=20)
    res["first_query_ms"] = (time.perf_counter() - t) * 1000
    for q in warmup[1:]:
        kb.search(q, limit=20)
    latencies, totals = [], []
    for q in queries:
        t = time.perf_counter()
        results = kb.search(q, limit=20)
        latencies.append((time.perf_counter() - t) * 1000)
        totals.append(results.total)
    res.update(p50_ms=pct(latencies, 50), p95_ms=pct(latencies, 95), max_ms=max(latencies),
               matched_median=statistics.median(totals), empty=sum(1 for n in totals if n == 0))
    heavy, heavy_totals = [], []
    for q in heavy_queries:
        t = time.perf_counter()
        results = kb.search(q, limit=20)
        heavy.append((time.perf_counter() - t) * 1000)
        heavy_totals.append(results.total)
    res.update(heavy_median_ms=statistics.median(heavy), heavy_max_ms=max(heavy),
               heavy_matched=statistics.median(heavy_totals))

    add = []
    filler = Corpus(SEED + 1).sentence()
    for n in range(10):
        path = home / "library" / f"bench-new-{n}.md"
        path.write_text(NEW_DOC.format(n=n, body=filler), encoding="utf-8")
        doc, _ = parse_file(path)
        t = time.perf_counter()
        kb.add_document(doc)
        hits = kb.search(f"freshtoken{n}x", limit=20).hits
        add.append((time.perf_counter() - t) * 1000)
        assert [h.id for h in hits] == [doc.id], hits
    res.update(add_median_ms=statistics.median(add), add_max_ms=max(add))
    kb.close()

    # The next open sees the added documents as unchanged: nothing to re-index.
    kb = KnowledgeBase.open(home=home, shipped_dir=corpus_dir)
    t = time.perf_counter()
    report = kb.sync_index()
    res["resync_s"] = time.perf_counter() - t
    assert report.changed == 0 and not report.rebuilt, report
    kb.close()

    if profile:
        kb = KnowledgeBase.open(home=home, shipped_dir=corpus_dir)
        kb.search(warmup[0])
        profiler = cProfile.Profile()
        profiler.enable()
        for q in queries:
            kb.search(q, limit=20)
        profiler.disable()
        kb.close()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        res["profile"] = out.getvalue()
    return res


COLD_KBAPP = textwrap.dedent("""
    import json, sys, time
    t0 = time.perf_counter()
    from kbapp.facade import KnowledgeBase
    kb = KnowledgeBase.open(home=sys.argv[1], shipped_dir=sys.argv[2])
    results = kb.search(sys.argv[3], limit=20)
    print(json.dumps({"s": time.perf_counter() - t0, "hits": len(results.hits)}))
""")

COLD_FTS = textwrap.dedent("""
    import json, sqlite3, sys, time
    t0 = time.perf_counter()
    import rjieba
    sys.path.insert(0, sys.argv[3])
    from bench_search import fts_match, FTS_QUERY
    db = sqlite3.connect(sys.argv[1])
    rows = db.execute(FTS_QUERY, (fts_match(sys.argv[2]),)).fetchall()
    print(json.dumps({"s": time.perf_counter() - t0, "hits": len(rows)}))
""")


def cold_open(script: str, args: list[str], runs: int = 3) -> tuple[float, float]:
    """Median in-process seconds, and median wall seconds including interpreter start."""
    inner, wall = [], []
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env,
                             check=True).stdout
        wall.append(time.perf_counter() - t)
        inner.append(json.loads(out)["s"])
    return statistics.median(inner), statistics.median(wall)


# -- the reference: SQLite FTS5 on rjieba-segmented text --------------------------------------------

FTS_QUERY = ("SELECT id, snippet(docs, 3, '<b class=\"match\">', '</b>', '…', 24), bm25(docs, 0, 5.0, 3.0, 1.0) "
             "AS score FROM docs WHERE docs MATCH ? ORDER BY score LIMIT 20")


@functools.cache
def _reference_jieba():
    import rjieba

    return rjieba.Jieba()  # its own default dictionary: kbapp adds its domain words to rjieba's


def segment(text: str) -> str:
    return " ".join(w for w in _reference_jieba().cut_for_search(text) if w.strip())


def fts_match(query: str) -> str:
    """Every word of the query must match: 'a b' -> '"a" AND "b"' (codes as phrases)."""
    import rjieba

    terms = []
    for chunk in query.split():
        words = [w for w in rjieba.cut(chunk) if w.strip()]
        phrase = " ".join(words).replace('"', '""')
        terms.append(f'"{phrase}"')
    return " AND ".join(terms)


def _fts_row(doc) -> tuple:
    from kbapp.search.schema import plain_text

    return (doc.id, segment(" ".join([doc.title, doc.title_en])), segment(" ".join(doc.tags)),
            segment(plain_text(doc.body)))


def bench_fts(docs, db_path: Path, queries: list[str], warmup: list[str], heavy_queries: list[str],
              parse_s: float) -> dict:
    from kbapp.parser import parse_file

    res: dict = {}
    t0 = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, tags, body, "
               "tokenize = \"unicode61 remove_diacritics 0 tokenchars '-_./:'\")")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", (_fts_row(d) for d in docs))
    db.commit()
    res["index_s"] = time.perf_counter() - t0
    res["parse_s"] = parse_s
    res["build_s"] = parse_s + res["index_s"]  # the same Markdown parsing as kbapp, then FTS5
    res["size_mb"] = db_path.stat().st_size / 1e6

    def search(q: str):
        return db.execute(FTS_QUERY, (fts_match(q),)).fetchall()

    t = time.perf_counter()
    search(warmup[0])
    res["first_query_ms"] = (time.perf_counter() - t) * 1000
    for q in warmup[1:]:
        search(q)
    latencies, empty = [], 0
    for q in queries:
        t = time.perf_counter()
        rows = search(q)
        latencies.append((time.perf_counter() - t) * 1000)
        empty += not rows
    res.update(p50_ms=pct(latencies, 50), p95_ms=pct(latencies, 95), max_ms=max(latencies), empty=empty)
    heavy = []
    for q in heavy_queries:
        t = time.perf_counter()
        search(q)
        heavy.append((time.perf_counter() - t) * 1000)
    res.update(heavy_median_ms=statistics.median(heavy), heavy_max_ms=max(heavy))

    add = []
    filler = Corpus(SEED + 1).sentence()
    folder = db_path.parent / "fts-new"
    folder.mkdir(exist_ok=True)
    for n in range(10):
        path = folder / f"bench-new-{n}.md"
        path.write_text(NEW_DOC.format(n=n, body=filler), encoding="utf-8")
        doc, _ = parse_file(path)
        t = time.perf_counter()
        db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)", _fts_row(doc))
        db.commit()
        rows = search(f"freshtoken{n}x")
        add.append((time.perf_counter() - t) * 1000)
        assert [r[0] for r in rows] == [doc.id], rows
    res.update(add_median_ms=statistics.median(add), add_max_ms=max(add))
    db.close()
    return res


# -- report -----------------------------------------------------------------------------------------


def table(k: dict, f: dict, meta: dict) -> str:
    def ratio(a, b):
        return f"{a / b:.1f}×" if b else "–"

    def target(key, value):
        limit = TARGETS.get(key)
        if limit is None:
            return ""
        return f"≤ {limit:g} {'✓' if value <= limit else '✗ missed'}"

    rows = [
        ("full index build (parse + index), s", "build_s", "{:.1f}"),
        ("  of which parsing the Markdown, s", "parse_s", "{:.1f}"),
        ("  of which indexing, s", "index_s", "{:.1f}"),
        ("index size, MB", "size_mb", "{:.1f}"),
        ("first query after build, ms", "first_query_ms", "{:.1f}"),
        ("query p50, ms", "p50_ms", "{:.1f}"),
        ("query p95, ms", "p95_ms", "{:.1f}"),
        ("query max, ms", "max_ms", "{:.1f}"),
        ("worst case: the most common words, median ms", "heavy_median_ms", "{:.1f}"),
        ("worst case: the most common words, max ms", "heavy_max_ms", "{:.1f}"),
        ("add one → searchable, median ms", "add_median_ms", "{:.1f}"),
        ("add one → searchable, max ms", "add_max_ms", "{:.1f}"),
        ("cold open + first query (in process), s", "cold_s", "{:.2f}"),
        ("cold open + first query (with interpreter start), s", "cold_wall_s", "{:.2f}"),
    ]
    target_keys = {"build_s": "build_s", "p95_ms": "query_p95_ms", "add_median_ms": "add_ms", "add_max_ms": "add_ms"}
    out = ["| measure | kbapp (Whoosh) | SQLite FTS5 + rjieba | kbapp / FTS5 | target |", "|---|---:|---:|---:|---|"]
    for label, key, fmt in rows:
        kv, fv = k.get(key), f.get(key)
        out.append(f"| {label} | {fmt.format(kv)} | {fmt.format(fv) if fv is not None else '–'} | "
                   f"{ratio(kv, fv) if fv is not None else '–'} | {target(target_keys.get(key, ''), kv)} |")
    out.append("")
    out.append(f"{meta['docs']} documents, {meta['corpus_mb']:.1f} MB of Markdown (median "
               f"{meta['doc_kb']:.2f} KB); {meta['queries']} queries (⅓ Chinese, ⅓ English, ⅓ mixed; 1–3 terms; "
               f"partial matches fill the page), top 20 with snippets; a query matched {k['matched_median']:.0f} documents "
               f"(median), {k['empty']} matched none (FTS5: {f['empty']}); the worst-case queries "
               f"({', '.join(meta['heavy'])}) matched {k['heavy_matched']:.0f}. kbapp re-opened with nothing changed: "
               f"sync {k['resync_s']:.1f} s. Python {platform.python_version()}, {os.cpu_count()} CPUs, "
               f"{platform.platform()}.")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents to generate (default 10000)")
    parser.add_argument("--queries", type=int, default=200, help="timed queries (default 200)")
    parser.add_argument("--out", type=Path, help="keep the corpus, homes and results here (default: a temp folder)")
    parser.add_argument("--profile", action="store_true", help="profile the query loop with cProfile")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)

    root = args.out or Path(tempfile.mkdtemp(prefix="kbapp-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    corpus_dir, home, db_path = root / "corpus", root / "home", root / "fts5.sqlite3"
    for stale in (corpus_dir, home):
        shutil.rmtree(stale, ignore_errors=True)
    db_path.unlink(missing_ok=True)
    try:
        print(f"generating {args.docs} documents in {corpus_dir} ...", file=sys.stderr)
        all_queries, heavy, total_bytes = write_corpus(corpus_dir, args.docs)
        queries, warmup = all_queries[: args.queries], all_queries[args.queries : args.queries + 5]
        sizes = sorted(p.stat().st_size for p in corpus_dir.iterdir())
        meta = {"docs": args.docs, "corpus_mb": total_bytes / 1e6, "doc_kb": statistics.median(sizes) / 1024,
                "queries": len(queries), "heavy": heavy}

        print("kbapp: building the index and querying ...", file=sys.stderr)
        k = bench_kbapp(corpus_dir, home, queries, warmup, heavy, args.profile)
        k["cold_s"], k["cold_wall_s"] = cold_open(COLD_KBAPP, [str(home), str(corpus_dir), queries[0]])

        print("SQLite FTS5: building and querying ...", file=sys.stderr)
        from kbapp.library import Library

        library = Library(shipped=corpus_dir, writable=root / "empty")
        t = time.perf_counter()
        library.reload()
        parse_s = time.perf_counter() - t
        f = bench_fts(library.documents(), db_path, queries, warmup, heavy, parse_s)
        f["cold_s"], f["cold_wall_s"] = cold_open(COLD_FTS, [str(db_path), queries[0], str(Path(__file__).parent)])

        print(table(k, f, meta))
        if args.profile:
            print("\n## cProfile of the kbapp query loop\n\n```\n" + k.pop("profile") + "```")
        results = {"meta": meta, "kbapp": k, "fts5": f, "queries": queries}
        (root / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        if args.json:
            print(json.dumps({"meta": meta, "kbapp": k, "fts5": f}, ensure_ascii=False, indent=1))
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
