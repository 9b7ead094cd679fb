"""Listing quality: the shop's word-list additions and exemptions, declared brand names,
per-channel title limits, per-category check settings, the check policy, and the stored
results of audits (one score per product, its findings, and bulk audit runs)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Category, Product
from zhanggui.core.models import ChangeTimeModel, TimeStampedModel


class Severity(models.TextChoices):
    BLOCKING = "blocking", _("blocking")
    WARNING = "warning", _("warning")
    HINT = "hint", _("hint")


class TermCategory(models.TextChoices):
    ABSOLUTE = "absolute", _("absolute term")
    STATE_ENDORSEMENT = "state_endorsement", _("state endorsement")
    MEDICAL = "medical", _("medical or efficacy claim")
    SUPERSTITION = "superstition", _("superstition")
    PROMOTION = "promotion", _("promotion wording")
    SHOP = "shop", _("shop rule")


class EntryKind(models.TextChoices):
    BANNED = "banned", _("banned term (addition)")
    EXEMPT = "exempt", _("exempt phrase")


class GoodsKind(models.TextChoices):
    GENERAL = "general", _("general goods")
    COSMETICS = "cosmetics", _("cosmetics")
    FOOD = "food", _("food")
    MEDICAL = "medical", _("medicine or medical device")


class WordListEntry(TimeStampedModel):
    """A shop-specific addition to, or exemption from, the built-in advertising-law word list."""

    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices,
                            default=EntryKind.BANNED)
    term = models.CharField(_("term or phrase"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=TermCategory.choices,
                                default=TermCategory.SHOP)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                default=Severity.BLOCKING)
    legal_basis = models.CharField(_("legal basis or reason"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("word-list entry")
        verbose_name_plural = _("word list")
        ordering = ["kind", "term"]

    def __str__(self) -> str:
        return self.term


class DeclaredBrand(TimeStampedModel):
    """A registered brand name the shop uses; it is never flagged (e.g. 永久 bicycles)."""

    name = models.CharField(_("brand name"), max_length=60, unique=True)
    registration_number = models.CharField(_("trademark registration number"), max_length=40,
                                           blank=True)

    class Meta:
        verbose_name = _("declared brand")
        verbose_name_plural = _("declared brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChannelTitleLimit(models.Model):
    """How long a title may be on a channel, counted in bytes (a Chinese character is 2)."""

    channel = models.SlugField(_("channel code"), max_length=30, unique=True)
    name = models.CharField(_("channel name"), max_length=40)
    max_bytes = models.PositiveSmallIntegerField(_("title limit (bytes)"), default=60,
                                                 validators=[MinValueValidator(10)])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel title limit")
        verbose_name_plural = _("channel title limits")
        ordering = ["channel"]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_bytes})"


class CategoryCheck(models.Model):
    """Per-category settings: what kind of goods (stricter wording lists for cosmetics and
    food, no medical-claim check for medical goods) and the core keywords a title must name."""

    category = models.OneToOneField(Category, on_delete=models.CASCADE,
                                    related_name="listing_check", verbose_name=_("category"))
    goods_kind = models.CharField(_("kind of goods"), max_length=10, choices=GoodsKind.choices,
                                  default=GoodsKind.GENERAL)
    core_keywords = models.JSONField(_("core keywords"), default=list, blank=True,
                                     help_text=_("e.g. [\"连衣裙\", \"裙\"]; empty: the category name"))

    class Meta:
        verbose_name = _("category check setting")
        verbose_name_plural = _("category check settings")

    def __str__(self) -> str:
        return str(self.category)


class ListingPolicy(models.Model):
    """The shop's thresholds (one row; defaults apply while there is none)."""

    min_image_count = models.PositiveSmallIntegerField(_("minimum images"), default=3)
    max_image_kilobytes = models.PositiveIntegerField(_("maximum image size (KB)"), default=200)
    sku_price_ratio = models.DecimalField(
        _("SKU price ratio limit"), max_digits=5, decimal_places=2, default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("1.10"))],
        help_text=_("a SKU priced more than this many times above or below its siblings' median"))
    min_video_seconds = models.PositiveSmallIntegerField(_("shortest main video (s)"), default=9)
    max_video_seconds = models.PositiveSmallIntegerField(_("longest main video (s)"), default=30)
    max_video_lines = models.PositiveSmallIntegerField(_("highest video resolution (p)"),
                                                       default=1080)
    short_title_share = models.DecimalField(
        _("short title share"), max_digits=3, decimal_places=2, default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("a title using less than this share of the channel limit gets a hint"))

    class Meta:
        verbose_name = _("listing check policy")
        verbose_name_plural = _("listing check policy")

    def __str__(self) -> str:
        return str(_("listing check policy"))


class AuditRunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class AuditRun(models.Model):
    """One bulk audit of the catalog (CLI, console button or task)."""

    status = models.CharField(_("status"), max_length=10, choices=AuditRunStatus.choices,
                              default=AuditRunStatus.QUEUED)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    product_count = models.PositiveIntegerField(_("products audited"), default=0)
    blocked_count = models.PositiveIntegerField(_("products with blocking findings"), default=0)
    average_score = models.DecimalField(_("average score"), max_digits=5, decimal_places=2,
                                        null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("audit run")
        verbose_name_plural = _("audit runs")
        ordering = ["-id"]
        permissions = [("run_audit", _("Can run listing checks"))]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class ProductScore(ChangeTimeModel):
    """The latest audit of one product: its 0–100 quality score and finding counts."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="listing_score",
                                   verbose_name=_("product"))
    score = models.PositiveSmallIntegerField(_("quality score"), db_index=True)
    blocking_count = models.PositiveSmallIntegerField(_("blocking"), default=0)
    warning_count = models.PositiveSmallIntegerField(_("warnings"), default=0)
    hint_count = models.PositiveSmallIntegerField(_("hints"), default=0)
    audited_at = models.DateTimeField(_("audited at"))

    class Meta:
        verbose_name = _("listing score")
        verbose_name_plural = _("listing report")
        ordering = ["score", "product_id"]
        permissions = [("override_listing_block", _("Can list a product despite blocking findings"))]

    def __str__(self) -> str:
        return f"{self.product} · {self.score}"


class Finding(models.Model):
    """One problem a check found in a product (messages are rendered from ``rule`` and
    ``params`` in the reader's language)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="listing_findings",
                                verbose_name=_("product"))
    rule = models.CharField(_("rule"), max_length=40, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    field = models.CharField(_("field"), max_length=80)
    params = models.JSONField(_("details"), default=dict, blank=True)
    start = models.IntegerField(_("start"), null=True, blank=True)
    end = models.IntegerField(_("end"), null=True, blank=True)
    audited_at = models.DateTimeField(_("audited at"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["product_id", "id"]

    def __str__(self) -> str:
        return f"{self.rule} · {self.field}"
