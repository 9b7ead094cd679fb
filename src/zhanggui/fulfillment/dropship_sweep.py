"""The drop-ship sweep (Celery beat, every 5 minutes; an explicit ``now=`` in tests):

* supplier orders not shipped within ``FulfillmentPolicy.ship_within_hours`` (48 h) of the
  sales order's payment open a ``dropship_late`` task (operator); the task closes itself when
  the order ships or is cancelled;
* a drop-ship warehouse whose stock feed is older than ``SupplyPolicy.feed_stale_minutes``
  (15) raises one ``feed_stale`` alert per staleness episode: no second alert until a sync
  has come in after the first (an alert newer than the last sync means "already told").
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.accounts.actions import raise_alert
from zhanggui.accounts.models import Alert, AlertKind
from zhanggui.fulfillment.dropship import OPEN
from zhanggui.fulfillment.dropship_kinds import DROPSHIP_LATE
from zhanggui.fulfillment.models import FulfillmentPolicy, SupplierOrder
from zhanggui.inventory.models import Warehouse, WarehouseKind
from zhanggui.suppliers.queries import get_policy
from zhanggui.tasks import actions as task_actions
from zhanggui.tasks.models import Task, TaskStatus

SWEEP_LIMIT = 1000


@dataclass(frozen=True)
class DropShipSweep:
    late_opened: int = 0
    late_closed: int = 0
    stale_alerts: int = 0


def _open_late_ids() -> set[int]:
    values = Task.objects.filter(
        kind=DROPSHIP_LATE, status=TaskStatus.OPEN,
        subject_type=ContentType.objects.get_for_model(SupplierOrder),
    ).values_list("subject_id", flat=True)
    return {int(v) for v in values if v.isdigit()}


def sweep_late_supplier_orders(now: datetime, *, limit: int = SWEEP_LIMIT) -> tuple[int, int]:
    """Open the ``dropship_late`` tasks of late supplier orders, close those whose order has
    shipped or was cancelled. Returns (opened, closed)."""
    hours = FulfillmentPolicy.objects.get_or_create(pk=1)[0].ship_within_hours
    already = _open_late_ids()
    closed = 0
    for order in SupplierOrder.objects.filter(pk__in=already).exclude(status__in=OPEN):
        closed += task_actions.close_tasks_for(
            order, kind=DROPSHIP_LATE, actor=None,
            note=_("The supplier order is %(status)s.") % {"status": order.get_status_display()})
    late = (SupplierOrder.objects.filter(status__in=OPEN,
                                         shipment__order__paid_at__lte=now - timedelta(hours=hours))
            .exclude(pk__in=already).select_related("supplier", "shipment__order")
            .order_by("shipment__order__paid_at", "pk")[:limit])
    opened = 0
    for order in late:
        paid = timezone.localtime(order.shipment.order.paid_at).strftime("%Y-%m-%d %H:%M")
        task_actions.open_task(
            DROPSHIP_LATE, subject=order, actor=None,
            title=_("Supplier %(supplier)s has not shipped %(number)s within %(hours)s hours")
            % {"supplier": order.supplier.name, "number": order.number, "hours": hours},
            detail=_("Order %(order)s, paid %(paid)s. Chase the supplier for the tracking "
                     "number, or send the parcel from another warehouse.")
            % {"order": order.shipment.order.number, "paid": paid})
        opened += 1
    return opened, closed


def alert_stale_feeds(now: datetime) -> int:
    """Raise a ``feed_stale`` alert for each active drop-ship warehouse whose feed is older
    than the supply policy allows (or never came), once per staleness episode."""
    minutes = get_policy().feed_stale_minutes
    cutoff = now - timedelta(minutes=minutes)
    warehouses = list(Warehouse.objects.filter(kind=WarehouseKind.DROP_SHIP, is_active=True,
                                               supplier__isnull=False)
                      .exclude(feed_synced_at__gt=cutoff).order_by("pk"))
    if not warehouses:
        return 0
    last_alert = dict(Alert.objects.filter(
        kind=AlertKind.FEED_STALE, object_type=Warehouse._meta.label_lower,
        object_id__in=[str(w.pk) for w in warehouses])
        .values("object_id").annotate(at=Max("created_at")).values_list("object_id", "at"))
    raised = 0
    for warehouse in warehouses:
        told = last_alert.get(str(warehouse.pk))
        if told is not None and (warehouse.feed_synced_at is None or told > warehouse.feed_synced_at):
            continue  # this episode was told already
        if warehouse.feed_synced_at is None:
            message = _("The stock feed of drop-ship warehouse %(warehouse)s has never been "
                        "synced.") % {"warehouse": warehouse.name}
        else:
            message = _("The stock feed of drop-ship warehouse %(warehouse)s is older than "
                        "%(minutes)s minutes (last sync %(at)s): its stock may be wrong.") % {
                "warehouse": warehouse.name, "minutes": minutes,
                "at": timezone.localtime(warehouse.feed_synced_at).strftime("%Y-%m-%d %H:%M")}
        raise_alert(AlertKind.FEED_STALE, obj=warehouse, message=message, actor=None)
        raised += 1
    return raised


def sweep_drop_ship(*, now: datetime | None = None) -> DropShipSweep:
    """Everything above, plus cancelled sales orders taken out of their parcels (so their
    supplier orders are cancelled without waiting for the next allocation). Idempotent."""
    from zhanggui.fulfillment import allocation

    now = now or timezone.now()
    allocation.drop_cancelled_orders(actor=None)
    opened, closed = sweep_late_supplier_orders(now)
    return DropShipSweep(opened, closed, alert_stale_feeds(now))
