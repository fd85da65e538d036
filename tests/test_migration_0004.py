"""Migration 0004 (escalation claims, the notification outbox): an existing data home at
0003 upgrades cleanly and its incidents keep their deadlines; the same migrations run on
PostgreSQL (a throw-away server, when its binaries are on the machine)."""

from __future__ import annotations

import datetime as dt

from alembic import command
from kbhelpers import open_kb
from sqlalchemy import create_engine, inspect, text

from kbapp.store.db import Store, _alembic_config, current_revision, head_revision

T0 = dt.datetime(2026, 3, 2, 2, 40)


def _upgrade_to(url: str, revision: str) -> None:
    engine = create_engine(url)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def _seed_0003(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO incidents (id, title, description, level, category, channel, reporter, responsible, status, "
            "mode, summary, created_by, created_at, notified_at, responded_at, updated_at) VALUES (1, '旧故障', '', "
            "'II', 'config-loss', 'phone', '', '王工', 'responding', 'incident', '', 'root', :t, :t, :r, :r)"),
            {"t": T0, "r": T0 + dt.timedelta(minutes=45)})
        conn.execute(text("INSERT INTO actions (id, incident_id, at, actor, kind, details, payload) VALUES "
                          "(1, 1, :t, 'root', 'created', '', :p)"), {"t": T0, "p": '{"level": "II"}'})
        conn.execute(text("INSERT INTO actions (id, incident_id, at, actor, kind, details, payload) VALUES "
                          "(2, 1, :t, 'root', 'status', '', :p)"),
                     {"t": T0 + dt.timedelta(minutes=45), "p": '{"from": "open", "to": "responding"}'})
    engine.dispose()


def test_a_data_home_at_0003_upgrades_and_keeps_its_deadlines(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'kbapp.sqlite3'}"
    _upgrade_to(url, "0003")
    _seed_0003(url)
    kb = open_kb(tmp_path, {})
    try:
        assert current_revision(kb.store) == head_revision()
        assert kb.store.backup_path is not None  # the 0003 file was copied first
        response = {d.key: d for d in kb.incidents.deadlines(1)}["response"]
        assert response.late_by == dt.timedelta(minutes=15) and response.state == "met"
        resolution = {d.key: d for d in kb.incidents.deadlines(1)}["resolution"]
        assert resolution.due_at - response.starts_at == dt.timedelta(hours=24)  # config loss: 24 h
        assert kb.watcher().run_once().warnings  # runs on the upgraded schema (an empty chain is reported)
    finally:
        kb.close()


def test_the_migrations_run_on_postgresql_from_0003(pg_url):
    postgres = pg_url
    _upgrade_to(postgres, "0003")
    _seed_0003(postgres)
    store = Store.open(postgres)
    try:
        assert current_revision(store) == head_revision()
        tables = set(inspect(store.engine).get_table_names())
        assert {"escalations", "notifications", "incidents", "actions"} <= tables
    finally:
        store.close()
