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

from kbapp.notify.channels import DeliveryError, Message
from kbapp.notify.config import NotifyConfig, NotifyConfigError, load_config
from kbapp.notify.outbox import Delivery, NotificationService, Recipient

__all__ = ["Delivery", "DeliveryError", "Message", "NotificationService", "NotifyConfig", "NotifyConfigError",
           "Recipient", "load_config"]
