"""Pricing API: promotions, coupon templates and codes, shipping templates, and the
storefront's price-a-cart endpoint. Thin: ``require_perm`` first, then one action or query.
"""

from datetime import datetime
from decimal import Decimal

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.queries import get_sku
from zhanggui.core.schemas import ERRORS, INT_MAX, BoundedPagination, Id, Moment
from zhanggui.customers.queries import get_customer
from zhanggui.pricing import actions, queries
from zhanggui.pricing.models import (
    CouponKind,
    CouponTemplate,
    Promotion,
    PromotionKind,
    ScopeKind,
    ShippingBasis,
    ShippingTemplate,
)

router = Router()
MONEY = {"max_digits": 14, "decimal_places": 2}


class TierIn(Schema):
    threshold: Decimal = Field(gt=0, **MONEY)
    amount: Decimal = Field(gt=0, **MONEY)


class OfferFields(Schema):
    is_active: bool = True
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    scope: ScopeKind = ScopeKind.ALL
    scope_ids: list[Id] = []
    member_tiers: list[str] = []
    customer_tags: list[str] = []
    channels: list[str] = []
    segments: list[str] = Field([], description="segment codes; empty = everyone")
    is_birthday_only: bool = Field(False, description="only members in their birthday month")
    is_new_customers_only: bool = False
    min_amount: Decimal = Field(Decimal("0"), ge=0, **MONEY)
    budget_uses: int | None = Field(None, ge=0, le=INT_MAX)
    budget_amount: Decimal | None = Field(None, ge=0, **MONEY)
    per_customer_limit: int | None = Field(None, ge=0, le=INT_MAX)


class PromotionIn(OfferFields):
    name: str = Field(min_length=1, max_length=80)
    kind: PromotionKind
    exclusion_group: str = Field("", max_length=30)
    priority: int = Field(100, ge=0, le=32767)
    is_coupon_allowed: bool = True
    discount_rate: Decimal | None = Field(None, gt=0, le=1, max_digits=5, decimal_places=4)
    discount_amount: Decimal | None = Field(None, gt=0, **MONEY)
    special_price_amount: Decimal | None = Field(None, ge=0, **MONEY)
    tiers: list[TierIn] = []
    is_repeating: bool = False
    max_discount_amount: Decimal | None = Field(None, gt=0, **MONEY)
    min_quantity: int | None = Field(None, ge=1, le=INT_MAX)
    free_quantity: int | None = Field(None, ge=1, le=INT_MAX)
    stock_cap: int | None = Field(None, ge=0, le=INT_MAX)
    per_buyer_limit: int | None = Field(None, ge=1, le=INT_MAX)
    gift_sku_id: Id | None = None
    gift_quantity: int = Field(1, ge=1, le=INT_MAX)
    min_quantity_free_shipping: int | None = Field(None, ge=1, le=INT_MAX)


class PromotionPatch(Schema):
    name: str = Field(None, min_length=1, max_length=80)  # not null: required columns
    is_active: bool = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    budget_uses: int | None = Field(None, ge=0, le=INT_MAX)
    budget_amount: Decimal | None = Field(None, ge=0, **MONEY)
    stock_cap: int | None = Field(None, ge=0, le=INT_MAX)


class PromotionOut(Schema):
    id: int
    name: str
    kind: PromotionKind
    is_active: bool
    starts_at: datetime | None
    ends_at: datetime | None
    scope: ScopeKind
    scope_ids: list[int]
    exclusion_group: str
    discount_rate: Decimal | None
    discount_amount: Decimal | None
    special_price_amount: Decimal | None
    tiers: list[dict]
    is_repeating: bool
    budget_uses: int | None
    budget_amount: Decimal | None
    used_count: int
    used_amount: Decimal
    stock_cap: int | None
    sold_units: int
    segments: list[str]
    is_birthday_only: bool


class PromotionFilter(FilterSchema):
    state: str | None = Field(None, pattern="^(live|scheduled)$")
    kind: PromotionKind | None = None


class CouponTemplateIn(OfferFields):
    name: str = Field(min_length=1, max_length=80)
    kind: CouponKind
    discount_rate: Decimal | None = Field(None, gt=0, le=1, max_digits=5, decimal_places=4)
    discount_amount: Decimal | None = Field(None, gt=0, **MONEY)
    max_discount_amount: Decimal | None = Field(None, gt=0, **MONEY)
    valid_days: int | None = Field(None, ge=1, le=3650)
    issue_limit: int | None = Field(None, ge=0, le=INT_MAX)
    points_price: int | None = Field(None, ge=1, le=INT_MAX,
                                     description="points for one code; empty: not for points")


class CouponTemplateOut(Schema):
    id: int
    name: str
    kind: CouponKind
    is_active: bool
    discount_rate: Decimal | None
    discount_amount: Decimal | None
    min_amount: Decimal
    issued_count: int
    used_count: int
    used_amount: Decimal
    segments: list[str]
    is_birthday_only: bool
    points_price: int | None


class IssueIn(Schema):
    customer_ids: list[Id] = Field(default_factory=list, max_length=1000)
    count: int = Field(0, ge=0, le=10000)


class CouponOut(Schema):
    code: str
    customer_id: int | None
    status: str
    valid_until: datetime | None


class RegionRuleIn(Schema):
    province_codes: list[str] = Field(min_length=1)
    first_fee_amount: Decimal = Field(Decimal("0"), ge=0, **MONEY)
    additional_fee_amount: Decimal = Field(Decimal("0"), ge=0, **MONEY)
    is_excluded: bool = False


class ShippingTemplateIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    basis: ShippingBasis = ShippingBasis.WEIGHT
    first_units: Decimal = Field(Decimal("1"), ge=0, max_digits=8, decimal_places=2)
    first_fee_amount: Decimal = Field(ge=0, **MONEY)
    additional_units: Decimal = Field(Decimal("1"), gt=0, max_digits=8, decimal_places=2)
    additional_fee_amount: Decimal = Field(Decimal("0"), ge=0, **MONEY)
    is_remote_excluded: bool = False
    free_over_amount: Decimal | None = Field(None, ge=0, **MONEY)
    free_over_quantity: int | None = Field(None, ge=1, le=INT_MAX)
    is_default: bool = False
    rules: list[RegionRuleIn] = []


class RegionRuleOut(Schema):
    province_codes: list[str]
    first_fee_amount: Decimal
    additional_fee_amount: Decimal
    is_excluded: bool


class ShippingTemplateOut(Schema):
    id: int
    name: str
    basis: ShippingBasis
    first_units: Decimal
    first_fee_amount: Decimal
    additional_units: Decimal
    additional_fee_amount: Decimal
    is_remote_excluded: bool
    free_over_amount: Decimal | None
    free_over_quantity: int | None
    is_default: bool
    rules: list[RegionRuleOut]

    @staticmethod
    def resolve_rules(obj):
        return list(obj.rules.all())


class CartLineIn(Schema):
    sku_id: Id
    quantity: int = Field(gt=0, le=10000)


class PriceCartIn(Schema):
    customer_id: Id | None = None
    lines: list[CartLineIn] = Field(min_length=1, max_length=200)
    channel: str = Field("own", min_length=1, max_length=30)
    province_code: str = Field("", max_length=6)
    coupon_codes: list[str] = Field(default_factory=list, max_length=5)
    points: int = Field(0, ge=0, le=INT_MAX, description=(
        "loyalty points to pay with (积分抵扣): the engine takes what the balance and the "
        "points policy allow"))


# ---- promotions ---------------------------------------------------------------------------

@router.get("/promotions", response={200: list[PromotionOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_promotions(request, filters: Query[PromotionFilter]):
    require_perm(request, "pricing.view_promotion")
    return queries.list_promotions(**filters.model_dump())


@router.post("/promotions", response={201: PromotionOut, **ERRORS})
def create_promotion(request, payload: PromotionIn):
    require_perm(request, "pricing.add_promotion")
    data = payload.model_dump()
    if data["gift_sku_id"] is not None:
        data["gift_sku"] = get_sku(data.pop("gift_sku_id"))  # 404 when there is no such SKU
    data["tiers"] = [{"threshold": str(t["threshold"]), "amount": str(t["amount"])}
                     for t in data["tiers"]]
    promotion = actions.save_promotion(Promotion(**data), actor=request.user)
    return Status(201, promotion)


@router.get("/promotions/{promotion_id}", response={200: PromotionOut, **ERRORS})
def get_promotion(request, promotion_id: int):
    require_perm(request, "pricing.view_promotion")
    return queries.get_promotion(promotion_id)


@router.patch("/promotions/{promotion_id}", response={200: PromotionOut, **ERRORS})
def update_promotion(request, promotion_id: int, payload: PromotionPatch):
    """Change a promotion's name, window, activity, budget or flash-sale cap."""
    require_perm(request, "pricing.change_promotion")
    promotion = queries.get_promotion(promotion_id)
    for name, value in payload.model_dump(exclude_unset=True).items():
        setattr(promotion, name, value)
    return actions.save_promotion(promotion, actor=request.user)


# ---- coupons ------------------------------------------------------------------------------

@router.get("/coupon-templates", response={200: list[CouponTemplateOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_coupon_templates(request):
    require_perm(request, "pricing.view_coupontemplate")
    return queries.list_coupon_templates()


@router.post("/coupon-templates", response={201: CouponTemplateOut, **ERRORS})
def create_coupon_template(request, payload: CouponTemplateIn):
    require_perm(request, "pricing.add_coupontemplate")
    template = actions.save_coupon_template(CouponTemplate(**payload.model_dump()),
                                            actor=request.user)
    return Status(201, template)


@router.post("/coupon-templates/{template_id}/issue", response={201: list[CouponOut], **ERRORS})
def issue_coupons(request, template_id: int, payload: IssueIn):
    """Issue one code to each listed customer plus ``count`` codes for anyone."""
    require_perm(request, "pricing.add_coupon")
    template = queries.get_coupon_template(template_id)
    customers = [get_customer(pk) for pk in payload.customer_ids]
    coupons = actions.issue_coupons(template, customers=customers, count=payload.count,
                                    actor=request.user)
    return Status(201, coupons)


# ---- shipping templates -------------------------------------------------------------------

@router.get("/shipping-templates", response={200: list[ShippingTemplateOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_shipping_templates(request):
    require_perm(request, "pricing.view_shippingtemplate")
    return queries.list_shipping_templates()


@router.post("/shipping-templates", response={201: ShippingTemplateOut, **ERRORS})
def create_shipping_template(request, payload: ShippingTemplateIn):
    require_perm(request, "pricing.add_shippingtemplate")
    data = payload.model_dump()
    region_rules = data.pop("rules")
    template = actions.save_shipping_template(ShippingTemplate(**data), actor=request.user,
                                              region_rules=region_rules)
    return Status(201, queries.get_shipping_template(template.pk))


# ---- storefront ---------------------------------------------------------------------------

@router.post("/price-cart", response={200: dict, **ERRORS})
def price_cart(request, payload: PriceCartIn):
    """Price a cart as ``place_order`` would (offers, the best coupon, shipping) and explain
    every discount. Changes nothing; an order placed later is priced again."""
    require_perm(request, "pricing.price_cart")
    customer = get_customer(payload.customer_id) if payload.customer_id else None
    demand: dict[int, int] = {}
    for line in payload.lines:
        demand[line.sku_id] = demand.get(line.sku_id, 0) + line.quantity
    breakdown, _data = queries.price_cart(customer, demand, channel=payload.channel,
                                          province_code=payload.province_code,
                                          coupon_codes=payload.coupon_codes, points=payload.points)
    return breakdown.as_dict()
