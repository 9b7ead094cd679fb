"""When orders are placed, by whom, for which SKUs and at what price.

Placement follows ``timeline`` (weekly rhythm, evening peaks, festivals, Spring Festival).
Each order then gets its sales channel (``assign_channels``, a stream of its own).
Amounts are computed with the same rules ``orders.actions.place_order`` uses:
``orders.rules.price_lines`` and ``order_total``, demand summed per SKU with
``inventory.rules.sum_demand`` and lines ordered by SKU id.
"""

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from zhanggui.core.money import ZERO, to_money
from zhanggui.demo import timeline
from zhanggui.demo.context import HISTORY_DAYS, Clock, Picker, SeedOptions, stream, weighted
from zhanggui.demo.data_catalog import TOP_CATEGORIES
from zhanggui.demo.plans import CustomerInfo, LinePlan, OrderPlan, SkuInfo
from zhanggui.inventory.rules import sum_demand
from zhanggui.orders.rules import order_total, price_lines

LINE_COUNTS = weighted(((1, 70), (2, 20), (3, 8), (4, 2)))
QUANTITIES = weighted(((1, 82), (2, 13), (3, 5)))
COUPONS = ((Decimal(299), Decimal(30)), (Decimal(199), Decimal(20)), (Decimal(99), Decimal(10)))
BUYER_NOTES = ("请尽快发货，谢谢", "不要放快递柜，送货上门", "送人的，不要放价格单", "周末再送",
               "麻烦包装好一点", "发顺丰可以补差价吗")
SHOWCASE_STATES = ("pending_payment", "paid", "reviewed", "shipped", "delivered")
# Sales channels: percent of the orders drawn at the start of the history and today (linear
# in between): Douyin and Xiaohongshu grow at the own store's expense. With the buyers'
# loyalty, over the full demo about own 34 %, Taobao 29 %, JD 15 %, Pinduoduo 10 %,
# Douyin 11 % (8 % a year ago, 13 % now) and Xiaohongshu 1 %.
CHANNEL_SHARES = {"own": (38, 24), "taobao": (30, 30), "jd": (15, 15), "pinduoduo": (10, 9),
                  "douyin": (7, 18), "xiaohongshu": (0, 4)}
CHANNEL_LOYALTY_PCT = 60   # a repeat buyer's orders in the channel of their first order
# The platforms' order numbers (external ids): (prefix, digits after it); the own store's
# orders have none.
EXTERNAL_IDS = {"taobao": ("", 19), "jd": ("", 12), "pinduoduo": ("", 18),
                "douyin": ("69", 17), "xiaohongshu": ("P", 18)}


class SkuChooser:
    """Picks what buyers buy: a category (with its seasonal boost), then a SKU by popularity,
    only among products listed at that moment."""

    def __init__(self, skus: list[SkuInfo]):
        self.by_top = {}
        for top in TOP_CATEGORIES:
            members = [s for s in skus if s.top.key == top.key and s.listed_at is not None]
            if members:
                self.by_top[top.key] = Picker(members, [s.weight for s in members])
        self.tops = [t for t in TOP_CATEGORIES if t.key in self.by_top]
        self.top_pickers: dict[tuple[int, ...], Picker] = {}

    def _top_picker(self, day: date) -> Picker:
        boosts = tuple(timeline.category_boost_pct(t.key, day) for t in self.tops)
        if boosts not in self.top_pickers:
            self.top_pickers[boosts] = Picker(self.tops, [t.weight * b for t, b in
                                                          zip(self.tops, boosts, strict=True)])
        return self.top_pickers[boosts]

    def pick(self, rng: random.Random, moments: list[datetime], taken: set[int],
             top_key: str | None = None) -> SkuInfo | None:
        day = moments[0].date()
        for _attempt in range(40):
            key = top_key or self._top_picker(day).pick(rng).key
            sku = self.by_top[key].pick(rng)
            if sku.pk not in taken and all(sku.sellable_at(m) for m in moments):
                return sku
            top_key = None  # a sold-out wish: let the buyer look elsewhere
        return None


def placement_times(rng: random.Random, clock: Clock, count: int) -> list[datetime]:
    """``count`` (about) order times over the year, sorted."""
    days = timeline.days_between(clock.first_day, clock.today)
    this_hour = timeline.HOUR_WEIGHTS[clock.now.hour] * clock.now.minute // 60
    elapsed = sum(timeline.HOUR_WEIGHTS[: clock.now.hour]) + this_hour
    share_today = Decimal(elapsed) / Decimal(sum(timeline.HOUR_WEIGHTS))
    weights = [Decimal(timeline.day_weight(d, days[-1])) for d in days]
    weights[-1] *= share_today
    per_weight = Decimal(count) / sum(weights)
    hours = Picker(range(24), timeline.HOUR_WEIGHTS)
    hours_so_far = Picker(range(clock.now.hour + 1),
                          [*timeline.HOUR_WEIGHTS[: clock.now.hour], max(1, this_hour)])
    times = []
    for day, weight in zip(days, weights, strict=True):
        expected = weight * per_weight
        n = int(expected) + (1 if rng.randrange(10**6) < expected % 1 * 10**6 else 0)
        for _order in range(n):
            times.append(_moment(rng, clock, day, hours_so_far if day == clock.today else hours))
    times.sort()
    return times


def _moment(rng: random.Random, clock: Clock, day: date, hours: Picker) -> datetime:
    while True:
        moment = clock.at(day, hours.pick(rng), rng.randrange(60), rng.randrange(60))
        if moment < clock.now:
            return moment


def assign_customers(rng: random.Random, customers: list[CustomerInfo],
                     count: int) -> list[CustomerInfo]:
    """Who places each of ``count`` orders: the buyers' planned counts, scaled so they add
    up, then shuffled over the year (one-time buyers stay one-time)."""
    buyers = [c for c in customers if c.planned_orders > 0]
    counts = [c.planned_orders for c in buyers]
    ones = sum(1 for n in counts if n == 1)
    repeat_total = sum(n for n in counts if n > 1) or 1
    factor = Decimal(max(0, count - ones)) / repeat_total
    counts = [n if n == 1 else max(2, int(n * factor + Decimal("0.5"))) for n in counts]
    _fix_total(rng, counts, count)
    slots = [buyer for buyer, n in zip(buyers, counts, strict=True) for _ in range(n)]
    rng.shuffle(slots)
    return slots


def _fix_total(rng: random.Random, counts: list[int], target: int) -> None:
    difference = target - sum(counts)
    repeaters = [i for i, n in enumerate(counts) if n > 1] or list(range(len(counts)))
    while difference > 0:
        counts[rng.choice(repeaters)] += 1
        difference -= 1
    while difference < 0:
        index = rng.randrange(len(counts))
        if counts[index] > 0:
            counts[index] -= 1
            difference += 1


def plan_orders(options: SeedOptions, clock: Clock, customers: list[CustomerInfo],
                skus: list[SkuInfo]) -> list[OrderPlan]:
    """The year's orders plus a few recent showcase orders (``forced_status``) so every
    state exists at any scale and time of day."""
    rng = stream(options, "orders")
    chooser = SkuChooser(skus)
    times = placement_times(rng, clock, options.order_count)
    orders = []
    for placed_at, customer in zip(times, assign_customers(rng, customers, len(times)),
                                   strict=True):
        order = _order(rng, chooser, customer, placed_at, [placed_at])
        if order is not None:
            orders.append(order)
    regulars = [c for c in customers if c.planned_orders > 1] or customers
    for status in SHOWCASE_STATES:
        for n in range(3):
            window = [clock.now - timedelta(days=15), clock.now]
            order = _order(rng, chooser, rng.choice(regulars), clock.now - timedelta(days=20),
                           window)
            if order is not None:
                order.forced_status, order.forced_age, order.live = SHOWCASE_ROLES.get(
                    (status, n), (status, None, ""))
                if status == "reviewed":
                    order.buyer_note = ""  # to pass review and reach a wave
                orders.append(order)
    orders += live_showcases(rng, clock, chooser, regulars, skus)
    assign_channels(stream(options, "channels"), clock, orders)
    return orders


def channel_shares(clock: Clock, day: date) -> dict[str, float]:
    """``CHANNEL_SHARES`` on ``day``: each channel's percent of that day's orders."""
    progress = min(1.0, max(0.0, (day - clock.first_day).days / (HISTORY_DAYS - 1)))
    return {code: start + (end - start) * progress
            for code, (start, end) in CHANNEL_SHARES.items()}


def assign_channels(rng: random.Random, clock: Clock, orders: list[OrderPlan]) -> None:
    """Where each order was sold, and its platform order number. A buyer's first order
    draws from the shares of its day; later orders mostly stay in that channel. Only the
    label changes: amounts, times and buyers are those planned."""
    pickers: dict[int, Picker] = {}
    home: dict[str, str] = {}
    used: set[tuple[str, str]] = set()
    for order in sorted(orders, key=lambda o: o.placed_at):
        channel = home.get(order.customer.code)
        if channel is None or rng.randrange(100) >= CHANNEL_LOYALTY_PCT:
            month = (order.placed_at.date() - clock.first_day).days // 30
            if month not in pickers:
                shares = channel_shares(clock, clock.first_day + timedelta(days=month * 30 + 15))
                pickers[month] = Picker(list(shares), list(shares.values()))
            channel = pickers[month].pick(rng)
        home.setdefault(order.customer.code, channel)
        order.channel = channel
        order.external_id = _external_id(rng, order, used)


def _external_id(rng: random.Random, order: OrderPlan, used: set[tuple[str, str]]) -> str:
    if order.channel not in EXTERNAL_IDS:
        return ""
    prefix, digits = EXTERNAL_IDS[order.channel]
    while True:
        first = "" if prefix else str(rng.randint(1, 9))  # no leading zero
        number = f"{prefix}{first}{rng.randrange(10 ** (digits - len(first))):0{digits - len(first)}d}"
        if (order.channel, number) not in used:
            used.add((order.channel, number))
            return number


def _order(rng: random.Random, chooser: SkuChooser, customer: CustomerInfo, placed_at: datetime,
           moments: list[datetime]) -> OrderPlan | None:
    wanted: list[tuple[SkuInfo, int]] = []
    taken: set[int] = set()
    for _line in range(LINE_COUNTS.pick(rng)):
        same_top = wanted[0][0].top.key if wanted and rng.randrange(2) else None
        sku = chooser.pick(rng, moments, taken, same_top)
        if sku is None:
            continue
        taken.add(sku.pk)
        wanted.append((sku, min(QUANTITIES.pick(rng), sku.top.max_quantity)))
    if not wanted:
        return None
    address = customer.addresses[0]
    if len(customer.addresses) > 1 and rng.randrange(100) < 15:
        address = customer.addresses[1]
    return price_order(rng, customer, address, placed_at, wanted)


def price_order(rng: random.Random, customer: CustomerInfo, address, placed_at: datetime,
                wanted: list[tuple[SkuInfo, int]]) -> OrderPlan:
    """Amounts exactly as ``place_order`` computes them."""
    skus = {sku.pk: sku for sku, _q in wanted}
    demand = sum_demand((sku.pk, quantity) for sku, quantity in wanted)
    ordered = sorted(demand.items())
    goods = sum((to_money(skus[pk].price * q) for pk, q in ordered), ZERO)
    day = placed_at.date()
    discount = _discount(rng, day, goods, first_order=customer.order_count == 0)
    shipping = _shipping(goods - discount, address.is_remote, timeline.promotion(day) is not None)
    priced = price_lines([(q, skus[pk].price) for pk, q in ordered], discount)
    lines = [LinePlan(sku=skus[pk], quantity=p.quantity, unit_price=p.unit_price_amount,
                      discount=p.discount_amount, total=p.total_amount)
             for (pk, _q), p in zip(ordered, priced, strict=True)]
    customer.order_count += 1
    note = rng.choice(BUYER_NOTES) if rng.randrange(100) < 5 else ""
    return OrderPlan(customer=customer, address=address, placed_at=placed_at, lines=lines,
                     goods=goods, discount=discount, shipping=shipping,
                     total=order_total(goods, discount, shipping), buyer_note=note)


def _discount(rng: random.Random, day: date, goods: Decimal, *, first_order: bool) -> Decimal:
    """满减 during festivals, occasional store coupons, a welcome coupon for first orders."""
    promotion = timeline.promotion(day)
    if promotion is not None:
        _name, every, off = promotion
        return min(goods, (goods // every) * off)
    if rng.randrange(100) < 12:
        for threshold, off in COUPONS:
            if goods >= threshold:
                return off
    if first_order and goods >= Decimal(59) and rng.randrange(100) < 30:
        return Decimal(10)
    return ZERO


def _shipping(payable_goods: Decimal, is_remote: bool, in_promotion: bool) -> Decimal:
    """Free over 99 (over 199 to remote regions, 偏远地区); free during festivals except
    to remote regions."""
    threshold = Decimal(199) if is_remote else Decimal(99)
    if payable_goods >= threshold or (in_promotion and not is_remote):
        return ZERO
    return Decimal(15) if is_remote else Decimal(8)


# What the showcase orders of ``SHOWCASE_STATES`` do in the live phase (``demo.live``), by
# (forced status, index): how long ago they reached it and their live role. Shipped ones stay
# with the carrier (not collected, stalled, delivery failed); reviewed ones reach a wave.
SHOWCASE_ROLES = {
    ("shipped", 0): ("shipped", timedelta(hours=30), "not_collected"),
    ("shipped", 1): ("shipped", timedelta(days=5, hours=12), "stalled"),
    ("shipped", 2): ("shipped", timedelta(days=2, hours=12), "failed"),
    ("delivered", 1): ("shipped", timedelta(hours=27), "not_collected"),
    ("delivered", 2): ("shipped", timedelta(days=4, hours=20), "stalled"),
    ("reviewed", 0): ("reviewed", timedelta(hours=5), ""),
    ("reviewed", 1): ("reviewed", timedelta(hours=4), ""),
    ("reviewed", 2): ("reviewed", timedelta(hours=3), ""),
}
# Orders the review rules hold: one buyer's four orders to one address within a day (one
# with a note, one above the large-order threshold), and one to a remote region.
HELD_AGES = {"note": timedelta(hours=20), "repeat": timedelta(hours=9),
             "again": timedelta(hours=8), "amount": timedelta(minutes=35),
             "remote": timedelta(hours=5, minutes=30)}
REMOTE_ADDRESS = ("650000", "乌鲁木齐", "天山区", "830000")
# The live phase sets the large-order rule to this threshold (the demo's goods are cheap).
AMOUNT_SHOWCASE = Decimal(800)


def live_showcases(rng: random.Random, clock: Clock, chooser: SkuChooser,
                   regulars: list[CustomerInfo], skus: list[SkuInfo]) -> list[OrderPlan]:
    """The held orders each review rule explains (buyer note, large amount, four orders to
    one address within hours, remote region)."""
    window = [clock.now - timedelta(days=15), clock.now]
    placed = clock.now - timedelta(days=20)
    customer = next((c for c in regulars if not c.addresses[0].is_remote), regulars[0])
    plans = []
    for special, age in HELD_AGES.items():
        if special == "amount":
            order = _large_order(rng, customer, placed, skus, window)
        else:
            order = _order(rng, chooser, customer, placed, window)
        if order is None:
            continue
        if order.address is not customer.addresses[0]:  # priced for the one address
            order = price_order(rng, customer, customer.addresses[0], placed,
                                [(line.sku, line.quantity) for line in order.lines])
        order.buyer_note = ""
        if special == "note":
            order.buyer_note = rng.choice(BUYER_NOTES)
        elif special == "remote":
            province, city, district, postal = REMOTE_ADDRESS
            order = price_order(rng, customer, replace(
                customer.addresses[0], province_code=province, city=city, district=district,
                postal_code=postal, is_remote=True), placed,
                [(line.sku, line.quantity) for line in order.lines])
            order.buyer_note = ""
        order.forced_status, order.forced_age = "reviewed", age
        plans.append(order)
    return plans


def _large_order(rng: random.Random, customer: CustomerInfo, placed_at: datetime,
                 skus: list[SkuInfo], moments: list[datetime]) -> OrderPlan | None:
    """The dearest SKUs on sale, as many as a buyer may take, until above the threshold."""
    wanted, goods = [], Decimal(0)
    for sku in sorted((s for s in skus if all(s.sellable_at(m) for m in moments)),
                      key=lambda s: (-s.price, s.pk)):
        wanted.append((sku, sku.top.max_quantity))
        goods += sku.price * sku.top.max_quantity
        if goods > AMOUNT_SHOWCASE * Decimal("1.3"):
            return price_order(rng, customer, customer.addresses[0], placed_at, wanted)
    return None
