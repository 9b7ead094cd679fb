"""Pure rules of webhook delivery: the signed request, the retry schedule, the address guard."""

import ipaddress
import json
import random
from datetime import datetime, timedelta

from standardwebhooks import Webhook

FIRST_RETRY_SECONDS = 5
LONGEST_RETRY_SECONDS = 6 * 3600
EXCERPT_CHARS = 500


def payload(*, event_id: str, type_name: str, version: int, subject_type: str, subject_id: str,
            occurred_at: str, data: dict) -> bytes:
    """The JSON body (the Standard Webhooks shape: ``type``, ``timestamp``, ``data``, plus the
    event's id, version and subject)."""
    return json.dumps({"id": event_id, "type": type_name, "version": version,
                       "timestamp": occurred_at, "subject": {"type": subject_type, "id": subject_id},
                       "data": data}, ensure_ascii=False, separators=(",", ":")).encode()


def signed_headers(secret: str, *, message_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """``webhook-id`` (the event's stable id: the same on every attempt and replay),
    ``webhook-timestamp`` (this attempt) and ``webhook-signature`` (HMAC-SHA256, ``v1,…``)."""
    return {"webhook-id": message_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, at, body),
            "content-type": "application/json"}


def retry_delay(failed_attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with jitter: about 5 s, 10 s, 20 s … doubling up to 6 h, each drawn
    in [½, 1] of that (so receivers coming back are not hit by every sender at once)."""
    ceiling = min(FIRST_RETRY_SECONDS * 2 ** max(failed_attempts - 1, 0), LONGEST_RETRY_SECONDS)
    return timedelta(seconds=ceiling * (rng or random).uniform(0.5, 1.0))


def is_success(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300


def should_disable(*, failures: int, failing_for: timedelta, min_failures: int,
                   min_duration: timedelta) -> bool:
    """An endpoint is turned off when it has failed ``min_failures`` attempts in a row and
    for at least ``min_duration``: a busy shop makes hundreds of attempts while a receiver
    restarts, and those are only retried."""
    return failures >= min_failures and failing_for >= min_duration


def excerpt(text: str) -> str:
    return text[:EXCERPT_CHARS]


def forbidden_address(address: str) -> bool:
    """An address a production shop must not send to: loopback, private networks, link-local
    (cloud metadata at 169.254.169.254), multicast, reserved or unspecified."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or not ip.is_global)
