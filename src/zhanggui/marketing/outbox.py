"""The outbox: claim a due message, send it outside any lock, record the outcome.

1. ``claim`` (own transaction, row lock): queued and due → sending, ``claimed_at`` now,
   ``attempts`` + 1. Only one worker can claim a message.
2. The channel's sender sends it, with no lock or transaction held (a slow SMTP server
   blocks no one).
3. ``mark_sent`` (sent_at, provider id, the policy's cost; the recipient reached) or, on an
   error, back to queued with the error and a later ``send_after`` (exponential backoff), or
   failed after ``MAX_ATTEMPTS``.

A worker that dies between 1 and 3 leaves the message "sending"; ``reclaim_stale`` puts
messages claimed longer than ``ZHANGGUI_OUTBOX_CLAIM_MINUTES`` ago back in the queue. If the
worker died after the SMTP server accepted the message but before 3, the message is sent
again — at least once, not exactly once; the copy has the same Message-ID (see
``senders``), so mail systems can drop it. A message whose customer unsubscribed since it
was queued is cancelled instead of sent.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhanggui.marketing import contact_rules
from zhanggui.marketing.models_campaigns import (
    Message,
    MessageChannel,
    MessageStatus,
    Recipient,
    RecipientStatus,
)
from zhanggui.marketing.queries_campaigns import contact_policy, due_message_ids
from zhanggui.marketing.send_plan import channel_cost, finish_if_done
from zhanggui.marketing.senders import get_sender
from zhanggui.marketing.unsubscribe import is_unsubscribed, unsubscribe_url

MAX_ATTEMPTS = 6  # the first try and five retries
EARLY = timedelta(seconds=5)  # a retry's task may arrive a little before its send_after


def claim_minutes() -> int:
    return int(getattr(settings, "ZHANGGUI_OUTBOX_CLAIM_MINUTES", 10))


@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | not_claimed | cancelled | retry | failed
    retry_in: int | None = None


def claim(message_id: int) -> Message | None:
    """Take a due queued message for sending; None when it is not queued or not due."""
    now = timezone.now()
    with transaction.atomic():
        message = (Message.objects.select_for_update(of=("self",), no_key=True).select_related("customer")
                   .filter(pk=message_id, status=MessageStatus.QUEUED,
                           send_after__lte=now + EARLY).first())
        if message is None:
            return None
        message.status, message.claimed_at = MessageStatus.SENDING, now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def _headers(message: Message) -> dict:
    if message.channel != MessageChannel.EMAIL:
        return {}
    url = unsubscribe_url(message.customer_id, message.channel)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def deliver(message_id: int) -> Delivery:
    """Claim, send and record one message (the ``deliver_message`` task's body)."""
    message = claim(message_id)
    if message is None:
        return Delivery("not_claimed")
    if message.campaign_id and is_unsubscribed(message.customer_id, message.channel):
        _finish(message, MessageStatus.CANCELLED, error="unsubscribed")
        return Delivery("cancelled")
    sender = get_sender(message.channel)
    address = sender.address_for(message.customer)
    if not address:
        _finish(message, MessageStatus.FAILED, error="no address")
        return Delivery("failed")
    try:
        provider_id = sender.send(message, address, headers=_headers(message))
    except Exception as exc:  # any sender error is recorded, then retried
        return _failed(message, f"{type(exc).__name__}: {exc}")
    mark_sent(message.pk, provider_id)
    return Delivery("sent")


def mark_sent(message_id: int, provider_id: str) -> None:
    """Record a sent message (and its recipient reached); then, in a transaction of its own
    (locks taken message → recipient, never the campaign while holding them), the campaign
    may become sent."""
    with transaction.atomic():
        message = Message.objects.select_for_update(no_key=True).get(pk=message_id)
        now = timezone.now()
        message.status, message.sent_at = MessageStatus.SENT, now
        message.provider_id = provider_id[:120]
        message.cost_amount = channel_cost(contact_policy(), message.channel)
        message.last_error = ""
        message.save(update_fields=["status", "sent_at", "provider_id", "cost_amount",
                                    "last_error"])
        if message.recipient_id:  # one statement: its foreign keys are not checked again
            Recipient.objects.filter(pk=message.recipient_id).update(
                reached_at=Coalesce(F("reached_at"), Value(now)), status=RecipientStatus.SENT,
                skip_reason="")
    _campaign_done(message.campaign_id)


def _campaign_done(campaign_id: int | None) -> None:
    if campaign_id:
        with transaction.atomic():
            finish_if_done(campaign_id)


def _failed(message: Message, error: str) -> Delivery:
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, MessageStatus.FAILED, error=error)
        return Delivery("failed")
    delay = contact_rules.retry_delay(message.attempts)
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.QUEUED, last_error=error[:300],
            send_after=timezone.now() + timedelta(seconds=delay))
    return Delivery("retry", retry_in=delay)


def _finish(message: Message, status: str, *, error: str) -> None:
    """A final outcome other than sent; a recipient with nothing else sent or on its way
    becomes failed."""
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(status=status, last_error=error[:300])
        if message.recipient_id and status == MessageStatus.FAILED:
            others = Message.objects.filter(recipient_id=message.recipient_id).exclude(
                pk=message.pk).filter(status__in=(MessageStatus.QUEUED, MessageStatus.SENDING,
                                                  MessageStatus.SENT))
            if not others.exists():
                Recipient.objects.filter(pk=message.recipient_id,
                                         status=RecipientStatus.PENDING).update(
                    status=RecipientStatus.FAILED)
    _campaign_done(message.campaign_id)


def reclaim_stale(*, now=None) -> int:
    """Messages left "sending" by a worker that died go back to the queue (or fail, when
    their attempts are used up). Returns how many were reclaimed."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=claim_minutes())
    with transaction.atomic():
        stale = list(Message.objects.select_for_update(skip_locked=True).filter(
            status=MessageStatus.SENDING, claimed_at__lt=cutoff).order_by("pk"))
        spent = [m for m in stale if m.attempts >= MAX_ATTEMPTS]
        again = [m.pk for m in stale if m.attempts < MAX_ATTEMPTS]
        Message.objects.filter(pk__in=again).update(
            status=MessageStatus.QUEUED, send_after=now,
            last_error="worker lost while sending; reclaimed")
    for message in spent:
        _finish(message, MessageStatus.FAILED, error="worker lost; attempts used up")
    return len(again)


def due_messages(limit: int = 500) -> list[int]:
    return due_message_ids(limit=limit)
