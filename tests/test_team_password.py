"""The team server's password is never written into a data home in plain text (issue 14:
the platform keyring or libpq's password / service file keep it): even a desk given it in
its ``--db`` URL, working online, offline and with the server refusing, leaves it in no
file of the home — settings, cursors, the copy, the outbox, the log. Against the real
PostgreSQL server (tests/pgserver.py; it trusts loopback logins, so the URL's password is
sent and ignored)."""

from __future__ import annotations

import pytest
from kbhelpers import cli_env, run_cli
from sqlalchemy.engine import make_url

SECRET = "Pw-7q2ZxK9-secret"


# A server stopped under open connections: psycopg warns when the dead ones are collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_servers_password_is_never_written_into_the_data_home(tmp_path, pg_server, pg_url):
    url = make_url(pg_url).set(password=SECRET).render_as_string(hide_password=False)
    assert SECRET in url
    home = tmp_path / "desk"

    def ok(*args: str) -> None:
        done = run_cli("--db", url, *args, home=home, env=cli_env())
        assert done.returncode == 0, done.stderr

    ok("incident", "start", "--title", "口令不落盘", "--level", "III")
    ok("sync")
    ok("search", "配置丢失")
    pg_server.stop()
    try:
        ok("incident", "note", "1", "离线记录")  # offline: the copy, the outbox, the notice
        assert run_cli("--db", url, "metrics", home=home, env=cli_env()).returncode == 0  # the copy answers
        assert run_cli("--db", url, "sync", home=home, env=cli_env()).returncode == 2
    finally:
        pg_server.start()
    ok("sync")
    files = [p for p in home.rglob("*") if p.is_file()]
    assert {"outbox.sqlite3", "replica.sqlite3", "sync.json", "replica-cursor.json"} <= {p.name for p in files}
    holding = [str(p.relative_to(home)) for p in files if SECRET.encode() in p.read_bytes()]
    assert holding == []
