"""Pricing writes: promotions, coupon templates and codes, shipping templates, member tiers,
price history, and the consumption of offers when an order is placed.

Budgets, flash-sale caps and per-customer limits are kept under concurrency by
``price_for_order``: inside the caller's transaction it locks the rows of every limited
offer the cart can touch (promotions, then coupon templates, then coupons, each in
primary-key order), prices the cart on the locked counters, and ``consume_offers`` then
books what was used. Database check constraints catch any slip (used ≤ budget, sold ≤ cap).
"""

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from zhanggui.accounts.actions import log_operation, raise_alert, snapshot
from zhanggui.accounts.models import AlertKind, Staff
from zhanggui.accounts.rules import json_value
from zhanggui.catalog import actions as catalog_actions
from zhanggui.catalog.models import Sku
from zhanggui.core.money import ZERO, to_money
from zhanggui.customers.models import Customer
from zhanggui.customers.points import lock_account
from zhanggui.pricing import events as pricing_events
from zhanggui.pricing import queries, queries_membership, rules, rules_prices
from zhanggui.pricing.errors import CouponsExhausted, InvalidOffer, OfferLimitReached
from zhanggui.pricing.models import (
    Coupon,
    CouponStatus,
    CouponTemplate,
    CustomerMembership,
    MemberTier,
    OfferUsage,
    PriceHistory,
    Promotion,
    ShippingRegionRule,
    ShippingTemplate,
)

PROMOTION_FIELDS = ("name", "kind", "is_active", "starts_at", "ends_at", "scope", "scope_ids",
                    "budget_uses", "budget_amount", "per_customer_limit", "discount_rate",
                    "discount_amount", "special_price_amount", "tiers", "stock_cap",
                    "exclusion_group", "segments", "is_birthday_only")
COUPON_FIELDS = ("name", "kind", "is_active", "starts_at", "ends_at", "discount_rate",
                 "discount_amount", "min_amount", "budget_uses", "budget_amount",
                 "per_customer_limit", "issue_limit", "segments", "is_birthday_only",
                 "points_price")
SHIPPING_FIELDS = ("name", "basis", "first_units", "first_fee_amount", "additional_units",
                   "additional_fee_amount", "is_remote_excluded", "free_over_amount",
                   "free_over_quantity", "is_default")


# ---- validation ---------------------------------------------------------------------------

def _rate_ok(rate) -> bool:
    return rate is not None and Decimal(0) < Decimal(rate) <= Decimal(1)


def _tiers_problem(tiers) -> str | None:
    try:
        pairs = [(to_money(str(t["threshold"])), to_money(str(t["amount"]))) for t in tiers]
    except (KeyError, TypeError, ArithmeticError):
        return "tiers need a threshold and an amount"
    if not pairs:
        return "a threshold discount needs at least one tier"
    if any(amount <= 0 or amount > threshold for threshold, amount in pairs):
        return "a tier's amount must be positive and not above its threshold"
    return None


KIND_CHECKS = {
    "item_percent": lambda p: None if _rate_ok(p.discount_rate) else "a rate between 0 and 1 is needed",
    "item_fixed": lambda p: None if (p.discount_amount or 0) > 0 else "an amount off is needed",
    "flash_sale": lambda p: None if p.special_price_amount is not None else "a flash-sale price is needed",
    "threshold": lambda p: _tiers_problem(p.tiers),
    "n_pieces": lambda p: None if (p.min_quantity or 0) >= 1 and _rate_ok(p.discount_rate)
    else "N pieces and a rate between 0 and 1 are needed",
    "buy_x_get_y": lambda p: None if (p.min_quantity or 0) >= 1 and (p.free_quantity or 0) >= 1
    else "buy X and get Y must both be at least 1",
    "bundle": lambda p: None if p.scope == "skus" and len(p.scope_ids or []) >= 2
    and p.special_price_amount is not None else "a bundle needs two or more SKUs and a set price",
    "gift": lambda p: None if p.gift_sku_id else "a gift SKU is needed",
    "first_order": lambda p: None if _rate_ok(p.discount_rate) or (p.discount_amount or 0) > 0
    else "an amount off or a rate is needed",
    "free_shipping": lambda p: None,
}


def _window_problem(offer) -> str | None:
    if offer.starts_at and offer.ends_at and offer.ends_at <= offer.starts_at:
        return "it must end after it starts"
    if offer.scope != "all" and not offer.scope_ids:
        return "choose what is in scope"
    if any(not isinstance(i, int) for i in offer.scope_ids or []):
        return "scope ids must be whole numbers"
    return _segments_problem(offer)


def _segments_problem(offer) -> str | None:
    """Eligibility by segment may name only segments that exist."""
    if not isinstance(offer.segments or [], list):
        return "segments must be a list of segment codes"
    unknown = queries_membership.unknown_segments(offer.segments)
    return f"unknown segment code {unknown[0]}" if unknown else None


def _budget_problem(offer) -> str | None:
    """A budget or cap may not fall below what has already been used of it."""
    if offer.budget_uses is not None and offer.budget_uses < offer.used_count:
        return f"the budget of uses is below the {offer.used_count} uses so far"
    if offer.budget_amount is not None and offer.budget_amount < offer.used_amount:
        return f"the budget amount is below the {offer.used_amount} given so far"
    sold = getattr(offer, "sold_units", 0)
    if getattr(offer, "stock_cap", None) is not None and offer.stock_cap < sold:
        return f"the stock cap is below the {sold} units sold so far"
    return None


def promotion_problem(promotion: Promotion) -> str | None:
    """Why ``promotion`` is not valid (None when it is)."""
    check = KIND_CHECKS.get(promotion.kind)
    if check is None:
        return "unknown kind"
    return _window_problem(promotion) or _budget_problem(promotion) or check(promotion)


def coupon_template_problem(template: CouponTemplate) -> str | None:
    if template.kind == "percent" and not _rate_ok(template.discount_rate):
        return "a rate between 0 and 1 is needed"
    if template.kind == "fixed" and not (template.discount_amount or 0) > 0:
        return "an amount off is needed"
    return _window_problem(template) or _budget_problem(template)


def _save_checked(obj, problem, *, actor: Staff | None, action: str, fields: tuple[str, ...],
                  before: dict | None) -> Any:
    if problem:
        raise InvalidOffer(problem=problem)
    obj.save()
    log_operation(obj, action=action, actor=actor, before=before, after=snapshot(obj, fields))
    return obj


# ---- promotions and coupons ---------------------------------------------------------------

@transaction.atomic
def save_promotion(promotion: Promotion, *, actor: Staff | None) -> Promotion:
    """Create or update a promotion after checking it makes sense for its kind.

    Raises:
        InvalidOffer: missing or contradictory parameters (nothing is saved).
    """
    before = None
    if promotion.pk:
        stored = Promotion.objects.select_for_update().get(pk=promotion.pk)
        before = snapshot(stored, PROMOTION_FIELDS)
        # Counters belong to consume_offers, never to an edit form.
        promotion.used_count, promotion.used_amount = stored.used_count, stored.used_amount
        promotion.sold_units = stored.sold_units
    action = "pricing.update_promotion" if before else "pricing.create_promotion"
    return _save_checked(promotion, promotion_problem(promotion), actor=actor, action=action,
                         fields=PROMOTION_FIELDS, before=before)


def create_promotion(name: str, *, kind: str, actor: Staff | None, **fields: Any) -> Promotion:
    return save_promotion(Promotion(name=name, kind=kind, **fields), actor=actor)


@transaction.atomic
def save_coupon_template(template: CouponTemplate, *, actor: Staff | None) -> CouponTemplate:
    """Create or update a coupon template.

    Raises:
        InvalidOffer: the kind's parameters are missing.
    """
    before = None
    if template.pk:
        stored = CouponTemplate.objects.select_for_update().get(pk=template.pk)
        before = snapshot(stored, COUPON_FIELDS)
        template.used_count, template.used_amount = stored.used_count, stored.used_amount
        template.issued_count = stored.issued_count
    action = "pricing.update_coupon_template" if before else "pricing.create_coupon_template"
    return _save_checked(template, coupon_template_problem(template), actor=actor, action=action,
                         fields=COUPON_FIELDS, before=before)


def create_coupon_template(name: str, *, kind: str, actor: Staff | None, **fields: Any) -> CouponTemplate:
    return save_coupon_template(CouponTemplate(name=name, kind=kind, **fields), actor=actor)


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def issue_coupons(template: CouponTemplate, *, actor: Staff | None,
                  customers: Iterable[Customer] = (), count: int = 0) -> list[Coupon]:
    """Issue one code to each of ``customers`` plus ``count`` codes for anyone.

    Raises:
        InvalidOffer: nothing to issue.
        CouponsExhausted: the template's issue limit would be passed.
    """
    customers = list(customers)
    wanted = len(customers) + count
    if wanted <= 0:
        raise InvalidOffer(problem="issue at least one code")
    template = CouponTemplate.objects.select_for_update().get(pk=template.pk)
    if template.issue_limit is not None and template.issued_count + wanted > template.issue_limit:
        raise CouponsExhausted(template=template.name)
    now = timezone.now()
    valid_until = now + timedelta(days=template.valid_days) if template.valid_days else template.ends_at
    holders = [*customers, *([None] * count)]
    coupons = Coupon.objects.bulk_create([
        Coupon(template=template, code=_new_code(), customer=holder, issued_at=now,
               valid_until=valid_until) for holder in holders])
    template.issued_count += wanted
    template.save(update_fields=["issued_count", "updated_at"])
    log_operation(template, action="pricing.issue_coupons", actor=actor,
                  after={"issued": wanted, "codes": [c.code for c in coupons][:50]})
    return coupons


def void_coupons(coupon_ids: Iterable[int], *, reason: str, actor: Staff | None) -> int:
    """Void the still-unused coupons among ``coupon_ids`` (used ones stay used); returns how
    many were voided. A voided code no longer prices a cart."""
    ids = list(coupon_ids)
    voided = Coupon.objects.filter(pk__in=ids, status=CouponStatus.ISSUED)
    codes = list(voided.values_list("code", flat=True)[:50])
    count = voided.update(status=CouponStatus.VOID)
    if count:
        log_operation(Coupon.objects.filter(pk__in=ids).first(), action="pricing.void_coupons",
                      actor=actor, after={"voided": count, "reason": reason, "codes": codes})
    return count


# ---- shipping templates, tiers, prices ----------------------------------------------------

@transaction.atomic
def save_shipping_template(template: ShippingTemplate, *, actor: Staff | None,
                           region_rules: list[dict] | None = None) -> ShippingTemplate:
    """Create or update a shipping template; ``region_rules`` (when given) replace its rules.
    Making it the default takes the default mark from the previous one.

    Raises:
        InvalidOffer: negative fees or units, or an unknown province code.
    """
    from zhanggui.core.regions import get_province

    amounts = [template.first_fee_amount, template.additional_fee_amount]
    if any(a is None or a < 0 for a in amounts) or template.first_units < 0 \
            or template.additional_units <= 0:
        raise InvalidOffer(problem="fees and units must not be negative")
    for rule in region_rules or []:
        if not rule.get("province_codes") or any(get_province(c) is None for c in rule["province_codes"]):
            raise InvalidOffer(problem="unknown province code in a region rule")
    before = None
    if template.pk:
        before = snapshot(ShippingTemplate.objects.select_for_update().get(pk=template.pk),
                          SHIPPING_FIELDS)
    if template.is_default:
        ShippingTemplate.objects.filter(is_default=True).exclude(pk=template.pk).update(is_default=False)
    template.save()
    if region_rules is not None:
        template.rules.all().delete()
        ShippingRegionRule.objects.bulk_create([
            ShippingRegionRule(template=template, province_codes=list(r["province_codes"]),
                               first_fee_amount=to_money(r.get("first_fee_amount", ZERO)),
                               additional_fee_amount=to_money(r.get("additional_fee_amount", ZERO)),
                               is_excluded=bool(r.get("is_excluded", False)))
            for r in region_rules])
    log_operation(template, action="pricing.save_shipping_template", actor=actor, before=before,
                  after={**snapshot(template, SHIPPING_FIELDS), "rules": json_value(region_rules)})
    return template


@transaction.atomic
def set_member_tier(customer: Customer, *, tier: MemberTier | None, actor: Staff | None):
    """Put ``customer`` in ``tier`` (None: no tier)."""
    current = CustomerMembership.objects.filter(customer=customer).select_for_update().first()
    before = {"tier": current.tier.code if current else None}
    if tier is None:
        if current:
            current.delete()
    elif current:
        if current.tier_id != tier.pk:
            current.tier, current.tier_since = tier, timezone.now()
            current.save()
    else:
        current = CustomerMembership.objects.create(customer=customer, tier=tier,
                                                    tier_since=timezone.now())
    log_operation(customer, action="pricing.set_member_tier", actor=actor, before=before,
                  after={"tier": tier.code if tier else None})
    return current


@transaction.atomic
def record_price(sku: Sku, *, price: Decimal, actor: Staff | None, source: str = "list",
                 at: datetime | None = None) -> PriceHistory:
    """Append a price-history entry (the price in force from ``at`` on)."""
    entry = PriceHistory.objects.create(sku=sku, price_amount=to_money(price), source=source,
                                        recorded_at=at or timezone.now())
    log_operation(entry, action="pricing.record_price", actor=actor,
                  after={"sku": sku.code, "price": str(entry.price_amount), "source": source})
    return entry


@transaction.atomic
def set_sku_price(sku: Sku, *, price: Decimal, actor: Staff | None) -> Sku:
    """Change a SKU's list price and keep the price history that the 30-day lowest price
    rule reads."""
    sku, previous = _set_price(sku, price, actor)
    pricing_events.prices_changed([(sku, previous)], timezone.now())
    return sku


def _set_price(sku: Sku, price: Decimal, actor: Staff | None) -> tuple[Sku, Decimal]:
    """``set_sku_price`` without its event: the SKU and its previous price."""
    previous = Sku.objects.select_for_update().values_list("price_amount", flat=True).get(pk=sku.pk)
    sku = catalog_actions.update_sku(sku, price_amount=to_money(price), actor=actor)
    record_price(sku, price=sku.price_amount, actor=actor)
    return sku, previous


@transaction.atomic
def change_prices(skus: Iterable[Sku], *, actor: Staff | None, price: Decimal | None = None,
                  rate: Decimal | None = None) -> list[Sku]:
    """Change the list price of many SKUs at once: to ``price``, or by ``rate`` (a fraction:
    -0.1 lowers every price by 10 %). All or nothing; each SKU gets its price history.
    A change of more SKUs, or by more, than the alert thresholds alerts the owner.

    Raises:
        InvalidSku: when a resulting price is negative.
        ValueError: unless exactly one of ``price`` and ``rate`` is given.
    """
    if (price is None) == (rate is None):
        raise ValueError("give either price or rate")
    changed, moves, priced = [], [], []
    for sku in sorted(skus, key=lambda item: item.pk):
        old = sku.price_amount
        new = to_money(price if price is not None else old * (1 + Decimal(rate)))
        if new == old:
            continue
        priced.append(_set_price(sku, new, actor))
        changed.append(priced[-1][0])
        moves.append((old, new))
    pricing_events.prices_changed(priced, timezone.now())  # one INSERT for them all
    limits = settings.ZHANGGUI
    if changed and rules_prices.price_change_is_risky(
            moves, max_items=int(limits["ALERT_BULK_PRICE_ITEMS"]),
            max_rate=Decimal(limits["ALERT_PRICE_CHANGE_RATE"])):
        raise_alert(AlertKind.BULK_PRICE_CHANGE, obj=changed[0], actor=actor, message=gettext(
            "Bulk price change of %(count)d SKU(s): %(detail)s.") % {
                "count": len(changed), "detail": ", ".join(
                    f"{sku.code} {old}→{new}" for sku, (old, new) in zip(changed[:5], moves[:5],
                                                                          strict=True))})
    return changed


# ---- order placement ----------------------------------------------------------------------

def _is_limited(promotion: Promotion, *, per_customer_only: bool = False) -> bool:
    own = (promotion.per_customer_limit, promotion.per_buyer_limit)
    shared = () if per_customer_only else (promotion.budget_uses, promotion.budget_amount,
                                           promotion.stock_cap)
    return any(v is not None for v in (*own, *shared))


def _touching(promotions: list[Promotion], lines: list[rules.CartLine], **limits) -> list[int]:
    return [p.pk for p in promotions if _is_limited(p, **limits)
            and any(queries._scope(p).covers(line) for line in lines)]


def _lock_promotions(promotions: list[Promotion], pks: list[int]) -> list[Promotion]:
    """``promotions`` with those of ``pks`` re-read under a row lock, in primary-key order."""
    if not pks:
        return promotions
    locked = {p.pk: p for p in Promotion.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    return [locked.get(p.pk, p) for p in promotions]


def price_for_order(customer: Customer, skus: Mapping[int, Sku], demand: Mapping[int, int], *,
                    channel: str, province_code: str, coupon_codes: Iterable[str] = (),
                    manual_discount: Decimal = ZERO, at: datetime, is_new: bool | None = None,
                    lock_budgets: bool = True, points: int = 0,
                    flash_units: Mapping[int, int] | None = None,
                    ) -> tuple[rules.Breakdown, queries.PricingInput]:
    """Price an order inside the caller's transaction. Call ``consume_offers`` with the
    result before committing.

    Locks, always in this order so that concurrent orders queue instead of deadlocking: the
    customer's row when a promotion the cart touches has a per-customer or per-buyer limit
    (so one buyer's orders are counted one after another), the coupons and their templates,
    and — with ``lock_budgets`` — the promotions with a budget or stock cap the cart touches
    (primary-key order), then the customer's points account when ``points`` are asked for
    (the balance the engine may redeem is read under that lock; ``orders.place_order`` spends
    them in the same transaction). Without ``lock_budgets`` those are priced on their counters as last
    committed and ``consume_offers`` books them with conditional updates (primary-key order,
    before any stock row is locked) that refuse (``OfferLimitReached``) rather than overshoot;
    the caller then prices again with ``lock_budgets=True``. ``flash_units`` (promotion id →
    units) caps what a flash sale may give this order: the units ``orders.flash_sale`` reserved
    for it in Redis.

    Raises:
        CouponNotFound, CouponNotUsable, RegionNotShipped; ValueError for a manual discount
        outside 0 … the goods amount.
    """
    lines = queries.cart_lines(skus, demand)
    promotions = list(queries.live_promotions(at))
    if _touching(promotions, lines, per_customer_only=True):
        list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk"))
    coupons = queries.find_coupons(coupon_codes, for_update=True)
    if coupons:
        list(CouponTemplate.objects.select_for_update()
             .filter(pk__in={c.template_id for c in coupons.values()}).order_by("pk"))
        coupons = queries.find_coupons(coupon_codes)  # templates re-read after the lock
    if lock_budgets:
        promotions = _lock_promotions(promotions, _touching(promotions, lines))
    if points:  # the balance is read under the points account's lock, after the offers'
        lock_account(customer)
    data = queries.pricing_input(customer, skus, demand, channel=channel, at=at,
                                 promotions=promotions, coupons=coupons, is_new=is_new,
                                 points=points, flash_units=flash_units)
    breakdown = queries.run_engine(data, channel=channel, at=at, province_code=province_code,
                                   manual_discount=manual_discount)
    return breakdown, data


def _usage(breakdown: rules.Breakdown) -> dict[str, tuple[Decimal, int]]:
    """Per offer key: discount given and units covered (flash sales) in this breakdown."""
    used: dict[str, tuple[Decimal, int]] = {}
    for discount in breakdown.discounts:
        amount, units = used.get(discount.key, (ZERO, 0))
        used[discount.key] = (amount + discount.amount, units)
    for line in breakdown.lines:
        if line.item_offer_key in used:
            amount, units = used[line.item_offer_key]
            used[line.item_offer_key] = (amount, units + line.offer_units)
    for gift in breakdown.gifts:
        used.setdefault(gift.key, (ZERO, 0))
    return used


def consume_offers(breakdown: rules.Breakdown, data: queries.PricingInput, *,
                   customer: Customer, reference: str, at: datetime) -> list[OfferUsage]:
    """Book the offers ``breakdown`` used: counters on promotions and coupon templates,
    coupons marked used, one usage row per offer (per-customer limits read them).

    Called by ``orders.place_order`` inside its transaction, after ``price_for_order``; the
    order's own operation-log entry records the breakdown.

    Raises:
        OfferLimitReached: a counter would pass its budget or cap (a database constraint).
    """
    usages, promotions = [], {}
    for key, (amount, units) in sorted(_usage(breakdown).items()):
        kind, _sep, ident = key.partition(":")
        if kind == "promotion":
            promotions[int(ident)] = (amount, units)
            usages.append(OfferUsage(promotion_id=int(ident), customer=customer, units=units,
                                     order_reference=reference, discount_amount=amount, used_at=at))
        elif kind == "coupon":
            coupon = data.coupon_rows[ident]
            used = Coupon.objects.filter(pk=coupon.pk, status=CouponStatus.ISSUED).update(
                status=CouponStatus.USED, used_at=at, order_reference=reference)
            counted = CouponTemplate.objects.filter(pk=coupon.template_id).update(
                used_count=F("used_count") + 1, used_amount=F("used_amount") + amount)
            if not (used and counted):
                raise OfferLimitReached(offer=key)
            usages.append(OfferUsage(coupon_template_id=coupon.template_id, customer=customer,
                                     order_reference=reference, discount_amount=amount, used_at=at))
        # member/channel prices, shipping templates, manual discounts have no budget
    if promotions:
        _count_promotions(promotions)
    return OfferUsage.objects.bulk_create(usages) if usages else []


def _count_promotions(used: dict[int, tuple[Decimal, int]]) -> None:
    """Add one use, the discount and the units to each promotion with a conditional UPDATE
    per promotion, in primary-key order, that leaves its budget and stock cap unpassed; a
    promotion it would pass refuses the whole booking."""
    for pk, (amount, units) in sorted(used.items()):
        within = ((Q(budget_uses__isnull=True) | Q(used_count__lt=F("budget_uses")))
                  & (Q(budget_amount__isnull=True) | Q(budget_amount__gte=F("used_amount") + amount))
                  & (Q(stock_cap__isnull=True) | Q(stock_cap__gte=F("sold_units") + units)))
        updated = Promotion.objects.filter(within, pk=pk).update(
            used_count=F("used_count") + 1, used_amount=F("used_amount") + amount,
            sold_units=F("sold_units") + units)
        if not updated:
            raise OfferLimitReached(offer=f"promotion:{pk}")

