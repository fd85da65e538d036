"""A change request's moves record the engineer's server login (migration 0020's
``change_events_db_login`` trigger): logged and started by one engineer, approved by
another, each event says whose login stored it. Against the real PostgreSQL server, with
the README's per-engineer logins (tests/test_team_logins.py)."""

from __future__ import annotations

from sqlalchemy import select
from test_team_logins import logins  # noqa: F401 - the README's logins, as a fixture

from kbapp.facade import KnowledgeBase
from kbapp.store.plan_models import ChangeEventRow


def test_change_request_moves_record_the_engineers_server_login(tmp_path, logins):  # noqa: F811
    urls, names = logins
    wang = KnowledgeBase.open(home=tmp_path / "wang", db_url=urls["eng_wang"])
    li = KnowledgeBase.open(home=tmp_path / "li", db_url=urls["eng_li"])
    wang.actor_override, li.actor_override = "王工", "王部长"
    try:
        change = wang.change_requests.new("requirement", "增加水质月报", days=8, customer="水利局")
        li.change_requests.approve(change.id, "王部长", "department-head", note="同意")
        wang.change_requests.start(change.id)
        wang.change_requests.done(change.id, "月报已上线")
        refused = li.change_requests.new("unclear", "报表口径不清")
        wang.change_requests.refuse(refused.id, "王部长", "department-head", note="先澄清口径")

        def events(s):
            return [(r.change_id, r.action, r.actor, r.db_login)
                    for r in s.scalars(select(ChangeEventRow).order_by(ChangeEventRow.id))]

        logged = wang.store.read(events)
        by_change = {c: [(action, login) for cid, action, _actor, login in logged if cid == c]
                     for c in (change.id, refused.id)}
        wang_login, li_login = names["eng_wang"], names["eng_li"]
        assert [login for _action, login in by_change[change.id]] == [wang_login] * (
            len(by_change[change.id]) - 3) + [li_login, wang_login, wang_login]
        assert [a for a, _ in by_change[change.id]][-3:] == ["approved", "started", "done"]
        assert by_change[refused.id][-1] == ("refused", wang_login)
        assert {login for _a, login in by_change[refused.id][:-1]} == {li_login}
    finally:
        wang.close()
        li.close()
