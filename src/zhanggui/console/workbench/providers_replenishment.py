"""The to-do of the morning reorder list: SKU × warehouse rows at or below their reorder
point that have a supplier and are not yet on a draft purchase order (what the "Reorder
today" page offers to draft). For finance and the owner: the page needs the supplier records
and the right to create purchase orders."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.console.workbench.registry import WARNING, Todo, register
from zhanggui.suppliers.replenishment import count_to_reorder

register(Todo(
    "reorder_today", _("SKUs to reorder today"), "shopping_cart_checkout",
    ("suppliers.view_supplier", "suppliers.add_purchaseorder"),
    count=lambda ctx: count_to_reorder(),
    url=lambda: reverse("admin:suppliers_reorder_today"), severity=WARNING,
    help=_("At or below their reorder point, with a supplier, not yet on a draft purchase "
           "order: tick them and create the drafts.")))
