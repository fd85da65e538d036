"""Every command on a team desk whose server is down (a real PostgreSQL server,
tests/pgserver.py, stopped): what the desk's copy holds — incidents, reports, lessons,
problem records, change requests, the library and its index — is answered from it, and
what only the server holds is refused naming the command; either way the desk being
offline is said once on stderr, never a traceback. The commands that never ask the server
(lint, index, engineer) work as ever."""

from __future__ import annotations

import json

import pytest
from kbhelpers import cli_env, run_cli

from kbapp.facade import KnowledgeBase

ON_THE_COPY = [("incident", "list"), ("incident", "show", "{incident}"), ("incident", "note", "{incident}", "断网中"),
               ("report", "list"), ("lesson", "list"), ("record", "list"), ("change", "list"),
               ("search", "配置丢失"), ("show", "config-loss"), ("watch", "--once"),
               # what the server holds, read from the desk's copy (kbapp.copy_view, kbapp.replica_tables)
               ("metrics",), ("customer", "list"), ("customer", "show", "某银行"), ("drill", "list"),
               ("visit", "due"), ("inspect", "list"), ("inspect", "plans"), ("playbook", "versions", "config-loss")]
NO_SERVER = [("lint",), ("index", "status"), ("engineer",)]  # never ask the server: nothing to say
SERVER_ONLY = [("customer", "add", "新客户"), ("visit", "plan", "--customer", "某银行")]


# A server stopped under open connections: psycopg warns when the dead ones are collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_every_command_offline_answers_from_the_copy_or_says_it_needs_the_server_once(tmp_path, pg_server, pg_url):
    home = tmp_path / "desk"
    other = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    try:
        incident = other.incidents.start("机房断网", "II", customer="某银行", system="核心系统").id
        other.visits.new_plan("某银行", contact="王主任 138 0000 0000")
    finally:
        other.close()
    assert run_cli("--db", pg_url, "sync", home=home, env=cli_env()).returncode == 0
    pg_server.stop()
    try:
        for args in ON_THE_COPY + SERVER_ONLY + NO_SERVER:
            argv = [a.format(incident=incident) for a in args]
            done = run_cli("--db", pg_url, *argv, home=home, env=cli_env())
            said = f"kbapp {' '.join(argv)}: exit {done.returncode}\n{done.stderr}"
            assert done.stderr.count("offline") == (args not in NO_SERVER), said
            assert "unexpected error" not in done.stderr and "Traceback" not in done.stderr, said
            if args in SERVER_ONLY:
                assert done.returncode == 2 and done.stderr.count("needs the team server") == 1, said
            else:
                assert done.returncode == 0, said
                assert "needs the team server" not in done.stderr, said
        shown_customer = run_cli("--db", pg_url, "customer", "show", "某银行", home=home, env=cli_env())
        assert "核心系统" in shown_customer.stdout, shown_customer.stdout
        due = run_cli("--db", pg_url, "visit", "due", "--json", home=home, env=cli_env())
        assert "王主任 138 0000 0000" in due.stdout, due.stdout
        figures = run_cli("--db", pg_url, "metrics", "--json", home=home, env=cli_env())
        assert json.loads(figures.stdout)["overall"]["incidents"] == 1, figures.stdout
        checked = run_cli("--db", pg_url, "notify", "check", home=home, env=cli_env())  # the home's files only
        assert "offline" not in checked.stderr and "needs the team server" not in checked.stderr, checked.stderr
        assert "escalation chain is empty" in checked.stderr
        shown = run_cli("--db", pg_url, "incident", "show", str(incident), home=home, env=cli_env())
        assert "机房断网" in shown.stdout
    finally:
        pg_server.start()


def test_a_drill_is_run_and_scored_on_a_desk_whose_server_is_down_and_reaches_it_once(tmp_path, pg_url):
    """Drills are incident rows: local first like every incident write (kbapp.local_first)."""
    from kbhelpers import REPO_ROOT

    unreachable = "postgresql+psycopg://kbapp@127.0.0.1:1/nowhere"
    home = tmp_path / "training-room"
    scenario = str(REPO_ROOT / "playbooks" / "scenarios" / "drill-operation-error.md")

    def cli(*args, url=unreachable):
        done = run_cli("--db", url, "--actor", "李教员", *args, home=home, env=cli_env())
        assert done.returncode == 0, done.stderr
        return done

    started = cli("drill", "start", "operation-error", "--scenario", scenario, "--trainee", "小王", "--json")
    assert "offline" in started.stderr
    drill = json.loads(started.stdout)["drill"]
    assert drill["pending"]
    for step in ("1", "2"):
        cli("drill", "step", drill["uid"], step, "done")
    cli("drill", "step", drill["uid"], "3", "done", "--decision", "5")
    score = json.loads(cli("drill", "finish", drill["uid"], "--json").stdout)["score"]
    assert score["missed"] and cli("drill", "list", "--json").stdout.count(drill["uid"]) == 1

    synced = json.loads(cli("sync", "--json", url=pg_url).stdout)
    number = synced["sent"]["numbered"][drill["uid"]]
    server = KnowledgeBase.open(home=tmp_path / "other", db_url=pg_url)
    try:
        again = server.training.drills.get(number)
        assert again.finished and again.trainee == "小王"
        assert server.training.drills.score(number).total == score["total"]
        assert server.incidents.list_incidents() == []  # a drill is never an incident
    finally:
        server.close()
    assert json.loads(cli("sync", "--json", url=pg_url).stdout)["sent"]["sent"] == 0


def test_an_inspection_on_site_without_the_server_opens_its_follow_up_incident_and_reaches_it_once(tmp_path,
                                                                                                   pg_url):
    """Inspections are incident rows too: a round, its items, the incident a failed item
    opens and the link between them are made offline and numbered by the next sync."""
    unreachable = "postgresql+psycopg://kbapp@127.0.0.1:1/nowhere"
    home = tmp_path / "on-site"

    def cli(*args, url=unreachable):
        done = run_cli("--db", url, "--actor", "李工", *args, home=home, env=cli_env())
        assert done.returncode == 0, done.stderr
        return done

    started = json.loads(cli("inspect", "start", "--customer", "某银行", "--json").stdout)["inspection"]
    assert started["pending"]
    for item in range(1, 10):
        cli("inspect", "item", started["uid"], str(item), "fail" if item == 6 else "pass", "--value", "91%")
    opened = json.loads(cli("inspect", "open-incident", started["uid"], "6", "--json").stdout)
    opened = opened.get("incident", opened)
    assert opened["pending"]
    cli("inspect", "finish", started["uid"])

    synced = json.loads(cli("sync", "--json", url=pg_url).stdout)
    inspection, incident = synced["sent"]["numbered"][started["uid"]], synced["sent"]["numbered"][opened["uid"]]
    server = KnowledgeBase.open(home=tmp_path / "office", db_url=pg_url)
    try:
        items = server.training.inspections.items(inspection)
        assert [(i.number, i.result, i.follow_up) for i in items if i.number == 6] == [(6, "fail", incident)]
        assert server.training.inspections.get(inspection).status != "open"
        assert [i.id for i in server.incidents.list_incidents()] == [incident]  # the finding, numbered
    finally:
        server.close()
    assert json.loads(cli("sync", "--json", url=pg_url).stdout)["sent"]["sent"] == 0
