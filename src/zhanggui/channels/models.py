"""Sales channels (销售渠道): the platforms a shop sells on, its listings there, and how much
stock each channel is told it may sell.

A channel's ``code`` is the key other apps already use for it: ``orders.Order.channel``,
``pricing.PriceList.channel`` (kind ``channel``) and ``listing.ChannelTitleLimit.channel``.

Stock sync (docs/channels.md): per channel and SKU a ``SyncRule`` (or the channel's default
rule, ``sku`` empty) turns the SKU's available stock into the quantity to publish —
``available × percent + fixed``, clamped to ``[min, max]`` — from a shared pool (every
shared channel sees the same stock) or a reserved one (reserved channels' quantities are
carved out of the stock and never add up to more than it). Slow channels hold back their
last ``guard_units`` (the oversell guard). ``PublishedQuantity`` keeps the computed figure
and what was last pushed; every push is a ``PublishRun`` with its lines (the publish log).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Sku
from zhanggui.core.fields import EncryptedCharField
from zhanggui.core.models import ChangeTimeModel, RecordTimeModel, TimeStampedModel
from zhanggui.core.money import MoneyField

RATE = {"max_digits": 5, "decimal_places": 4,
        "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]}


class Platform(models.TextChoices):
    OWN = "own", _("own store")
    TAOBAO = "taobao", _("Taobao / Tmall")
    JD = "jd", _("JD.com")
    PINDUODUO = "pinduoduo", _("Pinduoduo")
    DOUYIN = "douyin", _("Douyin shop")
    XIAOHONGSHU = "xiaohongshu", _("Xiaohongshu")
    SHOPIFY = "shopify", _("Shopify")
    AMAZON = "amazon", _("Amazon")
    OTHER = "other", _("other platform")


class AdapterKind(models.TextChoices):
    CSV = "csv", _("CSV file (uploaded by hand)")
    API = "api", _("platform API")


class Channel(TimeStampedModel):
    code = models.SlugField(_("channel code"), max_length=30, unique=True,
                            help_text=_("the code on orders, channel price lists and title limits"))
    name = models.CharField(_("name"), max_length=40)
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Money the platform keeps (fractions of the amount paid; 0.05 = 5 %) and a fixed fee.
    commission_rate = models.DecimalField(_("commission rate"), **RATE, default=Decimal("0"),
                                          help_text=_("fraction of the amount paid (0.05 = 5 %)"))
    payment_fee_rate = models.DecimalField(
        _("payment and service fee rate"), **RATE, default=Decimal("0"),
        help_text=_("fraction of the amount paid (0.006 = 0.6 %)"))
    fee_per_order_amount = MoneyField(_("fee per order"), default=Decimal("0.00"))
    # Price rule: this channel's price may not be lower than the own store's price × ratio.
    min_price_ratio = models.DecimalField(
        _("lowest price against the own store"), **RATE, default=Decimal("0.9000"),
        help_text=_("a listing cheaper than the own store's price × this fraction is a conflict"))
    # Stock sync.
    adapter = models.CharField(_("publish through"), max_length=8, choices=AdapterKind.choices,
                               default=AdapterKind.CSV)
    api_url = models.URLField(_("API address"), blank=True)
    api_key = models.CharField(_("API key"), max_length=80, blank=True)
    api_secret = EncryptedCharField(_("API secret"), max_length=120, blank=True)
    sync_lag_minutes = models.PositiveIntegerField(
        _("sync delay (minutes)"), default=0,
        help_text=_("how long the platform takes to apply a stock push"))
    guard_units = models.PositiveIntegerField(
        _("oversell guard (units held back)"), default=0,
        help_text=_("on a slow channel, the last units are not published"))
    last_published_at = models.DateTimeField(_("last published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["id"]
        permissions = [("publish_stock", _("Can publish stock to channels"))]

    def __str__(self) -> str:
        return self.name


class ChannelListingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    LISTED = "listed", _("on sale")
    DELISTED = "delisted", _("delisted")


class ChannelListing(TimeStampedModel):
    """One SKU as listed on one channel."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="listings",
                                verbose_name=_("channel"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="channel_listings",
                            verbose_name=_("SKU"))
    title = models.CharField(_("channel title"), max_length=120, blank=True,
                             help_text=_("empty: the product's title"))
    price_amount = MoneyField(_("channel price"), null=True, blank=True, default=None,
                              help_text=_("empty: the channel price list, else the SKU's price"))
    status = models.CharField(_("status"), max_length=10, choices=ChannelListingStatus.choices,
                              default=ChannelListingStatus.DRAFT)
    external_id = models.CharField(_("platform item id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("channel listing")
        verbose_name_plural = _("channel listings")
        ordering = ["channel_id", "sku_id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "sku"], name="channel_listing_unique_sku"),
            models.CheckConstraint(condition=Q(price_amount__isnull=True) | Q(price_amount__gt=0),
                                   name="channel_listing_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.sku}"


class PoolKind(models.TextChoices):
    SHARED = "shared", _("shared pool")
    RESERVED = "reserved", _("reserved pool")


class SyncRule(TimeStampedModel):
    """How much of a SKU's available stock a channel may sell (``sku`` empty: the channel's
    default for every SKU without its own rule)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="sync_rules",
                                verbose_name=_("channel"))
    sku = models.ForeignKey(Sku, null=True, blank=True, on_delete=models.CASCADE,
                            related_name="sync_rules", verbose_name=_("SKU"),
                            help_text=_("empty: the channel's default rule"))
    percent = models.DecimalField(_("share of available"), max_digits=5, decimal_places=4,
                                  default=Decimal("1.0000"),
                                  validators=[MinValueValidator(Decimal("0")),
                                              MaxValueValidator(Decimal("1"))],
                                  help_text=_("fraction (0.6 = 60 %)"))
    fixed = models.IntegerField(_("plus units"), default=0, help_text=_("may be negative"))
    min_quantity = models.PositiveIntegerField(_("at least"), default=0)
    max_quantity = models.PositiveIntegerField(_("at most"), null=True, blank=True,
                                               help_text=_("empty: no upper limit"))
    pool = models.CharField(_("pool"), max_length=8, choices=PoolKind.choices,
                            default=PoolKind.SHARED)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("stock sync rule")
        verbose_name_plural = _("stock sync rules")
        ordering = ["channel_id", "sku_id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "sku"], name="sync_rule_unique_sku"),
            models.UniqueConstraint(fields=["channel"], condition=Q(sku__isnull=True),
                                    name="sync_rule_one_default"),
            models.CheckConstraint(
                condition=Q(max_quantity__isnull=True) | Q(max_quantity__gte=models.F("min_quantity")),
                name="sync_rule_max_not_below_min"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.sku or _('channel default')}"


class PublishedQuantity(ChangeTimeModel):
    """The quantity a channel should show for a SKU, and what was last pushed there."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="quantities",
                                verbose_name=_("channel"))
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="published_quantities",
                            verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("quantity to publish"), default=0)
    computed_at = models.DateTimeField(_("computed at"))
    published_quantity = models.PositiveIntegerField(_("last published"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("published quantity")
        verbose_name_plural = _("published quantities")
        ordering = ["channel_id", "sku_id"]
        constraints = [models.UniqueConstraint(fields=["channel", "sku"],
                                               name="published_quantity_unique_sku")]

    def __str__(self) -> str:
        return f"{self.channel} · {self.sku}: {self.quantity}"


class SyncMark(models.Model):
    """A SKU whose stock changed since the last recompute (the debounce queue)."""

    sku = models.OneToOneField(Sku, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("SKU"))
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("pending stock sync")
        verbose_name_plural = _("pending stock syncs")

    def __str__(self) -> str:
        return f"{self.sku_id} @ {self.marked_at:%H:%M:%S}"


class PublishTrigger(models.TextChoices):
    STOCK_CHANGE = "stock_change", _("stock change")
    FULL = "full", _("full recompute")
    MANUAL = "manual", _("by hand")


class PublishStatus(models.TextChoices):
    OK = "ok", _("published")
    PARTLY = "partly", _("partly published")
    FAILED = "failed", _("failed")


class PublishRun(RecordTimeModel):
    """One push of quantities to one channel (the publish log), written once it is done."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="publish_runs",
                                verbose_name=_("channel"))
    adapter = models.CharField(_("publish through"), max_length=8, choices=AdapterKind.choices)
    trigger = models.CharField(_("trigger"), max_length=12, choices=PublishTrigger.choices)
    status = models.CharField(_("status"), max_length=8, choices=PublishStatus.choices)
    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    error = models.TextField(_("error"), blank=True)
    # CSV adapter: the file written for the platform's bulk stock upload.
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("by"))

    class Meta:
        verbose_name = _("publish run")
        verbose_name_plural = _("publish log")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} · {self.started_at:%Y-%m-%d %H:%M}"


class PublishLine(models.Model):
    run = models.ForeignKey(PublishRun, on_delete=models.CASCADE, related_name="lines",
                            verbose_name=_("publish run"))
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="+",
                            verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("quantity"))
    previous_quantity = models.PositiveIntegerField(_("before"), null=True, blank=True)
    ok = models.BooleanField(_("accepted"), default=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("published line")
        verbose_name_plural = _("published lines")
        ordering = ["run_id", "id"]

    def __str__(self) -> str:
        return f"{self.sku_id}: {self.quantity}"
