"""Automatic escalation and notifications, against a real local SMTP server (aiosmtpd) and
a local HTTP server, with an injected clock: each step once, across watchers and restarts;
retries while the network is down; outcomes in the log; no secret in what is sent."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import threading
import urllib.parse
from pathlib import Path

import pytest
from kbhelpers import open_kb
from notifyhelpers import HookServer, SmtpServer, free_port

from kbapp.incidents.errors import IncidentError
from kbapp.incidents.escalation import EscalationChain, Person
from kbapp.notify.channels import Message, webhook_request
from kbapp.notify.config import NotifyConfigError, WebhookConfig, load_config
from kbapp.notify.outbox import retry_after

T0 = dt.datetime(2026, 3, 2, 2, 40, tzinfo=dt.UTC)
M, S = dt.timedelta(minutes=1), dt.timedelta(seconds=1)

CHAIN = EscalationChain((
    Person("王工", "值班工程师", "138 0000 0001", "李经理"),
    Person("李经理", "技术主管", "138 0000 0002", "赵总", email="li@example.com"),
    Person("赵总", "服务总监", "138 0000 0003", email="zhao@example.com"),
))


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def make_kb(tmp_path: Path, clock: Clock, notify: str = "", chain: EscalationChain | None = CHAIN):
    kb = open_kb(tmp_path, {})
    kb.incidents.clock = kb.notifications.clock = clock
    if chain is not None:
        kb.incidents.save_chain(chain)
    if notify:
        (kb.home.root / "notify.toml").write_text(notify, encoding="utf-8")
    return kb


@pytest.fixture
def clock():
    return Clock(T0)


def kinds(kb, incident_id: int, kind: str):
    return [a for a in kb.incidents.timeline(incident_id) if a.kind == kind]


def test_watch_escalates_level_by_level_once_each_by_webhook_and_email(tmp_path, clock):
    with HookServer() as hook, SmtpServer() as smtp:
        kb = make_kb(tmp_path, clock, f'[[webhook]]\nurl = "{hook.url()}"\nformat = "json"\nname = "值班群"\n'
                                      f'[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nfrom = "kbapp@example.com"\n')
        try:
            inc = kb.incidents.start("数据库宕机", "I", responsible="王工")  # level I: 李经理 is told at once
            watcher = kb.watcher(clock)
            clock.now = T0 + 19 * M
            assert watcher.run_once().escalated == []  # more than 10 minutes left: nothing yet
            clock.now = T0 + 20 * M  # amber: the responsible person is reminded
            first = watcher.run_once()
            assert [(e.deadline_key, e.step, e.person.name) for e in first.escalated] == [("response", 0, "王工")]
            clock.now = T0 + 30 * M  # exactly at due: no escalation yet
            assert watcher.run_once().escalated == []
            clock.now = T0 + 30 * M + S  # one second late: the superior
            second = watcher.run_once()
            assert [(e.step, e.person.name) for e in second.escalated] == [(1, "李经理")]
            assert {(d.channel, d.outcome) for d in second.deliveries} == {("webhook", "sent"), ("email", "sent")}
            assert watcher.run_once().escalated == [] and len(hook.requests) == 3  # a second pass sends nothing
            kb.incidents.acknowledge(inc.id)  # late: escalation still goes on until it is solved
            clock.now = T0 + 60 * M + S
            third = watcher.run_once()
            assert [(e.step, e.person.name) for e in third.escalated] == [(2, "赵总")]
            clock.now = T0 + 90 * M + S  # before the plan turns amber
            assert watcher.run_once().escalated == []  # the top of the chain is reached for the response
        finally:
            kb.close()
    assert [(b["event"], b["person"]) for b in hook.bodies()] == [
        ("serious", "李经理"), ("escalation", "王工"), ("escalation", "李经理"), ("escalation", "赵总")]
    body = hook.bodies()[2]
    assert (body["incident_id"], body["title"], body["level"], body["deadline"], body["person"]) == (
        inc.id, "数据库宕机", "I", "response", "李经理")
    assert [rcpt for rcpt, _mail in smtp.messages] == [["li@example.com"], ["li@example.com"], ["zhao@example.com"]]
    assert "重大问题" in smtp.messages[0][1]["Subject"]
    mail = smtp.messages[1][1]
    assert "missed by 1 s" in mail["Subject"] and "李经理" in mail.get_content()
    kb = open_kb(tmp_path, tmp_path / "shipped")
    try:
        escalations = kinds(kb, inc.id, "escalation")
        assert [(a.payload["to"], a.payload["phone"]) for a in escalations] == [
            ("李经理", "138 0000 0002"), ("王工", "138 0000 0001"), ("李经理", "138 0000 0002"), ("赵总", "138 0000 0003")]
        sent = kinds(kb, inc.id, "notification")
        assert len(sent) == 7 and {a.payload["outcome"] for a in sent} == {"sent"}
        assert all("127.0.0.1" not in str(a.payload) for a in sent)  # the webhook URL is never logged
    finally:
        kb.close()


def test_escalation_stops_once_the_fault_is_solved(tmp_path, clock):
    kb = make_kb(tmp_path, clock)
    try:
        inc = kb.incidents.start("x", "II", responsible="王工")
        clock.now = T0 + 31 * M
        assert [e.step for e in kb.watcher(clock).run_once().escalated] == [1]
        kb.incidents.resolve(inc.id, "重启后恢复")
        clock.now = T0 + 5 * 60 * M
        assert kb.watcher(clock).run_once().escalated == []
        # Without notify.toml the escalation is still logged, naming the person and phone.
        assert kinds(kb, inc.id, "escalation")[0].payload["phone"] == "138 0000 0002"
    finally:
        kb.close()


def test_two_watchers_at_once_and_a_restart_send_each_step_once(tmp_path, clock):
    with HookServer() as hook:
        notify = f'[[webhook]]\nurl = "{hook.url()}"\n'
        first = make_kb(tmp_path, clock, notify)
        incidents = [first.incidents.start(f"故障 {n}", "II", responsible="王工").id for n in range(4)]
        second = open_kb(tmp_path, tmp_path / "shipped")  # another process on the same home
        second.incidents.clock = second.notifications.clock = clock
        clock.now = T0 + 61 * M  # steps 1 and 2 of every response are due
        results = []
        barrier = threading.Barrier(2)

        def run(kb):
            barrier.wait()
            results.append(kb.watcher(clock).run_once())

        threads = [threading.Thread(target=run, args=(kb,)) for kb in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        first.close()
        second.close()
        again = open_kb(tmp_path, tmp_path / "shipped")  # a restart
        again.incidents.clock = again.notifications.clock = clock
        assert again.watcher(clock).run_once().escalated == []
        try:
            assert sum(len(r.escalated) for r in results) == 8
            assert len(hook.requests) == 12  # 8 escalations and each level II incident's report when logged
            assert sorted((b["incident_id"], b["step"]) for b in hook.bodies() if b["event"] == "escalation") == sorted(
                (i, s) for i in incidents for s in (1, 2))
            assert sorted(b["incident_id"] for b in hook.bodies() if b["event"] == "serious") == sorted(incidents)
            for incident_id in incidents:
                assert len(kinds(again, incident_id, "escalation")) == 3
                assert len(kinds(again, incident_id, "notification")) == 3
        finally:
            again.close()


def test_retried_with_back_off_while_the_network_is_down(tmp_path, clock):
    port = free_port()  # nothing listens there yet
    kb = make_kb(tmp_path, clock, f'[[webhook]]\nurl = "http://127.0.0.1:{port}/hook"\nname = "群"\n')
    try:
        inc = kb.incidents.start("x", "III", responsible="王工")  # III: no report when logged, one message
        clock.now = T0 + 31 * M
        down = kb.watcher(clock).run_once()
        assert [(d.outcome, d.attempts) for d in down.deliveries] == [("retrying", 1)]
        assert "cannot reach webhook 群" in down.deliveries[0].error
        assert kb.watcher(clock).run_once().deliveries == []  # not due again yet
        clock.now += retry_after(1) - S
        assert kb.watcher(clock).run_once().deliveries == []
        clock.now += S
        with HookServer(port=port) as hook:
            back = kb.watcher(clock).run_once()
        assert [(d.outcome, d.attempts) for d in back.deliveries] == [("sent", 2)]
        assert len(hook.requests) == 1
        outcomes = [a.payload["outcome"] for a in kinds(kb, inc.id, "notification")]
        assert outcomes == ["retrying", "sent"]
    finally:
        kb.close()
    assert [retry_after(n).total_seconds() for n in (1, 2, 3, 10)] == [30, 60, 120, 1800]


def test_a_refusal_fails_at_once_with_the_reason_in_the_log(tmp_path, clock):
    with HookServer(status=200, reply={"errcode": 93000, "errmsg": "invalid webhook url"}) as hook:
        kb = make_kb(tmp_path, clock, f'[[webhook]]\nurl = "{hook.url()}"\nformat = "wecom"\nname = "企业微信群"\n')
        try:
            inc = kb.incidents.start("x", "II", responsible="王工")
            clock.now = T0 + 31 * M
            kb.watcher(clock).run_once()
            logged = kinds(kb, inc.id, "notification")
            assert logged[0].payload["outcome"] == "retrying" and "93000" in logged[0].payload["error"]
            hook.status = 404
            clock.now += retry_after(1)
            kb.watcher(clock).run_once()
            final = kinds(kb, inc.id, "notification")[-1].payload
            assert final["outcome"] == "failed" and "HTTP 404" in final["error"]
        finally:
            kb.close()


def test_no_secret_from_the_incident_goes_out(tmp_path, clock):
    with HookServer() as hook:
        kb = make_kb(tmp_path, clock, f'[[webhook]]\nurl = "{hook.url()}"\n')
        try:
            kb.incidents.start("登录失败 mysql -uroot -pS3cretPw 密码：Abc@12345", "II", responsible="王工")
            clock.now = T0 + 31 * M
            kb.watcher(clock).run_once()
        finally:
            kb.close()
    sent = str(hook.bodies())
    assert "S3cretPw" not in sent and "Abc@12345" not in sent and "[REDACTED]" in sent


def test_robot_formats_and_signatures(clock):
    message = Message("主题", "正文", {"incident_id": 1}, ("138 0000 0002",))
    url, body = webhook_request(WebhookConfig("http://h/send?key=k", "wecom"), message, T0)
    assert body == {"msgtype": "text", "text": {"content": "主题\n正文", "mentioned_mobile_list": ["13800000002"]}}
    url, body = webhook_request(WebhookConfig("http://h/robot/send?access_token=t", "dingtalk", secret="SEC1"),
                                message, T0)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    stamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SEC1", f"{stamp}\nSEC1".encode(), hashlib.sha256).digest()).decode()
    assert stamp == str(int(T0.timestamp() * 1000)) and query["sign"][0] == expected
    assert body["at"]["atMobiles"] == ["13800000002"] and body["text"]["content"] == "主题\n正文"
    _url, body = webhook_request(WebhookConfig("http://h/hook", "feishu", secret="s"), message, T0)
    assert body["msg_type"] == "text" and body["timestamp"] == str(int(T0.timestamp())) and body["sign"]
    _url, body = webhook_request(WebhookConfig("http://h/hook", "json"), message, T0)
    assert body == {"subject": "主题", "text": "正文", "incident_id": 1}


def test_empty_chain_warns_how_to_set_it_up_and_logs_nobody(tmp_path, clock):
    kb = make_kb(tmp_path, clock, chain=None)
    try:
        inc = kb.incidents.start("x", "II", responsible="王工")
        clock.now = T0 + 31 * M
        result = kb.watcher(clock).run_once()
        assert result.escalated == [] and any("Escalation Chain" in w for w in result.warnings)
        with pytest.raises(IncidentError, match="escalation chain is empty"):
            kb.watcher(clock).escalate_now(inc.id)
        assert kinds(kb, inc.id, "escalation") == []
    finally:
        kb.close()


def test_escalate_now_names_the_next_person_up_to_the_top(tmp_path, clock):
    kb = make_kb(tmp_path, clock)
    try:
        inc = kb.incidents.start("x", "III", responsible="王工")
        first = kb.watcher(clock).escalate_now(inc.id, note="客户很急")
        assert (first.person.name, first.person.phone, first.step) == ("李经理", "138 0000 0002", 1)
        assert kb.watcher(clock).escalate_now(inc.id).person.name == "赵总"
        with pytest.raises(IncidentError, match="top of the chain, 赵总 \\(138 0000 0003\\)"):
            kb.watcher(clock).escalate_now(inc.id)
        stranger = kb.incidents.start("y", "III", responsible="小刘")
        done = kb.watcher(clock).escalate_now(stranger.id)
        assert done.person.name == "李经理" and "小刘 is not in the escalation chain" in done.warning
    finally:
        kb.close()


@pytest.mark.parametrize(("text", "message"), [
    ('[[webhook]]\nurl = "ftp://x"\n', "webhook\\[1\\].url"),
    ('[[webhook]]\nurl = "http://x"\nformat = "slack"\n', "'slack' is not one of"),
    ('[smtp]\nhost = "h"\n', "smtp.from"),
    ('[smtp]\nhost = "h"\nfrom = "a@b"\nport = 99999\n', "smtp.port"),
    ("[smtp\n", "line 1"),
    ('[smtp]\nhost = "h"\nfrom = "a@b"\npassword_env = "KBAPP_TEST_NO_SUCH_VAR"\n', "KBAPP_TEST_NO_SUCH_VAR"),
    ('[escalation]\nevery = 5\n', "unknown key"),
])
def test_bad_notify_toml_names_the_key_or_line(tmp_path, text, message):
    path = tmp_path / "notify.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NotifyConfigError, match=message):
        load_config(path)


def test_a_broken_notify_toml_escalates_nothing_until_fixed(tmp_path, clock):
    kb = make_kb(tmp_path, clock, '[[webhook]]\nformat = "slack"\n')
    try:
        kb.incidents.start("x", "II", responsible="王工")
        clock.now = T0 + 31 * M
        result = kb.watcher(clock).run_once()
        assert result.escalated == [] and "notify.toml" in result.warnings[0]
        (kb.home.root / "notify.toml").write_text("", encoding="utf-8")
        assert len(kb.watcher(clock).run_once().escalated) == 1  # caught up once fixed
    finally:
        kb.close()


def test_the_public_enqueue_api_sends_once(tmp_path, clock):
    from kbapp.notify import Message as PublicMessage
    from kbapp.notify import Recipient

    with HookServer() as hook:
        kb = make_kb(tmp_path, clock, f'[[webhook]]\nurl = "{hook.url()}"\n')
        try:
            inc = kb.incidents.start("x", "III")
            message = PublicMessage("I 级故障", "立即上报", {"incident_id": inc.id})
            assert len(kb.notifications.enqueue(inc.id, "level_report", [Recipient("李经理")], message)) == 1
            assert kb.notifications.enqueue(inc.id, "level_report", [Recipient("李经理")], message) == []
            assert [d.outcome for d in kb.notifications.deliver_due()] == ["sent"]
            assert kb.notifications.deliver_due() == []
        finally:
            kb.close()
    assert len(hook.requests) == 1
