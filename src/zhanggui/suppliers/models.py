"""Suppliers: who supplies which SKU on what terms, purchase orders and their receipts.

Status of a purchase order::

    draft → sent → partly_received → received → closed;   draft/sent/partly_received → cancelled

Receiving books accepted units into the destination warehouse's ledger (kind ``receive``,
reference the PO number) and updates the SKU's moving-average cost from the landed cost.
Invariant: a line's ``received_quantity`` is the sum of its receipt lines' ``accepted``,
its ``rejected_quantity`` the sum of their ``rejected``; accepting more than ordered needs
an explicit over-receipt on the receipt.

Cost fields (``SupplierItem.unit_cost``, line costs, landed costs) are shown only with
``catalog.view_cost``; the supplier records themselves need ``suppliers.view_supplier``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Sku
from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import MoneyField
from zhanggui.inventory.models import Warehouse


class PaymentTerms(models.TextChoices):
    PREPAID = "prepaid", _("paid before shipping")
    ON_DELIVERY = "on_delivery", _("paid on delivery")
    NET_15 = "net_15", _("15 days after receipt")
    NET_30 = "net_30", _("30 days after receipt")
    NET_60 = "net_60", _("60 days after receipt")
    MONTHLY = "monthly", _("monthly statement")


class Supplier(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    payment_terms = models.CharField(_("payment terms"), max_length=12,
                                     choices=PaymentTerms.choices, default=PaymentTerms.NET_30)
    # A drop-ship supplier ships from its own warehouse (kind drop_ship): parcels routed there
    # become supplier orders, and its stock is kept in sync from the supplier's feed.
    warehouse = models.OneToOneField(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="supplier",
        verbose_name=_("drop-ship warehouse"))
    # The supplier's own staff accounts (role "supplier"): they see this supplier's orders only.
    accounts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                      related_name="supplier_accounts",
                                      verbose_name=_("supplier accounts"))
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplierContact(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts",
                                 verbose_name=_("supplier"))
    name = models.CharField(_("name"), max_length=40)
    title = models.CharField(_("title"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("supplier contact")
        verbose_name_plural = _("supplier contacts")
        ordering = ["supplier_id", "-is_primary", "id"]

    def __str__(self) -> str:
        return self.name


class SupplierItem(TimeStampedModel):
    """A SKU a supplier supplies, with its terms."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="items",
                                 verbose_name=_("supplier"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="supplier_items",
                            verbose_name=_("SKU"))
    supplier_code = models.CharField(_("supplier's item code"), max_length=60, blank=True)
    unit_cost = MoneyField(_("unit cost"))
    moq = models.PositiveIntegerField(_("minimum order quantity"), default=1)
    pack_size = models.PositiveIntegerField(_("pack size"), default=1)
    lead_time_days = models.DecimalField(_("lead time (days)"), max_digits=5, decimal_places=1,
                                         default=Decimal("7.0"))
    # The observed spread of the lead time (standard deviation, days), from receipts; the
    # promised figure until there are receipts.
    lead_time_std_days = models.DecimalField(_("lead time spread (days)"), max_digits=5,
                                             decimal_places=1, default=Decimal("0.0"))
    is_preferred = models.BooleanField(_("preferred supplier of this SKU"), default=True)

    class Meta:
        verbose_name = _("supplier item")
        verbose_name_plural = _("supplier items")
        ordering = ["supplier_id", "sku_id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "sku"], name="supplier_item_unique"),
            models.CheckConstraint(condition=Q(moq__gte=1), name="supplier_item_moq_positive"),
            models.CheckConstraint(condition=Q(pack_size__gte=1),
                                   name="supplier_item_pack_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0),
                                   name="supplier_item_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.code} · {self.sku.code}"


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent")
    PARTLY_RECEIVED = "partly_received", _("partly received")
    RECEIVED = "received", _("received")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class PurchaseOrderSource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    REPLENISHMENT = "replenishment", _("reorder suggestion")


class PurchaseOrder(TimeStampedModel):
    number = models.CharField(_("PO number"), max_length=24, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT,
                                 related_name="purchase_orders", verbose_name=_("supplier"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT,
                                  related_name="purchase_orders",
                                  verbose_name=_("receiving warehouse"))
    status = models.CharField(_("status"), max_length=16, choices=PurchaseOrderStatus.choices,
                              default=PurchaseOrderStatus.DRAFT, db_index=True)
    source = models.CharField(_("source"), max_length=14, choices=PurchaseOrderSource.choices,
                              default=PurchaseOrderSource.MANUAL)
    # Freight, duty and other costs of bringing the goods in, spread over the receipts'
    # accepted units by value (landed cost).
    freight_amount = MoneyField(_("freight and other landed costs"), default=Decimal("0.00"))
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_at = models.DateTimeField(_("fully received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("send_purchaseorder", _("Can send purchase orders")),
            ("receive_purchaseorder", _("Can receive purchase orders")),
            ("close_purchaseorder", _("Can close or cancel purchase orders")),
            ("accept_over_receipt", _("Can accept more units than were ordered")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(freight_amount__gte=0),
                                   name="po_freight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE,
                                       related_name="lines", verbose_name=_("purchase order"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="purchase_lines",
                            verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("quantity ordered"))
    unit_cost = MoneyField(_("unit cost"))
    received_quantity = models.PositiveIntegerField(_("quantity accepted"), default=0)
    rejected_quantity = models.PositiveIntegerField(_("quantity rejected"), default=0)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["purchase_order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "sku"], name="po_line_sku_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="po_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0),
                                   name="po_line_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sku.code} × {self.quantity}"

    @property
    def open_quantity(self) -> int:
        """Units still expected (never negative, 0 after an over-receipt)."""
        return max(self.quantity - self.received_quantity, 0)


class Receipt(models.Model):
    """One delivery against a purchase order, inspected."""

    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT,
                                       related_name="receipts", verbose_name=_("purchase order"))
    number = models.CharField(_("receipt number"), max_length=28, unique=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("received by"))
    allow_over_receipt = models.BooleanField(_("over-receipt accepted"), default=False)
    freight_amount = MoneyField(_("landed costs of this delivery"), default=Decimal("0.00"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.number


class RejectReason(models.TextChoices):
    DAMAGED = "damaged", _("damaged")
    DEFECTIVE = "defective", _("quality defect")
    WRONG_ITEM = "wrong_item", _("wrong item")
    EXPIRED = "expired", _("expired or near expiry")
    OTHER = "other", _("other")


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines",
                                verbose_name=_("receipt"))
    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT,
                             related_name="receipt_lines", verbose_name=_("purchase order line"))
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    reject_reason = models.CharField(_("reject reason"), max_length=12, blank=True,
                                     choices=RejectReason.choices)
    # Units on the supplier's delivery note that did not arrive.
    short = models.PositiveIntegerField(_("short"), default=0)
    landed_unit_cost = MoneyField(_("landed unit cost"), default=Decimal("0.00"))

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(rejected=0) | ~Q(reject_reason=""),
                                   name="receipt_line_reject_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.line.sku.code}: +{self.accepted} / -{self.rejected}"


class MessageDirection(models.TextChoices):
    TO_SUPPLIER = "out", _("to the supplier")
    FROM_SUPPLIER = "in", _("from the supplier")


class SupplierMessage(models.Model):
    """A message exchanged with a supplier (for the reply-time score)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="messages",
                                 verbose_name=_("supplier"))
    direction = models.CharField(_("direction"), max_length=3, choices=MessageDirection.choices)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    body = models.TextField(_("message"))
    purchase_order = models.ForeignKey(PurchaseOrder, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="messages",
                                       verbose_name=_("purchase order"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("staff"))

    class Meta:
        verbose_name = _("supplier message")
        verbose_name_plural = _("supplier messages")
        ordering = ["supplier_id", "sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.sent_at:%Y-%m-%d %H:%M}"


class SupplyPolicy(models.Model):
    """The shop's supply settings (one row)."""

    service_level = models.DecimalField(
        _("service level"), max_digits=4, decimal_places=3, default=Decimal("0.950"),
        help_text=_("chance of not running out during a lead time (fraction; 0.95 = 95 %)"))
    review_days = models.PositiveSmallIntegerField(
        _("days between orders"), default=7,
        help_text=_("an order covers the lead time plus this many days of demand"))
    commission_rate = models.DecimalField(
        _("platform commission rate"), max_digits=5, decimal_places=4, default=Decimal("0.0500"),
        help_text=_("fraction of the amount paid (0.05 = 5 %)"))
    roi_alert_below = models.DecimalField(_("alert when drop-ship ROI is below"), max_digits=6,
                                          decimal_places=2, default=Decimal("2.50"))
    feed_stale_minutes = models.PositiveIntegerField(
        _("alert when a supplier's stock feed is older than (minutes)"), default=15)
    slow_mover_days = models.PositiveIntegerField(
        _("slow mover: days of supply above"), default=90)

    class Meta:
        verbose_name = _("supply policy")
        verbose_name_plural = _("supply policy")
        permissions = [("change_supply_policy", _("Can change the supply policy"))]
        constraints = [
            models.CheckConstraint(condition=Q(service_level__gt=Decimal("0.5"),
                                               service_level__lt=Decimal("1")),
                                   name="supply_policy_service_level_range"),
            models.CheckConstraint(condition=Q(commission_rate__gte=0, commission_rate__lt=1),
                                   name="supply_policy_commission_range"),
        ]

    def __str__(self) -> str:
        return str(_("supply policy"))
