"""The drop-ship to-dos (a supplier's account first of all): new supplier orders to accept,
and orders still to ship past the fulfillment policy's hours after payment. Both count the
orders the staff member may see (a supplier: its own), which is what the list shows."""

from django.utils.translation import gettext_lazy as _

from zhanggui.console.workbench.providers import list_url
from zhanggui.console.workbench.registry import DANGER, ROLE_ORDER, Context, Todo, register
from zhanggui.fulfillment import dropship_queries

_WORK = ("fulfillment.view_supplierorder", "fulfillment.ship_supplierorder")


def supplier_order_counts(context: Context) -> dict:
    return dropship_queries.count_to_do(context.user, now=context.now)


register(Todo(
    "supplier_orders_new", _("New supplier orders"), "local_shipping", _WORK,
    count=lambda ctx: ctx.batch(supplier_order_counts)["new"],
    url=lambda: list_url("fulfillment.supplierorder", "status__exact=new"),
    help=_("Drop-ship orders not yet accepted: accept them and ship.")))
register(Todo(
    "supplier_orders_late", _("Supplier orders late"), "alarm", _WORK,
    count=lambda ctx: ctx.batch(supplier_order_counts)["late"],
    url=lambda: list_url("fulfillment.supplierorder", "late=1"),
    severity=DANGER,
    help=_("Drop-ship orders not shipped within the promised hours after payment.")))
ROLE_ORDER.setdefault("supplier", ["supplier_orders_late", "supplier_orders_new"])
