"""Loyalty points (积分): one balance per customer and a ledger of every change.

GLOSSARY ``points_balance`` = Σ earned − spent − expired − reversed, never negative. The
balance lives on ``PointsAccount`` (one row per customer, locked for every change) and
equals the sum of its entries; each entry carries the balance after it and a reason. Entries
that add points (earned, or adjusted up) are lots: ``remaining`` counts their points not yet
spent, expired or reversed, and spending draws on the lot that expires first, so expiry takes
exactly what is left of a lot.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhanggui.core.money import MoneyField
from zhanggui.customers.models import Customer


class PointsKind(models.TextChoices):
    EARN = "earn", _("earned")
    SPEND = "spend", _("spent")
    EXPIRE = "expire", _("expired")
    REVERSE = "reverse", _("reversed (refund)")
    ADJUST = "adjust", _("adjusted")


class PointsAccount(models.Model):
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE,
                                    related_name="points_account", verbose_name=_("customer"))
    balance = models.IntegerField(_("points balance"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        permissions = [("adjust_points", _("Can adjust a customer's points by hand"))]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0),
                                              name="points_balance_never_negative")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.balance}"


class PointsEntry(models.Model):
    account = models.ForeignKey(PointsAccount, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("points account"))
    kind = models.CharField(_("kind"), max_length=8, choices=PointsKind.choices, db_index=True)
    points = models.IntegerField(_("points"), help_text=_("positive adds, negative takes away"))
    balance_after = models.IntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=200)
    # The order number, refund or coupon the change comes from; earn and reverse entries of
    # one order share it, so a refund reverses exactly what its order earned.
    reference = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)
    # The amount paid (earn) or refunded (reverse, negative) behind the points: the spend a
    # member tier is reviewed on.
    basis_amount = MoneyField(_("amount behind the points"), default=Decimal("0"))
    remaining = models.IntegerField(_("points left of this lot"), default=0)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "kind", "expires_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0),
                                   name="points_entry_balance_never_negative"),
            models.CheckConstraint(condition=Q(points__gt=0, remaining__gte=0,
                                                 remaining__lte=F("points"))
                                   | Q(points__lt=0, remaining=0),
                                   name="points_lot_remaining_within_points"),
            models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"


class PointsPolicy(models.Model):
    """How points are earned, spent and expire (one row; defaults until someone changes it)."""

    points_per_yuan = models.DecimalField(
        _("points earned per yuan paid"), max_digits=6, decimal_places=2, default=Decimal("1"))
    points_per_yuan_redeemed = models.PositiveIntegerField(
        _("points worth one yuan"), default=100, help_text=_("100: 100 points pay ¥1"))
    max_redeem_rate = models.DecimalField(
        _("share of an order points may pay"), max_digits=5, decimal_places=4,
        default=Decimal("0.5000"), help_text=_("fraction of the goods after discounts (0.5 = 50 %)"))
    expiry_months = models.PositiveSmallIntegerField(
        _("points expire after (months)"), default=12, help_text=_("0: never"))

    class Meta:
        verbose_name = _("points policy")
        verbose_name_plural = _("points policy")
        constraints = [
            models.CheckConstraint(condition=Q(points_per_yuan__gte=0),
                                   name="points_policy_rate_not_negative"),
            models.CheckConstraint(condition=Q(points_per_yuan_redeemed__gte=1),
                                   name="points_policy_redeem_positive"),
            models.CheckConstraint(condition=Q(max_redeem_rate__gte=0, max_redeem_rate__lte=1),
                                   name="points_policy_redeem_share_range"),
        ]

    def __str__(self) -> str:
        return str(_("points policy"))
