"""What one order-level offer takes off (stage 2 of the price engine): 满减 tiers (repeating
with a cap), N 件 M 折, buy X get Y, bundles at a set price, first-order offers. Pure; the
engine (``pricing.rules``) chooses the offers, applies them in order and allocates each
discount to the lines, and the promotion simulation asks what a threshold would give."""

from collections.abc import Sequence
from decimal import Decimal

from zhanggui.core.money import ZERO, to_money
from zhanggui.pricing.cart import CartLine, OfferSpec, _money

ONE = Decimal(1)


def _threshold_discount(offer: OfferSpec, base: Decimal) -> Decimal:
    tiers = sorted(offer.tiers)
    if not tiers:
        return ZERO
    if offer.is_repeating:
        threshold, amount = tiers[0]
        if threshold <= 0:
            return ZERO
        discount = amount * int(base // threshold)
        return min(discount, offer.max_discount) if offer.max_discount is not None else discount
    reached = [amount for threshold, amount in tiers if base >= threshold]
    return reached[-1] if reached else ZERO


def _unit_prices(lines: Sequence[CartLine], amounts: Sequence[Decimal]) -> list[Decimal]:
    units = []
    for line, amount in zip(lines, amounts, strict=True):
        units.extend([amount / line.quantity] * line.quantity)
    return sorted(units)


def _buy_x_get_y(offer: OfferSpec, lines, amounts) -> Decimal:
    buy, free = offer.min_quantity or 0, offer.free_quantity or 0
    units = _unit_prices(lines, amounts)
    if buy <= 0 or free <= 0 or len(units) < buy + free:
        return ZERO
    free_units = (len(units) // (buy + free)) * free
    return to_money(sum(units[:free_units], ZERO))


def _bundle(offer: OfferSpec, lines, amounts) -> Decimal:
    wanted = offer.scope.ids
    present = {line.sku_id: (line, amount) for line, amount in zip(lines, amounts, strict=True)}
    if offer.special_price is None or not wanted or not wanted <= set(present):
        return ZERO
    sets = min(present[sku][0].quantity for sku in wanted)
    unit_sum = sum((present[sku][1] / present[sku][0].quantity for sku in wanted), ZERO)
    return to_money(max(unit_sum - offer.special_price, ZERO) * sets)


def _rate_or_amount(offer: OfferSpec, base: Decimal) -> Decimal:
    if offer.discount_rate is not None:
        return _money(base * min(max(offer.discount_rate, ZERO), ONE))
    return offer.discount_amount or ZERO


def order_offer_discount(offer: OfferSpec, lines: Sequence[CartLine],
                         amounts: Sequence[Decimal]) -> Decimal:
    """The discount of one order-level offer on the in-scope ``lines`` at ``amounts``
    (their amounts after the previous stage), never above that base."""
    base = sum(amounts, ZERO)
    if not lines or base <= 0 or base < offer.min_amount:
        return ZERO
    units = sum(line.quantity for line in lines)
    if offer.kind == "threshold":
        discount = _threshold_discount(offer, base)
    elif offer.kind == "n_pieces":
        discount = _rate_or_amount(offer, base) if units >= (offer.min_quantity or 1) else ZERO
    elif offer.kind == "buy_x_get_y":
        discount = _buy_x_get_y(offer, lines, amounts)
    elif offer.kind == "bundle":
        discount = _bundle(offer, lines, amounts)
    else:  # first_order
        discount = _rate_or_amount(offer, base)
    if offer.max_discount is not None:
        discount = min(discount, offer.max_discount)
    return _money(min(max(discount, ZERO), base))
