"""Tracking events: the one way a parcel's journey is recorded, whatever brings the event —
a carrier's callback (API), a carrier's file, or staff in the console (an event entered by
hand, or "mark delivered").

``record_tracking_events`` finds each event's parcel by (carrier, tracking number), keeps
each (carrier, event id) once (a repeat is counted as a duplicate, not refused; the insert
ignores a conflicting row, so two deliveries of the same callback cannot fail each other),
and moves the parcel by ``rules_tracking``. A delivered parcel delivers its orders once all
their parcels are delivered (``orders.actions.mark_order_delivered``); a failure opens a
``delivery_failed`` task, and events close the tasks whose cause they remove
(``anomalies``). All or nothing: one invalid event refuses the whole batch.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.fulfillment import anomalies
from zhanggui.fulfillment import events as fulfillment_events
from zhanggui.fulfillment.errors import (
    AlreadyDelivered,
    InvalidTrackingEvents,
    ShipmentNotInFlight,
)
from zhanggui.fulfillment.models import (
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    TrackingEventKind,
    TrackingSource,
)
from zhanggui.fulfillment.rules_tracking import FOLLOWED, Track, event_problems, fold
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order, OrderStatus

CHUNK = 500
TRACK_FIELDS = ("status", "issue", "collected_at", "last_event_at", "delivered_at", "failed_at")


@dataclass(frozen=True)
class TrackingEventIn:
    carrier: str
    tracking_number: str
    event_id: str
    kind: str
    occurred_at: datetime
    location: str = ""
    description: str = ""


@dataclass(frozen=True)
class TrackingResult:
    recorded: int = 0
    duplicates: int = 0
    unknown: int = 0
    # Positions (in the batch) of the events whose parcel is not known.
    unknown_rows: tuple[int, ...] = ()


def _clean(event: TrackingEventIn) -> TrackingEventIn:
    return TrackingEventIn(
        carrier=(event.carrier or "").strip().lower(),
        tracking_number=(event.tracking_number or "").strip(),
        event_id=(event.event_id or "").strip(), kind=(event.kind or "").strip().lower(),
        occurred_at=event.occurred_at, location=(event.location or "").strip(),
        description=(event.description or "").strip())


def check_events(events: Sequence[TrackingEventIn], *, first_index: int = 0) -> None:
    """Raises: InvalidTrackingEvents listing every problem with its row index."""
    now = timezone.now()
    rows = [(index, code, message)
            for index, event in enumerate(events, start=first_index)
            for code, message in event_problems(event, now=now)]
    if rows:
        raise InvalidTrackingEvents(rows)


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _parcels(events: list[TrackingEventIn]) -> dict[tuple[str, str], Shipment]:
    """The parcels the events are about, locked in primary-key order."""
    numbers: dict[str, set[str]] = defaultdict(set)
    for event in events:
        numbers[event.carrier].add(event.tracking_number)
    ids: set[int] = set()
    for carrier, wanted in numbers.items():
        for chunk in _chunks(sorted(wanted)):
            ids.update(Shipment.objects.filter(carrier=carrier, tracking_number__in=chunk)
                       .values_list("pk", flat=True))
    found: dict[tuple[str, str], Shipment] = {}
    for chunk in _chunks(sorted(ids)):
        for shipment in Shipment.objects.select_for_update().filter(pk__in=chunk).order_by("pk"):
            found[(shipment.carrier, shipment.tracking_number)] = shipment
    return found


def _known_event_ids(events: list[TrackingEventIn]) -> set[tuple[str, str]]:
    ids: dict[str, set[str]] = defaultdict(set)
    for event in events:
        ids[event.carrier].add(event.event_id)
    known: set[tuple[str, str]] = set()
    for carrier, wanted in ids.items():
        for chunk in _chunks(sorted(wanted)):
            known.update(TrackingEvent.objects.filter(carrier=carrier, event_id__in=chunk)
                         .values_list("carrier", "event_id"))
    return known


@transaction.atomic
def record_tracking_events(events: Sequence[TrackingEventIn], *, source: str,
                           actor: Staff | None) -> TrackingResult:
    """Record a batch of carrier events and move their parcels.

    Raises:
        InvalidTrackingEvents: any event is malformed (nothing is recorded).
    """
    TrackingSource(source)
    events = [_clean(event) for event in events]
    check_events(events)
    parcels = _parcels(events)
    known = _known_event_ids(events)
    new_rows: dict[int, list[TrackingEvent]] = defaultdict(list)
    duplicates, unknown = 0, []
    for index, event in enumerate(events):
        shipment = parcels.get((event.carrier, event.tracking_number))
        if shipment is None:
            unknown.append(index)
            continue
        key = (event.carrier, event.event_id)
        if key in known:
            duplicates += 1
            continue
        known.add(key)
        new_rows[shipment.pk].append(TrackingEvent(
            shipment=shipment, carrier=event.carrier, event_id=event.event_id, kind=event.kind,
            occurred_at=event.occurred_at, location=event.location[:80],
            description=event.description[:200], source=source))
    shipments = {s.pk: s for s in parcels.values()}
    _apply(shipments, new_rows, source=source, actor=actor)
    return TrackingResult(recorded=sum(len(rows) for rows in new_rows.values()),
                          duplicates=duplicates, unknown=len(unknown), unknown_rows=tuple(unknown))


def _track(shipment: Shipment) -> Track:
    return Track(**{name: getattr(shipment, name) for name in TRACK_FIELDS})


def _apply(shipments: dict[int, Shipment], new_rows: dict[int, list[TrackingEvent]], *,
           source: str, actor: Staff | None) -> None:
    """Insert the new events (ignoring any that a concurrent request stored meanwhile), move
    each parcel, deliver orders, open and close the anomaly tasks, log per parcel."""
    rows = [row for shipment_rows in new_rows.values() for row in shipment_rows]
    TrackingEvent.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
    changes = []
    for shipment_id, shipment_rows in sorted(new_rows.items()):
        shipment = shipments[shipment_id]
        before = _track(shipment)
        after = fold(before, sorted(((r.kind, r.occurred_at, r.description) for r in shipment_rows),
                                    key=lambda e: e[1]))
        logged_before = snapshot(shipment, TRACK_FIELDS)
        for name in TRACK_FIELDS:
            setattr(shipment, name, getattr(after, name))
        shipment.save(update_fields=[*TRACK_FIELDS, "updated_at"])
        if after.status == ShipmentStatus.DELIVERED and before.status != ShipmentStatus.DELIVERED:
            _deliver_orders(shipment, actor=actor)
        log_operation(shipment, action="fulfillment.record_tracking", actor=actor,
                      before=logged_before, after=snapshot(shipment, TRACK_FIELDS),
                      note=f"{source}: " + ", ".join(r.kind for r in shipment_rows))
        changes.append((shipment, before, after))
    fulfillment_events.tracking_changed(changes)
    anomalies.after_tracking(changes, actor=actor)


def orders_of(shipment: Shipment) -> list[int]:
    """The ids of the orders with lines in the parcel (its first order when it has none)."""
    ids = set(shipment.lines.values_list("order_line__order_id", flat=True))
    return sorted(ids | {shipment.order_id})


def _deliver_orders(shipment: Shipment, *, actor: Staff | None) -> None:
    """Each shipped order of the parcel whose every parcel (not cancelled) is delivered
    becomes delivered."""
    for order in Order.objects.filter(pk__in=orders_of(shipment), status=OrderStatus.SHIPPED):
        parcels = Shipment.objects.filter(
            Q(order_id=order.pk) | Q(lines__order_line__order_id=order.pk))
        waiting = parcels.exclude(status__in=[ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED])
        if not waiting.exists():
            order_actions.mark_order_delivered(order, actor=actor)


def _one_event(shipment: Shipment, *, kind: str, occurred_at: datetime, location: str,
               description: str, source: str, actor: Staff | None) -> TrackingEvent:
    event = _clean(TrackingEventIn(
        carrier=shipment.carrier, tracking_number=shipment.tracking_number or "-",
        event_id=f"{source}-{uuid.uuid4().hex}", kind=kind, occurred_at=occurred_at,
        location=location, description=description))
    check_events([event])
    row = TrackingEvent(shipment=shipment, carrier=shipment.carrier, event_id=event.event_id,
                        kind=event.kind, occurred_at=event.occurred_at,
                        location=event.location[:80], description=event.description[:200],
                        source=source)
    _apply({shipment.pk: shipment}, {shipment.pk: [row]}, source=source, actor=actor)
    return TrackingEvent.objects.get(carrier=row.carrier, event_id=row.event_id)


def _lock_in_flight(shipment: Shipment) -> Shipment:
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status not in FOLLOWED:
        raise ShipmentNotInFlight(status=ShipmentStatus(shipment.status).label)
    return shipment


@transaction.atomic
def record_console_event(shipment: Shipment, *, kind: str, occurred_at: datetime,
                         location: str = "", description: str = "",
                         actor: Staff | None) -> TrackingEvent:
    """An event staff enter by hand (a carrier's phone call, a scan read off its site).

    Raises:
        ShipmentNotInFlight: the parcel was not handed to the carrier (or is cancelled).
        InvalidTrackingEvents: unknown kind, time without a zone, texts too long.
    """
    shipment = _lock_in_flight(shipment)
    return _one_event(shipment, kind=kind, occurred_at=occurred_at, location=location,
                      description=description, source=TrackingSource.CONSOLE, actor=actor)


@transaction.atomic
def mark_delivered_manually(shipment: Shipment, actor: Staff | None, *,
                            at: datetime | None = None) -> Shipment:
    """Staff confirm delivery (console or API): a ``delivered`` event from the console, so the
    parcel, its orders and its tasks move exactly as with a carrier's event.

    Raises:
        AlreadyDelivered: delivered before.
        ShipmentNotInFlight: the parcel was not handed to the carrier (or is cancelled).
    """
    locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if locked.status == ShipmentStatus.DELIVERED:
        raise AlreadyDelivered()
    locked = _lock_in_flight(locked)
    _one_event(locked, kind=TrackingEventKind.DELIVERED, occurred_at=at or timezone.now(),
               location="", description=_t("Marked delivered in the console"),
               source=TrackingSource.CONSOLE, actor=actor)
    return locked


def events_of(shipment: Shipment):
    """The parcel's timeline, oldest first."""
    return TrackingEvent.objects.filter(shipment=shipment).order_by("occurred_at", "id")
