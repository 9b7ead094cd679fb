"""After-sales requests (return, exchange, refund only) and refunds.

A refund never exceeds what was paid minus earlier refunds (checked in
``actions.issue_refund`` under a row lock and by a database constraint on the order).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import RecordTimeModel, TimeStampedModel
from zhanggui.core.money import CurrencyField, MoneyField
from zhanggui.orders.models import Order, OrderLine


class RequestKind(models.TextChoices):
    RETURN = "return", _("return and refund")
    EXCHANGE = "exchange", _("exchange")
    REFUND_ONLY = "refund_only", _("refund only")


class ReasonCode(models.TextChoices):
    SIZE_FIT = "size_fit", _("size or fit")
    QUALITY = "quality", _("quality problem")
    NOT_AS_DESCRIBED = "not_as_described", _("not as described")
    DAMAGED = "damaged", _("damaged in transit")
    WRONG_ITEM = "wrong_item", _("wrong item sent")
    MISSING_PART = "missing_part", _("missing parts")
    CHANGED_MIND = "changed_mind", _("changed mind (7-day no-reason return)")
    LATE_DELIVERY = "late_delivery", _("late delivery")
    NOT_RECEIVED = "not_received", _("not received")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    RECEIVED = "received", _("goods received")
    REFUNDED = "refunded", _("refunded")
    COMPLETED = "completed", _("completed")


class Disposition(models.TextChoices):
    PENDING = "", _("not received")
    RESTOCK = "restock", _("restocked")
    SCRAP = "scrap", _("scrapped")


class AftersalesRequest(TimeStampedModel):
    number = models.CharField(_("request number"), max_length=40, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="aftersales_requests",
                              verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=12, choices=RequestKind.choices)
    reason_code = models.CharField(_("reason"), max_length=20, choices=ReasonCode.choices,
                                   db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.REQUESTED, db_index=True)
    requested_amount = MoneyField(_("amount requested"))
    buyer_note = models.CharField(_("buyer note"), max_length=255, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=255, blank=True)
    requested_at = models.DateTimeField(_("requested at"), db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("after-sales request")
        verbose_name_plural = _("after-sales requests")
        ordering = ["-requested_at", "-id"]
        permissions = [
            ("decide_request", _("Can approve or reject after-sales requests")),
            ("receive_return", _("Can receive returned goods")),
        ]

    def __str__(self) -> str:
        return self.number


class AftersalesLine(models.Model):
    request = models.ForeignKey(AftersalesRequest, on_delete=models.CASCADE, related_name="lines",
                                verbose_name=_("request"))
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT,
                                   related_name="aftersales_lines", verbose_name=_("order line"))
    quantity = models.PositiveIntegerField(_("quantity"))
    disposition = models.CharField(_("disposition"), max_length=10, choices=Disposition.choices,
                                   blank=True, default=Disposition.PENDING)

    class Meta:
        verbose_name = _("after-sales line")
        verbose_name_plural = _("after-sales lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="aftersales_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line.sku_code} × {self.quantity}"


class Refund(RecordTimeModel):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds",
                              verbose_name=_("order"))
    request = models.ForeignKey(AftersalesRequest, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="refunds", verbose_name=_("after-sales request"))
    amount = MoneyField(_("amount"))
    currency = CurrencyField(_("currency"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        permissions = [("issue_refund", _("Can issue refunds"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} −{self.amount}"
