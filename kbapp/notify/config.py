"""``notify.toml`` in the data home: where escalations and other notifications go.

Read with the standard library's tomllib. Every key is optional; a missing file means
"no channels" (escalations are still logged, naming the person and their phone)::

    # E-mail over SMTP (smtplib). The recipients are the people of escalation.json
    # that have an "email".
    [smtp]
    host = "smtp.example.com"
    port = 587                     # default 25, or 465 with tls = "ssl"
    from = "kbapp@example.com"
    tls = "starttls"               # "none" (default), "starttls" or "ssl"
    username = "kbapp"             # login only when given
    password_env = "KBAPP_SMTP_PASSWORD"   # read the password from this variable
    # password = "…"               # or here; then keep the file private
    timeout = 10                   # seconds

    # Group robots and plain JSON webhooks; one [[webhook]] each.
    [[webhook]]
    name = "运维值班群"             # shown in the log instead of the URL (which holds a key)
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
    format = "wecom"               # "json" (default), "wecom", "dingtalk" or "feishu"
    # secret = "SEC…"              # DingTalk / Feishu signed robots (加签); or secret_env

    [escalation]
    interval_minutes = 30          # one level up the chain per interval

    [watch]
    interval_seconds = 60          # how often `kbapp watch` and the window look

Errors name the file, the line (for TOML syntax) or the key, e.g.
``notify.toml: webhook[2].format: 'slack' is not one of json, wecom, dingtalk, feishu``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kbapp.errors import KbEnvironmentError

FILE_NAME = "notify.toml"
FORMATS = ("json", "wecom", "dingtalk", "feishu")
TLS_MODES = ("none", "starttls", "ssl")


class NotifyConfigError(KbEnvironmentError, ValueError):
    """notify.toml cannot be used; the message names the file and the key or line."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = ""
    tls: str = "none"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 10.0


@dataclass(frozen=True)
class WebhookConfig:
    url: str = field(repr=False)  # robot URLs carry their key: never logged
    format: str = "json"
    name: str = ""
    secret: str = field(default="", repr=False)
    timeout: float = 10.0

    @property
    def target(self) -> str:
        """What the log and the outbox call this webhook: its name, or a stable digest."""
        if self.name:
            return self.name
        host = urlsplit(self.url).hostname or "webhook"
        return f"{self.format}@{host}#{hashlib.sha256(self.url.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class NotifyConfig:
    smtp: SmtpConfig | None = None
    webhooks: tuple[WebhookConfig, ...] = ()
    escalation_interval: dt.timedelta = dt.timedelta(minutes=30)
    watch_interval: float = 60.0
    source: str = FILE_NAME

    @property
    def has_channels(self) -> bool:
        return self.smtp is not None or bool(self.webhooks)

    def webhook(self, target: str) -> WebhookConfig | None:
        return next((w for w in self.webhooks if w.target == target), None)


def config_path(home_root: Path) -> Path:
    return Path(home_root) / FILE_NAME


def load_config(path: Path) -> NotifyConfig:
    """The configuration in ``path``; no channels if the file does not exist."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return NotifyConfig(source=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise NotifyConfigError(f"{path}: cannot read it: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise NotifyConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from_dict(data, str(path))


def _section(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise NotifyConfigError(f"{where}: [{key}] must be a table")
    return value


def _text(table: dict, key: str, where: str, default: str = "") -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise NotifyConfigError(f"{where}.{key}: must be text in quotes")
    return value.strip()


def _number(table: dict, key: str, where: str, default: float, low: float, high: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise NotifyConfigError(f"{where}.{key}: must be a number from {low:g} to {high:g}, got {value!r}")
    return float(value)


def _unknown(table: dict, known: set[str], where: str) -> None:
    extra = sorted(set(table) - known)
    if extra:
        raise NotifyConfigError(f"{where}: unknown key(s) {', '.join(extra)}; known: {', '.join(sorted(known))}")


def _secret(table: dict, key: str, where: str) -> str:
    env = _text(table, f"{key}_env", where)
    if env:
        value = os.environ.get(env)
        if value is None:
            raise NotifyConfigError(f"{where}.{key}_env: the environment variable {env} is not set")
        return value
    return _text(table, key, where)


def config_from_dict(data: dict, source: str = FILE_NAME) -> NotifyConfig:
    _unknown(data, {"smtp", "webhook", "escalation", "watch"}, source)
    smtp = None
    if "smtp" in data:
        table, where = _section(data, "smtp", source), f"{source}: smtp"
        _unknown(table, {"host", "port", "from", "tls", "username", "password", "password_env", "timeout"}, where)
        host, sender = _text(table, "host", where), _text(table, "from", where)
        if not host:
            raise NotifyConfigError(f"{where}.host: the SMTP server's name or address is required")
        if "@" not in sender:
            raise NotifyConfigError(f"{where}.from: the sender's address (kbapp@example.com) is required")
        tls = _text(table, "tls", where, "none").lower()
        if tls not in TLS_MODES:
            raise NotifyConfigError(f"{where}.tls: {tls!r} is not one of {', '.join(TLS_MODES)}")
        port = int(_number(table, "port", where, 465 if tls == "ssl" else 25, 1, 65535))
        smtp = SmtpConfig(host=host, port=port, sender=sender, tls=tls, username=_text(table, "username", where),
                          password=_secret(table, "password", where),
                          timeout=_number(table, "timeout", where, 10, 1, 300))
    hooks = data.get("webhook", [])
    if isinstance(hooks, dict):
        hooks = [hooks]
    if not isinstance(hooks, list):
        raise NotifyConfigError(f"{source}: webhook must be written as [[webhook]] tables")
    webhooks = []
    for index, table in enumerate(hooks, start=1):
        where = f"{source}: webhook[{index}]"
        if not isinstance(table, dict):
            raise NotifyConfigError(f"{where}: must be a [[webhook]] table")
        _unknown(table, {"url", "format", "name", "secret", "secret_env", "timeout"}, where)
        url = _text(table, "url", where)
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise NotifyConfigError(f"{where}.url: an http:// or https:// address is required")
        fmt = _text(table, "format", where, "json").lower()
        if fmt not in FORMATS:
            raise NotifyConfigError(f"{where}.format: {fmt!r} is not one of {', '.join(FORMATS)}")
        webhooks.append(WebhookConfig(url=url, format=fmt, name=_text(table, "name", where),
                                      secret=_secret(table, "secret", where),
                                      timeout=_number(table, "timeout", where, 10, 1, 300)))
    targets = [w.target for w in webhooks]
    for target in targets:
        if targets.count(target) > 1:
            raise NotifyConfigError(f"{source}: two webhooks are called {target!r}; give each its own name")
    escalation = _section(data, "escalation", source)
    _unknown(escalation, {"interval_minutes"}, f"{source}: escalation")
    interval = _number(escalation, "interval_minutes", f"{source}: escalation", 30, 1, 24 * 60)
    watch = _section(data, "watch", source)
    _unknown(watch, {"interval_seconds"}, f"{source}: watch")
    return NotifyConfig(smtp=smtp, webhooks=tuple(webhooks), escalation_interval=dt.timedelta(minutes=interval),
                        watch_interval=_number(watch, "interval_seconds", f"{source}: watch", 60, 1, 3600),
                        source=source)
