"""The price engine's data: cart lines, buyer, offers and coupons as plain values, the
breakdown it returns, and the proportional allocation of a discount to lines. Pure: no
database (see ``rules`` for the engine itself)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from zhanggui.core.money import CENT, ZERO


def _money(value: Decimal) -> Decimal:
    """``to_money`` for a value known to be a Decimal (the engine's hot path)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# ---- inputs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CartLine:
    sku_id: int
    quantity: int
    unit_price: Decimal
    product_id: int = 0
    category_ids: frozenset[int] = frozenset()  # the SKU's category and its ancestors
    weight_grams: int = 0
    volume_cm3: int = 0

    @cached_property
    def list_amount(self) -> Decimal:
        return _money(self.unit_price * self.quantity)


@dataclass(frozen=True)
class Buyer:
    customer_id: int | None = None
    member_tier: str = ""
    tags: frozenset[str] = frozenset()
    is_new_customer: bool = False
    segments: frozenset[str] = frozenset()  # codes of the segments the buyer is a member of
    birthday_month: int | None = None
    is_member: bool = False  # has a membership (any tier)


@dataclass(frozen=True)
class Scope:
    kind: str = "all"  # all | categories | products | skus
    ids: frozenset[int] = frozenset()

    def covers(self, line: CartLine) -> bool:
        if self.kind == "all":
            return True
        if self.kind == "categories":
            return bool(self.ids & line.category_ids)
        if self.kind == "products":
            return line.product_id in self.ids
        return line.sku_id in self.ids


@dataclass(frozen=True)
class Eligibility:
    member_tiers: frozenset[str] = frozenset()
    customer_tags: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    is_new_customers_only: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    segments: frozenset[str] = frozenset()
    is_birthday_only: bool = False

    def problem(self, buyer: Buyer, channel: str, at: datetime) -> str | None:
        """Why this buyer, channel and moment are not eligible (None when they are).

        A birthday benefit compares the buyer's birthday month with ``at``'s own month:
        callers pass ``at`` in the shop's time zone."""
        if self.starts_at is not None and at < self.starts_at:
            return "not started"
        if self.ends_at is not None and at >= self.ends_at:
            return "ended"
        if self.channels and channel not in self.channels:
            return "other channel"
        if self.member_tiers and buyer.member_tier not in self.member_tiers:
            return "member tier"
        if self.customer_tags and not self.customer_tags & buyer.tags:
            return "customer tags"
        if self.is_new_customers_only and not buyer.is_new_customer:
            return "new customers only"
        if self.segments and not self.segments & buyer.segments:
            return "segment"
        if self.is_birthday_only and not (buyer.is_member and buyer.birthday_month == at.month):
            return "birthday month"
        return None


@dataclass(frozen=True)
class OfferSpec:
    """A promotion as the engine sees it. ``units_left``, ``uses_left`` and ``amount_left``
    are what the flash-sale cap, the budget and the buyer's own limit still allow (None:
    unlimited)."""

    key: str
    kind: str
    name: str
    offer_id: int = 0
    scope: Scope = Scope()
    eligibility: Eligibility = Eligibility()
    exclusion_group: str = ""
    priority: int = 100
    is_coupon_allowed: bool = True
    discount_rate: Decimal | None = None
    discount_amount: Decimal | None = None
    special_price: Decimal | None = None
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()
    is_repeating: bool = False
    max_discount: Decimal | None = None
    min_amount: Decimal = ZERO
    min_quantity: int | None = None
    free_quantity: int | None = None
    gift_sku_id: int | None = None
    gift_quantity: int = 1
    units_left: int | None = None
    uses_left: int | None = None
    amount_left: Decimal | None = None


@dataclass(frozen=True)
class CouponSpec:
    key: str
    code: str
    name: str
    kind: str  # fixed | percent
    template_id: int = 0
    scope: Scope = Scope()
    eligibility: Eligibility = Eligibility()
    discount_rate: Decimal | None = None
    discount_amount: Decimal | None = None
    max_discount: Decimal | None = None
    min_amount: Decimal = ZERO
    uses_left: int | None = None
    amount_left: Decimal | None = None


@dataclass(frozen=True)
class PriceOverride:
    """A member-tier or channel price for one SKU, already chosen for this buyer/channel."""

    key: str
    name: str
    sku_id: int
    price: Decimal


@dataclass(frozen=True)
class RegionRule:
    province_codes: frozenset[str]
    first_fee: Decimal
    additional_fee: Decimal
    is_excluded: bool = False


@dataclass(frozen=True)
class ShippingSpec:
    template_id: int
    name: str
    basis: str = "weight"  # weight (kg) | piece | volume (litre)
    first_units: Decimal = Decimal(1)
    first_fee: Decimal = ZERO
    additional_units: Decimal = Decimal(1)
    additional_fee: Decimal = ZERO
    region_rules: tuple[RegionRule, ...] = ()
    is_remote_excluded: bool = False
    free_over_amount: Decimal | None = None
    free_over_quantity: int | None = None


# ---- outputs ------------------------------------------------------------------------------

@dataclass
class LineResult:
    sku_id: int
    quantity: int
    unit_price: Decimal
    list_amount: Decimal
    item_offer_key: str = ""
    item_offer_name: str = ""
    item_discount: Decimal = ZERO
    offer_units: int = 0  # units priced by the item offer (a flash sale may cover fewer)
    allocations: dict[str, Decimal] = field(default_factory=dict)

    @property
    def order_discount(self) -> Decimal:
        return sum(self.allocations.values(), ZERO)

    @property
    def discount_amount(self) -> Decimal:
        return self.item_discount + self.order_discount

    @property
    def paid_amount(self) -> Decimal:
        return self.list_amount - self.discount_amount


@dataclass(frozen=True)
class Discount:
    key: str
    kind: str
    name: str
    stage: str  # item | order | coupon | manual | points | shipping
    base: Decimal
    amount: Decimal
    offer_id: int = 0


@dataclass(frozen=True)
class Gift:
    key: str
    name: str
    sku_id: int
    quantity: int


@dataclass
class Breakdown:
    lines: list[LineResult]
    discounts: list[Discount]
    gifts: list[Gift]
    not_applied: list[tuple[str, str]]
    warnings: list[str]
    shipping_fee: Decimal = ZERO
    shipping_discount: Decimal = ZERO
    shipping_template_id: int | None = None
    points_redeemed: int = 0  # points paying ``points_amount`` (stage "points", on the lines)

    @property
    def points_amount(self) -> Decimal:
        return sum((d.amount for d in self.discounts if d.stage == "points"), ZERO)

    @property
    def list_amount(self) -> Decimal:
        return sum((line.list_amount for line in self.lines), ZERO)

    @property
    def discount_amount(self) -> Decimal:
        return sum((line.discount_amount for line in self.lines), ZERO)

    @property
    def goods_amount(self) -> Decimal:
        """What the goods cost after every discount."""
        return self.list_amount - self.discount_amount

    @property
    def shipping_amount(self) -> Decimal:
        return self.shipping_fee - self.shipping_discount

    @property
    def total(self) -> Decimal:
        return self.goods_amount + self.shipping_amount

    def line(self, sku_id: int) -> LineResult:
        return next(line for line in self.lines if line.sku_id == sku_id)

    def as_dict(self) -> dict:
        """JSON-safe form, stored on the order and returned by the API."""
        money = str
        return {
            "list_amount": money(self.list_amount), "discount_amount": money(self.discount_amount),
            "goods_amount": money(self.goods_amount), "shipping_fee": money(self.shipping_fee),
            "shipping_discount": money(self.shipping_discount),
            "shipping_amount": money(self.shipping_amount), "total": money(self.total),
            "shipping_template_id": self.shipping_template_id,
            "points_redeemed": self.points_redeemed, "points_amount": money(self.points_amount),
            "lines": [{"sku_id": x.sku_id, "quantity": x.quantity, "unit_price": money(x.unit_price),
                       "list_amount": money(x.list_amount), "item_offer": x.item_offer_key,
                       "item_offer_name": x.item_offer_name, "item_discount": money(x.item_discount),
                       "offer_units": x.offer_units,
                       "allocations": {k: money(v) for k, v in x.allocations.items()},
                       "discount_amount": money(x.discount_amount), "paid_amount": money(x.paid_amount)}
                      for x in self.lines],
            "discounts": [{"key": d.key, "kind": d.kind, "name": d.name, "stage": d.stage,
                           "base": money(d.base), "amount": money(d.amount), "offer_id": d.offer_id}
                          for d in self.discounts],
            "gifts": [{"key": g.key, "name": g.name, "sku_id": g.sku_id, "quantity": g.quantity}
                      for g in self.gifts],
            "not_applied": [{"key": k, "reason": r} for k, r in self.not_applied],
            "warnings": list(self.warnings),
        }


# ---- allocation ---------------------------------------------------------------------------

def allocate_to_largest(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` over ``weights`` in proportion: every share but the largest line's is
    rounded half-up to the cent, the largest line takes the residue.

    The shares add up to ``total`` exactly; when ``0 <= total <= sum(weights)`` no share is
    negative or above its weight (a rare overshoot of the residue is moved, cent by cent, to
    the other lines with room, largest first).
    """
    cents = [int(w.scaleb(2)) for w in weights]  # amounts in cents already
    total_cents = int(_money(total).scaleb(2))
    whole = sum(cents)
    if not cents or whole == 0:
        return [ZERO for _ in weights]
    largest = cents.index(max(cents))  # the first of the largest lines
    # total × c / whole rounded half up, in whole cents (integers: exact and fast)
    parts = [(2 * total_cents * c + whole) // (2 * whole) for c in cents]
    parts[largest] = 0
    parts[largest] = total_cents - sum(parts)
    if not 0 <= parts[largest] <= cents[largest]:
        _repair(parts, cents, largest)
    return [Decimal(p).scaleb(-2) for p in parts]


def _repair(parts: list[int], caps: list[int], largest: int) -> None:
    order = sorted(range(len(parts)), key=lambda i: (-caps[i], i))
    for index in order:
        if parts[largest] < 0 and index != largest and parts[index] > 0:
            moved = min(parts[index], -parts[largest])
            parts[index] -= moved
            parts[largest] += moved
        elif parts[largest] > caps[largest] and index != largest and parts[index] < caps[index]:
            moved = min(caps[index] - parts[index], parts[largest] - caps[largest])
            parts[index] += moved
            parts[largest] -= moved

