"""One database login per engineer (README, team mode): the README's SQL, run on a real
server, gives each engineer a login in the ``kbapp_desk`` group; kbapp works as each of
them (incidents, the offline outbox, reports, the change cursor, metrics), the server
records which login stored every action, and no engineer's login can change the log or
the schema."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from kbhelpers import REPO_ROOT
from sqlalchemy.engine import make_url

from kbapp.facade import KnowledgeBase
from kbapp.offline import Outbox, send
from kbapp.store.db import Store

FILLED = {"fault_type": "配置丢失", "cause": "运维误删配置", "loss": "业务中断 40 分钟", "place": "客户机房"}


def _readme_sql() -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- team-roles:[^\n]*-->\n```sql\n(.*?)```", text, re.S)
    assert block, "the README's team-roles SQL block is missing"
    return block.group(1)


@pytest.fixture
def logins(pg_url):
    """The README's roles on this test's database (names made unique: roles are per cluster)."""
    Store.open(pg_url).close()  # the owner runs the migrations first
    url = make_url(pg_url)
    tag = uuid.uuid4().hex[:8]
    names = {"kbapp_desk": f"kbapp_desk_{tag}", "eng_wang": f"eng_wang_{tag}", "eng_li": f"eng_li_{tag}"}
    sql = _readme_sql().replace("ON DATABASE kbapp TO", f'ON DATABASE "{url.database}" TO')
    for name, unique in names.items():
        sql = re.sub(rf"\b{name}\b", unique, sql)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                         autocommit=True) as conn:
        conn.execute(sql)
    yield {k: url.set(username=v).render_as_string(hide_password=False) for k, v in names.items()
           if k != "kbapp_desk"}, names


def test_each_engineer_works_under_their_own_login_and_the_server_records_it(tmp_path, logins):
    urls, names = logins
    wang = KnowledgeBase.open(home=tmp_path / "wang", db_url=urls["eng_wang"])
    li = KnowledgeBase.open(home=tmp_path / "li", db_url=urls["eng_li"])
    wang.actor_override, li.actor_override = "王工", "李工"
    try:
        incident = wang.incidents.start("登录权限测试 LGN-4410", "II", category="config-loss", reporter="客户")
        li.incidents.note(incident.id, "李工接手")
        Outbox(wang.home.root).add("note", {"id": incident.id, "text": "王工离线记的", "actor": "王工"})
        assert send(wang).sent == 1
        wang.incidents.resolve(incident.id, "恢复配置")
        wang.reports.submit(incident.id, FILLED)
        pulled = li.team.pull()
        assert any(p.parent.name == "reports" for p in pulled.written)
        assert [h.id for h in li.search("LGN-4410", kind="report").hits] == [f"report-{incident.id}"]
        li.metrics()  # the metrics' facts: inserts, updates and deletes of their own tables
        timeline = li.incidents.timeline(incident.id)
        by_login = {(a.actor, a.db_login) for a in timeline if a.kind in ("note", "created")}
        assert by_login == {("王工", names["eng_wang"]), ("李工", names["eng_li"])}
    finally:
        wang.close()
        li.close()


@pytest.mark.parametrize("statement", ["UPDATE actions SET details = 'x'", "DELETE FROM actions",
                                       "DROP TABLE lessons", "CREATE TABLE mine (x int)"])
def test_an_engineer_login_cannot_change_the_log_or_the_schema(tmp_path, logins, statement):
    urls, _names = logins
    kb = KnowledgeBase.open(home=tmp_path / "wang", db_url=urls["eng_wang"])
    try:
        kb.actor_override = "王工"
        kb.incidents.start("只读日志", "III")
    finally:
        kb.close()
    url = make_url(urls["eng_wang"])
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database) as conn:
        if statement.startswith("CREATE") and conn.info.server_version < 150000:
            pytest.skip("before PostgreSQL 15 every login may create tables in the public schema")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


def test_approvals_and_sign_offs_record_the_engineers_server_login(tmp_path, logins):
    from kbhelpers import playbook_text, write_library
    from sqlalchemy import select

    from kbapp.store.team_models import PlaybookVersionRow

    urls, names = logins
    shipped = write_library(tmp_path / "shipped", {"svc.md": playbook_text("svc-down", "服务宕机", "Service down")})
    wang = KnowledgeBase.open(home=tmp_path / "wang", db_url=urls["eng_wang"], shipped_dir=shipped)
    li = KnowledgeBase.open(home=tmp_path / "li", db_url=urls["eng_li"], shipped_dir=shipped)
    wang.actor_override, li.actor_override = "王工", "李主管"
    try:
        new_text = (shipped / "svc.md").read_text(encoding="utf-8").replace("重启服务", "重启服务并核对配置")
        proposed = wang.changes.propose("svc-down", new_text, reason="步骤更清楚")
        rejected = wang.changes.propose("svc-down", new_text + "\n多余的一行\n", reason="重复")
        assert proposed.decided_db_login is None
        li.changes.approve(proposed.id)
        wang.changes.reject(rejected.id, note="重复提议")
        assert li.changes.get(proposed.id).decided_db_login == names["eng_li"]
        assert wang.changes.get(rejected.id).decided_db_login == names["eng_wang"]
        versions = li.store.read(lambda s: [(r.approved_by, r.db_login) for r in s.scalars(select(PlaybookVersionRow))])
        assert versions == [("李主管", names["eng_li"])]

        record = wang.records.new("defect", "报表导出失败")
        wang.records.move(record.id, "analysed", classification="technical")
        wang.records.move(record.id, "proposed", fix="扩大导出内存")
        li.records.move(record.id, "signed_off", supervisor="李主管", supervisor_role="技术主管 support lead")
        history = li.records.history(record.id)
        assert [(t.to_state, t.db_login) for t in history] == [
            ("submitted", names["eng_wang"]), ("analysed", names["eng_wang"]), ("proposed", names["eng_wang"]),
            ("signed_off", names["eng_li"])]
        assert history[-1].to_json()["db_login"] == names["eng_li"]
    finally:
        wang.close()
        li.close()
