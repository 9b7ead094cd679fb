"""The to-dos of the daily fulfillment loop: pick waves, parcels in the warehouse (to pick,
being picked, packed and waiting for the carrier) and the abnormal orders and parcels that the apps turn
into tasks (refused payment callbacks, parcels not collected, stalled tracking, failed
deliveries; held orders are counted on the orders themselves, in ``providers``).

A parcel count is the shipment list filtered by its status; an abnormal to-do counts the
open tasks of its kind that concern the staff member (``tasks.queries.task_counts_for``'s
``by_kind``: assigned to them, of their roles or escalated to them; everything for the
owner), which is what the task list shows for that kind in its default scope.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from zhanggui.console.workbench.providers import list_url, task_counts
from zhanggui.console.workbench.registry import WARNING, Context, Todo, register
from zhanggui.fulfillment.models import Shipment, ShipmentStatus, Wave, WaveStatus
from zhanggui.fulfillment.tasks_kinds import DELIVERY_FAILED, PARCEL_NOT_COLLECTED, TRACKING_STALLED
from zhanggui.orders.tasks_kinds import PAYMENT_CALLBACK_FAILED

_IN_WAREHOUSE = (ShipmentStatus.PENDING, ShipmentStatus.PICKING, ShipmentStatus.PACKED)
_WAVES = ("fulfillment.view_shipment", "fulfillment.build_waves")
_SHIP = ("fulfillment.view_shipment", "fulfillment.ship_order")
_WORK_TASKS = ("tasks.view_task", "tasks.change_task")
# A stalled or failed parcel is customer service's: they call the buyer and fix the order.
_CUSTOMER_CARE = ("fulfillment.view_shipment", "orders.change_order")


def parcel_counts(context: Context) -> dict:
    """Parcels still in the warehouse by status: one query on the partial index of open
    parcels (``shipment_open_by_warehouse``)."""
    rows = (Shipment.objects.filter(status__in=_IN_WAREHOUSE).order_by().values("status")
            .annotate(n=Count("id")))
    found = {row["status"]: row["n"] for row in rows}
    return {status: found.get(status, 0) for status in _IN_WAREHOUSE}


def _parcels(code, label, icon, permissions, status, help_text):
    register(Todo(code, label, icon, permissions,
                  count=lambda ctx: ctx.batch(parcel_counts)[status],
                  url=lambda: list_url("fulfillment.shipment", f"status__exact={status}"),
                  help=help_text))


register(Todo(
    "waves_to_pick", _("Waves to pick"), "conveyor_belt",
    ("fulfillment.view_wave", "fulfillment.build_waves"),
    count=lambda ctx: Wave.objects.filter(status=WaveStatus.PICKING).count(),
    url=lambda: list_url("fulfillment.wave", f"status__exact={WaveStatus.PICKING}"),
    help=_("Pick waves built and not yet confirmed as picked.")))

_parcels("parcels_to_pick", _("Parcels to pick"), "inventory", _WAVES, ShipmentStatus.PENDING,
         _("Parcels made from reviewed orders and not yet in a pick wave."))
_parcels("parcels_picking", _("Parcels in pick waves"), "shopping_cart", _WAVES,
         ShipmentStatus.PICKING,
         _("Parcels of waves being picked, not yet packed."))
_parcels("parcels_packed", _("Packed parcels to hand over"), "package_2", _SHIP,
         ShipmentStatus.PACKED,
         _("Packed and labelled, waiting for the carrier."))


def _abnormal(code, label, icon, kind, permissions, help_text):
    register(Todo(code, label, icon, (*_WORK_TASKS, *permissions),
                  count=lambda ctx: ctx.batch(task_counts)["by_kind"].get(kind, 0),
                  url=lambda: list_url("tasks.task", f"kind={kind}"), severity=WARNING,
                  help=help_text))


_abnormal("payment_callbacks_failed", _("Refused payment callbacks"), "credit_card_off",
          PAYMENT_CALLBACK_FAILED, ("orders.view_paymentcallback", "orders.record_payment"),
          _("Payment notifications that could not be applied to their order."))
_abnormal("parcels_not_collected", _("Parcels not collected"), "local_shipping",
          PARCEL_NOT_COLLECTED, _SHIP,
          _("Handed over and not scanned by the carrier within the shop's limit (24 hours by "
            "default)."))
_abnormal("parcels_tracking_stalled", _("Parcels with stalled tracking"), "pending_actions",
          TRACKING_STALLED, _CUSTOMER_CARE,
          _("No tracking event within the shop's limit (72 hours by default)."))
_abnormal("parcels_delivery_failed", _("Failed deliveries"), "report",
          DELIVERY_FAILED, _CUSTOMER_CARE,
          _("The carrier could not deliver: arrange another delivery or the return."))
