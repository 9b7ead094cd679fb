"""Shipments of orders with carrier and tracking number."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import TimeStampedModel
from zhanggui.inventory.models import Warehouse
from zhanggui.orders.models import Order


class Carrier(models.TextChoices):
    SF = "sf", _("SF Express")
    ZTO = "zto", _("ZTO Express")
    YTO = "yto", _("YTO Express")
    STO = "sto", _("STO Express")
    YUNDA = "yunda", _("Yunda Express")
    JD = "jd", _("JD Logistics")
    EMS = "ems", _("China Post EMS")
    JTEXPRESS = "jt", _("J&T Express")


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", _("in transit")
    DELIVERED = "delivered", _("delivered")


class Shipment(TimeStampedModel):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments",
                              verbose_name=_("order"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="shipments",
                                  verbose_name=_("warehouse"))
    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.SHIPPED, db_index=True)
    shipped_at = models.DateTimeField(_("shipped at"), db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("shipped by"))

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_at", "-id"]
        permissions = [
            ("ship_order", _("Can ship orders")),
            ("mark_delivered", _("Can mark shipments delivered")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"],
                                    name="shipment_unique_tracking_number"),
        ]
        indexes = [
            # The search box finds a tracking number without its carrier, exact or by prefix
            # (the pattern operator class serves both; the constraint above leads by carrier).
            models.Index(fields=["tracking_number"], name="shipment_tracking_search",
                         opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.tracking_number}"
