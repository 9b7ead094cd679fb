"""Campaigns (营销活动), their recipients, the message outbox and unsubscriptions.

A campaign sends one message per recipient and channel through the outbox (``Message``);
senders are pluggable per channel (``marketing.senders``). A message's ``idempotency_key``
(campaign, customer, channel) is unique, so preparing or sending a campaign twice — or a
worker that dies and is restarted — never sends a second copy. What a campaign earned is
computed in the warehouse after each refresh (last touch within the attribution window)
and stored in ``CampaignResult`` through ``marketing.actions.record_campaign_results``.
"""

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import MoneyField
from zhanggui.customers.models import Customer, Segment
from zhanggui.pricing.models import Coupon, CouponTemplate, Promotion


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("push notification")


class ContactPolicy(models.Model):
    """How often and when the shop may message a customer (one row; defaults until changed)."""

    max_messages = models.PositiveSmallIntegerField(
        _("at most messages per customer"), default=2,
        help_text=_("marketing messages to one customer within the cap window"))
    cap_days = models.PositiveSmallIntegerField(_("cap window (days)"), default=7)
    quiet_start = models.TimeField(_("quiet hours from"), default=time(21, 0))
    quiet_end = models.TimeField(_("quiet hours until"), default=time(9, 0))
    attribution_days = models.PositiveSmallIntegerField(
        _("attribution window (days)"), default=7,
        help_text=_("an order paid within this many days of a campaign's last message counts "
                    "for that campaign (last touch)"))
    email_cost_amount = MoneyField(_("cost per e-mail"), default=Decimal("0"))
    sms_cost_amount = MoneyField(_("cost per SMS"), default=Decimal("0.05"))
    push_cost_amount = MoneyField(_("cost per push"), default=Decimal("0"))

    class Meta:
        verbose_name = _("contact policy")
        verbose_name_plural = _("contact policy")
        constraints = [models.CheckConstraint(condition=Q(cap_days__gte=1),
                                              name="contact_policy_cap_days_positive")]

    def __str__(self) -> str:
        return str(_("contact policy"))


class CampaignGoal(models.TextChoices):
    WIN_BACK = "win_back", _("win back dormant buyers")
    RETENTION = "retention", _("keep active buyers")
    NEW_PRODUCT = "new_product", _("launch a product")
    MEMBERSHIP = "membership", _("grow membership")
    CLEARANCE = "clearance", _("clear stock")
    OTHER = "other", _("other")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    CANCELLED = "cancelled", _("cancelled")


class Campaign(TimeStampedModel):
    code = models.CharField(_("campaign number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    goal = models.CharField(_("goal"), max_length=12, choices=CampaignGoal.choices)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT, db_index=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    budget_amount = MoneyField(_("budget"))
    fixed_cost_amount = MoneyField(_("fixed cost"), help_text=_(
        "design, agency and other costs besides the messages and the discounts"))
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns",
                                verbose_name=_("audience"))
    coupon_template = models.ForeignKey(
        CouponTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns",
        verbose_name=_("coupon"), help_text=_("one code is issued to each recipient"))
    promotion = models.ForeignKey(Promotion, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="campaigns", verbose_name=_("promotion"))
    channels = models.JSONField(_("channels"), default=list,
                                help_text=_("message channels: email, sms, push"))
    subject = models.CharField(pgettext_lazy("message", "subject"), max_length=120, blank=True)
    body = models.TextField(_("message"), help_text=_(
        "variables: {nickname}, {coupon_code}, {coupon_value}, {valid_until}, "
        "{recommended_products}, {unsubscribe_url}"))
    prepared_at = models.DateTimeField(_("recipients chosen at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "-id"]
        permissions = [("send_campaign", _("Can send a campaign"))]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="campaign_ends_after_start"),
            models.CheckConstraint(condition=Q(budget_amount__gte=0, fixed_cost_amount__gte=0),
                                   name="campaign_money_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("to send")
    SENT = "sent", _("sent")
    HELD_OUT = "held_out", _("holdout (not sent)")
    SKIPPED = "skipped", _("skipped")
    FAILED = "failed", _("failed")


class Recipient(models.Model):
    """One customer of a campaign's audience, frozen when the campaign is prepared."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients",
                                 verbose_name=_("campaign"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    arm = models.CharField(_("experiment arm"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RecipientStatus.choices,
                              default=RecipientStatus.PENDING, db_index=True)
    skip_reason = models.CharField(_("why skipped"), max_length=40, blank=True,
                                   help_text=_("unsubscribed, capped, no address, …"))
    coupon = models.OneToOneField(Coupon, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="campaign_recipient", verbose_name=_("coupon"))
    reached_at = models.DateTimeField(_("reached at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"],
                                               name="campaign_recipient_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id}"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class Message(models.Model):
    """The outbox: one message to one customer on one channel.

    The address is read from the customer when the message is sent (never copied here).
    """

    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="messages", verbose_name=_("campaign"))
    recipient = models.ForeignKey(Recipient, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="messages", verbose_name=_("recipient"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    channel = models.CharField(_("channel"), max_length=8, choices=MessageChannel.choices)
    subject = models.CharField(pgettext_lazy("message", "subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED, db_index=True)
    send_after = models.DateTimeField(_("not before"), db_index=True,
                                      help_text=_("after quiet hours"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    provider_id = models.CharField(_("provider message id"), max_length=120, blank=True)
    cost_amount = MoneyField(_("cost"))
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "sent_at"])]

    def __str__(self) -> str:
        return self.idempotency_key


class Unsubscribe(models.Model):
    """A customer who asked not to be messaged, on one channel or (blank) on all."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("customer"))
    channel = models.CharField(_("channel"), max_length=8, choices=MessageChannel.choices,
                               blank=True, help_text=_("blank: every channel"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    source = models.CharField(_("how"), max_length=40, blank=True,
                              help_text=_("link, reply, staff"))

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [models.UniqueConstraint(fields=["customer", "channel"],
                                               name="unsubscribe_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel or '*'}"


class CampaignResult(models.Model):
    """What a campaign (or one arm of it) earned, as of the last warehouse refresh.

    GLOSSARY: ``roi`` = attributed GMV / cost; ``gross_profit_roi`` = attributed gross
    profit / cost; ``campaign_conversion_rate`` = converted / reached.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results",
                                 verbose_name=_("campaign"))
    arm = models.CharField(_("experiment arm"), max_length=20, blank=True,
                           help_text=_("blank: the whole campaign"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    reached = models.PositiveIntegerField(_("reached"), default=0)
    converted = models.PositiveIntegerField(_("buyers"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    gmv_amount = MoneyField(_("attributed GMV"))
    gross_profit_amount = MoneyField(_("attributed gross profit"))
    discount_amount = MoneyField(_("discounts given"))
    cost_amount = MoneyField(_("cost"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("campaign result")
        verbose_name_plural = _("campaign results")
        constraints = [models.UniqueConstraint(fields=["campaign", "arm"],
                                               name="campaign_result_per_arm")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.arm or '*'}"


