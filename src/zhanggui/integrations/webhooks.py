"""Writes of webhooks: endpoints, fanning the outbox's events out to them, sending with
retries, and replaying (docs/integrations.md).

Delivery is at least once: the dispatcher turns each committed event into one delivery per
endpoint that takes its type; a sender claims due deliveries for a lease, sends them outside
any transaction and records the outcome. A sender that dies mid-send leaves the delivery to be
claimed again when its lease ends; receivers deduplicate on ``webhook-id`` (the event's id).
"""

import base64
import secrets
import socket
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhanggui.accounts.actions import log_operation, raise_alert
from zhanggui.accounts.models import AlertKind, Staff
from zhanggui.events.catalogue import CATALOGUE
from zhanggui.events.models import Event
from zhanggui.integrations import errors, nudge
from zhanggui.integrations import webhook_rules as rules
from zhanggui.integrations.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

LEASE = timedelta(seconds=60)
REPLAY_BATCH = 1000  # deliveries queued again per upsert


def _settings() -> dict:
    return settings.ZHANGGUI


# ---- the address guard ----------------------------------------------------------------------

def check_target(url: str) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to an address a production shop
    must not reach (``rules.forbidden_address``), unless ``ZHANGGUI_WEBHOOK_ALLOW_PRIVATE``.

    Raises:
        InvalidWebhookEndpoint: not an http(s) URL with a host.
        WebhookTargetRefused: the host is (or resolves to) a forbidden address.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.InvalidWebhookEndpoint(problem="an http(s) URL with a host is required")
    if settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except socket.gaierror:
        raise errors.InvalidWebhookEndpoint(problem=f"{parts.hostname} does not resolve") from None
    if any(rules.forbidden_address(address.split("%")[0]) for address in addresses):
        raise errors.WebhookTargetRefused(host=parts.hostname)


# ---- endpoints ------------------------------------------------------------------------------

def _check_types(event_types: Iterable[str]) -> list[str]:
    types = sorted(set(event_types))
    unknown = [t for t in types if t not in CATALOGUE]
    if unknown:
        raise errors.InvalidWebhookEndpoint(problem="unknown event types " + ", ".join(unknown))
    return types


@transaction.atomic
def create_endpoint(*, url: str, event_types: Iterable[str] = (), description: str = "",
                    actor: Staff | None) -> WebhookEndpoint:
    """A new endpoint with a new signing secret (``endpoint.secret``, shown to the caller once).
    It receives the events that happen from now on."""
    check_target(url)
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.create(
        url=url, description=description[:200], event_types=_check_types(event_types),
        secret="whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(),
        created_at=now, updated_at=now)
    log_operation(endpoint, action="integrations.create_webhook_endpoint", actor=actor,
                  after={"url": url, "event_types": endpoint.event_types})
    transaction.on_commit(nudge.forget_active_state)
    return endpoint


@transaction.atomic
def set_endpoint_active(endpoint: WebhookEndpoint, *, active: bool, actor: Staff | None) -> WebhookEndpoint:
    """Turn an endpoint on (its failure count starts over) or off."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = {"is_active": endpoint.is_active}
    endpoint.is_active, endpoint.updated_at = active, timezone.now()
    if active:
        endpoint.failure_streak, endpoint.failing_since, endpoint.disabled_reason = 0, None, ""
    endpoint.save()
    log_operation(endpoint, action="integrations.set_webhook_endpoint_active", actor=actor,
                  before=before, after={"is_active": active})
    transaction.on_commit(nudge.forget_active_state)
    return endpoint


# ---- fan-out and sending --------------------------------------------------------------------

@transaction.atomic
def dispatch_events(*, limit: int = 1000) -> int:
    """Turn committed events not yet dispatched into deliveries for the active endpoints that
    take their type (and existed when the event happened). Returns how many events."""
    batch = list(Event.objects.select_for_update(skip_locked=True).filter(dispatched_at=None)
                 .order_by("id")[:limit])
    if not batch:
        return 0
    now = timezone.now()
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now, created_at=now)
         for event in batch for endpoint in endpoints
         if endpoint.takes(event.type) and event.occurred_at >= endpoint.created_at],
        ignore_conflicts=True)
    Event.objects.filter(pk__in=[e.pk for e in batch]).update(dispatched_at=now)
    return len(batch)


@transaction.atomic
def claim_due(*, limit: int = 100, now: datetime | None = None) -> list[int]:
    """Due deliveries of active endpoints, oldest event first, leased for ``LEASE`` to this
    sender (a sender that dies leaves them to be claimed again when the lease ends)."""
    now = now or timezone.now()
    ids = list(WebhookDelivery.objects.select_for_update(skip_locked=True)
               .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
                       endpoint__is_active=True)
               .order_by("event_id").values_list("pk", flat=True)[:limit])
    WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return ids


def send(delivery_id: int) -> bool:
    """One attempt of a delivery (no transaction is open while the receiver answers); returns
    whether it was delivered."""
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    body = rules.payload(event_id=str(event.event_id), type_name=event.type, version=event.version,
                         subject_type=event.subject_type, subject_id=event.subject_id,
                         occurred_at=event.occurred_at.isoformat(), data=event.data)
    started, at = time.monotonic(), timezone.now()
    status_code, text, error = None, "", ""
    try:
        check_target(endpoint.url)
        headers = rules.signed_headers(endpoint.secret, message_id=str(event.event_id), at=at,
                                       body=body)
        response = requests.post(endpoint.url, data=body, headers=headers, allow_redirects=False,
                                 timeout=_settings()["WEBHOOK_TIMEOUT_SECONDS"])
        status_code, text = response.status_code, response.text
    except (errors.WebhookTargetRefused, errors.InvalidWebhookEndpoint) as refused:
        error = str(refused)
    except requests.RequestException as failure:
        error = type(failure).__name__ + ": " + str(failure)
    return record_attempt(delivery, at=at, status_code=status_code, error=error,
                          duration_ms=int((time.monotonic() - started) * 1000),
                          excerpt=rules.excerpt(text))


@transaction.atomic
def record_attempt(delivery: WebhookDelivery, *, at: datetime, status_code: int | None,
                   duration_ms: int, excerpt: str = "", error: str = "") -> bool:
    """Log an attempt; on success the delivery is done, on failure it is due again after the
    backoff, or given up ``WEBHOOK_RETRY_HOURS`` after its first attempt. An endpoint failing
    ``WEBHOOK_DISABLE_AFTER_FAILURES`` attempts in a row is turned off and the owner alerted."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    WebhookAttempt.objects.create(delivery=delivery, attempted_at=at, status_code=status_code,
                                  duration_ms=duration_ms, response_excerpt=excerpt,
                                  error=error[:300])
    delivery.attempts += 1
    delivery.first_attempt_at = delivery.first_attempt_at or at
    delivered = rules.is_success(status_code)
    if delivered:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
        delivery.delivered_at = delivery.delivered_at or at
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failure_streak=0,
                                                                        failing_since=None)
    else:
        retry_for = timedelta(hours=_settings()["WEBHOOK_RETRY_HOURS"])
        if at - delivery.first_attempt_at >= retry_for:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = at + rules.retry_delay(delivery.attempts)
        _count_failure(delivery.endpoint_id, at)
    delivery.save()
    return delivered


def _count_failure(endpoint_id: int, at: datetime) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(
        failure_streak=F("failure_streak") + 1, failing_since=Coalesce("failing_since", Value(at)))
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    if endpoint.is_active and rules.should_disable(
            failures=endpoint.failure_streak, failing_for=at - endpoint.failing_since,
            min_failures=_settings()["WEBHOOK_DISABLE_AFTER_FAILURES"],
            min_duration=timedelta(hours=_settings()["WEBHOOK_DISABLE_AFTER_HOURS"])):
        endpoint.is_active, endpoint.updated_at = False, timezone.now()
        endpoint.disabled_reason = f"{endpoint.failure_streak} failed attempts in a row"
        endpoint.save()
        log_operation(endpoint, action="integrations.disable_webhook_endpoint", actor=None,
                      after={"is_active": False, "failures": endpoint.failure_streak})
        transaction.on_commit(nudge.forget_active_state)
        raise_alert(AlertKind.WEBHOOK_DISABLED, obj=endpoint,
                    message=f"Webhook endpoint {endpoint.url} turned off after "
                            f"{endpoint.failure_streak} failed deliveries in a row")


def deliver_due(*, limit: int = 100) -> dict[str, int]:
    """Dispatch new events, then send what is due (the beat's task)."""
    dispatched = dispatch_events()
    ids = claim_due(limit=limit)
    delivered = sum(send(pk) for pk in ids)
    return {"dispatched": dispatched, "attempted": len(ids), "delivered": delivered}


# ---- replay ---------------------------------------------------------------------------------

@transaction.atomic
def replay(endpoint: WebhookEndpoint, events: Iterable[Event], *, actor: Staff | None) -> int:
    """Send ``events`` to ``endpoint`` again, under their own ids (receivers that already have
    them drop them). A replayed delivery gets a new retry window (its attempts so far stay in
    the log). Returns how many were queued."""
    now = timezone.now()
    queued, batch = 0, []
    for event in events:
        if not endpoint.takes(event.type):
            continue
        batch.append(WebhookDelivery(endpoint=endpoint, event=event, status=DeliveryStatus.PENDING,
                                     next_attempt_at=now, first_attempt_at=None, created_at=now))
        if len(batch) == REPLAY_BATCH:
            queued += _queue_again(batch)
            batch = []
    queued += _queue_again(batch)
    log_operation(endpoint, action="integrations.replay_webhooks", actor=actor,
                  after={"events": queued})
    return queued


def _queue_again(rows: list[WebhookDelivery]) -> int:
    """One upsert for the batch: a new delivery, or the existing one made pending again."""
    WebhookDelivery.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["endpoint", "event"],
        update_fields=["status", "next_attempt_at", "first_attempt_at"])
    return len(rows)


def replay_range(endpoint: WebhookEndpoint, *, start: datetime, end: datetime,
                 actor: Staff | None) -> int:
    """Replay the events that happened in [start, end)."""
    events = (Event.objects.filter(occurred_at__gte=start, occurred_at__lt=end).order_by("id")
              .only("id", "type").iterator(chunk_size=REPLAY_BATCH))
    return replay(endpoint, events, actor=actor)
