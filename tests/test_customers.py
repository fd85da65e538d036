"""Customers (客户单位), their systems (业务系统) and the warranty (质保期: three years from
acceptance, ch. 3.3/5), on incidents and from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from alembic import command
from kbhelpers import open_kb
from sqlalchemy import create_engine, text

from kbapp.cli.main import main
from kbapp.plan.customers import Customer, CustomerError
from kbapp.store.db import _alembic_config


def test_the_warranty_runs_three_years_from_acceptance_to_the_day():
    c = Customer(1, "甲医院", dt.date(2024, 2, 29), 3, ())
    assert c.warranty_ends == dt.date(2027, 2, 28)
    assert c.in_warranty(dt.date(2024, 2, 29)) is True  # the day of acceptance is inside
    assert c.in_warranty(dt.date(2024, 2, 28)) is False  # before acceptance: not yet
    assert c.in_warranty(dt.date(2027, 2, 27)) is True  # the last day
    assert c.in_warranty(dt.date(2027, 2, 28)) is False  # the first day outside
    assert Customer(2, "乙", None, 3, ()).in_warranty(dt.date(2026, 1, 1)) is None  # no acceptance: unknown


def test_customers_are_kept_with_their_systems_and_checked(tmp_path: Path):
    kb = open_kb(tmp_path, {})
    try:
        kb.customers.save("甲医院", systems=["HIS", "PACS", "HIS"], accepted_on=dt.date(2025, 6, 1))
        kb.customers.save("甲医院", systems=["LIS"], warranty_years=5)
        (c,) = kb.customers.list()
        assert (c.systems, c.accepted_on, c.warranty_years) == (("HIS", "LIS", "PACS"), dt.date(2025, 6, 1), 5)
        assert kb.customers.remove_system("甲医院", "PACS").systems == ("HIS", "LIS")
        with pytest.raises(CustomerError, match="warranty_years"):
            kb.customers.save("甲医院", warranty_years=-1)
        with pytest.raises(CustomerError, match="customer"):
            kb.customers.save("  ")
        at = dt.datetime(2030, 5, 31, 16, tzinfo=dt.UTC)  # 2030-06-01 00:00 in Beijing
        assert kb.customers.warranty_on("甲医院", at, tz=dt.timezone(dt.timedelta(hours=8))) is False
        assert kb.customers.warranty_on("甲医院", at, tz=dt.UTC) is True
    finally:
        kb.close()


def test_a_system_needs_its_customer(tmp_path: Path):
    from kbapp.incidents.errors import IncidentError

    kb = open_kb(tmp_path, {})
    try:
        with pytest.raises(IncidentError, match="system"):
            kb.incidents.start("慢", "III", system="OA")
        assert kb.customers.list() == []  # nothing written
    finally:
        kb.close()


def test_the_command_line_adds_customers_and_incident_show_says_the_warranty(tmp_path: Path, capsys):
    home = str(tmp_path / "home")
    assert main(["--home", home, "customer", "add", "乙银行", "--system", "核心系统", "--accepted", "2025-01-10"]) == 0
    assert "质保期内 in warranty: 2025-01-10 → 2028-01-10" in capsys.readouterr().out
    assert main(["--home", home, "customer", "add", "乙银行", "--accepted", "2025-13-01"]) == 1
    assert "--accepted" in capsys.readouterr().err
    assert main(["--home", home, "incident", "start", "--title", "转账失败", "--level", "II",
                 "--customer", "乙银行", "--system", "网银", "--json"]) == 0
    incident = json.loads(capsys.readouterr().out)["incident"]
    assert (incident["customer"], incident["system"]) == ("乙银行", "网银")
    assert main(["--home", home, "incident", "show", str(incident["id"])]) == 0
    assert "客户单位 customer: 乙银行 / 网银    质保期内 in warranty" in capsys.readouterr().out
    assert main(["--home", home, "customer", "show", "乙银行", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["systems"] == ["核心系统", "网银"]
    assert main(["--home", home, "customer", "show", "丁"]) == 1


def test_the_migration_copies_the_customer_an_incident_was_logged_with(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    engine = create_engine(url)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0012")
        t = dt.datetime(2026, 11, 2, 3, 0)
        conn.execute(text(
            "INSERT INTO incidents (id, title, description, level, category, channel, reporter, responsible, status, "
            "mode, summary, created_by, created_at, notified_at, updated_at) VALUES (1, '旧', '', 'III', '', 'phone', "
            "'', '', 'open', 'incident', '', 'root', :t, :t, :t)"), {"t": t})
        conn.execute(text("INSERT INTO actions (id, incident_id, at, actor, kind, details, payload) VALUES "
                          "(1, 1, :t, 'root', 'created', '', :p)"), {"t": t, "p": json.dumps({"customer": "甲医院"})})
        command.upgrade(config, "0013")
        assert conn.execute(text("SELECT customer, system FROM incidents")).one() == ("甲医院", "")
        command.downgrade(config, "0012")
    engine.dispose()


def test_a_problem_record_names_its_customer_or_takes_its_incident_s(tmp_path: Path):
    kb = open_kb(tmp_path, {})
    try:
        incident = kb.incidents.start("打印机卡纸", "IV", customer="丙电厂", system="OA")
        from_incident = kb.records.new(kind="defect", title="", incident_id=incident.id)
        assert (from_incident.customer, from_incident.system) == ("丙电厂", "OA")
        kb.records.new(kind="consultation", title="报表怎么导出", customer="丁公司", system="财务")
        assert [(c.name, c.systems) for c in kb.customers.list()] == [("丁公司", ("财务",)), ("丙电厂", ("OA",))]
    finally:
        kb.close()
