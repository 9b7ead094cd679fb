"""Orders: header with recipient snapshot, lines with price/cost snapshots, payments.

Status moves only along ``rules.TRANSITIONS`` and only through ``orders.actions``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Sku
from zhanggui.core.fields import (
    EncryptedCharField,
    PersonalDataModel,
    PhoneIndexField,
)
from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import CurrencyField, MoneyField
from zhanggui.core.regions import province_field
from zhanggui.customers.models import Customer
from zhanggui.inventory.models import Warehouse
from zhanggui.orders.fields import AddressIndexField, AddressIndexMixin, OrderQuerySet, address_key


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("pending payment")
    PAID = "paid", _("paid")
    REVIEWED = "reviewed", _("reviewed")
    SHIPPED = "shipped", _("shipped")
    DELIVERED = "delivered", _("delivered")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
    CLOSED = "closed", _("closed (unpaid)")


class Order(AddressIndexMixin, PersonalDataModel, TimeStampedModel):
    number = models.CharField(_("order number"), max_length=40, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("customer"))
    channel = models.CharField(_("channel"), max_length=30, default="own", db_index=True)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    is_imported = models.BooleanField(_("imported"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices,
                              default=OrderStatus.PENDING_PAYMENT, db_index=True)
    currency = CurrencyField(_("currency"))
    goods_amount = MoneyField(_("goods amount"))
    discount_amount = MoneyField(_("discount"))
    shipping_amount = MoneyField(_("shipping fee"))
    total_amount = MoneyField(_("amount payable"))
    # Loyalty points the buyer paid with (积分抵扣): spent when the order is placed, given back
    # when it is cancelled unpaid; ``points_amount`` is their value, already taken off
    # ``total_amount``.
    points_redeemed = models.PositiveIntegerField(_("points paid with"), default=0)
    points_amount = MoneyField(_("paid with points"))
    paid_amount = MoneyField(_("amount paid"))
    refunded_amount = MoneyField(_("amount refunded"))
    # The recipient's name, phone and street address are encrypted personal data (see
    # customers.models); the phone is found by exact number through its blind index.
    recipient_name = EncryptedCharField(_("recipient"), max_length=60)
    recipient_phone = EncryptedCharField(_("recipient phone"), max_length=20)
    recipient_phone_index = PhoneIndexField(source="recipient_phone")
    province_code = province_field(blank=False)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40, blank=True)
    address_detail = EncryptedCharField(_("street address"), max_length=200)
    # The blind index of the whole normalised address (orders.fields): the repeat-address
    # review rule counts orders to one address without decrypting any.
    recipient_address_index = AddressIndexField(source="address_key")
    country = models.CharField(_("country"), max_length=60, blank=True, default="")
    buyer_note = models.CharField(_("buyer note"), max_length=255, blank=True)
    seller_note = models.CharField(_("seller note"), max_length=255, blank=True, default="")
    placed_at = models.DateTimeField(_("placed at"), db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)
    # The price engine's breakdown (zhanggui.pricing.rules.Breakdown.as_dict): every discount
    # with the offer that gave it, per line its item offer and shares, shipping. Empty for
    # imported and seeded orders.
    pricing_breakdown = models.JSONField(_("price breakdown"), default=dict, blank=True)
    # Automatic review (orders.review): when the rules last looked at the order (None: never,
    # the beat sweep picks it up) and whether unreleased holds keep it from being reviewed.
    review_checked_at = models.DateTimeField(_("review checked at"), null=True, blank=True)
    is_held = models.BooleanField(_("held"), default=False)
    # The Redis flash-sale reservation this order was placed under (orders.flash_sale): the
    # reconciliation tells a reservation whose order exists from one whose worker died.
    flash_token = models.CharField(_("flash-sale reservation"), max_length=32, null=True,
                                   blank=True, unique=True, editable=False)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        permissions = [
            ("place_order", _("Can place orders")),
            ("record_payment", _("Can record payments")),
            ("review_order", _("Can review orders")),
            ("cancel_order", _("Can cancel orders")),
            ("complete_order", _("Can complete orders")),
            ("override_hold", _("Can review an order held by review rules")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"],
                                    condition=~Q(external_id=""),
                                    name="order_unique_channel_external_id"),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(condition=Q(refunded_amount__lte=F("paid_amount")),
                                   name="order_refund_within_paid"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0),
                                   name="order_refund_not_negative"),
        ]
        indexes = [
            # The search box finds an external id without its channel (the unique constraint
            # leads by channel).
            models.Index(fields=["external_id"], name="order_external_id_search"),
            # The console's order list finds an order number by its beginning.
            models.Index(fields=["number"], name="order_number_prefix",
                         opclasses=["varchar_pattern_ops"]),
            # The order list filtered to imported orders (few, or none, among millions).
            models.Index(fields=["placed_at"], condition=Q(is_imported=True),
                         name="order_imported_placed_at"),
            # Held orders (few) for the console's "held" filter and the workbench.
            models.Index(fields=["placed_at"], condition=Q(is_held=True), name="order_held_placed_at"),
            # Paid orders the review rules have not looked at yet (the beat sweep).
            models.Index(fields=["paid_at"], condition=Q(status="paid", review_checked_at=None),
                         name="order_review_pending"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def refundable_amount(self):
        return self.paid_amount - self.refunded_amount

    @property
    def address_key(self) -> str:
        """The address parts joined: the source of ``recipient_address_index``."""
        return address_key(self.province_code, self.city, self.district, self.address_detail)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines",
                              verbose_name=_("order"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="order_lines",
                            verbose_name=_("SKU"))
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="order_lines", verbose_name=_("warehouse"))
    product_title = models.CharField(_("product title"), max_length=120)
    sku_code = models.CharField(_("SKU code"), max_length=60)
    option_values = models.JSONField(_("option values"), default=dict, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_amount = MoneyField(_("unit price"))
    unit_cost_amount = MoneyField(_("unit cost"))
    discount_amount = MoneyField(_("discount"))
    item_discount_amount = MoneyField(_("item discount"))
    # Offer key -> this line's share of that order-level discount (strings of 0.01 amounts).
    allocations = models.JSONField(_("discount shares"), default=dict, blank=True)
    total_amount = MoneyField(_("line total"))
    returned_quantity = models.PositiveIntegerField(_("returned quantity"), default=0)
    refunded_amount = MoneyField(_("amount refunded"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(returned_quantity__lte=F("quantity")),
                                   name="order_line_returned_within_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_code} × {self.quantity}"


class PaymentMethod(models.TextChoices):
    ALIPAY = "alipay", _("Alipay")
    WECHAT = "wechat", _("WeChat Pay")
    UNIONPAY = "unionpay", _("UnionPay")
    CARD = "card", _("bank card")


class PaymentStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class PaymentFailureReason(models.TextChoices):
    NONE = "", _("—")
    INSUFFICIENT_FUNDS = "insufficient_funds", _("insufficient funds")
    BANK_DECLINED = "bank_declined", _("declined by bank")
    RISK_CONTROL = "risk_control", _("blocked by risk control")
    TIMEOUT = "timeout", _("payment timed out")
    USER_CANCELLED = "user_cancelled", _("cancelled by buyer")
    WRONG_PASSWORD = "wrong_password", _("wrong payment password")
    NETWORK_ERROR = "network_error", _("network error")


class Payment(models.Model):
    """One payment attempt, successful or failed (with its reason)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments",
                              verbose_name=_("order"))
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    amount = MoneyField(_("amount"))
    currency = CurrencyField(_("currency"))
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices,
                              db_index=True)
    failure_reason = models.CharField(_("failure reason"), max_length=20, blank=True,
                                      choices=PaymentFailureReason.choices, default="")
    transaction_id = models.CharField(_("transaction id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
        ]
        indexes = [
            # The console's payment list: a transaction id, and the (rarer) failure reasons.
            models.Index(fields=["transaction_id"], name="payment_transaction_id"),
            models.Index(fields=["failure_reason", "created_at"], name="payment_failure_list"),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} {self.get_status_display()}"


from zhanggui.orders.review_models import (  # noqa: E402  (models of the same app)
    BlockedBuyer,
    OrderHold,
    PaymentCallback,
    PaymentCallbackStatus,
    ReviewRule,
)

__all__ = ["BlockedBuyer", "Order", "OrderHold", "OrderLine", "OrderStatus", "Payment",
           "PaymentCallback", "PaymentCallbackStatus", "PaymentFailureReason", "PaymentMethod",
           "PaymentStatus", "ReviewRule"]
