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
from zhanggui.core.models import RecordTimeModel, TimeStampedModel
from zhanggui.core.money import MoneyField
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
    # Drop-ship warehouses: when the supplier's stock feed last set this warehouse's stock.
    feed_synced_at = models.DateTimeField(_("stock feed synced at"), null=True, blank=True)

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
    FEED = "feed", _("supplier stock feed")


class StockMovement(RecordTimeModel):
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


class CostChange(models.Model):
    """One step of a SKU's cost history: a receipt's landed cost averaged into the cost.

    ``cost_after = (on_hand_before × cost_before + quantity × unit_landed_cost) /
    (on_hand_before + quantity)`` (moving average; ``on_hand_before`` over all warehouses, never
    below 0). Orders snapshot ``Sku.cost_amount`` when placed, so history stays as it was.
    """

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="cost_changes",
                            verbose_name=_("SKU"))
    changed_at = models.DateTimeField(_("time"), db_index=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    quantity = models.PositiveIntegerField(_("units received"))
    unit_landed_cost = MoneyField(_("landed unit cost"))
    on_hand_before = models.IntegerField(_("on hand before"))
    cost_before = MoneyField(_("cost before"))
    cost_after = MoneyField(_("cost after"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("cost change")
        verbose_name_plural = _("cost history")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sku_id} {self.cost_before} → {self.cost_after}"


class FeedSource(models.TextChoices):
    CSV = "csv", _("CSV file")
    API = "api", _("API")


class StockFeedRun(models.Model):
    """One sync of a drop-ship warehouse's stock from its supplier's feed."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="feed_runs",
                                  verbose_name=_("warehouse"))
    source = models.CharField(_("source"), max_length=4, choices=FeedSource.choices)
    synced_at = models.DateTimeField(_("synced at"), db_index=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    changed = models.PositiveIntegerField(_("stock rows changed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("stock feed run")
        verbose_name_plural = _("stock feed runs")
        ordering = ["-synced_at", "-id"]
        permissions = [("sync_stock_feed", _("Can sync a supplier's stock feed"))]

    def __str__(self) -> str:
        return f"{self.warehouse_id} {self.synced_at:%Y-%m-%d %H:%M}"


class ForecastFit(models.Model):
    """The latest demand forecast of a SKU (in one warehouse, or all when ``warehouse`` is
    empty): which model, how good, and the figures replenishment needs.

    Written by ``record_forecasts`` (computed in ``zhanggui.insights``); the days are
    ``DemandForecast`` rows.
    """

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="forecast_fits",
                            verbose_name=_("SKU"))
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="forecast_fits", verbose_name=_("warehouse"))
    computed_at = models.DateTimeField(_("computed at"))
    model = models.CharField(_("model"), max_length=40)
    history_days = models.PositiveIntegerField(_("days of history"))
    censored_days = models.PositiveIntegerField(_("stock-out days excluded"), default=0)
    # Mean forecast daily demand over the horizon, and the standard deviation of the one-day
    # forecast error in cross-validation (units/day): d and sigma_d of the safety-stock formula.
    mean_daily_demand = models.DecimalField(_("forecast daily demand"), max_digits=12,
                                            decimal_places=3)
    error_std = models.DecimalField(_("forecast error (std, units/day)"), max_digits=12,
                                    decimal_places=3)
    mase = models.DecimalField(_("MASE"), max_digits=8, decimal_places=3, null=True, blank=True)
    # Demand variability: coefficient of variation of weekly demand, and its XYZ class.
    variability = models.DecimalField(_("demand variability (CV)"), max_digits=8,
                                      decimal_places=3, null=True, blank=True)
    xyz_class = models.CharField(_("XYZ class"), max_length=1, blank=True)
    interval_level = models.PositiveSmallIntegerField(_("interval level (%)"), default=80)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        ordering = ["sku_id", "warehouse_id"]
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="forecast_fit_sku_warehouse"),
            models.UniqueConstraint(fields=["sku"], condition=Q(warehouse__isnull=True),
                                    name="forecast_fit_sku_all_warehouses"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} · {self.model}"


class DemandForecast(models.Model):
    """One forecast day of a ``ForecastFit``: expected units and the prediction interval."""

    fit = models.ForeignKey(ForecastFit, on_delete=models.CASCADE, related_name="days",
                            verbose_name=_("forecast"))
    day = models.DateField(_("day"))
    quantity = models.DecimalField(_("forecast units"), max_digits=12, decimal_places=3)
    lower = models.DecimalField(_("interval low"), max_digits=12, decimal_places=3)
    upper = models.DecimalField(_("interval high"), max_digits=12, decimal_places=3)

    class Meta:
        verbose_name = _("forecast day")
        verbose_name_plural = _("forecast days")
        ordering = ["fit_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["fit", "day"], name="demand_forecast_fit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.quantity}"
