"""Writes of idempotent requests: claim a key for a request, keep its answer, purge expired keys.

``claim`` and ``keep_answer`` run in the transaction of the request itself
(``idempotency.IdempotencyMiddleware``), so a key is stored with its answer or not at all: a
request that fails with a server error leaves no key behind and its retry acts afresh. The
key's row lock makes a concurrent repeat wait for the first request's commit and then answer
what it answered. These rows are bookkeeping of the API, not the shop's data: they are not in
the operation log.
"""

from datetime import datetime, timedelta

from django.conf import settings

from zhanggui.integrations import errors
from zhanggui.integrations.models import IdempotencyKey


def key_lifetime() -> timedelta:
    return timedelta(hours=settings.ZHANGGUI["IDEMPOTENCY_KEY_HOURS"])


def claim(*, scope: str, key: str, fingerprint: str, method: str, path: str,
          now: datetime) -> IdempotencyKey:
    """The row of ``scope``'s ``key``, locked until the transaction ends: new (no answer yet)
    when the key is unknown or expired, else the first request's (its answer is there, since
    that request committed before the lock was granted).

    Raises:
        IdempotencyKeyReused: the key was first sent with another request.
    """
    # INSERT … ON CONFLICT DO NOTHING waits for a concurrent first request's commit (or
    # rollback) on the unique index; the row is then read under a lock.
    IdempotencyKey.objects.bulk_create(
        [IdempotencyKey(scope=scope, key=key, fingerprint=fingerprint, method=method,
                        path=path[:500], created_at=now, expires_at=now + key_lifetime())],
        ignore_conflicts=True)
    record = IdempotencyKey.objects.select_for_update().get(scope=scope, key=key)
    if record.expires_at <= now:  # expired: the key starts over with this request
        record.fingerprint, record.method, record.path = fingerprint, method, path[:500]
        record.status_code, record.content_type, record.location, record.body = None, "", "", b""
        record.created_at, record.expires_at = now, now + key_lifetime()
        record.save()
    elif record.fingerprint != fingerprint:
        raise errors.IdempotencyKeyReused()
    return record


def keep_answer(record: IdempotencyKey, *, status_code: int, content_type: str, location: str,
                body: bytes) -> None:
    record.status_code, record.content_type = status_code, content_type[:200]
    record.location, record.body = location[:500], body
    record.save(update_fields=["status_code", "content_type", "location", "body"])


def forget(record: IdempotencyKey) -> None:
    """Drop a key whose request was not acted on, so that its retry acts."""
    record.delete()


def purge_expired(now: datetime) -> int:
    """Delete the keys past their lifetime; returns how many."""
    return IdempotencyKey.objects.filter(expires_at__lte=now).delete()[0]
