"""Notifications: e-mail (SMTP) and webhooks (企业微信, 钉钉, 飞书 robots, plain JSON).

Qt-free. Configured by ``notify.toml`` in the data home (:mod:`kbapp.notify.config`).
The small public API, for escalation and for any feature that must tell people::

    from kbapp.notify import Message, Recipient
    kb.notifications.enqueue(incident_id, "level_report", [Recipient("李经理", "li@example.com", "138…")],
                             Message("故障 #12 …", "text", {"incident_id": 12}))
    kb.notifications.deliver_due()   # or let `kbapp watch` / the window deliver it

Each (incident, topic, step, recipient, channel) is sent once, across processes; the
outcome is logged on the incident (:mod:`kbapp.notify.outbox`). Every text is passed
through :func:`kbapp.redact.redact` before it is stored or sent.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kbapp.notify.channels import DeliveryError, Message
    from kbapp.notify.config import NotifyConfig, NotifyConfigError, load_config
    from kbapp.notify.outbox import Delivery, NotificationService, Recipient

# Each name from its module on first use: importing kbapp.notify.config (the window does at
# start) must not pull in the outbox and SQLAlchemy with it.
_HOMES = {"DeliveryError": "channels", "Message": "channels", "NotifyConfig": "config", "NotifyConfigError": "config",
          "load_config": "config", "Delivery": "outbox", "NotificationService": "outbox", "Recipient": "outbox"}

__all__ = ["Delivery", "DeliveryError", "Message", "NotificationService", "NotifyConfig", "NotifyConfigError",
           "Recipient", "load_config"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'kbapp.notify' has no attribute {name!r}")
    return getattr(import_module(f"kbapp.notify.{_HOMES[name]}"), name)
