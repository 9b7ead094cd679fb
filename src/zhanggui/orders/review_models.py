"""Models of automatic review (自动审单), the block list and payment-provider callbacks.

Imported at the end of ``orders.models`` (same app). Rules are data: ``ReviewRule`` rows
ordered by ``position``, each with its kind's parameters (validated by
``review_rules.validate_params``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.core.fields import (
    EncryptedCharField,
    PersonalDataModel,
    PersonalDataQuerySet,
    PhoneIndexField,
)
from zhanggui.core.models import ChangeTimeModel, TimeStampedModel
from zhanggui.core.money import MoneyField
from zhanggui.customers.models import Customer
from zhanggui.orders.review_kinds import RuleKind


class ReviewRule(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind.choices)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("review rule")
        verbose_name_plural = _("review rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class OrderHold(ChangeTimeModel):
    """One rule holding one order; released by a person (or by the order's cancellation)."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="holds",
                              verbose_name=_("order"))
    rule = models.ForeignKey(ReviewRule, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="holds", verbose_name=_("rule"))
    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("held at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("released by"))
    release_note = models.CharField(_("release note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("order hold")
        verbose_name_plural = _("order holds")
        ordering = ["-created_at", "id"]
        permissions = [("release_hold", _("Can release order holds"))]
        indexes = [
            models.Index(fields=["order"], condition=Q(released_at=None), name="order_hold_open"),
            models.Index(fields=["kind", "created_at"], name="order_hold_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.get_kind_display()}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class BlockedBuyer(PersonalDataModel, TimeStampedModel):
    """A buyer on the block list: a customer, a phone number (the recipient's or the
    customer's), or both. Orders of a blocked buyer are held by the blocked_buyer rule."""

    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("customer"))
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    phone_index = PhoneIndexField(source="phone")
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("blocked buyer")
        verbose_name_plural = _("block list")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.customer) if self.customer_id else _("phone entry %(id)s") % {"id": self.pk}


class PaymentCallbackStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    REFUSED = "refused", _("refused")
    DUPLICATE = "duplicate", _("duplicate")


class PaymentCallback(models.Model):
    """One notification from a payment provider, as received, and what became of it.

    One record per transaction id is the original (applied or refused); a repeat of it is
    recorded as a duplicate and answered as the original was."""

    SYNC_FIELD = "received_at"  # append-only: the API's incremental sync (core.sync)

    transaction_id = models.CharField(_("transaction id"), max_length=64)
    order_number = models.CharField(_("order number"), max_length=40)
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="payment_callbacks", verbose_name=_("order"))
    method = models.CharField(_("method"), max_length=10)
    amount = MoneyField(_("amount"))
    succeeded = models.BooleanField(_("succeeded"))
    failure_reason = models.CharField(_("failure reason"), max_length=20, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=PaymentCallbackStatus.choices,
                              db_index=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.CharField(_("error"), max_length=255, blank=True)
    payment = models.ForeignKey("orders.Payment", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("payment"))
    original = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="duplicates", verbose_name=_("original"))
    received_at = models.DateTimeField(_("received at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))

    class Meta:
        verbose_name = _("payment callback")
        verbose_name_plural = _("payment callbacks")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["transaction_id"], condition=~Q(status="duplicate"),
                                    name="payment_callback_unique_transaction"),
        ]
        indexes = [models.Index(fields=["transaction_id"], name="payment_callback_transaction")]

    def __str__(self) -> str:
        return f"{self.transaction_id} ({self.get_status_display()})"
