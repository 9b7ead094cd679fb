"""The price engine: pure functions, no database.

``price_cart`` takes cart lines, the buyer's context, the channel, the moment and the
candidate offers (all plain data) and returns an explainable ``Breakdown``. The stages and
the base of each (see ``docs/pricing.md``):

1. **Item level** — per line the best single offer (member or channel price, item
   percent/amount off, flash sale), on the list price. Rounded per line to 0.01 half-up.
2. **Order level** — bundles, buy X get Y, N 件 M 折, 满减, first-order offers, on the line
   amounts after stage 1. Of the offers sharing an exclusion group only the best applies;
   the survivors apply one after another in that fixed order, each on what the previous
   left. A threshold is checked against the amount *after* item discounts (an item discount
   can drop a cart below a 满减 threshold, as on the big platforms; the breakdown warns).
3. **Coupon** — the best one coupon, on the amount after stage 2 (minimum spend too), only
   when every applied offer allows coupons. Then a manual seller discount, if any. Then
   points as payment (积分抵扣, ``rules_points``): at most a share of the goods left,
   allocated to the lines like a discount, so a line refund never pays the points back in
   cash.
4. **Shipping** — the template's fee for the destination, then free-shipping conditions and
   offers on the goods amount payable.

Every order-level discount is allocated to the lines of its scope in proportion to their
amount at that stage's base, each share rounded half-up to 0.01 and the residue going to the
largest line, so the shares add up to the discount exactly and a line refund can give back
exactly its paid amount. A discount never exceeds its base; totals are never negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from zhanggui.core.money import ZERO, to_money
from zhanggui.pricing.cart import (
    Breakdown,
    Buyer,
    CartLine,
    CouponSpec,
    Discount,
    Eligibility,
    Gift,
    LineResult,
    OfferSpec,
    PriceOverride,
    RegionRule,
    Scope,
    ShippingSpec,
    _money,
    allocate_to_largest,
)
from zhanggui.pricing.rules_offers import order_offer_discount
from zhanggui.pricing.rules_points import PointsRequest, redeemable
from zhanggui.pricing.rules_shipping import RegionNotShipped, shipping_fee

__all__ = [
    "Breakdown",
    "Buyer",
    "CartLine",
    "CouponSpec",
    "Discount",
    "Eligibility",
    "Gift",
    "LineResult",
    "OfferSpec",
    "PointsRequest",
    "PriceOverride",
    "RegionNotShipped",
    "RegionRule",
    "Scope",
    "ShippingSpec",
    "allocate_to_largest",
    "price_cart",
    "shipping_fee",
]

ONE = Decimal(1)
ITEM_KINDS = ("item_percent", "item_fixed", "flash_sale")
# Stage 2 applies its offers in this order.
ORDER_KINDS = ("bundle", "buy_x_get_y", "n_pieces", "threshold", "first_order")
OTHER_KINDS = ("gift", "free_shipping")


# ---- stage 1: item offers -----------------------------------------------------------------

def _item_discount(offer: OfferSpec, line: CartLine, units_left: int | None) -> tuple[Decimal, int]:
    """(discount, units covered) of an item offer on a line, on the list price."""
    if offer.kind == "item_percent":
        rate = min(max(offer.discount_rate or ZERO, ZERO), ONE)
        return _money(line.list_amount * rate), line.quantity
    if offer.kind == "item_fixed":
        per_unit = min(max(offer.discount_amount or ZERO, ZERO), line.unit_price)
        return _money(per_unit * line.quantity), line.quantity
    units = line.quantity if units_left is None else min(line.quantity, units_left)
    price = offer.special_price if offer.special_price is not None else line.unit_price
    per_unit = max(line.unit_price - max(price, ZERO), ZERO)
    return (_money(per_unit * units), units) if units > 0 else (ZERO, 0)


def _best_item_offer(line: CartLine, offers: Sequence[OfferSpec],
                     overrides: Sequence[PriceOverride], units_left: dict[str, int | None],
                     amount_left: dict[str, Decimal | None]):
    """The best single item-level offer of a line, among the member/channel prices and the
    item offers covering it: (discount, units, key, name, priority) or None. A larger
    discount wins; on a tie a price list, then the lower priority number."""
    best = None
    for override in overrides:
        discount = _money(max(line.unit_price - max(override.price, ZERO), ZERO) * line.quantity)
        if discount > 0 and (best is None or discount > best[0]):
            best = (discount, line.quantity, override.key, override.name, -1)
    exhausted: set[str] = set()
    for offer in offers:
        if offer.kind in exhausted:
            continue
        discount, units = _item_discount(offer, line, units_left.get(offer.key))
        if best is not None and discount < best[0] and offer.kind in MONOTONE_ITEM_KINDS:
            # offers of this kind come strongest first: none of the rest can do better
            exhausted.add(offer.kind)
            continue
        left = amount_left.get(offer.key)
        if discount <= 0 or (left is not None and discount > left):
            continue
        if best is None or (discount, -offer.priority) > (best[0], -best[4]):
            best = (discount, units, offer.key, offer.name, offer.priority)
    return best


# Item kinds whose discount on a line only grows with their parameter, so a line's offers of
# the kind can be tried strongest first and the search stopped early.
MONOTONE_ITEM_KINDS = frozenset({"item_percent", "item_fixed"})


def _strength(offer: OfferSpec) -> tuple:
    """Sort key: by kind, strongest parameter first, then priority and key (deterministic)."""
    parameter = {"item_percent": offer.discount_rate, "item_fixed": offer.discount_amount}.get(offer.kind)
    return (offer.kind, -(parameter or ZERO), offer.priority, offer.key)


def _apply_item_stage(lines: list[CartLine], offers: Sequence[OfferSpec],
                      overrides: Sequence[PriceOverride], results: list[LineResult]) -> list[Discount]:
    item_offers = sorted((o for o in offers if o.kind in ITEM_KINDS), key=_strength)
    by_sku: dict[int, list[PriceOverride]] = {}
    for override in overrides:
        by_sku.setdefault(override.sku_id, []).append(override)
    units_left = {o.key: o.units_left for o in item_offers}
    amount_left = {o.key: o.amount_left for o in item_offers}
    totals: dict[str, Decimal] = {}
    covering: list[list[OfferSpec]] = [[] for _ in lines]
    for offer in item_offers:
        for index in _covered(offer.scope, lines)[0]:
            covering[index].append(offer)
    for line, result, candidates in zip(lines, results, covering, strict=True):
        best = _best_item_offer(line, candidates, by_sku.get(line.sku_id, ()), units_left,
                                amount_left)
        if best is None:
            continue
        discount, units, key, name, _priority = best
        result.item_offer_key, result.item_offer_name = key, name
        result.item_discount, result.offer_units = discount, units
        totals[key] = totals.get(key, ZERO) + discount
        if units_left.get(key) is not None:
            units_left[key] -= units
        if amount_left.get(key) is not None:
            amount_left[key] -= discount
    kinds = {o.key: (o.kind, o.offer_id) for o in item_offers}
    kinds.update({o.key: ("member_price" if o.key.startswith("member") else "channel_price", 0)
                  for o in overrides})
    base = {r.item_offer_key: ZERO for r in results if r.item_offer_key}
    for result in results:
        if result.item_offer_key:
            base[result.item_offer_key] += result.list_amount
    names = {r.item_offer_key: r.item_offer_name for r in results}
    return [Discount(key, kinds[key][0], names[key], "item", base[key], amount, kinds[key][1])
            for key, amount in sorted(totals.items())]


# ---- stage 2: order-level offers ----------------------------------------------------------

class _Lines(list):
    """The cart's lines, with which line indexes each SKU, product and category has, and the
    lines each scope covers, computed once per cart."""

    def __init__(self, lines: Iterable[CartLine]):
        super().__init__(lines)
        self.scope_cache: dict[tuple, tuple[list[int], list[CartLine]]] = {}
        self.by_key: dict[str, dict[int, list[int]]] = {"skus": {}, "products": {}, "categories": {}}
        for index, line in enumerate(self):
            self.by_key["skus"].setdefault(line.sku_id, []).append(index)
            self.by_key["products"].setdefault(line.product_id, []).append(index)
            for category_id in line.category_ids:
                self.by_key["categories"].setdefault(category_id, []).append(index)

    def covered(self, scope: Scope) -> list[int]:
        if scope.kind == "all":
            return list(range(len(self)))
        index = self.by_key.get(scope.kind)
        if index is None:
            return [i for i, line in enumerate(self) if scope.covers(line)]
        if len(scope.ids) == 1:
            return list(index.get(next(iter(scope.ids)), ()))
        return sorted({i for key in scope.ids for i in index.get(key, ())})


def _covered(scope: Scope, lines: Sequence[CartLine]) -> tuple[list[int], list[CartLine]]:
    """(indexes, lines) of the lines ``scope`` covers, cached on the cart (offers often
    share a scope: the whole shop, a category)."""
    if not isinstance(lines, _Lines):
        chosen = [i for i, line in enumerate(lines) if scope.covers(line)]
        return chosen, [lines[i] for i in chosen]
    key = (scope.kind, scope.ids)
    found = lines.scope_cache.get(key)
    if found is None:
        chosen = lines.covered(scope)
        found = lines.scope_cache[key] = (chosen, [lines[i] for i in chosen])
    return found


def _in_scope(scope: Scope, lines: Sequence[CartLine], amounts: Sequence[Decimal]):
    """(indexes, lines, amounts) of the lines ``scope`` covers."""
    indexes, scoped = _covered(scope, lines)
    return indexes, scoped, [amounts[i] for i in indexes]


def _best_per_group(scored: list[tuple[OfferSpec, Decimal]],
                    not_applied: list[tuple[str, str]]) -> list[OfferSpec]:
    """Of the offers of one exclusion group keep the one with the largest discount."""
    winners: dict[str, tuple[OfferSpec, Decimal]] = {}
    kept: list[OfferSpec] = []
    for offer, discount in scored:
        if not offer.exclusion_group:
            kept.append(offer)
            continue
        current = winners.get(offer.exclusion_group)
        if current is None or (discount, -offer.priority) > (current[1], -current[0].priority):
            if current is not None:
                not_applied.append((current[0].key, "exclusion group"))
            winners[offer.exclusion_group] = (offer, discount)
        else:
            not_applied.append((offer.key, "exclusion group"))
    return kept + [offer for offer, _discount in winners.values()]


def _allocate(key: str, amount: Decimal, indexes: list[int], amounts: list[Decimal],
              results: list[LineResult]) -> None:
    if len(indexes) == 1:
        shares = [_money(amount)]
    else:
        shares = allocate_to_largest(amount, [amounts[i] for i in indexes])
    for index, share in zip(indexes, shares, strict=True):
        if share:
            results[index].allocations[key] = share
            amounts[index] -= share


def _apply_order_stage(lines, offers, amounts, results, not_applied, warnings) -> list[Discount]:
    candidates = [o for o in offers if o.kind in ORDER_KINDS]
    stage_one = list(amounts)
    scored = []
    # Offers of an exclusion group are compared on the amounts after stage 1; the others
    # need no comparison and are only evaluated once, in sequence.
    for offer in (o for o in candidates if o.exclusion_group):
        _idx, scoped, scoped_amounts = _in_scope(offer.scope, lines, amounts)
        discount = order_offer_discount(offer, scoped, scoped_amounts)
        if discount > 0:
            scored.append((offer, discount))
        else:
            _warn_threshold(offer, scoped, scoped_amounts, warnings)
            not_applied.append((offer.key, "condition not met"))
    survivors = _best_per_group(scored, not_applied) + [o for o in candidates if not o.exclusion_group]
    survivors.sort(key=lambda o: (ORDER_KINDS.index(o.kind), o.priority, o.key))
    applied = []
    for offer in survivors:
        indexes, scoped, scoped_amounts = _in_scope(offer.scope, lines, amounts)
        discount = order_offer_discount(offer, scoped, scoped_amounts)
        if discount <= 0:
            if not offer.exclusion_group:
                _warn_threshold(offer, scoped, [stage_one[i] for i in indexes], warnings)
            not_applied.append((offer.key, "condition not met"))
            continue
        if offer.amount_left is not None and discount > offer.amount_left:
            not_applied.append((offer.key, "budget used up"))
            continue
        base = sum(scoped_amounts, ZERO)
        _allocate(offer.key, discount, indexes, amounts, results)
        applied.append(Discount(offer.key, offer.kind, offer.name, "order", base, discount,
                                offer.offer_id))
    return applied


def _warn_threshold(offer: OfferSpec, lines: Sequence[CartLine], amounts: Sequence[Decimal],
                    warnings: list[str]) -> None:
    if offer.kind != "threshold" or not offer.tiers:
        return
    lowest = min(threshold for threshold, _amount in offer.tiers)
    at_list = sum((line.list_amount for line in lines), ZERO)
    after_items = sum(amounts, ZERO)
    if at_list >= lowest > after_items:
        warnings.append(f"threshold_missed_after_item_discounts|{offer.key}|{lowest}|{after_items}")


def _gifts(lines, offers, amounts) -> list[Gift]:
    gifts = []
    for offer in offers:
        if offer.kind != "gift" or offer.gift_sku_id is None:
            continue
        _idx, scoped, scoped_amounts = _in_scope(offer.scope, lines, amounts)
        base = sum(scoped_amounts, ZERO)
        units = sum(line.quantity for line in scoped)
        if scoped and base > 0 and base >= offer.min_amount and units >= (offer.min_quantity or 0):
            gifts.append(Gift(offer.key, offer.name, offer.gift_sku_id, offer.gift_quantity))
    return gifts


# ---- stage 3: coupons ---------------------------------------------------------------------

def coupon_discount(coupon: CouponSpec, base: Decimal) -> Decimal:
    """A coupon's discount on ``base`` (the in-scope amount after order-level offers)."""
    if base <= 0 or base < coupon.min_amount:
        return ZERO
    if coupon.kind == "percent":
        discount = to_money(base * min(max(coupon.discount_rate or ZERO, ZERO), ONE))
    else:
        discount = coupon.discount_amount or ZERO
    if coupon.max_discount is not None:
        discount = min(discount, coupon.max_discount)
    return _money(min(max(discount, ZERO), base))


def _apply_coupon_stage(lines, coupons, amounts, results, not_applied) -> list[Discount]:
    best = None
    for coupon in coupons:
        indexes, _scoped, scoped_amounts = _in_scope(coupon.scope, lines, amounts)
        base = sum(scoped_amounts, ZERO)
        discount = coupon_discount(coupon, base)
        if discount <= 0:
            not_applied.append((coupon.key, "minimum spend not reached"))
        elif coupon.amount_left is not None and discount > coupon.amount_left:
            not_applied.append((coupon.key, "budget used up"))
        elif best is None or (discount, best[0].key) > (best[1], coupon.key):
            if best is not None:
                not_applied.append((best[0].key, "one coupon per order"))
            best = (coupon, discount, indexes, base)
        else:
            not_applied.append((coupon.key, "one coupon per order"))
    if best is None:
        return []
    coupon, discount, indexes, base = best
    _allocate(coupon.key, discount, indexes, amounts, results)
    return [Discount(coupon.key, f"coupon_{coupon.kind}", coupon.name, "coupon", base, discount,
                     coupon.template_id)]


# ---- stage 4: shipping --------------------------------------------------------------------

def _apply_shipping(spec, province_code, lines, amounts, offers, breakdown) -> None:
    if spec is None:
        return
    breakdown.shipping_template_id = spec.template_id
    breakdown.shipping_fee = shipping_fee(spec, province_code, lines)
    if breakdown.shipping_fee <= 0:
        return
    goods = sum(amounts, ZERO)
    units = sum(line.quantity for line in lines)
    free = ((spec.free_over_amount is not None and goods >= spec.free_over_amount)
            or (spec.free_over_quantity is not None and units >= spec.free_over_quantity))
    key, name, kind, offer_id = f"shipping:{spec.template_id}", spec.name, "template_free", 0
    if not free:
        for offer in offers:
            if offer.kind != "free_shipping":
                continue
            _idx, scoped, scoped_amounts = _in_scope(offer.scope, lines, amounts)
            base = sum(scoped_amounts, ZERO)
            if scoped and base >= offer.min_amount and sum(
                    line.quantity for line in scoped) >= (offer.min_quantity or 0):
                free, key, name, kind, offer_id = True, offer.key, offer.name, offer.kind, offer.offer_id
                break
    if free:
        breakdown.shipping_discount = breakdown.shipping_fee
        breakdown.discounts.append(Discount(key, kind, name, "shipping", breakdown.shipping_fee,
                                            breakdown.shipping_fee, offer_id))


# ---- the engine ---------------------------------------------------------------------------

def _eligible(offers, buyer: Buyer, channel: str, at: datetime, not_applied) -> list:
    kept = []
    for offer in offers:
        problem = offer.eligibility.problem(buyer, channel, at)
        if problem is None and offer.uses_left is not None and offer.uses_left <= 0:
            problem = "budget used up"
        if problem is None and getattr(offer, "units_left", None) is not None and offer.units_left <= 0:
            problem = "sold out"
        if problem is None:
            kept.append(offer)
        else:
            not_applied.append((offer.key, problem))
    return kept


def _check_lines(lines: Iterable[CartLine]) -> list[CartLine]:
    ordered = sorted(lines, key=lambda line: line.sku_id)
    if len({line.sku_id for line in ordered}) != len(ordered):
        raise ValueError("one line per SKU: sum the quantities first")
    for line in ordered:
        if line.quantity <= 0 or line.unit_price < 0:
            raise ValueError("quantities must be positive and prices not negative")
    return _Lines(line if line.unit_price.as_tuple().exponent == -2
                  else replace(line, unit_price=to_money(line.unit_price)) for line in ordered)


def price_cart(lines: Iterable[CartLine], *, buyer: Buyer, channel: str, at: datetime,
               offers: Sequence[OfferSpec] = (), coupons: Sequence[CouponSpec] = (),
               price_overrides: Sequence[PriceOverride] = (), shipping: ShippingSpec | None = None,
               province_code: str = "", manual_discount: Decimal = ZERO,
               points: PointsRequest | None = None) -> Breakdown:
    """Price a cart through the four stages (module docstring). Lines come out sorted by SKU,
    so the input order does not matter.

    Raises:
        ValueError: two lines of one SKU, a non-positive quantity, a negative price, or a
            manual discount outside 0 … the goods amount left after coupons.
        RegionNotShipped: the shipping template does not serve ``province_code``.
    """
    cart = _check_lines(lines)
    not_applied: list[tuple[str, str]] = []
    warnings: list[str] = []
    offers = _eligible(offers, buyer, channel, at, not_applied)
    coupons = _eligible(coupons, buyer, channel, at, not_applied)
    results = [LineResult(line.sku_id, line.quantity, line.unit_price, line.list_amount)
               for line in cart]
    discounts = _apply_item_stage(cart, offers, price_overrides, results)
    amounts = [r.list_amount - r.item_discount for r in results]
    discounts += _apply_order_stage(cart, offers, amounts, results, not_applied, warnings)
    gifts = _gifts(cart, offers, amounts)
    used = {d.key for d in discounts}
    blockers = [o.key for o in offers if o.key in used and not o.is_coupon_allowed]
    if blockers and coupons:
        not_applied.extend((c.key, f"not combinable with {blockers[0]}") for c in coupons)
    else:
        discounts += _apply_coupon_stage(cart, coupons, amounts, results, not_applied)
    discounts += _apply_manual(manual_discount, amounts, results)
    redeemed, points_discount = _apply_points(points, amounts, results)
    breakdown = Breakdown(results, discounts + points_discount, gifts, not_applied, warnings,
                          points_redeemed=redeemed)
    _apply_shipping(shipping, province_code, cart, amounts, offers, breakdown)
    return breakdown


def _apply_manual(manual: Decimal, amounts: list[Decimal], results: list[LineResult]) -> list[Discount]:
    manual = to_money(manual)
    base = sum(amounts, ZERO)
    if manual < 0 or manual > base:
        raise ValueError("discount must be between 0 and the goods total")
    if manual == 0:
        return []
    _allocate("manual", manual, list(range(len(amounts))), amounts, results)
    return [Discount("manual", "manual", "manual", "manual", base, manual)]


def _apply_points(points: PointsRequest | None, amounts: list[Decimal],
                  results: list[LineResult]) -> tuple[int, list[Discount]]:
    if points is None:
        return 0, []
    base = sum(amounts, ZERO)
    redeemed, amount = redeemable(points, base)
    if redeemed == 0:
        return 0, []
    _allocate("points", amount, list(range(len(amounts))), amounts, results)
    return redeemed, [Discount("points", "points", f"{redeemed} points", "points", base, amount)]


def threshold_warnings(breakdown: Breakdown) -> list[dict]:
    """The warnings of a breakdown about thresholds missed because of item discounts."""
    found = []
    for warning in breakdown.warnings:
        kind, key, threshold, amount = [*warning.split("|"), "", "", ""][:4]
        if kind == "threshold_missed_after_item_discounts":
            found.append({"key": key, "threshold": Decimal(threshold), "amount": Decimal(amount)})
    return found
