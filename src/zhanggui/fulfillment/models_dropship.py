"""Drop-ship supplier orders (一件代发): a parcel routed to a supplier's drop-ship warehouse
becomes an order to that supplier, who ships it to the buyer and reports the tracking number.

Status::

    new → accepted (the supplier saw it) → shipped (tracking number back; the parcel ships)
    new/accepted → cancelled (the parcel was cancelled)
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import MoneyField
from zhanggui.suppliers.models import Supplier


class SupplierOrderStatus(models.TextChoices):
    NEW = "new", _("new")
    ACCEPTED = "accepted", _("accepted by the supplier")
    SHIPPED = "shipped", _("shipped by the supplier")
    CANCELLED = "cancelled", _("cancelled")


class SupplierOrder(TimeStampedModel):
    number = models.CharField(_("supplier order number"), max_length=24, unique=True)
    shipment = models.OneToOneField("fulfillment.Shipment", on_delete=models.PROTECT,
                                    related_name="supplier_order", verbose_name=_("parcel"))
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT,
                                 related_name="supplier_orders", verbose_name=_("supplier"))
    status = models.CharField(_("status"), max_length=10, choices=SupplierOrderStatus.choices,
                              default=SupplierOrderStatus.NEW, db_index=True)
    # What the shop pays the supplier: Σ the supplier's unit cost × units, at creation.
    cost_amount = MoneyField(_("drop-ship cost"), default=Decimal("0.00"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True, db_index=True)
    exported_at = models.DateTimeField(_("last exported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplier order")
        verbose_name_plural = _("supplier orders")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("ship_supplierorder", _("Can report the shipping of supplier orders")),
        ]

    def __str__(self) -> str:
        return self.number
