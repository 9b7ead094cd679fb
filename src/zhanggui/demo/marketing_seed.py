"""The demo's ad spend: the best-selling products advertised every day of the history.

Spend follows each product's sales at a return (GMV / spend) around 4 — a few products
clearly below the guides' 1:2.5 so the ROI checks have something to find — plus shop-wide
display ads at about 3 % of the day's GMV.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.demo.context import Clock, bulk_insert
from zhanggui.demo.dropship_plan import is_drop_ship
from zhanggui.demo.plans import OrderPlan
from zhanggui.marketing.models import AdChannel, AdSpend

ADVERTISED = 24
DROP_SHIP_ADVERTISED = 6  # drop-ship best sellers advertised too (their ROI is watched)
POOR_RETURN = 3  # of the advertised products, these return below 2.5
CENT = Decimal("0.01")


def write_ad_spend(rng: random.Random, clock: Clock, orders: list[OrderPlan],
                   staff: dict[str, Staff]) -> int:
    """Write the spend rows; returns how many."""
    product_of = dict(Sku.objects.values_list("pk", "product_id"))
    start = clock.first_day
    drop_ship: set[int] = set()
    gmv: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    day_gmv: dict[date, Decimal] = defaultdict(Decimal)
    for order in orders:
        if order.paid_at is None:
            continue
        day = clock.local(order.paid_at).date()
        if start <= day < clock.today:
            for line in order.lines:
                gmv[(product_of[line.sku.pk], day)] += line.total
                if is_drop_ship(line.sku):
                    drop_ship.add(product_of[line.sku.pk])
            day_gmv[day] += order.total
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (product_id, _day), amount in gmv.items():
        totals[product_id] += amount
    ranked = sorted(totals, key=lambda p: (-totals[p], p))
    advertised = ranked[:ADVERTISED]
    advertised += [p for p in ranked if p in drop_ship and p not in advertised][:DROP_SHIP_ADVERTISED]
    returns = {p: (rng.uniform(1.6, 2.2) if i % (ADVERTISED // POOR_RETURN) == 1
                   else rng.lognormvariate(1.4, 0.3)) for i, p in enumerate(advertised)}
    operator = staff.get("operator")
    rows = []
    for (product_id, day), amount in sorted(gmv.items()):
        if product_id in returns:
            spend = amount / Decimal(str(returns[product_id])) * Decimal(str(rng.uniform(0.7, 1.3)))
            channel = AdChannel.ZHITONGCHE if product_id % 3 else AdChannel.WANXIANGTAI
            rows.append(_row(clock, day, channel, product_id, spend, operator))
    for day, amount in sorted(day_gmv.items()):
        rows.append(_row(clock, day, AdChannel.YINLIMOFANG, None, amount * Decimal("0.03"), operator))
    bulk_insert(AdSpend, rows)
    return len(rows)


def _row(clock: Clock, day: date, channel: str, product_id: int | None, amount: Decimal,
         staff: Staff | None) -> AdSpend:
    entered = clock.at(day + timedelta(days=1), 9)
    return AdSpend(day=day, channel=channel, product_id=product_id,
                   amount=max(amount, Decimal("5")).quantize(CENT), created_by=staff,
                   created_at=entered, updated_at=entered)
