"""Marketing: what the shop spends to sell (ad spend by day, channel and product), campaigns
with their message outbox (``models_campaigns``) and A/B tests (``models_experiments``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Product
from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import MoneyField


class AdChannel(models.TextChoices):
    ZHITONGCHE = "zhitongche", _("直通车 (search ads)")
    YINLIMOFANG = "yinlimofang", _("引力魔方 (display ads)")
    WANXIANGTAI = "wanxiangtai", _("万相台 (campaign ads)")
    DOUYIN = "douyin", _("抖音 / 巨量千川")
    OTHER = "other", _("other")


class AdSpend(TimeStampedModel):
    """Ad spend of one day on one channel, for one product or the whole shop (no product)."""

    day = models.DateField(_("day"), db_index=True)
    channel = models.CharField(_("channel"), max_length=12, choices=AdChannel.choices)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="ad_spend", verbose_name=_("product"))
    amount = MoneyField(_("spend"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("entered by"))

    class Meta:
        verbose_name = _("ad spend")
        verbose_name_plural = _("ad spend")
        ordering = ["-day", "channel", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="ad_spend_not_negative"),
            models.UniqueConstraint(fields=["day", "channel", "product"],
                                    name="ad_spend_day_channel_product"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_channel_display()} {self.amount}"


# Campaigns and A/B tests live in their own modules; imported here so Django registers them.
from zhanggui.marketing.models_campaigns import (  # noqa: E402, F401
    Campaign,
    CampaignGoal,
    CampaignResult,
    CampaignStatus,
    ContactPolicy,
    Message,
    MessageChannel,
    MessageStatus,
    Recipient,
    RecipientStatus,
    Unsubscribe,
)
from zhanggui.marketing.models_experiments import (  # noqa: E402, F401
    Assignment,
    Experiment,
    ExperimentArm,
    ExperimentMetric,
    ExperimentStatus,
)
