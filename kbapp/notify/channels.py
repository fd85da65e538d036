"""Sending one message: e-mail over SMTP (smtplib) and webhooks (urllib), nothing else.

Webhook bodies follow each group robot's documented text message:

- plain ``json``: ``{"subject", "text", ...fields}`` (for an escalation the fields carry
  incident_id, title, level, deadline, person…);
- 企业微信 ``wecom``: ``{"msgtype": "text", "text": {"content", "mentioned_mobile_list"}}``;
- 钉钉 ``dingtalk``: ``{"msgtype": "text", "text": {"content"}, "at": {"atMobiles"}}``,
  signed with ``timestamp`` and ``sign`` query parameters when a secret is set (加签);
- 飞书 ``feishu``: ``{"msg_type": "text", "content": {"text"}}``, with ``timestamp`` and
  ``sign`` in the body when a secret is set.

Every text goes through :func:`kbapp.redact.redact` on its way out, whatever the caller
did. A failure raises DeliveryError saying whether trying again can help.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import smtplib
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from kbapp.errors import KbError
from kbapp.notify.config import SmtpConfig, WebhookConfig
from kbapp.redact import redact


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)  # JSON-able; the plain JSON body carries them
    mention_phones: tuple[str, ...] = ()  # robots @-mention these numbers

    def redacted(self) -> Message:
        return Message(redact(self.subject), redact(self.text), _redact_tree(self.fields),
                       tuple(self.mention_phones))


def _redact_tree(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_tree(v) for v in value]
    return value


class DeliveryError(KbError):
    """Sending failed; ``permanent`` when trying again cannot help (a refused address…)."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


# -- e-mail ------------------------------------------------------------------------------

def send_email(config: SmtpConfig, to_address: str, message: Message, now: dt.datetime) -> None:
    message = message.redacted()
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = config.sender
    mail["To"] = to_address
    mail["Date"] = formatdate(now.timestamp(), localtime=True)
    mail["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    mail.set_content(message.text)
    try:
        if config.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with client:
            if config.tls == "starttls":
                client.starttls()
            if config.username:
                client.login(config.username, config.password)
            client.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        raise DeliveryError(f"the server refused {to_address} ({codes[0] if codes else '?'})",
                            permanent=all(c >= 500 for c in codes)) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"SMTP login refused ({exc.smtp_code}); check username and password in notify.toml",
                            permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise DeliveryError(f"SMTP {exc.smtp_code}: {text.strip()[:200]}", permanent=exc.smtp_code >= 500) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"cannot reach the SMTP server {config.host}:{config.port}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


# -- webhooks ----------------------------------------------------------------------------

def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit() or c == "+")


def webhook_request(config: WebhookConfig, message: Message, now: dt.datetime) -> tuple[str, dict[str, Any]]:
    """(URL, JSON body) for one message in the webhook's format; redacted."""
    message = message.redacted()
    url = config.url
    phones = [p for p in (_digits(p) for p in message.mention_phones) if p]
    content = f"{message.subject}\n{message.text}".strip() if message.subject else message.text
    if config.format == "wecom":
        return url, {"msgtype": "text", "text": {"content": content, "mentioned_mobile_list": phones}}
    if config.format == "dingtalk":
        if config.secret:
            stamp = str(int(now.timestamp() * 1000))
            digest = hmac.new(config.secret.encode(), f"{stamp}\n{config.secret}".encode(), hashlib.sha256).digest()
            sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
            url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={sign}"
        return url, {"msgtype": "text", "text": {"content": content}, "at": {"atMobiles": phones, "isAtAll": False}}
    if config.format == "feishu":
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": content}}
        if config.secret:
            stamp = str(int(now.timestamp()))
            key = f"{stamp}\n{config.secret}".encode()
            body.update(timestamp=stamp, sign=base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode())
        return url, body
    return url, {"subject": message.subject, "text": message.text, **message.fields}


def send_webhook(config: WebhookConfig, message: Message, now: dt.datetime) -> None:
    url, body = webhook_request(config, message, now)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "kbapp-notify"})
    name = config.target
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:
            reply = response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise DeliveryError(f"webhook {name} answered HTTP {exc.code}", permanent=permanent) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise DeliveryError(f"cannot reach webhook {name}: {_reason(reason) if isinstance(reason, BaseException) else reason}") from None
    if config.format != "json":
        _check_robot_reply(name, reply)


def _check_robot_reply(name: str, reply: bytes) -> None:
    # The robots answer HTTP 200 with an error code in the body.
    try:
        data = json.loads(reply.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DeliveryError(f"webhook {name} answered something that is not JSON") from None
    if not isinstance(data, dict):
        return
    code = data.get("errcode", data.get("code", data.get("StatusCode", 0)))
    if code not in (0, "0", None):
        text = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
        raise DeliveryError(f"webhook {name} refused the message: {code} {text}".strip())
