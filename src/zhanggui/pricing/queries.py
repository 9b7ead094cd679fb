"""Pricing reads: the engine's inputs built from the database (offers, coupons, member and
channel prices, the shop's shipping template, the buyer's context), the 30-day lowest price,
and lists for the console and the API.

``price_cart`` is the one entry point that storefront previews and ``orders.place_order``
share (the latter through ``actions.price_for_order``, which locks the offer rows first).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from zhanggui.catalog.models import Sku
from zhanggui.core.errors import NotFound
from zhanggui.core.money import ZERO
from zhanggui.customers.models import Customer
from zhanggui.pricing import queries_membership, rules, rules_prices
from zhanggui.pricing.errors import CouponNotFound, CouponNotUsable, RegionNotShipped
from zhanggui.pricing.models import (
    Coupon,
    CouponStatus,
    CouponTemplate,
    CustomerMembership,
    OfferUsage,
    PriceHistory,
    PriceListEntry,
    PriceListKind,
    Promotion,
    ShippingTemplate,
)

SKU_RELATED = ("product__category__parent__parent", "shipping_size")
# Orders that do not make a buyer an existing customer.
NOT_COUNTED_STATUSES = ("cancelled", "closed")


@dataclass
class PricingInput:
    """Everything the engine needs for one cart, and the rows it was built from."""

    lines: list[rules.CartLine]
    buyer: rules.Buyer
    offers: list[rules.OfferSpec]
    coupons: list[rules.CouponSpec]
    overrides: list[rules.PriceOverride]
    shipping: rules.ShippingSpec | None
    promotions: dict[int, Promotion]
    coupon_rows: dict[str, Coupon]
    points: rules.PointsRequest | None = None


# ---- buyer and cart -----------------------------------------------------------------------

def is_new_customer(customer: Customer) -> bool:
    """No order placed before (cancelled and closed ones do not count).

    Pricing sits below orders in the layers, so it reads the order table through the app
    registry instead of importing the orders app.
    """
    order_model = apps.get_model("orders", "Order")
    return not order_model.objects.filter(customer=customer).exclude(
        status__in=NOT_COUNTED_STATUSES).exists()


def context_needs(offers: Iterable) -> set[str]:
    """Which parts of the buyer's context some offer's eligibility reads ("tier", "tags",
    "new"); the others need not be queried, since no offer depends on them."""
    needs = set()
    for offer in offers:
        if offer.member_tiers:
            needs.add("tier")
        if offer.customer_tags:
            needs.add("tags")
        if offer.is_new_customers_only or getattr(offer, "kind", "") == "first_order":
            needs.add("new")
        if getattr(offer, "segments", None):
            needs.add("segments")
        if getattr(offer, "is_birthday_only", False):
            needs.add("birthday")
    return needs


def buyer_context(customer: Customer | None, *, is_new: bool | None = None,
                  needs: set[str] | None = None) -> rules.Buyer:
    """The buyer as the engine sees it: member tier, tags, new customer or not, segments,
    birthday month. With ``needs`` only those parts are read (the rest stay empty: no offer
    looks at them)."""
    needs = {"tier", "tags", "new", "segments", "birthday"} if needs is None else needs
    if customer is None:
        return rules.Buyer(is_new_customer=bool(is_new))
    membership = (CustomerMembership.objects.filter(customer=customer)
                  .values_list("tier__code", flat=True).first()) if needs & {"tier", "birthday"} else ""
    segments = queries_membership.buyer_segments(customer) if "segments" in needs else frozenset()
    birthday = customer.birthday if "birthday" in needs else None
    tags = frozenset(customer.tags.values_list("name", flat=True)) if "tags" in needs else frozenset()
    if is_new is None:
        is_new = is_new_customer(customer) if "new" in needs else False
    return rules.Buyer(customer_id=customer.pk, member_tier=membership or "", tags=tags,
                       is_new_customer=is_new, segments=segments, is_member=bool(membership),
                       birthday_month=birthday.month if birthday else None)


def _category_chain(sku: Sku) -> frozenset[int]:
    node, ids = sku.product.category, set()
    while node is not None:
        ids.add(node.pk)
        node = node.parent
    return frozenset(ids)


def cart_lines(skus: Mapping[int, Sku], demand: Mapping[int, int]) -> list[rules.CartLine]:
    """Engine lines for SKUs fetched with ``select_related(*SKU_RELATED)``."""
    lines = []
    for sku_id, quantity in sorted(demand.items()):
        sku = skus[sku_id]
        size = getattr(sku, "shipping_size", None)
        lines.append(rules.CartLine(
            sku_id=sku_id, quantity=quantity, unit_price=sku.price_amount,
            product_id=sku.product_id, category_ids=_category_chain(sku),
            weight_grams=sku.weight_grams, volume_cm3=size.volume_cm3 if size else 0))
    return lines


def load_skus(sku_ids: Iterable[int]) -> dict[int, Sku]:
    return {s.pk: s for s in Sku.objects.select_related(*SKU_RELATED).filter(pk__in=set(sku_ids))}


# ---- offers -------------------------------------------------------------------------------

def live_promotions(at: datetime) -> QuerySet[Promotion]:
    return Promotion.objects.filter(
        Q(starts_at__isnull=True) | Q(starts_at__lte=at),
        Q(ends_at__isnull=True) | Q(ends_at__gt=at), is_active=True)


def _eligibility(offer) -> rules.Eligibility:
    return rules.Eligibility(
        member_tiers=frozenset(offer.member_tiers or ()), customer_tags=frozenset(offer.customer_tags or ()),
        channels=frozenset(offer.channels or ()),
        is_new_customers_only=offer.is_new_customers_only or getattr(offer, "kind", "") == "first_order",
        starts_at=offer.starts_at, ends_at=offer.ends_at, segments=frozenset(offer.segments or ()),
        is_birthday_only=offer.is_birthday_only)


def _scope(offer) -> rules.Scope:
    return rules.Scope(offer.scope, frozenset(int(i) for i in offer.scope_ids or ()))


def _left(limit, used):
    return None if limit is None else max(limit - used, 0)


def _customer_left(offer, used_by_customer: int) -> int | None:
    budget = _left(offer.budget_uses, offer.used_count)
    own = _left(offer.per_customer_limit, used_by_customer)
    if budget is None or own is None:
        return own if budget is None else budget
    return min(budget, own)


def promotion_spec(promotion: Promotion, *, uses_by_customer: int = 0,
                   units_by_customer: int = 0) -> rules.OfferSpec:
    units_left = None
    if promotion.kind == "flash_sale":
        cap = _left(promotion.stock_cap, promotion.sold_units)
        own = _left(promotion.per_buyer_limit, units_by_customer)
        units_left = own if cap is None else (cap if own is None else min(cap, own))
    tiers = tuple((Decimal(str(t["threshold"])), Decimal(str(t["amount"])))
                  for t in promotion.tiers or ())
    return rules.OfferSpec(
        key=f"promotion:{promotion.pk}", kind=promotion.kind, name=promotion.name,
        offer_id=promotion.pk, scope=_scope(promotion), eligibility=_eligibility(promotion),
        exclusion_group=promotion.exclusion_group, priority=promotion.priority,
        is_coupon_allowed=promotion.is_coupon_allowed, discount_rate=promotion.discount_rate,
        discount_amount=promotion.discount_amount, special_price=promotion.special_price_amount,
        tiers=tiers, is_repeating=promotion.is_repeating,
        max_discount=promotion.max_discount_amount, min_amount=promotion.min_amount,
        min_quantity=promotion.min_quantity_free_shipping if promotion.kind == "free_shipping"
        else promotion.min_quantity,
        free_quantity=promotion.free_quantity, gift_sku_id=promotion.gift_sku_id,
        gift_quantity=promotion.gift_quantity, units_left=units_left,
        uses_left=_customer_left(promotion, uses_by_customer),
        amount_left=_left(promotion.budget_amount, promotion.used_amount))


def _usage_by_customer(customer: Customer | None, promotions: list[Promotion]) -> dict[int, tuple[int, int]]:
    limited = [p.pk for p in promotions if p.per_customer_limit is not None
               or p.per_buyer_limit is not None]
    if customer is None or not limited:
        return {}
    rows = (OfferUsage.objects.filter(customer=customer, promotion_id__in=limited)
            .values("promotion_id").annotate(uses=Count("id"), units=Sum("units")))
    return {row["promotion_id"]: (row["uses"], row["units"] or 0) for row in rows}


def promotion_specs(promotions: list[Promotion], customer: Customer | None, *,
                    flash_units: Mapping[int, int] | None = None) -> list[rules.OfferSpec]:
    """``flash_units``: promotion id → the units this order may take at the flash-sale price
    at most (reserved beforehand in Redis by ``orders.flash_sale``)."""
    usage = _usage_by_customer(customer, promotions)
    specs = [promotion_spec(p, uses_by_customer=usage.get(p.pk, (0, 0))[0],
                            units_by_customer=usage.get(p.pk, (0, 0))[1]) for p in promotions]
    if flash_units:
        specs = [replace(s, units_left=min(flash_units[s.offer_id], s.units_left)
                         if s.units_left is not None else flash_units[s.offer_id])
                 if s.kind == "flash_sale" and s.offer_id in flash_units else s for s in specs]
    return specs


def find_coupons(codes: Iterable[str], *, for_update: bool = False) -> dict[str, Coupon]:
    codes = sorted({c.strip().upper() for c in codes if c and c.strip()})
    if not codes:
        return {}
    rows = Coupon.objects.select_related("template").filter(code__in=codes).order_by("pk")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    found = {c.code: c for c in rows}
    missing = [code for code in codes if code not in found]
    if missing:
        raise CouponNotFound(code=missing[0])
    return found


def coupon_problem(coupon: Coupon, customer: Customer | None, at: datetime) -> str | None:
    if coupon.status != CouponStatus.ISSUED:
        return "already used" if coupon.status == CouponStatus.USED else "void"
    if coupon.customer_id is not None and (customer is None or coupon.customer_id != customer.pk):
        return "issued to another customer"
    if coupon.valid_until is not None and at >= coupon.valid_until:
        return "expired"
    if not coupon.template.is_active:
        return "template inactive"
    return None


def coupon_spec(coupon: Coupon, *, uses_by_customer: int = 0) -> rules.CouponSpec:
    template = coupon.template
    return rules.CouponSpec(
        key=f"coupon:{coupon.code}", code=coupon.code, name=template.name, kind=template.kind,
        template_id=template.pk, scope=_scope(template), eligibility=_eligibility(template),
        discount_rate=template.discount_rate, discount_amount=template.discount_amount,
        max_discount=template.max_discount_amount, min_amount=template.min_amount,
        uses_left=_customer_left(template, uses_by_customer),
        amount_left=_left(template.budget_amount, template.used_amount))


def coupon_specs(coupons: Mapping[str, Coupon], customer: Customer | None,
                 at: datetime) -> list[rules.CouponSpec]:
    """Specs of usable coupons; a coupon that cannot be used at all is an error, not a
    silent no-op, so the buyer learns why."""
    if not coupons:
        return []
    templates = {c.template_id for c in coupons.values()}
    used = {}
    if customer is not None:
        used = dict(OfferUsage.objects.filter(customer=customer, coupon_template_id__in=templates)
                    .values("coupon_template_id").annotate(n=Count("id"))
                    .values_list("coupon_template_id", "n"))
    specs = []
    for code, coupon in sorted(coupons.items()):
        problem = coupon_problem(coupon, customer, at)
        if problem:
            raise CouponNotUsable(code=code, problem=problem)
        specs.append(coupon_spec(coupon, uses_by_customer=used.get(coupon.template_id, 0)))
    return specs


def price_overrides(customer: Customer | None, channel: str,
                    sku_ids: Iterable[int]) -> list[rules.PriceOverride]:
    """The member-tier price of the customer's tier and the channel price, per SKU (one
    query: the tier is joined through the customer's membership)."""
    condition = Q(price_list__kind=PriceListKind.CHANNEL, price_list__channel=channel)
    if customer is not None:
        condition |= Q(price_list__kind=PriceListKind.MEMBER,
                       price_list__tier__memberships__customer=customer)
    rows = (PriceListEntry.objects.filter(condition, price_list__is_active=True, sku_id__in=set(sku_ids))
            .values_list("sku_id", "price_amount", "price_list_id", "price_list__name", "price_list__kind"))
    return [rules.PriceOverride(f"{kind}:{list_id}", name, sku_id, price)
            for sku_id, price, list_id, name, kind in rows]


def shipping_spec(template: ShippingTemplate | None = None) -> rules.ShippingSpec | None:
    """The engine's view of ``template`` (default: the shop's default template, if any)."""
    if template is None:
        template = ShippingTemplate.objects.filter(is_default=True).prefetch_related("rules").first()
        if template is None:
            return None
    region_rules = tuple(
        rules.RegionRule(frozenset(r.province_codes), r.first_fee_amount, r.additional_fee_amount,
                         r.is_excluded) for r in template.rules.all())
    return rules.ShippingSpec(
        template_id=template.pk, name=template.name, basis=template.basis,
        first_units=template.first_units, first_fee=template.first_fee_amount,
        additional_units=template.additional_units, additional_fee=template.additional_fee_amount,
        region_rules=region_rules, is_remote_excluded=template.is_remote_excluded,
        free_over_amount=template.free_over_amount, free_over_quantity=template.free_over_quantity)


def pricing_input(customer: Customer | None, skus: Mapping[int, Sku], demand: Mapping[int, int], *,
                  channel: str, at: datetime, promotions: list[Promotion],
                  coupons: Mapping[str, Coupon], is_new: bool | None = None,
                  points: int = 0, flash_units: Mapping[int, int] | None = None) -> PricingInput:
    needs = context_needs([*promotions, *(c.template for c in coupons.values())])
    buyer = buyer_context(customer, is_new=is_new, needs=needs)
    return PricingInput(
        lines=cart_lines(skus, demand), buyer=buyer,
        offers=promotion_specs(promotions, customer, flash_units=flash_units),
        coupons=coupon_specs(coupons, customer, at),
        overrides=price_overrides(customer, channel, demand), shipping=shipping_spec(),
        promotions={p.pk: p for p in promotions}, coupon_rows=dict(coupons),
        points=queries_membership.points_request(customer, points, at=at))


def run_engine(data: PricingInput, *, channel: str, at: datetime, province_code: str,
               manual_discount: Decimal = ZERO) -> rules.Breakdown:
    """Run the engine on ``data``.

    Raises:
        RegionNotShipped: the default template excludes the destination.
    """
    try:
        return rules.price_cart(
            data.lines, buyer=data.buyer, channel=channel, at=queries_membership.shop_now(at),
            offers=data.offers, coupons=data.coupons, price_overrides=data.overrides,
            shipping=data.shipping, province_code=province_code, manual_discount=manual_discount,
            points=data.points)
    except rules.RegionNotShipped as exc:
        from zhanggui.core.regions import get_province

        province = get_province(exc.province_code)
        raise RegionNotShipped(province=province.name if province else exc.province_code) from None


def price_cart(customer: Customer | None, demand: Mapping[int, int], *, channel: str = "own",
               province_code: str = "", coupon_codes: Iterable[str] = (),
               at: datetime | None = None, is_new: bool | None = None,
               points: int = 0) -> tuple[rules.Breakdown, PricingInput]:
    """Price a cart without changing anything (storefront preview, the console's try-a-cart).
    ``points``: how many loyalty points the buyer would pay with (the engine takes what the
    balance and the points policy allow).

    Raises:
        NotFound: an unknown SKU.
        CouponNotFound, CouponNotUsable: a coupon code that cannot be used.
        RegionNotShipped: the shop does not ship to ``province_code``.
    """
    at = at or timezone.now()
    skus = load_skus(demand)
    if len(skus) != len(set(demand)):
        raise NotFound()
    data = pricing_input(customer, skus, demand, channel=channel, at=at,
                         promotions=list(live_promotions(at)), coupons=find_coupons(coupon_codes),
                         is_new=is_new, points=points)
    return run_engine(data, channel=channel, at=at, province_code=province_code), data


# ---- console and API reads ----------------------------------------------------------------

def get_promotion(promotion_id: int) -> Promotion:
    try:
        return Promotion.objects.get(pk=promotion_id)
    except Promotion.DoesNotExist:
        raise NotFound() from None


def get_coupon_template(template_id: int) -> CouponTemplate:
    try:
        return CouponTemplate.objects.get(pk=template_id)
    except CouponTemplate.DoesNotExist:
        raise NotFound() from None


def get_shipping_template(template_id: int) -> ShippingTemplate:
    try:
        return ShippingTemplate.objects.prefetch_related("rules").get(pk=template_id)
    except ShippingTemplate.DoesNotExist:
        raise NotFound() from None


def list_promotions(*, state: str | None = None, kind: str | None = None,
                    at: datetime | None = None) -> QuerySet[Promotion]:
    """Promotions, optionally only ``live`` (running now) or ``scheduled`` (starting later)."""
    at = at or timezone.now()
    qs = Promotion.objects.all()
    if state == "live":
        qs = live_promotions(at)
    elif state == "scheduled":
        qs = qs.filter(is_active=True, starts_at__gt=at)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("starts_at", "id")


def list_coupon_templates() -> QuerySet[CouponTemplate]:
    return CouponTemplate.objects.order_by("-id")


def list_shipping_templates() -> QuerySet[ShippingTemplate]:
    return ShippingTemplate.objects.prefetch_related("rules").order_by("-is_default", "id")


def budget_used(offer) -> dict:
    """Uses and amount of an offer's budget spent so far, and the fraction of each."""
    def share(used, budget):
        return None if not budget else float(Decimal(used) / Decimal(budget))
    return {"uses": offer.used_count, "uses_budget": offer.budget_uses,
            "uses_fraction": share(offer.used_count, offer.budget_uses),
            "amount": offer.used_amount, "amount_budget": offer.budget_amount,
            "amount_fraction": share(offer.used_amount, offer.budget_amount)}


def lowest_price_in(sku: Sku, *, days: int | None = None, at: datetime | None = None) -> Decimal:
    """The lowest price of ``sku`` in force during the last ``days`` (default from settings)."""
    days = days or settings.ZHANGGUI["PROMOTION_LOWEST_PRICE_DAYS"]
    at = at or timezone.now()
    since = at - timedelta(days=days)
    within = list(PriceHistory.objects.filter(sku=sku, recorded_at__gte=since, recorded_at__lte=at)
                  .values_list("recorded_at", "price_amount"))
    before = (PriceHistory.objects.filter(sku=sku, recorded_at__lt=since)
              .order_by("-recorded_at", "-id").values_list("recorded_at", "price_amount").first())
    history = within + ([before] if before else [])
    return rules_prices.lowest_price(history, since=since, current=sku.price_amount)


@dataclass(frozen=True)
class PromotionWindow:
    """When a promotion runs and which SKUs it covers (``sku_ids`` None = the whole shop)."""

    starts_at: datetime | None
    ends_at: datetime | None
    sku_ids: frozenset[int] | None


def list_promotion_windows(*, start: datetime, end: datetime) -> list[PromotionWindow]:
    """Active promotions running at some moment of [``start``, ``end``), with their scope
    resolved to SKU ids (a category covers its subcategories' products). The demand
    forecasts read them as events known in advance."""
    from zhanggui.catalog.models import Category
    from zhanggui.pricing.models import ScopeKind

    promotions = Promotion.objects.filter(
        Q(starts_at__isnull=True) | Q(starts_at__lt=end),
        Q(ends_at__isnull=True) | Q(ends_at__gt=start), is_active=True).order_by("id")
    children: dict[int | None, list[int]] = {}
    windows = []
    for promotion in promotions:
        ids = {int(i) for i in promotion.scope_ids or ()}
        if promotion.scope == ScopeKind.ALL:
            skus = None
        elif promotion.scope == ScopeKind.SKUS:
            skus = frozenset(ids)
        elif promotion.scope == ScopeKind.PRODUCTS:
            skus = frozenset(Sku.objects.filter(product_id__in=ids).values_list("id", flat=True))
        else:
            if not children:
                for pk, parent in Category.objects.values_list("id", "parent_id"):
                    children.setdefault(parent, []).append(pk)
            tree, stack = set(), list(ids)
            while stack:
                node = stack.pop()
                if node not in tree:
                    tree.add(node)
                    stack.extend(children.get(node, ()))
            skus = frozenset(Sku.objects.filter(product__category_id__in=tree)
                             .values_list("id", flat=True))
        windows.append(PromotionWindow(promotion.starts_at, promotion.ends_at, skus))
    return windows
