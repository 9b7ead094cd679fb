"""Pluggable senders, one per channel: ``send(message, address) -> provider id``.

``settings.ZHANGGUI_SENDERS`` maps a channel to a sender's dotted path; channels it leaves
out keep the defaults below (e-mail through Django's e-mail backend, i.e. SMTP at
``EMAIL_HOST``/``EMAIL_PORT``; SMS and push to the log, for development). A real SMS or push
gateway is one class with ``address_for`` and ``send``.

Addresses are read from the customer when the message is sent (never copied to the outbox):
e-mail from ``Customer.email`` (encrypted at rest), SMS from ``Customer.phone``; push goes to
the customer number, since the shop keeps no device tokens.

An e-mail's ``Message-ID`` is derived from the outbox row's idempotency key, so a copy sent
again after a worker died between sending and recording it carries the same id and mail
systems can recognise it as a duplicate (docs/campaigns.md, "At least once").
"""

import hashlib
import logging
from abc import ABC, abstractmethod
from functools import cache

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from zhanggui.customers.models import Customer
from zhanggui.marketing.models_campaigns import Message

log = logging.getLogger("zhanggui.marketing.senders")

DEFAULT_SENDERS = {
    "email": "zhanggui.marketing.senders.SmtpSender",
    "sms": "zhanggui.marketing.senders.ConsoleSender",
    "push": "zhanggui.marketing.senders.ConsolePushSender",
}


class Sender(ABC):
    """One channel's way out. ``send`` raises on failure (the outbox retries)."""

    @abstractmethod
    def address_for(self, customer: Customer) -> str:
        """Where this channel reaches ``customer``; "" when it cannot."""

    @abstractmethod
    def send(self, message: Message, address: str, *, headers: dict | None = None) -> str:
        """Send ``message`` to ``address``; return the provider's message id."""


def message_id(message: Message) -> str:
    """A stable RFC 5322 Message-ID for an outbox row (the same on every attempt)."""
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    domain = getattr(settings, "ZHANGGUI_MAIL_DOMAIN", "zhanggui.localhost")
    return f"<{digest}@{domain}>"


class SmtpSender(Sender):
    """E-mail through Django's e-mail backend (SMTP in production)."""

    def address_for(self, customer: Customer) -> str:
        return (customer.email or "").strip()

    def send(self, message: Message, address: str, *, headers: dict | None = None) -> str:
        mid = message_id(message)
        email = EmailMessage(subject=message.subject, body=message.body,
                             from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
                             headers={"Message-ID": mid, **(headers or {})})
        get_connection(fail_silently=False).send_messages([email])
        return mid


class ConsoleSender(Sender):
    """SMS for development: logs the message instead of sending it."""

    def address_for(self, customer: Customer) -> str:
        return (customer.phone or "").strip()

    def send(self, message: Message, address: str, *, headers: dict | None = None) -> str:
        log.warning("[%s to %s] %s %s", message.channel, address, message.subject, message.body)
        return f"console:{message.idempotency_key}"


class ConsolePushSender(ConsoleSender):
    """Push for development: to the customer number (there are no device tokens)."""

    def address_for(self, customer: Customer) -> str:
        return customer.code


@cache
def _load(path: str) -> Sender:
    return import_string(path)()


def get_sender(channel: str) -> Sender:
    paths = {**DEFAULT_SENDERS, **getattr(settings, "ZHANGGUI_SENDERS", {})}
    return _load(paths[channel])
