"""Fulfillment: parcels (shipments) with their lines, pick waves, pack scans, carriers'
services and rate cards, tracking events, and the shop's fulfillment policy.

A shipment is one parcel: lines of one or more orders of the same buyer and address
(merged), leaving one warehouse. An order has one or more shipments (split). Sales orders,
their amounts, discount shares and refunds are never changed by fulfillment; the order
moves to shipped when all its lines have left, to delivered when all its parcels arrived.

Status of a shipment::

    pending → picking (in a wave) → packed → shipped (handed to the carrier) → in_transit
    (collected) → delivered | failed;  pending/picking/packed → cancelled
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Sku
from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import MoneyField
from zhanggui.inventory.models import Warehouse
from zhanggui.orders.models import Order, OrderLine


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
    PENDING = "pending", _("to pick")
    PICKING = "picking", _("picking")
    PACKED = "packed", _("packed")
    SHIPPED = "shipped", _("shipped")
    IN_TRANSIT = "in_transit", _("in transit")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("delivery failed")
    CANCELLED = "cancelled", _("cancelled")


class ShipmentIssue(models.TextChoices):
    NONE = "", _("—")
    DAMAGED = "damaged", _("damaged")
    LOST = "lost", _("lost")
    REFUSED = "refused", _("refused by recipient")
    ADDRESS = "address", _("address problem")
    RETURNED = "returned", _("returned to sender")


class RoutingReason(models.TextChoices):
    WHOLE = "whole", _("nearest warehouse with the whole order")
    SPLIT_RESERVED = "split_reserved", _("split: no warehouse had every item")
    SPLIT_STOCK = "split_stock", _("split: what is in stock now, the rest later")
    DROP_SHIP = "drop_ship", _("drop-ship: the supplier ships")
    MANUAL_SPLIT = "manual_split", _("split by staff")
    MERGED = "merged", _("merged parcel")
    IMPORTED = "imported", _("imported")


class ServiceLevel(models.TextChoices):
    EXPRESS = "express", _("express")
    STANDARD = "standard", _("standard")
    ECONOMY = "economy", _("economy")


class CarrierService(TimeStampedModel):
    """A carrier's service level the shop uses, with its electronic waybill number range
    (电子面单) from which tracking numbers are assigned in batch."""

    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices)
    level = models.CharField(_("service level"), max_length=10, choices=ServiceLevel.choices,
                             default=ServiceLevel.STANDARD)
    name = models.CharField(_("name"), max_length=60)
    promised_days = models.PositiveSmallIntegerField(
        _("promised days"), default=3,
        help_text=_("days from hand-over to delivery the carrier promises; rate-card rows may "
                    "override it per region"))
    waybill_prefix = models.CharField(_("waybill prefix"), max_length=10, blank=True)
    waybill_next = models.PositiveBigIntegerField(_("next waybill number"), default=1)
    waybill_last = models.PositiveBigIntegerField(_("last waybill number"), default=0,
                                                  help_text=_("0: no range loaded"))
    waybill_digits = models.PositiveSmallIntegerField(_("waybill digits"), default=10)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(_("shop default"), default=False)

    class Meta:
        verbose_name = _("carrier service")
        verbose_name_plural = _("carrier services")
        ordering = ["carrier", "level", "id"]
        permissions = [("manage_carriers", _("Can manage carriers, rate cards and waybills"))]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "level"], name="carrier_service_unique_level"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="carrier_service_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class RateCardRow(models.Model):
    """The carrier's charge to the shop for a parcel: first weight + each additional block,
    per destination; a row without provinces is the service's default."""

    service = models.ForeignKey(CarrierService, on_delete=models.CASCADE, related_name="rates",
                                verbose_name=_("carrier service"))
    province_codes = models.JSONField(_("provinces"), default=list, blank=True,
                                      help_text=_("province adcodes; empty: every other province"))
    first_weight_grams = models.PositiveIntegerField(_("first weight (g)"), default=1000)
    first_fee_amount = MoneyField(_("first fee"))
    additional_weight_grams = models.PositiveIntegerField(_("each additional weight (g)"),
                                                          default=1000)
    additional_fee_amount = MoneyField(_("additional fee"))
    promised_days = models.PositiveSmallIntegerField(_("promised days"), null=True, blank=True)

    class Meta:
        verbose_name = _("rate card row")
        verbose_name_plural = _("rate card rows")
        ordering = ["service_id", "id"]

    def __str__(self) -> str:
        return ",".join(self.province_codes) or str(_("default"))


class SplitPolicy(models.TextChoices):
    SPLIT = "split", _("ship what is in stock now, the rest later")
    WAIT = "wait", _("wait until one warehouse can ship the whole order")


class FulfillmentPolicy(models.Model):
    """The shop's fulfillment settings (one row)."""

    split_policy = models.CharField(_("when no warehouse can ship the whole order"), max_length=8,
                                    choices=SplitPolicy.choices, default=SplitPolicy.SPLIT)
    auto_merge = models.BooleanField(
        _("merge parcels automatically"), default=False,
        help_text=_("new parcels join a waiting parcel of the same buyer, address and warehouse"))
    wave_size = models.PositiveIntegerField(_("parcels per wave"), default=200)
    ship_within_hours = models.PositiveIntegerField(_("ship within (hours after payment)"),
                                                    default=48)
    collect_within_hours = models.PositiveIntegerField(
        _("collected within (hours after hand-over)"), default=24)
    tracking_stall_hours = models.PositiveIntegerField(_("tracking stalled after (hours)"),
                                                       default=72)

    class Meta:
        verbose_name = _("fulfillment policy")
        verbose_name_plural = _("fulfillment policy")
        permissions = [("change_policy", _("Can change the fulfillment policy"))]

    def __str__(self) -> str:
        return str(_("fulfillment policy"))


class WaveKind(models.TextChoices):
    SINGLE = "single", _("single-item parcels")
    MULTI = "multi", _("multi-item parcels")


class WaveStatus(models.TextChoices):
    PICKING = "picking", _("picking")
    PICKED = "picked", _("picked")
    DONE = "done", _("done")


class Wave(TimeStampedModel):
    """A batch of parcels of one warehouse picked together (波次)."""

    number = models.CharField(_("wave number"), max_length=20, unique=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="waves",
                                  verbose_name=_("warehouse"))
    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=WaveKind.choices)
    cutoff_at = models.DateTimeField(_("paid before (cut-off)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=WaveStatus.choices,
                              default=WaveStatus.PICKING, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    picked_at = models.DateTimeField(_("picked at"), null=True, blank=True)
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("picked by"))

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["-created_at", "-id"]
        permissions = [("build_waves", _("Can build waves and pick"))]

    def __str__(self) -> str:
        return self.number


class Shipment(TimeStampedModel):
    # The first order of the parcel (a merged parcel holds lines of several orders).
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments",
                              verbose_name=_("order"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="shipments",
                                  verbose_name=_("warehouse"))
    routing_reason = models.CharField(_("routing"), max_length=16, blank=True,
                                      choices=RoutingReason.choices)
    status = models.CharField(_("status"), max_length=10, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.PENDING, db_index=True)
    wave = models.ForeignKey(Wave, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="shipments", verbose_name=_("wave"))
    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices, blank=True)
    service = models.ForeignKey(CarrierService, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="shipments", verbose_name=_("carrier service"))
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    cost_amount = MoneyField(_("carrier charge"), null=True, blank=True, default=None)
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)
    packed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("packed by"))
    label_printed_at = models.DateTimeField(_("label printed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True, db_index=True)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("shipped by"))
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    promised_at = models.DateTimeField(_("promised delivery by"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last tracking event at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    issue = models.CharField(_("issue"), max_length=10, choices=ShipmentIssue.choices,
                             blank=True, default="")

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("ship_order", _("Can ship orders")),
            ("mark_delivered", _("Can mark shipments delivered")),
            ("pack_shipment", _("Can pack shipments and print labels")),
            ("plan_shipments", _("Can route, merge and split shipments")),
            ("record_tracking", _("Can record tracking events")),
            # The label carries the full recipient for the carrier: printing it is a right of
            # its own (the warehouse's), logged per parcel, while screens keep masking.
            ("print_labels", _("Can print shipping labels with the full recipient")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"],
                                    condition=~Q(tracking_number=""),
                                    name="shipment_unique_tracking_number"),
        ]
        indexes = [
            # The search box finds a tracking number without its carrier, exact or by prefix
            # (the pattern operator class serves both; the constraint above leads by carrier).
            models.Index(fields=["tracking_number"], name="shipment_tracking_search",
                         opclasses=["varchar_pattern_ops"]),
            # The parcels still in the warehouse (few among millions): waves, the workbench.
            models.Index(fields=["warehouse", "status"], name="shipment_open_by_warehouse",
                         condition=Q(status__in=["pending", "picking", "packed"])),
            # Parcels handed over and not yet collected or stalled: the abnormal-parcel sweep.
            models.Index(fields=["status", "shipped_at"], name="shipment_in_flight",
                         condition=Q(status__in=["shipped", "in_transit"])),
        ]

    def __str__(self) -> str:
        if self.tracking_number:
            return f"{self.get_carrier_display()} {self.tracking_number}"
        return f"#{self.pk} {self.get_status_display()}"


class ShipmentLine(models.Model):
    """Units of one order line in one parcel. For every order line, the quantities over its
    not-cancelled parcels add up to the line's quantity."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines",
                                 verbose_name=_("shipment"))
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT,
                                   related_name="shipment_lines", verbose_name=_("order line"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("quantity"))
    packed_quantity = models.PositiveIntegerField(_("packed"), default=0)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line"],
                                    name="shipment_line_unique_order_line"),
            models.CheckConstraint(condition=Q(quantity__gt=0),
                                   name="shipment_line_quantity_positive"),
            models.CheckConstraint(condition=Q(packed_quantity__lte=models.F("quantity")),
                                   name="shipment_line_packed_within_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} × {self.quantity}"


class PackScan(models.Model):
    """One scan at the packing bench, accepted or refused (wrong item, too many)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="scans",
                                 verbose_name=_("shipment"))
    code = models.CharField(_("scanned code"), max_length=60)
    sku = models.ForeignKey(Sku, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+", verbose_name=_("SKU"))
    accepted = models.BooleanField(_("accepted"))
    refusal = models.CharField(_("refused because"), max_length=30, blank=True)
    scanned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("scanned by"))
    scanned_at = models.DateTimeField(_("scanned at"))

    class Meta:
        verbose_name = _("pack scan")
        verbose_name_plural = _("pack scans")
        ordering = ["shipment_id", "id"]

    def __str__(self) -> str:
        return self.code


class TrackingEventKind(models.TextChoices):
    COLLECTED = "collected", _("collected")
    IN_TRANSIT = "in_transit", _("in transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("out for delivery")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("delivery failed")
    DAMAGED = "damaged", _("damaged")
    LOST = "lost", _("lost")
    RETURNED = "returned", _("returned to sender")


class TrackingSource(models.TextChoices):
    API = "api", _("carrier callback")
    FILE = "file", _("file import")
    CONSOLE = "console", _("entered in the console")


class TrackingEvent(models.Model):
    """A carrier's tracking event for a parcel; the carrier's event id makes every way in
    (callback, file, console) idempotent."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("shipment"))
    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices)
    event_id = models.CharField(_("event id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=TrackingEventKind.choices)
    occurred_at = models.DateTimeField(_("time"))
    location = models.CharField(_("location"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=TrackingSource.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["shipment_id", "occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "event_id"],
                                    name="tracking_event_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


# Drop-ship supplier orders live in their own module; imported here so Django registers them.
from zhanggui.fulfillment.models_dropship import (  # noqa: E402, F401
    SupplierOrder,
    SupplierOrderStatus,
)
