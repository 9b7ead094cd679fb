"""Promotion simulation: replay one promotion on the paid baskets of a past period through
the real price engine (``pricing.rules.price_cart``), before it is launched.

What is compared (kept simple and honest):

- **baseline** — each basket at the prices recorded on its order lines, with no offer at all;
- **scenario** — the same basket priced by the engine with the simulated promotion as the
  only offer: its scope, thresholds and tiers, caps, minimum spend, eligibility (channel,
  member tier, tags, segments, new customers, birthday month) and the engine's stage rules.
  The promotion's own time window is ignored (the point is to try it on another period); its
  budget (uses, amount), per-customer limit and flash-sale stock cap are spent in paid order
  across the period, as they would have been live.

The offers that really ran in that period are not replayed: the figures are what this
promotion alone would have cost on those baskets. Gifts and free shipping do not change the
goods amount and cannot be simulated here.

Figures: baskets replayed; orders affected (discount > 0); goods amount (at recorded prices);
discount cost; gross margin before (goods − cost) and after (goods − discount − cost);
orders one item from a threshold (a 满减 whose next threshold — the lowest tier not reached,
or the next multiple of a repeating one — is no further than the unit price of an in-scope
item already in the basket); in ``detail`` the hits per tier and the top affected SKUs.
"""

import time
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import InvalidInput
from zhanggui.core.money import ZERO
from zhanggui.core.timeutil import shop_today
from zhanggui.insights.simulate_data import Basket, Baskets, load_baskets
from zhanggui.pricing import rules, rules_offers
from zhanggui.pricing.models import Promotion
from zhanggui.pricing.queries import context_needs, promotion_spec

MAX_PERIOD_DAYS = 366
UNSUPPORTED_KINDS = ("gift", "free_shipping")
TOP_SKUS = 10


class SimulationPeriodInvalid(InvalidInput):
    code = "simulation_period_invalid"
    default_message = _("The period is not valid.")


class SimulationNotPossible(InvalidInput):
    code = "simulation_not_possible"
    default_message = _("Gifts and free shipping do not change the goods amount and cannot be "
                        "simulated.")


def check_period(start: date, end: date, *, today: date | None = None) -> None:
    """Refuse a period that ends before it starts, is longer than a year or is not over.

    Raises:
        SimulationPeriodInvalid: with a message that says which.
    """
    today = today or shop_today()
    if end < start:
        raise SimulationPeriodInvalid(_("The period ends before it starts."))
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise SimulationPeriodInvalid(_("The period may be at most %(days)d days long."),
                                      days=MAX_PERIOD_DAYS)
    if end >= today:
        raise SimulationPeriodInvalid(_("The period must end before today: only past baskets "
                                        "can be replayed."))


@dataclass
class SimulationResult:
    baskets: int = 0
    orders_affected: int = 0
    goods_amount: Decimal = ZERO
    discount_cost: Decimal = ZERO
    cost: Decimal = ZERO
    near_threshold_orders: int = 0
    detail: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def margin_before(self) -> Decimal:
        return self.goods_amount - self.cost

    @property
    def margin_after(self) -> Decimal:
        return self.goods_amount - self.discount_cost - self.cost


def replay_spec(promotion: Promotion) -> rules.OfferSpec:
    """The promotion as the engine sees it for a replay: without its time window and with
    its whole budget, limit and stock cap (they are spent during the replay)."""
    spec = promotion_spec(promotion)
    units = promotion.stock_cap if promotion.kind == "flash_sale" else None
    return replace(spec, eligibility=replace(spec.eligibility, starts_at=None, ends_at=None),
                   units_left=units, uses_left=promotion.budget_uses,
                   amount_left=promotion.budget_amount)


class _Limits:
    """What the promotion's budget, per-customer limit and stock cap still allow, spent
    basket after basket (the engine reads them from the spec)."""

    def __init__(self, spec: rules.OfferSpec, per_customer: int | None, per_buyer_units: int | None):
        self.spec, self.per_customer, self.per_buyer_units = spec, per_customer, per_buyer_units
        self.limited = any(v is not None for v in (spec.units_left, spec.uses_left, spec.amount_left,
                                                   per_customer, per_buyer_units))
        self.uses: dict[int, int] = {}
        self.units: dict[int, int] = {}

    def spec_for(self, customer_id: int) -> rules.OfferSpec:
        if not self.limited:
            return self.spec
        uses = _least(self.spec.uses_left, self.per_customer, self.uses.get(customer_id, 0))
        units = _least(self.spec.units_left, self.per_buyer_units, self.units.get(customer_id, 0))
        return replace(self.spec, uses_left=uses, units_left=units)

    def spend(self, customer_id: int, breakdown: rules.Breakdown, discount: Decimal) -> None:
        if not self.limited or discount <= 0:
            return
        spec = self.spec
        units = sum(line.offer_units for line in breakdown.lines)
        self.uses[customer_id] = self.uses.get(customer_id, 0) + 1
        self.units[customer_id] = self.units.get(customer_id, 0) + units
        self.spec = replace(
            spec, uses_left=None if spec.uses_left is None else spec.uses_left - 1,
            units_left=None if spec.units_left is None else max(spec.units_left - units, 0),
            amount_left=None if spec.amount_left is None else spec.amount_left - discount)


def _least(shared: int | None, own_limit: int | None, own_used: int) -> int | None:
    own = None if own_limit is None else max(own_limit - own_used, 0)
    if shared is None or own is None:
        return own if shared is None else shared
    return min(shared, own)


def simulate(promotion: Promotion, start: date, end: date, *,
             today: date | None = None) -> SimulationResult:
    """Replay ``promotion`` on the paid baskets of [start, end] (module docstring).

    Raises:
        SimulationPeriodInvalid: the period ends before it starts, is longer than a year or
            has not ended yet.
        SimulationNotPossible: a gift or free-shipping promotion.
    """
    check_period(start, end, today=today)
    if promotion.kind in UNSUPPORTED_KINDS:
        raise SimulationNotPossible()
    started = time.perf_counter()
    baskets = load_baskets(start, end, needs=context_needs([promotion]))
    result = replay(baskets, replay_spec(promotion), per_customer=promotion.per_customer_limit,
                    per_buyer_units=promotion.per_buyer_limit)
    result.seconds = time.perf_counter() - started
    return result


def replay(data: Baskets, spec: rules.OfferSpec, *, per_customer: int | None = None,
           per_buyer_units: int | None = None) -> SimulationResult:
    """Price every basket with ``spec`` as the only offer and add up the figures."""
    result = SimulationResult()
    tally = _Tally(spec)
    limits = _Limits(spec, per_customer, per_buyer_units)
    pricer = _Pricer(tally, limits, birthday=spec.eligibility.is_birthday_only)
    anonymous = rules.Buyer()
    for basket in data.baskets:
        breakdown, discount, reached, near = pricer.price(
            basket, data.buyers.get(basket.order_id, anonymous))
        limits.spend(basket.customer_id, breakdown, discount)
        result.baskets += 1
        result.goods_amount += breakdown.list_amount
        result.cost += basket.cost
        if discount > 0:
            result.orders_affected += 1
            result.discount_cost += discount
            tally.affected(breakdown)
        tally.count(reached, near)
    result.near_threshold_orders = tally.near
    result.detail = tally.detail(data.sku_codes)
    return result


class _Pricer:
    """One basket through the engine, and what the tally reads of it. The engine is a pure
    function: a basket made of the very same line objects as one already priced, for the
    same channel and buyer, gets that basket's answer again (not while budgets are being
    spent, nor for a birthday offer, whose answer depends on the day)."""

    def __init__(self, tally: "_Tally", limits: _Limits, *, birthday: bool):
        self.tally, self.limits, self.birthday = tally, limits, birthday
        self.memo: dict | None = None if (limits.limited or birthday) else {}
        self.at = timezone.now()

    def price(self, basket: Basket, buyer: rules.Buyer) -> tuple:
        key = None
        if self.memo is not None:
            key = (tuple(map(id, basket.lines)), basket.channel, buyer)
            found = self.memo.get(key)
            if found is not None:
                return found
        moment = timezone.localtime(basket.paid_at) if self.birthday else self.at
        breakdown = rules.price_cart(basket.lines, buyer=buyer, channel=basket.channel, at=moment,
                                     offers=(self.limits.spec_for(basket.customer_id),))
        # near a threshold only counts for buyers the offer is open to (channel, tier, budget…)
        eligible = all(reason == "condition not met" for _key, reason in breakdown.not_applied)
        reached, near = self.tally.threshold(basket, breakdown) if eligible else (None, False)
        outcome = (breakdown, breakdown.discount_amount, reached, near)
        if key is not None:
            self.memo[key] = outcome
        return outcome


class _Tally:
    """The breakdown of a replay: hits per tier, near-threshold orders, top affected SKUs."""

    def __init__(self, spec: rules.OfferSpec):
        self.spec = spec
        self.tiers = sorted(spec.tiers) if spec.kind == "threshold" else []
        self.hits: dict[str, int] = {}
        self.near = 0
        self.skus: dict[int, list] = {}  # sku id -> [discount, orders]
        self.discounts: dict[Decimal, Decimal] = {}  # in-scope base -> the offer's discount

    def affected(self, breakdown: rules.Breakdown) -> None:
        for line in breakdown.lines:
            amount = line.discount_amount
            if amount > 0:
                entry = self.skus.setdefault(line.sku_id, [ZERO, 0])
                entry[0] += amount
                entry[1] += 1

    def threshold(self, basket: Basket, breakdown: rules.Breakdown) -> tuple[str | None, bool]:
        """(the tier the basket reaches, whether one more in-scope item reaches the next)."""
        if not self.tiers:
            return None, False
        scope = self.spec.scope
        # basket lines come sorted by SKU, as the engine returns them
        in_scope = [(line, result) for line, result in zip(basket.lines, breakdown.lines, strict=True)
                    if scope.covers(line)]
        if not in_scope:
            return None, False
        base = sum((r.list_amount - r.item_discount for _line, r in in_scope), ZERO)
        gap = self._gap(base)
        return self._reached(base), gap is not None and gap <= max(line.unit_price for line, _r in in_scope)

    def count(self, reached: str | None, near: bool) -> None:
        if reached is not None:
            self.hits[reached] = self.hits.get(reached, 0) + 1
        self.near += near

    def _reached(self, base: Decimal) -> str | None:
        """The tier a base reaches ("200", or "200×2" for a repeating one), None if none."""
        if base < self.spec.min_amount:
            return None
        if self.spec.is_repeating:
            step = self.tiers[0][0]
            times = int(base // step) if step > 0 else 0
            return f"{step}×{times}" if times else None
        reached = [threshold for threshold, _amount in self.tiers if base >= threshold]
        return str(reached[-1]) if reached else None

    def _gap(self, base: Decimal) -> Decimal | None:
        """How much more in-scope goods reach a threshold that gives more than ``base`` gets
        now (the next tier, or the next multiple of a repeating one; caps and the minimum
        spend respected): None when there is none."""
        spec = self.spec
        now = self._discount(base)
        if spec.is_repeating:
            step = self.tiers[0][0]
            targets = [step * (int(base // step) + 1)] if step > 0 else []
        else:
            targets = [threshold for threshold, _amount in self.tiers if threshold > base]
        if spec.min_amount > base:
            targets.append(spec.min_amount)
        for target in sorted(targets):
            if self._discount(target) > now:
                return target - base
        return None

    def _discount(self, base: Decimal) -> Decimal:
        """The engine's discount of the offer on in-scope goods worth ``base``."""
        found = self.discounts.get(base)
        if found is None:
            found = ZERO if base <= 0 else rules_offers.order_offer_discount(
                self.spec, [rules.CartLine(0, 1, base)], [base])
            self.discounts[base] = found
        return found

    def detail(self, sku_codes: dict[int, str]) -> dict:
        top = sorted(self.skus.items(), key=lambda item: (-item[1][0], item[0]))[:TOP_SKUS]
        return {
            "tier_hits": dict(sorted(self.hits.items())),
            "top_skus": [{"sku_id": sku_id, "sku_code": sku_codes.get(sku_id, ""),
                          "discount": str(discount), "orders": orders}
                         for sku_id, (discount, orders) in top],
        }

