"""Inventory: warehouses, stock rows and the append-only movement ledger.

Invariants (enforced by actions and by database constraints):
``0 <= reserved <= on_hand``; for every stock row, the sum of its movements'
``on_hand_delta`` equals ``on_hand`` and the sum of ``reserved_delta`` equals ``reserved``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Sku
from zhanggui.core.models import TimeStampedModel
from zhanggui.core.regions import province_field


class WarehouseKind(models.TextChoices):
    OWN = "own", _("own warehouse")
    THIRD_PARTY = "third_party", _("third-party warehouse")
    DROP_SHIP = "drop_ship", _("supplier drop-ship")


class Warehouse(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=WarehouseKind.choices,
                            default=WarehouseKind.OWN)
    province_code = province_field()
    city = models.CharField(_("city"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


def default_low_stock_threshold() -> int:
    return settings.ZHANGGUI["LOW_STOCK_THRESHOLD"]


class Stock(TimeStampedModel):
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="stocks",
                            verbose_name=_("SKU"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocks",
                                  verbose_name=_("warehouse"))
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    available = models.GeneratedField(
        expression=F("on_hand") - F("reserved"), output_field=models.IntegerField(),
        db_persist=True, verbose_name=_("available"),
    )
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"), default=default_low_stock_threshold
    )
    # Where the SKU sits in this warehouse (aisle-shelf-bin, e.g. "A-03-12"): pick lists walk
    # the bins in this order.
    bin_location = models.CharField(_("bin location"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["sku_id", "warehouse_id"]
        permissions = [
            ("receive_stock", _("Can receive stock")),
            ("adjust_stock", _("Can adjust stock")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="stock_unique_sku_warehouse"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(on_hand__gte=F("reserved")),
                                   name="stock_reserved_within_on_hand"),
        ]

    def __str__(self) -> str:
        return f"{self.sku.code} @ {self.warehouse.code}"

    @property
    def is_low(self) -> bool:
        return self.available < self.low_stock_threshold


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("inbound receipt")
    ADJUST = "adjust", _("adjustment")
    COUNT = "count", _("stock count")
    RESERVE = "reserve", _("reservation")
    RELEASE = "release", _("reservation released")
    SHIP = "ship", _("shipped")
    RETURN_RESTOCK = "return_restock", _("return restocked")


class StockMovement(models.Model):
    """One change to a stock row. Append-only: the ledger explains every stock figure."""

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements",
                              verbose_name=_("stock"))
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices, db_index=True)
    on_hand_delta = models.IntegerField(_("on-hand change"), default=0)
    reserved_delta = models.IntegerField(_("reserved change"), default=0)
    on_hand_after = models.IntegerField(_("on hand after"))
    reserved_after = models.IntegerField(_("reserved after"))
    reason = models.CharField(_("reason"), max_length=200)
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on_hand_delta:+d}/{self.reserved_delta:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("stock movements are append-only")
        super().save(*args, **kwargs)


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RELEASED = "released", _("released")
    CONSUMED = "consumed", _("shipped")


class Reservation(models.Model):
    """Units held on a stock row for a reference (an order) until shipped or released."""

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="reservations",
                              verbose_name=_("stock"))
    reference = models.CharField(_("reference"), max_length=60, db_index=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=10, choices=ReservationStatus.choices,
                              default=ReservationStatus.ACTIVE, db_index=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} × {self.quantity}"
