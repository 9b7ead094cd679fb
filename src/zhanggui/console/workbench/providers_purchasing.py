"""The to-dos of purchasing: purchase orders awaiting delivery (who receives them) and those
past their expected day (finance follows them up with the supplier)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.console.workbench.providers import list_url
from zhanggui.console.workbench.registry import DANGER, INFO, Context, Todo, register
from zhanggui.suppliers.queries import count_purchase_work


def purchase_counts(context: Context) -> dict:
    return count_purchase_work(timezone.localdate(context.now))


register(Todo(
    "purchase_orders_to_receive", _("Purchase orders to receive"), "inventory",
    ("suppliers.view_purchaseorder", "suppliers.receive_purchaseorder"),
    count=lambda ctx: ctx.batch(purchase_counts)["to_receive"],
    url=lambda: list_url("suppliers.purchaseorder", "status__in=sent,partly_received"),
    severity=INFO,
    help=_("Sent to the supplier and not yet fully received: count and inspect the goods "
           "when they arrive.")))
register(Todo(
    "purchase_orders_overdue", _("Purchase orders overdue"), "running_with_errors",
    ("suppliers.view_purchaseorder", "suppliers.send_purchaseorder"),
    count=lambda ctx: ctx.batch(purchase_counts)["overdue"],
    url=lambda: list_url("suppliers.purchaseorder", "overdue=yes"),
    severity=DANGER,
    help=_("Past their expected day and not fully received: ask the supplier for a new date "
           "or cancel what will not come.")))
