"""Writes of segments: definitions (operators), and what the warehouse computes of them
(members and sizes per evaluation, customer scores) — "computed on top, stored below".

``replace_segment_members`` is what ``analytics.segment_refresh`` calls per segment after each
warehouse refresh (and marketing for an experiment arm's segment); it writes only the
difference (set-based: the members who joined are inserted, those who left deleted, in
batches), so a refresh where little changed writes little. ``replace_customer_scores`` does
the same for ``CustomerScore``: only new and changed rows are written.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.customers import segment_rules
from zhanggui.customers.models import Customer
from zhanggui.customers.models_segments import (
    CustomerScore,
    Segment,
    SegmentKind,
    SegmentMember,
    SegmentSize,
)
from zhanggui.customers.segment_errors import SegmentCodeTaken, SegmentInvalid

LOGGED = ("code", "name", "description", "kind", "definition", "is_active")
# Rows per statement: SQLite allows 32,766 bound parameters (3 per member row).
INSERT_BATCH = 10_000
DELETE_BATCH = 900
SCORE_BATCH = 20_000


def _check(*, code: str, name: str, kind: str, definition) -> dict:
    if not code or len(code) > 40 or not all(ch.isascii() and (ch.isalnum() or ch in "-_")
                                             for ch in code):
        raise SegmentInvalid(problem="the code must be 1 to 40 letters, digits, - or _")
    if not name.strip() or len(name) > 80:
        raise SegmentInvalid(problem="the name must be 1 to 80 characters")
    if kind not in SegmentKind.values:
        raise SegmentInvalid(problem=f"unknown kind {kind!r}")
    if kind == SegmentKind.EXPERIMENT:
        if definition:
            raise SegmentInvalid(problem="an experiment arm's segment has no definition")
        return {}
    return segment_rules.validate_definition(definition)


@transaction.atomic
def create_segment(code: str, *, name: str, definition: dict | None, actor: Staff | None,
                   kind: str = SegmentKind.RULE, description: str = "",
                   is_active: bool = True) -> Segment:
    """Create a segment; its members come with the next evaluation (after a warehouse
    refresh), or from its experiment for kind ``experiment``.

    Raises:
        SegmentInvalid / SegmentConditionInvalid: bad code, name, kind or definition.
        SegmentCodeTaken: ``code`` is used.
    """
    definition = _check(code=code, name=name, kind=kind, definition=definition)
    if Segment.objects.filter(code=code).exists():
        raise SegmentCodeTaken(code=code)
    segment = Segment.objects.create(code=code, name=name.strip(), description=description,
                                     kind=kind, definition=definition, is_active=is_active,
                                     created_by=actor)
    log_operation(segment, action="customers.create_segment", actor=actor,
                  after=snapshot(segment, LOGGED))
    return segment


@transaction.atomic
def update_segment(segment: Segment, *, actor: Staff | None, name: str | None = None,
                   description: str | None = None, definition: dict | None = None,
                   is_active: bool | None = None) -> Segment:
    """Change what is given (the code and kind stay). A new definition takes effect at the
    next evaluation; the members stay until then.

    Raises:
        SegmentInvalid / SegmentConditionInvalid: bad name or definition.
    """
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    before = snapshot(segment, LOGGED)
    new_definition = segment.definition if definition is None else definition
    checked = _check(code=segment.code, name=segment.name if name is None else name,
                     kind=segment.kind, definition=new_definition)
    if name is not None:
        segment.name = name.strip()
    if description is not None:
        segment.description = description
    if is_active is not None:
        segment.is_active = is_active
    segment.definition = checked
    segment.save()
    log_operation(segment, action="customers.update_segment", actor=actor, before=before,
                  after=snapshot(segment, LOGGED))
    return segment


def deactivate_segment(segment: Segment, *, actor: Staff | None) -> Segment:
    """Stop evaluating a segment; its members stay as of its last evaluation (an offer or a
    campaign naming it keeps its audience) until it is activated again."""
    return update_segment(segment, actor=actor, is_active=False)


@transaction.atomic
def replace_segment_members(segment: Segment, customer_ids: Iterable[int], *,
                            measured_at: datetime | None = None) -> SegmentSize:
    """Make ``customer_ids`` the segment's members (guests left out) and record its size.

    Writes the difference only: members who joined get ``since = measured_at``, those who
    left are deleted; a ``SegmentSize`` row records the count with joined/left, and the
    segment its ``member_count`` and ``evaluated_at``. Locks the segment row, so two
    evaluations of one segment run one after the other.
    """
    measured_at = measured_at or timezone.now()
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    wanted = set(customer_ids) - set(Customer.objects.filter(is_guest=True).values_list("pk", flat=True))
    with connection.cursor() as cursor:  # plain rows: a million ids without the ORM's per-row work
        cursor.execute(f"SELECT customer_id FROM {SegmentMember._meta.db_table} WHERE segment_id = %s",
                       [segment.pk])
        current = {row[0] for row in cursor.fetchall()}
    joined, left = sorted(wanted - current), sorted(current - wanted)
    _delete_members(segment.pk, left)
    _insert_members(segment.pk, joined, measured_at)
    size = SegmentSize.objects.create(segment=segment, measured_at=measured_at,
                                      member_count=len(wanted), joined=len(joined), left=len(left))
    Segment.objects.filter(pk=segment.pk).update(member_count=len(wanted), evaluated_at=measured_at)
    segment.member_count, segment.evaluated_at = len(wanted), measured_at
    log_operation(segment, action="customers.replace_segment_members", actor=None,
                  after={"members": len(wanted), "joined": len(joined), "left": len(left)})
    return size


def _insert_members(segment_id: int, customer_ids: list[int], since: datetime) -> None:
    table = SegmentMember._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(since)
    with connection.cursor() as cursor:
        for start in range(0, len(customer_ids), INSERT_BATCH):
            chunk = customer_ids[start:start + INSERT_BATCH]
            if connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {table} (segment_id, customer_id, since) "
                               f"SELECT %s, unnest(%s::bigint[]), %s", [segment_id, chunk, stamp])
            else:  # the driver's own executemany: no per-row work in Django's wrapper
                connection.connection.executemany(
                    f"INSERT INTO {table} (segment_id, customer_id, since) VALUES (?, ?, ?)",
                    [(segment_id, c, stamp) for c in chunk])


def _delete_members(segment_id: int, customer_ids: list[int]) -> None:
    table = SegmentMember._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(customer_ids), INSERT_BATCH):
                cursor.execute(f"DELETE FROM {table} WHERE segment_id = %s AND customer_id = ANY(%s)",
                               [segment_id, customer_ids[start:start + INSERT_BATCH]])
            return
        for start in range(0, len(customer_ids), DELETE_BATCH):
            chunk = customer_ids[start:start + DELETE_BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE segment_id = %s AND customer_id IN ({marks})",
                           [segment_id, *chunk])


SCORE_FIELDS = ("lifecycle_stage", "rfm_segment", "spending_tier", "paid_orders", "last_paid_at")


@transaction.atomic
def replace_customer_scores(rows: Iterable[tuple], *, computed_at: datetime) -> dict[str, int]:
    """Make the scores those of ``rows``: ``(customer_id, lifecycle_stage, rfm_segment,
    spending_tier, paid_orders, last_paid_at)`` for every non-guest customer.

    Only new and changed rows are written (with ``computed_at``: when the row last
    changed), in batches of plain SQL (an upsert on the customer); customers absent from
    ``rows`` lose their row. Returns the counts written.
    """
    table, adapt = CustomerScore._meta.db_table, connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT customer_id, {', '.join(SCORE_FIELDS)} FROM {table}")
        current = {row[0]: (*row[1:5], _moment(row[5])) for row in cursor.fetchall()}
    stamp = adapt(computed_at)
    changed, seen = [], set()
    for customer_id, stage, rfm, tier, orders, last_paid_at in rows:
        seen.add(customer_id)
        values = (stage, rfm or "", tier or "", orders or 0, _moment(last_paid_at))
        if current.get(customer_id) != values:
            changed.append((customer_id, *values[:4], adapt(last_paid_at), stamp))
    gone = sorted(set(current) - seen)
    columns = ("customer_id", *SCORE_FIELDS, "computed_at")
    upsert = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
              f"ON CONFLICT (customer_id) DO UPDATE SET "
              + ", ".join(f"{c} = excluded.{c}" for c in columns[1:]))
    with connection.cursor() as cursor:
        for start in range(0, len(changed), SCORE_BATCH):
            cursor.executemany(upsert, changed[start:start + SCORE_BATCH])
        for start in range(0, len(gone), DELETE_BATCH):
            chunk = gone[start:start + DELETE_BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE customer_id IN ({', '.join(['%s'] * len(chunk))})",
                           chunk)
    counts = {"written": len(changed), "removed": len(gone), "customers": len(seen)}
    log_operation(ContentType.objects.get_for_model(CustomerScore),
                  action="customers.replace_customer_scores", actor=None, after=counts)
    return counts


def _moment(value) -> datetime | None:
    """A stored or given time as an aware datetime (SQLite returns text or naive UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value
