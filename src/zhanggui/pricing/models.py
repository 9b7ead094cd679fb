"""Pricing: member tiers and price lists, price history, promotions, coupons and shipping
fee templates (运费模板).

The price engine itself is pure (``rules.py``); these models hold the offers it is given
(``queries.active_offers``) and the counters that budgets, flash-sale caps and per-customer
limits are checked against. Counters change only in ``actions.consume_offers``, under row
locks taken in primary-key order.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Sku
from zhanggui.core.models import TimeStampedModel
from zhanggui.core.money import MoneyField
from zhanggui.customers.models import Customer

RATE = {"max_digits": 5, "decimal_places": 4}


class MemberTier(models.Model):
    """A membership level (普通会员, 金卡, …); a higher ``rank`` is a better tier."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    # What it takes to hold the tier over the review period (TierPolicy.basis decides which
    # one counts); the lowest tier needs nothing.
    min_spend_amount = MoneyField(_("spend to qualify"), null=True, blank=True, default=None)
    min_points = models.PositiveIntegerField(_("points to qualify"), null=True, blank=True)
    points_multiplier = models.DecimalField(
        _("points multiplier"), max_digits=4, decimal_places=2, default=Decimal("1"),
        help_text=_("points earned per yuan are multiplied by this (1.5 for a gold tier)"))

    class Meta:
        verbose_name = _("member tier")
        verbose_name_plural = _("member tiers")
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.name


class CustomerMembership(TimeStampedModel):
    """A customer's tier. Kept in pricing so the customers app needs no change."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="membership",
                                    verbose_name=_("customer"))
    tier = models.ForeignKey(MemberTier, on_delete=models.PROTECT, related_name="memberships",
                             verbose_name=_("member tier"))
    tier_since = models.DateTimeField(_("in this tier since"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.customer} · {self.tier}"


class TierBasis(models.TextChoices):
    SPEND = "spend", _("spend in the review period")
    POINTS = "points", _("points earned in the review period")


class TierPolicy(models.Model):
    """How members move between tiers (one row; defaults until someone changes it).

    A member moves up as soon as the basis reaches a better tier's threshold; moving down
    happens only at the review, every ``review_months``, on the basis over that period.
    """

    basis = models.CharField(_("tiers by"), max_length=8, choices=TierBasis.choices,
                             default=TierBasis.SPEND)
    review_months = models.PositiveSmallIntegerField(_("review period (months)"), default=12)
    is_downgrade_one_step = models.BooleanField(
        _("down one tier at a time"), default=True,
        help_text=_("at a review a member falls at most one tier"))

    class Meta:
        verbose_name = _("tier policy")
        verbose_name_plural = _("tier policy")
        constraints = [models.CheckConstraint(condition=Q(review_months__gte=1),
                                              name="tier_policy_review_months_positive")]

    def __str__(self) -> str:
        return str(_("tier policy"))


class PriceListKind(models.TextChoices):
    MEMBER = "member", _("member-tier price")
    CHANNEL = "channel", _("channel price")


class PriceList(TimeStampedModel):
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=PriceListKind.choices)
    tier = models.ForeignKey(MemberTier, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="price_lists", verbose_name=_("member tier"))
    channel = models.CharField(_("channel"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="member", tier__isnull=False)
                           | Q(kind="channel", tier__isnull=True) & ~Q(channel="")),
                name="price_list_kind_matches_target"),
        ]

    def __str__(self) -> str:
        return self.name


class PriceListEntry(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries",
                                   verbose_name=_("price list"))
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="price_list_entries",
                            verbose_name=_("SKU"))
    price_amount = MoneyField(_("price"))

    class Meta:
        verbose_name = _("price list entry")
        verbose_name_plural = _("price list entries")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "sku"], name="price_entry_unique_sku"),
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="price_entry_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} @ {self.price_amount}"


class PriceHistory(models.Model):
    """A SKU's selling price from ``recorded_at`` on (for the 30-day lowest price rule)."""

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="price_history",
                            verbose_name=_("SKU"))
    price_amount = MoneyField(_("price"))
    source = models.CharField(_("source"), max_length=30, default="list")
    recorded_at = models.DateTimeField(_("recorded at"), db_index=True)

    class Meta:
        verbose_name = _("price history")
        verbose_name_plural = _("price history")
        ordering = ["sku_id", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sku_id} {self.price_amount} {self.recorded_at:%Y-%m-%d}"


class PromotionKind(models.TextChoices):
    ITEM_PERCENT = "item_percent", _("item discount (percent)")
    ITEM_FIXED = "item_fixed", _("item discount (amount off)")
    FLASH_SALE = "flash_sale", _("flash sale 限时秒杀")
    THRESHOLD = "threshold", _("threshold discount 满减")
    N_PIECES = "n_pieces", _("N pieces at M% (N 件 M 折)")
    BUY_X_GET_Y = "buy_x_get_y", _("buy X get Y")
    BUNDLE = "bundle", _("bundle at a set price 套装")
    GIFT = "gift", _("gift with purchase 满赠")
    FIRST_ORDER = "first_order", _("new-customer first-order offer")
    FREE_SHIPPING = "free_shipping", _("free shipping")


class ScopeKind(models.TextChoices):
    ALL = "all", _("whole shop")
    CATEGORIES = "categories", _("categories")
    PRODUCTS = "products", _("products")
    SKUS = "skus", _("SKUs")


class Offer(TimeStampedModel):
    """What promotions and coupon templates share: scope, eligibility, time window, budget."""

    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, db_index=True)
    scope = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices,
                             default=ScopeKind.ALL)
    scope_ids = models.JSONField(_("scope ids"), default=list, blank=True,
                                 help_text=_("ids of the categories, products or SKUs in scope"))
    member_tiers = models.JSONField(_("member tiers"), default=list, blank=True,
                                    help_text=_("tier codes; empty = everyone"))
    customer_tags = models.JSONField(_("customer tags"), default=list, blank=True,
                                     help_text=_("customer tag names; empty = everyone"))
    channels = models.JSONField(_("channels"), default=list, blank=True,
                                help_text=_("channel codes; empty = every channel"))
    segments = models.JSONField(_("segments"), default=list, blank=True,
                                help_text=_("segment codes; empty = everyone"))
    is_birthday_only = models.BooleanField(
        _("birthday benefit"), default=False,
        help_text=_("only for members in their birthday month"))
    is_new_customers_only = models.BooleanField(_("new customers only"), default=False)
    min_amount = MoneyField(_("minimum spend"))
    budget_uses = models.PositiveIntegerField(_("budget (uses)"), null=True, blank=True)
    budget_amount = MoneyField(_("budget (amount)"), null=True, blank=True, default=None)
    per_customer_limit = models.PositiveIntegerField(_("uses per customer"), null=True, blank=True)
    used_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    used_amount = MoneyField(_("discount given"), editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Promotion(Offer):
    kind = models.CharField(_("kind"), max_length=16, choices=PromotionKind.choices)
    exclusion_group = models.CharField(
        _("exclusion group"), max_length=30, blank=True,
        help_text=_("of the offers sharing a group only the best one applies"))
    priority = models.PositiveSmallIntegerField(_("priority"), default=100,
                                                help_text=_("lower wins a tie"))
    is_coupon_allowed = models.BooleanField(_("coupons may be added"), default=True)
    discount_rate = models.DecimalField(_("discount rate"), **RATE, null=True, blank=True,
                                        help_text=_("fraction taken off: 0.2 takes 20 percent off (8 折)"))
    discount_amount = MoneyField(_("amount off"), null=True, blank=True, default=None)
    special_price_amount = MoneyField(_("special price"), null=True, blank=True, default=None,
                                      help_text=_("flash-sale unit price or bundle price"))
    tiers = models.JSONField(_("threshold tiers"), default=list, blank=True,
                             help_text=_('[{"threshold": "200", "amount": "20"}, …]'))
    is_repeating = models.BooleanField(_("repeating (每满)"), default=False)
    max_discount_amount = MoneyField(_("discount cap"), null=True, blank=True, default=None)
    min_quantity = models.PositiveIntegerField(_("N pieces / buy X"), null=True, blank=True)
    free_quantity = models.PositiveIntegerField(_("get Y free"), null=True, blank=True)
    stock_cap = models.PositiveIntegerField(_("flash-sale stock cap"), null=True, blank=True)
    per_buyer_limit = models.PositiveIntegerField(_("units per buyer"), null=True, blank=True)
    sold_units = models.PositiveIntegerField(_("units sold at the offer"), default=0,
                                             editable=False)
    gift_sku = models.ForeignKey(Sku, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("gift SKU"))
    gift_quantity = models.PositiveIntegerField(_("gift units"), default=1)
    min_quantity_free_shipping = models.PositiveIntegerField(
        _("free shipping from units"), null=True, blank=True)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-starts_at", "-id"]
        permissions = [("price_cart", _("Can price a cart (storefront, preview)"))]
        constraints = [
            models.CheckConstraint(condition=Q(stock_cap__isnull=True) | Q(sold_units__lte=F("stock_cap")),
                                   name="promotion_sold_within_cap"),
            models.CheckConstraint(condition=Q(budget_uses__isnull=True)
                                   | Q(used_count__lte=F("budget_uses")),
                                   name="promotion_uses_within_budget"),
            models.CheckConstraint(condition=Q(budget_amount__isnull=True)
                                   | Q(used_amount__lte=F("budget_amount")),
                                   name="promotion_amount_within_budget"),
        ]


class CouponKind(models.TextChoices):
    FIXED = "fixed", _("amount off")
    PERCENT = "percent", _("percent off")


class CouponTemplate(Offer):
    """A kind of coupon; codes issued from it are ``Coupon`` rows."""

    kind = models.CharField(_("kind"), max_length=10, choices=CouponKind.choices)
    discount_rate = models.DecimalField(_("discount rate"), **RATE, null=True, blank=True,
                                        help_text=_("fraction taken off: 0.5 = 5 折"))
    discount_amount = MoneyField(_("amount off"), null=True, blank=True, default=None)
    max_discount_amount = MoneyField(_("discount cap"), null=True, blank=True, default=None)
    valid_days = models.PositiveIntegerField(
        _("valid days after issue"), null=True, blank=True,
        help_text=_("empty: valid within the template's time window"))
    issue_limit = models.PositiveIntegerField(_("codes to issue at most"), null=True, blank=True)
    issued_count = models.PositiveIntegerField(_("codes issued"), default=0, editable=False)
    points_price = models.PositiveIntegerField(
        _("points for one code"), null=True, blank=True,
        help_text=_("members may exchange this many points for a code; empty: not for points"))

    class Meta:
        verbose_name = _("coupon template")
        verbose_name_plural = _("coupon templates")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget_uses__isnull=True)
                                   | Q(used_count__lte=F("budget_uses")),
                                   name="coupon_uses_within_budget"),
            models.CheckConstraint(condition=Q(budget_amount__isnull=True)
                                   | Q(used_amount__lte=F("budget_amount")),
                                   name="coupon_amount_within_budget"),
        ]


class CouponStatus(models.TextChoices):
    ISSUED = "issued", _("issued")
    USED = "used", _("used")
    VOID = "void", _("void")


class Coupon(models.Model):
    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="coupons",
                                 verbose_name=_("coupon template"))
    code = models.CharField(_("code"), max_length=32, unique=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="coupons", verbose_name=_("customer"))
    status = models.CharField(_("status"), max_length=8, choices=CouponStatus.choices,
                              default=CouponStatus.ISSUED, db_index=True)
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    order_reference = models.CharField(_("order"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.code


class OfferUsage(models.Model):
    """One order's use of a promotion or coupon template (per-customer limits, budgets)."""

    promotion = models.ForeignKey(Promotion, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="usages", verbose_name=_("promotion"))
    coupon_template = models.ForeignKey(CouponTemplate, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="usages",
                                        verbose_name=_("coupon template"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    order_reference = models.CharField(_("order"), max_length=60, db_index=True)
    units = models.PositiveIntegerField(_("units"), default=0)
    discount_amount = MoneyField(_("discount"))
    used_at = models.DateTimeField(_("used at"))

    class Meta:
        verbose_name = _("offer usage")
        verbose_name_plural = _("offer usages")
        ordering = ["-used_at", "-id"]
        indexes = [models.Index(fields=["customer", "promotion"]),
                   models.Index(fields=["customer", "coupon_template"])]
        constraints = [
            models.CheckConstraint(condition=Q(promotion__isnull=False) | Q(coupon_template__isnull=False),
                                   name="offer_usage_names_an_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.order_reference} {self.discount_amount}"


class ShippingBasis(models.TextChoices):
    WEIGHT = "weight", _("by weight (kg)")
    PIECE = "piece", _("by piece")
    VOLUME = "volume", _("by volume (litre)")


class ShippingTemplate(TimeStampedModel):
    """运费模板: first unit + each additional unit, per region; remote regions separately."""

    name = models.CharField(_("name"), max_length=60)
    basis = models.CharField(_("basis"), max_length=8, choices=ShippingBasis.choices,
                             default=ShippingBasis.WEIGHT)
    first_units = models.DecimalField(_("first units"), max_digits=8, decimal_places=2, default=1)
    first_fee_amount = MoneyField(_("first fee"))
    additional_units = models.DecimalField(_("each additional units"), max_digits=8,
                                           decimal_places=2, default=1)
    additional_fee_amount = MoneyField(_("additional fee"))
    is_remote_excluded = models.BooleanField(
        _("exclude remote regions"), default=False,
        help_text=_("remote provinces without their own rule cannot be shipped to"))
    free_over_amount = MoneyField(_("free shipping from amount"), null=True, blank=True, default=None)
    free_over_quantity = models.PositiveIntegerField(_("free shipping from units"), null=True,
                                                     blank=True)
    is_default = models.BooleanField(_("shop default"), default=False)

    class Meta:
        verbose_name = _("shipping template")
        verbose_name_plural = _("shipping templates")
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="shipping_template_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class ShippingRegionRule(models.Model):
    template = models.ForeignKey(ShippingTemplate, on_delete=models.CASCADE, related_name="rules",
                                 verbose_name=_("shipping template"))
    province_codes = models.JSONField(_("provinces"), default=list,
                                      help_text=_("province adcodes, e.g. [\"650000\", \"540000\"]"))
    first_fee_amount = MoneyField(_("first fee"))
    additional_fee_amount = MoneyField(_("additional fee"))
    is_excluded = models.BooleanField(_("not shipped"), default=False)

    class Meta:
        verbose_name = _("region rule")
        verbose_name_plural = _("region rules")
        ordering = ["template_id", "id"]

    def __str__(self) -> str:
        return ",".join(self.province_codes)


class SkuShippingSize(models.Model):
    """A SKU's parcel volume, for templates priced by volume (weight is on the SKU)."""

    sku = models.OneToOneField(Sku, on_delete=models.CASCADE, related_name="shipping_size",
                               verbose_name=_("SKU"))
    volume_cm3 = models.PositiveIntegerField(_("volume (cm³)"), default=0)

    class Meta:
        verbose_name = _("SKU parcel size")
        verbose_name_plural = _("SKU parcel sizes")

    def __str__(self) -> str:
        return f"{self.sku_id}: {self.volume_cm3} cm³"
