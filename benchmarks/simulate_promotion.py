"""Benchmark of the promotion simulation: a 满减 (满200减20 / 满300减40, whole shop) replayed
through the price engine on 100,000 historical paid baskets.

    .venv/bin/python benchmarks/simulate_promotion.py
    .venv/bin/python benchmarks/simulate_promotion.py --orders 20000      # quick check
    .venv/bin/python benchmarks/simulate_promotion.py --profile           # cProfile on stderr

1. Migrates a throw-away SQLite database in a temporary directory and writes, with raw SQL
   in one transaction (``executemany``, the analytics benchmark's writer): a category tree,
   products and SKUs (prices 9.90 … 2,999, cost 40 % of the price), customers, and
   ``--orders`` paid orders of 1–4 lines (popular SKUs more often, 1–3 units) over the 90
   days ending three days ago; about one line in four has no cost snapshot (the SKU's
   current cost is used).
2. Times ``insights.simulate`` as the console and the API run it: the baskets of the whole
   period loaded from the order tables (``simulate_data.load_baskets``) and each priced by
   ``pricing.rules.price_cart`` with the promotion (``replay``). Nothing is stored.
3. Checks the result against a direct sum over the generated orders (each order's goods
   amount against the tiers; its cost) before printing.

Prints ONE JSON line on stdout with exactly the issue's keys: ``seconds`` (load + replay;
target ≤ 30) and ``baskets``. The split of the time (``load_seconds``, ``replay_seconds``),
the simulation's figures and ``matches_direct_sum`` go to stderr; a mismatch exits non-zero.
"""

import argparse
import cProfile
import io
import json
import pstats
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analytics import Clock, Writer, cumulative, local_midnight, log, setup_django  # noqa: E402

DAYS = 90
TIERS = ((20_000, 2_000), (30_000, 4_000))  # cents: 满200减20, 满300减40
CATEGORIES = ["女装", "男装", "鞋靴", "箱包", "美妆", "家居", "数码", "食品"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--profile", action="store_true", help="cProfile of the timed run on stderr")
    return parser.parse_args()


def money(cents: int) -> float:
    return cents / 100  # what SQLite keeps of a NUMERIC "12.30"


class Shop:
    """The catalog, the customers and the orders, written into a ``Writer``."""

    def __init__(self, args, first_day_start: int):
        self.rng = random.Random(args.seed)
        self.args, self.start, self.clock = args, first_day_start, Clock()
        self.skus: list[tuple] = []  # (sku id, code, price cents, cost cents, title)
        self.expected = {"goods": 0, "discount": 0, "cost": 0, "affected": 0}

    def catalog(self, w: Writer) -> None:
        r, stamp = self.rng, self.clock(self.start - 200 * 86_400)
        leaves, cid = [], 0
        for top in CATEGORIES:
            cid += 1
            top_id = cid
            w.add("category", (top_id, stamp, stamp, top, 1, 0, None))
            for n in range(6):
                cid += 1
                w.add("category", (cid, stamp, stamp, f"{top}{n + 1}", 2, n, top_id))
                leaves.append(cid)
        sku_id = 0
        for pid in range(1, self.args.products + 1):
            title = f"商品{pid:05d}"
            w.add("product", (pid, stamp, stamp, f"P{pid:06d}", title, stamp, r.choice(leaves)))
            price = max(990, min(299_900, round(r.lognormvariate(4.1, 0.7)) * 100 - 10))
            for n in range(r.choice((1, 1, 2, 3))):
                sku_id += 1
                code = f"P{pid:06d}-{n + 1}"
                sku_price = price + n * 1000
                w.add("sku", (sku_id, stamp, stamp, code, money(sku_price), money(sku_price * 2 // 5), pid))
                self.skus.append((sku_id, code, sku_price, sku_price * 2 // 5, title))
        self.sku_cum = cumulative(1 / (rank + 1) ** 0.9 for rank in r.sample(range(len(self.skus)),
                                                                             len(self.skus)))

    def customers(self, w: Writer, count: int) -> None:
        stamp = self.clock(self.start - 100 * 86_400)
        for cid in range(1, count + 1):
            w.add("customer", (cid, stamp, stamp, f"C{cid:08d}", f"顾客{cid}", "330000", "own"))
        self.customer_count = count

    def orders(self, w: Writer) -> None:
        r, clock, span = self.rng, self.clock, DAYS * 86_400
        from bisect import bisect

        times = sorted(self.start + int(r.random() * span) for _ in range(self.args.orders))
        line_id = 0
        for oid, placed in enumerate(times, start=1):
            chosen: dict[int, int] = {}
            for _ in range(r.choice((1, 1, 1, 2, 2, 3, 4))):
                index = bisect(self.sku_cum, r.random() * self.sku_cum[-1])
                chosen[index] = chosen.get(index, 0) + r.choice((1, 1, 1, 2, 3))
            goods = sum(self.skus[i][2] * q for i, q in chosen.items())
            paid, stamp = placed + r.randint(30, 900), clock(placed)
            w.add("order", (oid, stamp, stamp, f"S{oid:011d}", "own", "completed", money(goods), 0, 0,
                            money(goods), money(goods), 0, "330000", stamp, clock(paid), clock(paid),
                            clock(paid + 86_400), clock(paid + 3 * 86_400), clock(paid + 10 * 86_400),
                            None, None, r.randint(1, self.customer_count)))
            for index, quantity in chosen.items():
                line_id += 1
                sku_id, code, price, cost, title = self.skus[index]
                snapshot = cost if r.random() < 0.75 else 0  # no snapshot: the SKU's cost
                w.add("line", (line_id, title, code, quantity, money(price), money(snapshot), 0,
                               money(price * quantity), 0, 0, oid, sku_id, 0))
                self.expected["cost"] += cost * quantity
            self.expect(goods)

    def expect(self, goods: int) -> None:
        reached = [amount for threshold, amount in TIERS if goods >= threshold]
        self.expected["goods"] += goods
        if reached:
            self.expected["discount"] += reached[-1]
            self.expected["affected"] += 1


def generate(args, first_day: date, tz) -> Shop:
    from django.db import connection, transaction

    shop = Shop(args, local_midnight(first_day, tz))
    started = time.perf_counter()
    with transaction.atomic():
        raw = connection.connection
        raw.execute("PRAGMA cache_size = -500000")
        w = Writer(raw)
        shop.catalog(w)
        shop.customers(w, max(1, args.orders // 4))
        w.flush()
        shop.orders(w)
        w.flush()
    log(f"generated in {time.perf_counter() - started:.1f} s: "
        f"{ {k: v for k, v in w.counts.items() if v} }")
    return shop


def timed_simulation(promotion, start: date, end: date) -> tuple[dict, object]:
    from zhanggui.insights.simulate import replay, replay_spec
    from zhanggui.insights.simulate_data import load_baskets
    from zhanggui.pricing.queries import context_needs

    started = time.perf_counter()
    baskets = load_baskets(start, end, needs=context_needs([promotion]))
    loaded = time.perf_counter()
    result = replay(baskets, replay_spec(promotion), per_customer=promotion.per_customer_limit,
                    per_buyer_units=promotion.per_buyer_limit)
    done = time.perf_counter()
    return {"seconds": round(done - started, 2), "load_seconds": round(loaded - started, 2),
            "replay_seconds": round(done - loaded, 2)}, result


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="zhanggui-simulate-bench-") as scratch:
        setup_django(Path(scratch))
        from django.db import connection
        from django.utils import timezone

        from zhanggui.pricing import actions as pricing_actions

        today = timezone.localdate()
        first_day, last_day = today - timedelta(days=DAYS + 3), today - timedelta(days=3)
        shop = generate(args, first_day, timezone.get_current_timezone())
        connection.close()
        promotion = pricing_actions.create_promotion(
            "满200减20 / 满300减40", kind="threshold", actor=None,
            tiers=[{"threshold": str(t // 100), "amount": str(a // 100)} for t, a in TIERS])
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        timing, result = timed_simulation(promotion, first_day, last_day)
        if profile:
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
            log("cProfile of the timed run:\n" + out.getvalue())
    expected = shop.expected
    cents = Decimal("0.01")
    matches = (result.baskets == args.orders and result.orders_affected == expected["affected"]
               and result.goods_amount == expected["goods"] * cents
               and result.discount_cost == expected["discount"] * cents
               and result.cost == expected["cost"] * cents)
    log("figures: " + json.dumps({
        **timing, "orders_affected": result.orders_affected,
        "goods_amount": str(result.goods_amount), "discount_cost": str(result.discount_cost),
        "margin_before": str(result.margin_before), "margin_after": str(result.margin_after),
        "near_threshold_orders": result.near_threshold_orders,
        "tier_hits": result.detail["tier_hits"], "matches_direct_sum": matches,
        "target_seconds": 30}, ensure_ascii=False))
    # stdout: exactly the keys the issue names (the other figures went to stderr above)
    print(json.dumps({"seconds": timing["seconds"], "baskets": result.baskets}))
    if not matches:
        sys.exit("the simulation's figures differ from the direct sum over the generated orders")


if __name__ == "__main__":
    main()
