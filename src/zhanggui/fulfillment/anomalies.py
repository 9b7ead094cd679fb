"""Abnormal parcels become tasks (``zhanggui.tasks``), and the tasks close themselves when
the cause goes.

* ``parcel_not_collected`` (warehouse): handed over (``shipped``) and no carrier event within
  ``FulfillmentPolicy.collect_within_hours`` (24 h). Closes when an event arrives (the
  carrier has it) or the parcel leaves ``shipped`` any other way.
* ``tracking_stalled`` (service): ``in_transit`` with no event for
  ``FulfillmentPolicy.tracking_stall_hours`` (72 h). Closes on a new event, or when the parcel
  is no longer in transit.
* ``delivery_failed`` (service): opened when a failure event (failed, damaged, lost,
  returned) decides the parcel; closes when a later delivery event arrives.

The first two are found by ``sweep_abnormal_parcels`` (Celery beat, every 15 minutes, with
an explicit ``now=`` in tests); all three are closed by ``after_tracking`` as events come in,
and by the sweep as a safety net. The sweep reads through the partial index of parcels in
flight (status shipped / in transit) and opens at most ``limit`` tasks of a kind per run.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.models import Staff
from zhanggui.fulfillment import queries
from zhanggui.fulfillment.models import Shipment, ShipmentStatus
from zhanggui.fulfillment.tasks_kinds import DELIVERY_FAILED, PARCEL_NOT_COLLECTED, TRACKING_STALLED
from zhanggui.tasks import actions as task_actions
from zhanggui.tasks.models import Task, TaskStatus

KINDS = (PARCEL_NOT_COLLECTED, TRACKING_STALLED, DELIVERY_FAILED)
SWEEP_LIMIT = 1000


@dataclass(frozen=True)
class SweepResult:
    opened: int = 0
    closed: int = 0


def _open_subjects(kind: str, ids: list[int] | None = None) -> set[int]:
    """The parcels that have an open task of ``kind`` (among ``ids`` when given)."""
    tasks = Task.objects.filter(kind=kind, status=TaskStatus.OPEN,
                                subject_type=ContentType.objects.get_for_model(Shipment))
    if ids is not None:
        tasks = tasks.filter(subject_id__in=[str(i) for i in ids])
    return {int(value) for value in tasks.values_list("subject_id", flat=True) if value.isdigit()}


def _close(shipment: Shipment, kind: str, note: str, actor: Staff | None) -> int:
    return task_actions.close_tasks_for(shipment, kind=kind, resolution="fixed", actor=actor,
                                        note=note)


def open_delivery_failed(shipment: Shipment, *, actor: Staff | None) -> Task:
    issue = shipment.get_issue_display() if shipment.issue else _("no reason given")
    return task_actions.open_task(
        DELIVERY_FAILED, subject=shipment, actor=actor,
        title=_("Delivery of parcel %(parcel)s failed: %(issue)s")
        % {"parcel": shipment, "issue": issue},
        detail=_("Order %(order)s. Contact the buyer and the carrier: deliver again, take "
                 "the parcel back, or claim compensation.") % {"order": shipment.order.number})


def after_tracking(changes: list[tuple[Shipment, object, object]], *,
                   actor: Staff | None) -> None:
    """Open and close the parcels' tasks after new events (``(shipment, before, after)``
    tracks, see ``rules_tracking.Track``)."""
    if not changes:
        return
    ids = [shipment.pk for shipment, _before, _after in changes]
    open_ids = {kind: _open_subjects(kind, ids) for kind in KINDS}
    for shipment, before, after in changes:
        if shipment.pk in open_ids[PARCEL_NOT_COLLECTED]:
            _close(shipment, PARCEL_NOT_COLLECTED, _("The carrier has the parcel."), actor)
        if shipment.pk in open_ids[TRACKING_STALLED]:
            _close(shipment, TRACKING_STALLED, _("A new tracking event arrived."), actor)
        if after.status == ShipmentStatus.FAILED and (
                before.status != ShipmentStatus.FAILED or before.failed_at != after.failed_at):
            open_delivery_failed(shipment, actor=actor)
        elif (after.status == ShipmentStatus.DELIVERED
              and shipment.pk in open_ids[DELIVERY_FAILED]):
            _close(shipment, DELIVERY_FAILED, _("The parcel was delivered."), actor)


def _in_flight():
    return Shipment.objects.filter(status__in=[ShipmentStatus.SHIPPED, ShipmentStatus.IN_TRANSIT])


def _sweep_not_collected(now: datetime, hours: int, limit: int) -> SweepResult:
    cutoff = now - timedelta(hours=hours)
    already = _open_subjects(PARCEL_NOT_COLLECTED)
    closed = 0
    if already:  # the cause went away without an event (cancelled, delivered by hand, …)
        gone = Shipment.objects.filter(pk__in=already).exclude(
            status=ShipmentStatus.SHIPPED, collected_at__isnull=True)
        for shipment in gone:
            closed += _close(shipment, PARCEL_NOT_COLLECTED,
                             _("The parcel is no longer waiting for the carrier."), None)
    late = (_in_flight().filter(status=ShipmentStatus.SHIPPED, shipped_at__lte=cutoff,
                                collected_at__isnull=True)
            .exclude(pk__in=already).select_related("order").order_by("shipped_at", "pk")[:limit])
    opened = 0
    for shipment in late:
        task_actions.open_task(
            PARCEL_NOT_COLLECTED, subject=shipment, actor=None,
            title=_("Parcel %(parcel)s not collected %(hours)s hours after hand-over")
            % {"parcel": shipment, "hours": hours},
            detail=_("Order %(order)s, handed over %(at)s. Call the carrier's depot or hand "
                     "the parcel over again.")
            % {"order": shipment.order.number,
               "at": timezone.localtime(shipment.shipped_at).strftime("%Y-%m-%d %H:%M")})
        opened += 1
    return SweepResult(opened, closed)


def _stalled_q(cutoff: datetime) -> Q:
    return Q(last_event_at__lte=cutoff) | Q(last_event_at__isnull=True, shipped_at__lte=cutoff)


def _sweep_stalled(now: datetime, hours: int, limit: int) -> SweepResult:
    cutoff = now - timedelta(hours=hours)
    already = _open_subjects(TRACKING_STALLED)
    closed = 0
    if already:
        moving = Shipment.objects.filter(pk__in=already).exclude(
            Q(status=ShipmentStatus.IN_TRANSIT) & _stalled_q(cutoff))
        for shipment in moving:
            closed += _close(shipment, TRACKING_STALLED,
                             _("The parcel is moving again or no longer in transit."), None)
    stalled = (_in_flight().filter(_stalled_q(cutoff), status=ShipmentStatus.IN_TRANSIT)
               .exclude(pk__in=already).select_related("order")
               .order_by("last_event_at", "pk")[:limit])
    opened = 0
    for shipment in stalled:
        last = shipment.last_event_at or shipment.shipped_at
        task_actions.open_task(
            TRACKING_STALLED, subject=shipment, actor=None,
            title=_("Parcel %(parcel)s has had no tracking event for %(hours)s hours")
            % {"parcel": shipment, "hours": hours},
            detail=_("Order %(order)s, last event %(at)s. Ask the carrier where the parcel is.")
            % {"order": shipment.order.number,
               "at": timezone.localtime(last).strftime("%Y-%m-%d %H:%M")})
        opened += 1
    return SweepResult(opened, closed)


def _sweep_failed() -> int:
    already = _open_subjects(DELIVERY_FAILED)
    if not already:
        return 0
    closed = 0
    for shipment in Shipment.objects.filter(pk__in=already).exclude(status=ShipmentStatus.FAILED):
        closed += _close(shipment, DELIVERY_FAILED, _("The parcel is no longer failed."), None)
    return closed


def sweep_abnormal_parcels(*, now: datetime | None = None,
                           limit: int = SWEEP_LIMIT) -> SweepResult:
    """Open the tasks of parcels not collected in time or whose tracking stalled, and close
    those whose cause went away. Idempotent: run it as often as you like."""
    now = now or timezone.now()
    rules = queries.fulfillment_policy()
    late = _sweep_not_collected(now, rules.collect_within_hours, limit)
    stalled = _sweep_stalled(now, rules.tracking_stall_hours, limit)
    return SweepResult(opened=late.opened + stalled.opened,
                       closed=late.closed + stalled.closed + _sweep_failed())
