"""Incremental sync of the API's lists: the rows changed after a point, oldest change first,
in pages joined by an opaque cursor (docs/api-sync.md).

Rows are ordered by (``updated_at``, ``id``), a total order, and a page starts strictly after
the cursor's (time, id), so paging while writes go on neither repeats nor skips a row that
was already visible. A row is listed only once every transaction that could still commit a
change with an earlier ``updated_at`` has ended (the *horizon*): else a client could pass a
time before a slow transaction commits a row stamped with it, and never see that row.
"""

import base64
import binascii
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError

FIELD = "updated_at"
# An append-only model names the time it was written (never backdated) as ``SYNC_FIELD``.
CURSOR_VERSION = "1"
# The app servers' and the database's clocks may differ by this much.
CLOCK_SKEW = timedelta(seconds=1)
LAST_PK = 2**63 - 1


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    default_message = _("The cursor is not one this list gave out.")
    http_status = 400


class SyncNotSupported(DomainError):
    code = "incremental_sync_unsupported"
    default_message = _("This list cannot be synced by change time (updated_after, cursor): "
                        "page it by number.")
    http_status = 400


def encode_cursor(at: datetime, pk: int) -> str:
    text = f"{CURSOR_VERSION}|{at.astimezone(UTC).isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Raises InvalidCursor for anything ``encode_cursor`` did not make."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, at, pk = text.split("|")
        moment, number = datetime.fromisoformat(at), int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise InvalidCursor() from error
    if version != CURSOR_VERSION or moment.tzinfo is None or not 0 <= number <= LAST_PK:
        raise InvalidCursor()
    return moment, number


def horizon(using: str = "default", now: datetime | None = None) -> datetime:
    """The latest change time a list may show: ``ZHANGGUI_SYNC_SETTLE_SECONDS`` ago, and on
    PostgreSQL no later than the start of the oldest transaction still open that has written
    (its rows, once committed, carry times after that start)."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.ZHANGGUI["SYNC_SETTLE_SECONDS"])
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(xact_start) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND backend_xid IS NOT NULL "
                           "AND pid <> pg_backend_pid()")
            oldest = cursor.fetchone()[0]
        if oldest is not None:
            limit = min(limit, oldest - CLOCK_SKEW)
    return limit


def _change_field(queryset) -> str:
    """The field that orders the rows by change: ``updated_at``, or an append-only model's
    ``SYNC_FIELD``."""
    if not isinstance(queryset, QuerySet) or queryset.query.is_sliced or queryset.query.combinator:
        raise SyncNotSupported()
    field = getattr(queryset.model, "SYNC_FIELD", FIELD)
    try:
        queryset.model._meta.get_field(field)
    except FieldDoesNotExist as error:
        raise SyncNotSupported() from error
    return field


def sync_page(queryset, *, updated_after: datetime | None, cursor: str | None,
              size: int) -> dict:
    """One page of rows changed after ``cursor`` (or, without one, after ``updated_after``),
    and the cursor to ask for the next page with — also when this page is the last: a client
    keeps it and asks again later for what changed since."""
    field = _change_field(queryset)
    if cursor is not None:
        after, after_pk = decode_cursor(cursor)
        changed = Q(**{f"{field}__gt": after}) | Q(**{field: after, "pk__gt": after_pk})
    else:
        after = updated_after if timezone.is_aware(updated_after) else timezone.make_aware(updated_after)
        changed = Q(**{f"{field}__gt": after})
    rows = list(queryset.filter(changed, **{f"{field}__lte": horizon(queryset.db)})
                .annotate(zg_sync_at=F(field), zg_sync_pk=F("pk"))
                .order_by(field, "pk")[:size + 1])
    more, rows = len(rows) > size, rows[:size]
    if rows:
        last = rows[-1]
        at, pk = (last["zg_sync_at"], last["zg_sync_pk"]) if isinstance(last, dict) else (
            last.zg_sync_at, last.zg_sync_pk)
        next_cursor = encode_cursor(at, pk)
    else:
        next_cursor = cursor or encode_cursor(after, LAST_PK)  # strictly after ``after``
    return {"items": rows, "count": None, "next_cursor": next_cursor, "has_more": more}
