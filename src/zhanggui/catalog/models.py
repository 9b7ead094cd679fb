"""Catalog: a category tree with attribute definitions, products (SPU) and their SKUs."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import MoneyField


class Category(TimeStampedModel):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent"),
    )
    name = models.CharField(_("name"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), default=1, editable=False)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["level", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Category"]:
        """This category's ancestors from the root down, excluding itself."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        return " / ".join([c.name for c in self.ancestors()] + [self.name])


class AttributeType(models.TextChoices):
    TEXT = "text", _("text")
    NUMBER = "number", _("number")
    CHOICE = "choice", _("choice")
    BOOLEAN = "boolean", _("yes/no")


class AttributeDefinition(models.Model):
    """An attribute products of a category (and its subcategories) carry, e.g. 材质."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="attribute_definitions",
        verbose_name=_("category"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=40)
    value_type = models.CharField(
        _("value type"), max_length=10, choices=AttributeType.choices, default=AttributeType.TEXT
    )
    choices = models.JSONField(_("allowed values"), default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("attribute definition")
        verbose_name_plural = _("attribute definitions")
        ordering = ["category", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="attribute_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    LISTED = "listed", _("listed")
    DELISTED = "delisted", _("delisted")


class ListingReason(models.TextChoices):
    NONE = "", _("—")
    NEW = "new", _("new listing")
    RESTOCKED = "restocked", _("back in stock")
    STOCK_OUT = "stock_out", _("out of stock")
    QUALITY_ISSUE = "quality_issue", _("quality issue")
    SLOW_SELLER = "slow_seller", _("slow seller")
    RULE_VIOLATION = "rule_violation", _("rule violation")
    SEASON_END = "season_end", _("end of season")
    MANUAL = "manual", _("manual decision")


class Product(TimeStampedModel):
    """A product as the buyer sees one listing (SPU)."""

    code = models.CharField(_("product code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=120)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    option_names = models.JSONField(
        _("option names"), default=list, blank=True, help_text=_("e.g. [\"颜色\", \"尺码\"]")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="products", verbose_name=_("tags"))
    status = models.CharField(
        _("listing status"), max_length=10, choices=ListingStatus.choices,
        default=ListingStatus.DRAFT, db_index=True,
    )
    status_reason = models.CharField(
        _("status reason"), max_length=20, choices=ListingReason.choices, blank=True, default=""
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class Sku(TimeStampedModel):
    """One buyable variant of a product, e.g. 红色 / M."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="skus", verbose_name=_("product")
    )
    code = models.CharField(_("SKU code"), max_length=60, unique=True)
    option_values = models.JSONField(_("option values"), default=dict, blank=True)
    price_amount = MoneyField(_("price"))
    cost_amount = MoneyField(_("cost price"))
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    barcode = models.CharField(_("barcode"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["product_id", "id"]
        permissions = [("view_cost", _("Can see cost prices"))]
        constraints = [
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="sku_price_not_negative"),
            models.CheckConstraint(condition=Q(cost_amount__gte=0), name="sku_cost_not_negative"),
        ]

    def __str__(self) -> str:
        options = " / ".join(str(v) for v in (self.option_values or {}).values())
        return f"{self.code} {options}".strip()


class MediaKind(models.TextChoices):
    IMAGE = "image", _("image")
    VIDEO = "video", _("video")


class ProductMedia(models.Model):
    """Metadata of a product image or video (files live in object storage)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="media", verbose_name=_("product")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MediaKind.choices)
    url = models.CharField(_("URL"), max_length=300)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    width = models.PositiveIntegerField(_("width (px)"), default=0)
    height = models.PositiveIntegerField(_("height (px)"), default=0)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), default=0)
    is_main = models.BooleanField(_("main"), default=False)
    sort_order = models.IntegerField(_("sort order"), default=0)
    alt_text = models.CharField(_("alt text"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("product media")
        verbose_name_plural = _("product media")
        ordering = ["product", "sort_order", "id"]

    def __str__(self) -> str:
        return self.url


class ProductAffinity(models.Model):
    """"Bought together": for one product, the products most often bought with it, ranked.

    Computed on top (``insights.recommend``) after each warehouse refresh and written here
    through ``catalog.actions.replace_product_affinities``; the storefront API and the
    campaigns read these rows.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="affinities",
                                verbose_name=_("product"))
    related = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("bought with"))
    rank = models.PositiveSmallIntegerField(_("place in the list"))
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=6)
    baskets = models.PositiveIntegerField(_("baskets with both"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("bought together")
        verbose_name_plural = _("bought together")
        ordering = ["product", "rank"]
        constraints = [models.UniqueConstraint(fields=("product", "related"),
                                               name="catalog_affinity_once")]

    def __str__(self) -> str:
        return f"{self.product_id} → {self.related_id}"
