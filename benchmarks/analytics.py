"""Benchmark of the analytics warehouse and its five reports on a large synthetic shop.

    .venv/bin/python benchmarks/analytics.py --orders 1000000 --events 10000000
    .venv/bin/python benchmarks/analytics.py --orders 20000 --events 200000   # quick check

1. Migrates a throw-away SQLite database in a temporary directory and fills it FAST with
   raw SQL (``executemany`` in one transaction, not the ORM): a three-level category tree,
   a few thousand products and SKUs, customers (about one per five orders), orders over
   ``--days`` days ending yesterday (weekly rhythm, a slow upward trend, daily hours),
   1–3 lines each, payments (some failed, with reasons), cancellations with refunds,
   after-sales requests with reason codes (some refunded), and traffic events consistent
   with the orders (each order has its visit: page, product views, cart, checkout, order
   and payment events; other visitors bounce, browse, search, sometimes with terms that
   find nothing, or abandon a cart). Generation time goes to stderr.
2. ``build_seconds``: ``warehouse.rebuild()`` from scratch (the facts, then the derived
   tables and rollups written once, ``rollups.materialise``); ``reader_load_seconds``: this
   process's reader registering that version's views.
3. ``refresh_seconds``: 10,000 new orders today (lines, payments, events, plus the other
   visitors' traffic at the same rate), status changes of 5,000 recent orders, a few
   after-sales requests and refunds; then ``warehouse.refresh()`` (facts and derived tables),
   and the reader loading what changed (``reader_reload_after_refresh_seconds``).
4. ``rss_mb_per_process`` and ``first_load_seconds``: a FRESH process set up as a web process
   (Django, the reader, ``ZHANGGUI_WAREHOUSE_IN_MEMORY`` as set, false by default here) runs
   each of the five reports below once; its peak resident set (VmHWM of /proc/self/status)
   and the seconds from its first reader access to the first report's answer.
5. Each report of ``reports.REPORTS`` with hand-written baselines, on the 30 days ending
   with the data's last day: ``seconds`` is the median of 3 warm runs of the product's report
   function (one untimed run first). The same numbers (every KPI over the three periods and
   the report's tables) are computed (a) with hand-written DuckDB SQL over DuckDB tables
   loaded from the manifest's fact files (not the derived ones), in a separate connection
   with the same thread count, and (b) with pandas on DataFrames loaded from the same files
   before timing (load times reported as ``duckdb_sql_load_seconds`` and
   ``pandas_load_seconds``); both are asserted equal to the product's (counts and Decimal
   money exactly, rates within 1e-12) before any timing.
6. Prints one JSON object on one line on stdout (progress and generation times on stderr).

``--keep DIR --reports-only --rebuild-warehouse`` rebuilds the warehouse of an earlier run's
kept data with the current code, then measures as above (without the refresh).
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from bisect import bisect
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAY = 86_400
REFRESH_ORDERS = 10_000
REFRESH_STATUS_UPDATES = 5_000
REFRESH_AFTERSALES = 200


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ---- the synthetic shop ------------------------------------------------------------------

TOP_CATEGORIES = ["女装", "男装", "鞋靴", "箱包", "美妆", "家居", "数码", "食品"]
CHANNELS = (["own", "douyin", "wechat", "xiaohongshu"], [75, 12, 8, 5])
SOURCES = (["search", "ads", "social", "live", "direct", "campaign", "channel"],
           [30, 22, 15, 10, 13, 6, 4])
DEVICES = (["mobile", "desktop", "tablet", "app"], [55, 15, 5, 25])
METHODS = (["alipay", "wechat", "unionpay", "card"], [50, 40, 5, 5])
FAILURES = (["insufficient_funds", "bank_declined", "risk_control", "timeout", "user_cancelled",
             "wrong_password", "network_error"], [30, 20, 10, 15, 12, 8, 5])
KINDS = (["return", "refund_only", "exchange"], [60, 30, 10])
REASONS = (["size_fit", "quality", "not_as_described", "damaged", "wrong_item", "missing_part",
            "changed_mind", "late_delivery", "not_received"], [28, 18, 12, 8, 5, 4, 18, 4, 3])
WEEKLY = [0.95, 0.90, 0.92, 0.97, 1.05, 1.15, 1.10]  # Monday … Sunday
HOURLY = [2, 1, 0.6, 0.4, 0.3, 0.4, 0.8, 1.6, 2.8, 3.8, 4.6, 4.8, 4.4, 4.2, 4.6, 4.6, 4.4,
          4.2, 4.4, 5.2, 6.4, 7.2, 6.6, 4.2]
WORDS = ["连衣裙", "羽绒服", "卫衣", "牛仔裤", "衬衫", "T恤", "外套", "毛衣", "运动鞋", "靴子",
         "双肩包", "钱包", "口红", "面霜", "防晒", "床品", "收纳", "台灯", "耳机", "充电宝",
         "手机壳", "坚果", "茶叶", "咖啡", "零食"]
MODIFIERS = ["", "女", "男", "新款", "冬季", "大码", "黑色", "白色"]
ZERO_TERMS = ["蓝牙冰箱", "羽绒短裤", "透明毛衣", "无线吹风机", "木头耳机", "夏季羽绒服",
              "儿童西装领带", "防水纸巾", "金属卫衣", "加热墨镜", "宠物婚纱", "月球土壤",
              "liansiqun", "yurongfu", "maoyi", "口红口红", "连衣群", "羽戎服", "卫依", "牛仔库"]


def cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


class Choice:
    """Weighted choice among a few values (cumulative weights, one ``bisect``)."""

    def __init__(self, values, weights, rng: random.Random):
        self.values, self.cum, self.rng = list(values), cumulative(weights), rng

    def __call__(self):
        return self.values[bisect(self.cum, self.rng.random() * self.cum[-1])]


class Clock:
    """Epoch seconds → the UTC text Django stores in SQLite ("YYYY-MM-DD HH:MM:SS")."""

    def __init__(self):
        self.prefixes: dict[int, str] = {}

    def __call__(self, ts: int | None) -> str | None:
        if ts is None:
            return None
        minute, second = divmod(int(ts), 60)
        prefix = self.prefixes.get(minute)
        if prefix is None:
            prefix = datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%d %H:%M:")
            self.prefixes[minute] = prefix
        return f"{prefix}{second:02d}"


def money(cents: int) -> float:
    # What SQLite keeps of Django's str(Decimal): a NUMERIC column stores "12.30" as 12.3.
    return cents / 100


SQL = {
    "category": "INSERT INTO catalog_category (id, created_at, updated_at, name, level, sort_order, "
                "parent_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "product": "INSERT INTO catalog_product (id, created_at, updated_at, code, title, brand, "
               "description, attributes, option_names, status, status_reason, status_changed_at, "
               "category_id) VALUES (?, ?, ?, ?, ?, '', '', '{}', '[]', 'listed', 'new', ?, ?)",
    "sku": "INSERT INTO catalog_sku (id, created_at, updated_at, code, option_values, price_amount, "
           "cost_amount, weight_grams, barcode, is_active, product_id) "
           "VALUES (?, ?, ?, ?, '{}', ?, ?, 500, '', 1, ?)",
    "customer": "INSERT INTO customers_customer (id, created_at, updated_at, code, nickname, name, "
                "phone, email, gender, birthday, province_code, city, channel, note, country) "
                "VALUES (?, ?, ?, ?, ?, '', '', '', '', NULL, ?, '', ?, '', '')",
    "order": "INSERT INTO orders_order (id, created_at, updated_at, number, channel, external_id, "
             "is_imported, status, currency, goods_amount, discount_amount, shipping_amount, "
             "total_amount, paid_amount, refunded_amount, recipient_name, recipient_phone, "
             "province_code, city, district, address_detail, buyer_note, placed_at, paid_at, "
             "reviewed_at, shipped_at, delivered_at, completed_at, cancelled_at, closed_at, "
             "cancel_reason, customer_id, country, seller_note, pricing_breakdown) VALUES "
             "(?, ?, ?, ?, ?, '', 0, ?, 'CNY', ?, ?, ?, ?, ?, ?, '收件人', '13800000000', ?, '城市', "
             "'', '某路 1 号', '', ?, ?, ?, ?, ?, ?, ?, ?, '', ?, '', '', '{}')",
    "line": "INSERT INTO orders_orderline (id, product_title, sku_code, option_values, quantity, "
            "unit_price_amount, unit_cost_amount, discount_amount, total_amount, returned_quantity, "
            "refunded_amount, order_id, sku_id, warehouse_id, allocations, item_discount_amount) "
            "VALUES (?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '{}', ?)",
    "payment": "INSERT INTO orders_payment (id, method, amount, currency, status, failure_reason, "
               "transaction_id, created_at, actor_id, order_id) VALUES (?, ?, ?, 'CNY', ?, ?, ?, ?, "
               "NULL, ?)",
    "request": "INSERT INTO aftersales_aftersalesrequest (id, created_at, updated_at, number, kind, "
               "reason_code, status, requested_amount, buyer_note, decision_note, requested_at, "
               "decided_at, received_at, closed_at, order_id) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?, ?)",
    "aline": "INSERT INTO aftersales_aftersalesline (id, quantity, disposition, order_line_id, "
             "request_id) VALUES (?, ?, ?, ?, ?)",
    "refund": "INSERT INTO aftersales_refund (id, amount, currency, reason, created_at, actor_id, "
              "order_id, request_id, recorded_at) VALUES (?, ?, 'CNY', ?, ?, NULL, ?, ?, "
              "CURRENT_TIMESTAMP)",
    "event": "INSERT INTO traffic_event (id, event_id, kind, visitor_id, session_id, search_term, "
             "result_count, source, channel, device, url, occurred_at, received_at, customer_id, "
             "order_id, product_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)",
}


def complete_insert(raw, sql: str) -> str:
    """``sql`` plus a neutral literal for every NOT NULL column without a default that it
    does not set (other apps add fields while this script lives: e.g. a new flag)."""
    head, values_ = sql.split(" VALUES ")
    table, columns = head[len("INSERT INTO "):].split(" ", 1)
    named = {c.strip() for c in columns.strip("()").split(",")}
    extra = []
    for _cid, name, kind, notnull, default, _pk in raw.execute(f"PRAGMA table_info({table})"):
        if notnull and default is None and name not in named:
            kind = kind.lower()
            literal = "0" if any(t in kind for t in ("int", "bool", "decimal", "real")) else "''"
            extra.append((name, "'{}'" if kind == "text" and "json" in name else literal))
    if not extra:
        return sql
    log(f"  {table}: also setting {', '.join(f'{n} = {v}' for n, v in extra)}")
    return (f"INSERT INTO {table} ({columns.strip()[1:-1]}, {', '.join(n for n, _v in extra)}) VALUES "
            f"({values_.strip()[1:-1]}, {', '.join(v for _n, v in extra)})")


class Writer:
    """Buffers rows per table and writes them with ``executemany`` (the caller holds the
    transaction)."""

    def __init__(self, raw_connection, flush_rows: int = 50_000):
        self.db, self.flush_rows = raw_connection, flush_rows
        self.sql = {name: complete_insert(raw_connection, sql) for name, sql in SQL.items()}
        self.rows: dict[str, list[tuple]] = {name: [] for name in SQL}
        self.counts: dict[str, int] = dict.fromkeys(SQL, 0)

    def add(self, table: str, row: tuple) -> None:
        rows = self.rows[table]
        rows.append(row)
        if len(rows) >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        # Parents before children (``SQL``'s order): a child row without its parent yet would
        # make SQLite look for children at every parent insert (deferred foreign keys).
        for name in SQL:
            if self.rows[name]:
                self.db.executemany(self.sql[name], self.rows[name])
                self.counts[name] += len(self.rows[name])
                self.rows[name] = []


class Shop:
    """Generates the shop into a ``Writer``; ids are assigned here, in time order."""

    def __init__(self, *, orders: int, events: int, customers: int, days: int, seed: int,
                 now: int, first_day_start: int):
        self.rng = random.Random(seed)
        self.n_orders, self.n_events, self.n_customers, self.days = orders, events, customers, days
        self.now, self.start = now, first_day_start
        self.clock = Clock()
        r = self.rng
        self.channel, self.source = Choice(*CHANNELS, r), Choice(*SOURCES, r)
        self.device, self.method = Choice(*DEVICES, r), Choice(*METHODS, r)
        self.failure, self.kind, self.reason = Choice(*FAILURES, r), Choice(*KINDS, r), Choice(*REASONS, r)
        self.hour = Choice(range(24), HOURLY, r)
        uniform = r.random
        self.ri = lambda low, high: low + int(uniform() * (high - low + 1))  # randint, faster
        self.next = dict.fromkeys(["order", "line", "payment", "event", "request", "aline", "refund"], 1)
        self.pending_aftersales: list[dict] = []
        self.anonymous = 0
        self.buyer_events = 0
        terms = [w + m for w in WORDS for m in MODIFIERS]
        self.terms = Choice([(t, r.randint(1, 240)) for t in terms],
                            [1 / (n + 1) ** 0.9 for n in range(len(terms))], r)
        self.zero_terms = Choice([(t, 0) for t in ZERO_TERMS],
                                 [1 / (n + 1) ** 0.7 for n in range(len(ZERO_TERMS))], r)

    # -- catalog and customers --

    def catalog(self, w: Writer, products: int) -> None:
        r, clock = self.rng, self.clock
        created = clock(self.start - 400 * DAY)
        leaves, cid = [], 0
        for top_index, top in enumerate(TOP_CATEGORIES):
            cid += 1
            top_id = cid
            w.add("category", (top_id, created, created, top, 1, top_index, None))
            for m in range(4):
                cid += 1
                mid_id = cid
                w.add("category", (mid_id, created, created, f"{top}·{m + 1}类", 2, m, top_id))
                for leaf in range(4):
                    cid += 1
                    w.add("category", (cid, created, created, f"{top}·{m + 1}·{leaf + 1}", 3, leaf, mid_id))
                    leaves.append((cid, f"{top}{m + 1}{leaf + 1}"))
        self.products: list[tuple] = []  # (created ts, product id, [(sku id, code, price, cost)], title)
        sku_id = 0
        for pid in range(1, products + 1):
            category, label = leaves[r.randrange(len(leaves))]
            born = (self.start - r.randint(1, 200) * DAY if r.random() < 0.9
                    else r.randint(self.start, self.now - 2 * DAY))
            title = f"{label} 款 {pid:05d}"
            stamp = clock(born)
            w.add("product", (pid, stamp, stamp, f"P{pid:06d}", title, stamp, category))
            price = max(990, min(299_900, round(r.lognormvariate(4.7, 0.6)) * 100 - 10))
            skus = []
            for n in range(r.choice((1, 1, 2, 3))):
                sku_id += 1
                sku_price = price + n * 1000
                cost = sku_price * 2 // 5
                code = f"P{pid:06d}-{n + 1}"
                w.add("sku", (sku_id, stamp, stamp, code, money(sku_price), money(cost), pid))
                skus.append((sku_id, code, sku_price, cost))
            self.products.append((born, pid, skus, title))
        self.products.sort()
        self.product_born = [p[0] for p in self.products]
        self.product_cum = cumulative(1 / (rank + 1) ** 0.8 for rank in
                                      r.sample(range(len(self.products)), len(self.products)))

    def customers(self, w: Writer) -> None:
        r, clock = self.rng, self.clock
        span = self.now - self.start
        joined = sorted(self.start - r.randint(1, 400 * DAY) if r.random() < 0.25
                        else self.start + r.randint(0, span - DAY) for _ in range(self.n_customers))
        from zhanggui.core.regions import PROVINCES

        codes = [p.code for p in PROVINCES]
        province = Choice(codes, [PROVINCE_WEIGHT.get(c, 1) for c in codes], r)
        self.province_codes = codes
        self.customer_joined = joined
        self.customer_province = [None]
        for cid, ts in enumerate(joined, start=1):
            code = province()
            self.customer_province.append(code)
            stamp = clock(ts)
            w.add("customer", (cid, stamp, stamp, f"C{cid:08d}", f"顾客{cid}", code, self.channel()))
        self.customer_cum = cumulative(r.lognormvariate(0, 1.1) for _ in joined)

    def pick_customer(self, ts: int) -> int:
        n = max(1, bisect(self.customer_joined, ts))
        return bisect(self.customer_cum, self.rng.random() * self.customer_cum[n - 1], 0, n - 1) + 1

    def pick_product(self, ts: int) -> tuple:
        n = max(1, bisect(self.product_born, ts))
        return self.products[bisect(self.product_cum, self.rng.random() * self.product_cum[n - 1], 0, n - 1)]

    # -- orders --

    def order_times(self, day_start: int, count: int, until: int | None = None) -> list[int]:
        r = self.rng
        if until is not None:
            return sorted(r.randint(day_start, until) for _ in range(count))
        return sorted(day_start + self.hour() * 3600 + r.randrange(3600) for _ in range(count))

    def order(self, w: Writer, placed: int, events: list) -> None:
        r, clock = self.rng, self.clock
        oid = self.next["order"]
        self.next["order"] += 1
        customer = self.pick_customer(placed)
        lines = self.lines(placed, oid)
        goods = sum(q * price for _sku, q, price, _cost, _disc, _product in lines)
        discount = sum(line[4] for line in lines)
        shipping = 0 if goods >= 9900 else r.choice((800, 1000))
        total = goods - discount + shipping
        o = {"id": oid, "customer": customer, "placed": placed, "total": total, "refunded": 0,
             "paid": None, "status": "paid", "times": {}, "updated": placed, "lines": lines,
             "line_refund": {}, "line_returned": {}, "first_line": self.take("line", len(lines))}
        fate = r.random()
        if fate < 0.07:
            self.unpaid(o)
        else:
            o["paid"] = placed + r.randint(30, 1200)
            if fate < 0.09 and o["paid"] + 1800 < self.now:
                self.cancel(o)
            else:
                self.progress(o)
        self.payments(w, o)
        province = (self.customer_province[customer] if r.random() < 0.9
                    else self.province_codes[r.randrange(len(self.province_codes))])
        channel = self.channel()
        t = o["times"]
        paid_amount = total if o["paid"] is not None else 0
        w.add("order", (oid, clock(placed), clock(o["updated"]), f"B{oid:011d}", channel, o["status"],
                        money(goods), money(discount), money(shipping), money(total), money(paid_amount),
                        money(o["refunded"]), province, clock(placed), clock(o["paid"]),
                        clock(t.get("reviewed")), clock(t.get("shipped")), clock(t.get("delivered")),
                        clock(t.get("completed")), clock(t.get("cancelled")), clock(t.get("closed")),
                        customer))
        for index, (sku, q, price, cost, disc, product) in enumerate(lines):
            lid = o["first_line"] + index
            w.add("line", (lid, product[3], sku[1], q, money(price), money(cost), money(disc),
                           money(q * price - disc), o["line_returned"].get(index, 0),
                           money(o["line_refund"].get(index, 0)), oid, sku[0], money(disc)))
        self.buyer_session(o, channel, events)

    def lines(self, placed: int, oid: int) -> list[tuple]:
        r = self.rng
        count = 1 if r.random() < 0.62 else (2 if r.random() < 0.74 else 3)
        lines = []
        for _ in range(count):
            product = self.pick_product(placed)
            sku = product[2][r.randrange(len(product[2]))]
            q = 1 if r.random() < 0.8 else r.choice((2, 2, 3))
            disc = (q * sku[2] * r.randint(5, 20) // 100) if r.random() < 0.2 else 0
            lines.append((sku, q, sku[2], sku[3], disc, product))
        return lines

    def unpaid(self, o: dict) -> None:
        closes = o["placed"] + 1800
        if closes > self.now:
            o["status"] = "pending_payment"
        else:
            o["status"], o["times"]["closed"], o["updated"] = "closed", closes, closes

    def cancel(self, o: dict) -> None:
        at = min(o["paid"] + self.rng.randint(1800, DAY), self.now - 60)
        o["status"], o["times"]["cancelled"], o["updated"] = "cancelled", at, at
        o["refunded"] = o["total"]
        o["line_refund"] = {i: q * price - disc for i, (_s, q, price, _c, disc, _p) in enumerate(o["lines"])}
        self.pending_aftersales.append({"refund_only": True, "order": o["id"], "amount": o["total"],
                                        "at": at})

    def progress(self, o: dict) -> None:
        paid = o["paid"]
        o["updated"] = paid
        for stage, after in (("reviewed", 7200), ("shipped", DAY), ("delivered", 3 * DAY),
                             ("completed", 10 * DAY)):
            if paid + after < self.now:
                o["status"], o["times"][stage], o["updated"] = stage, paid + after, paid + after
        delivered = o["times"].get("delivered")
        if delivered and self.rng.random() < 0.06:
            self.aftersales(o, delivered + self.rng.randint(3600, 6 * DAY))

    def take(self, table: str, count: int) -> int:
        first = self.next[table]
        self.next[table] += count
        return first

    def aftersales(self, o: dict, requested: int) -> None:
        """An after-sales request on one line of a delivered order (refunded or not)."""
        r = self.rng
        if requested > self.now - 3600:
            return
        index = r.randrange(len(o["lines"]))
        _sku, q, price, _cost, disc, _product = o["lines"][index]
        quantity = r.randint(1, q)
        kind = self.kind()
        decided = requested + r.randint(7200, 2 * DAY)
        amount = max(1, (q * price - disc) * quantity // q)
        status = self.request_status(kind, decided)
        if status == "refunded":
            amount = min(amount, o["total"] - o["refunded"])
            if amount <= 0:
                status = "rejected"
        request = {"refund_only": False, "order": o["id"], "line": o["first_line"] + index, "kind": kind,
                   "reason": self.reason(), "status": status, "amount": amount, "quantity": quantity,
                   "at": requested, "decided": decided if decided <= self.now else None}
        if status == "refunded":
            o["refunded"] += amount
            o["line_refund"][index] = o["line_refund"].get(index, 0) + amount
            if kind == "return":
                o["line_returned"][index] = quantity
        o["updated"] = max(o["updated"], request["decided"] or requested)
        self.pending_aftersales.append(request)

    def request_status(self, kind: str, decided: int) -> str:
        if decided > self.now:
            return "requested"
        roll = self.rng.random()
        if roll < 0.1:
            return "rejected"
        if kind == "exchange":
            return "completed"
        return "approved" if roll < 0.2 else "refunded"

    def payments(self, w: Writer, o: dict) -> None:
        r, clock = self.rng, self.clock
        attempts = []
        if o["paid"] is None:
            if r.random() < 0.5:
                attempts.append((o["placed"] + r.randint(60, 900), "failed", self.failure()))
        else:
            if r.random() < 0.08:
                attempts.append((o["paid"] - r.randint(20, 300), "failed", self.failure()))
            attempts.append((o["paid"], "succeeded", ""))
        for at, status, reason in attempts:
            pid = self.take("payment", 1)
            w.add("payment", (pid, self.method(), money(o["total"]), status, reason,
                              f"T{pid:012d}", clock(at), o["id"]))

    # -- traffic --

    def buyer_session(self, o: dict, channel: str, events: list) -> None:
        r = self.rng
        customer, placed = o["customer"], o["placed"]
        visitor, session = f"c{customer:08d}", f"o{o['id']}"
        source, device = self.source(), self.device()
        # Half the buyers land on a product page directly (from ads, live, social links).
        steps: list[tuple] = [("page_view", None, "", None)] if r.random() < 0.5 else []
        if r.random() < 0.25:
            term, found = self.terms()
            steps.append(("search", None, term, found))
        for line in o["lines"]:
            product = line[5][1]
            steps.append(("product_view", product, "", None))
            if r.random() < 0.1:
                steps.append(("favorite", product, "", None))
            steps.append(("add_to_cart", product, "", None))
        if r.random() < 0.6:
            steps.append(("checkout_start", None, "", None))
        ri = self.ri
        t = placed - 30 * len(steps) - ri(0, 600)
        for kind, product, term, found in steps:
            t += ri(5, 30)
            events.append((t, kind, visitor, session, customer, product, None, term, found, source,
                           channel, device))
        events.append((placed, "order", visitor, session, customer, None, o["id"], "", None, source,
                       channel, device))
        if o["paid"] is not None:
            events.append((o["paid"], "payment", visitor, session, customer, None, o["id"], "", None,
                           source, channel, device))
        self.buyer_events += len(steps) + 1 + (o["paid"] is not None)

    def visitor_sessions(self, day_start: int, budget: int, events: list, until: int | None = None) -> None:
        """Sessions of visitors who do not buy, until ``budget`` events are used."""
        r, ri = self.rng, self.ri
        while budget > 0:
            start = (ri(day_start, until) if until is not None
                     else day_start + self.hour() * 3600 + ri(0, 3599))
            steps = self.visit_steps(start)[:budget]
            budget -= len(steps)
            if r.random() < 0.12:
                customer = self.pick_customer(start)
                visitor = f"c{customer:08d}"
            else:
                customer = None
                if self.anonymous and r.random() < 0.3:
                    visitor = f"a{ri(1, self.anonymous):09d}"
                else:
                    self.anonymous += 1
                    visitor = f"a{self.anonymous:09d}"
            session = f"s{start}{ri(0, 999_999):06d}"
            source, device, channel = self.source(), self.device(), self.channel()
            t = start
            for kind, product, term, found in steps:
                events.append((t, kind, visitor, session, customer, product, None, term, found, source,
                               channel, device))
                t += ri(5, 90)

    def visit_steps(self, start: int) -> list[tuple]:
        r = self.rng
        roll = r.random()
        if roll < 0.42:
            return [("page_view", None, "", None)]
        steps = [("page_view", None, "", None)]
        if roll < 0.62:
            term, found = self.zero_terms() if r.random() < 0.3 else self.terms()
            steps = [("search", None, term, found)]
            if found and r.random() < 0.6:
                steps.append(("product_view", self.pick_product(start)[1], "", None))
            return steps
        for _ in range(self.ri(1, 4)):
            steps.append(("product_view", self.pick_product(start)[1], "", None))
        if roll >= 0.85:
            product = steps[-1][1]
            if r.random() < 0.3:
                steps.append(("favorite", product, "", None))
            steps.append(("add_to_cart", product, "", None))
            if r.random() < 0.3:
                steps.append(("checkout_start", None, "", None))
        return steps

    def write_events(self, w: Writer, events: list) -> None:
        """Events in time order, ids and time-ordered UUIDs (v7-like: milliseconds first)."""
        bits, clock = self.rng.getrandbits, self.clock
        events.sort(key=lambda e: e[0])
        eid = self.take("event", len(events))
        add = w.add
        for t, kind, visitor, session, customer, product, order, term, found, source, channel, device in (
                events):
            stamp = clock(t)
            add("event", (eid, f"{t * 1000:012x}{bits(80):020x}", kind, visitor, session, term, found, source,
                          channel, device, stamp, stamp, customer, order, product))
            eid += 1
        events.clear()

    def write_aftersales(self, w: Writer) -> None:
        """Requests, their lines and refunds, in time order (ids grow with time)."""
        clock = self.clock
        refunds = []
        for item in sorted(self.pending_aftersales, key=lambda a: a["at"]):
            if item["refund_only"]:
                refunds.append((item["at"], item["amount"], "订单取消退款", item["order"], None))
                continue
            rid, decided = self.take("request", 1), item["decided"]
            closed = decided if item["status"] in ("refunded", "rejected", "completed") else None
            received = decided if item["status"] == "refunded" and item["kind"] == "return" else None
            w.add("request", (rid, clock(item["at"]), clock(decided or item["at"]), f"AS{rid:010d}",
                              item["kind"], item["reason"], item["status"], money(item["amount"]),
                              clock(item["at"]), clock(decided), clock(received), clock(closed),
                              item["order"]))
            w.add("aline", (self.take("aline", 1), item["quantity"], "restock" if received else "",
                            item["line"], rid))
            if item["status"] == "refunded":
                refunds.append((decided, item["amount"], "售后退款", item["order"], rid))
        for at, amount, reason, order, request in sorted(refunds, key=lambda x: x[0]):
            w.add("refund", (self.take("refund", 1), money(amount), reason, clock(at), order, request))
        self.pending_aftersales.clear()


# Rough population weights so that a few provinces dominate, as in real shops.
PROVINCE_WEIGHT = {"440000": 12, "320000": 8, "330000": 8, "370000": 7, "410000": 6, "510000": 6,
                   "310000": 5, "110000": 5, "420000": 4, "430000": 4, "130000": 4, "340000": 4,
                   "350000": 3, "500000": 3}


def day_weights(first_day: date, days: int, rng: random.Random) -> list[float]:
    weights = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        trend = 0.8 + 0.4 * n / max(days - 1, 1)
        weights.append(WEEKLY[day.weekday()] * trend * rng.uniform(0.95, 1.05))
    return weights


def split(total: int, weights: list[float]) -> list[int]:
    """``total`` split proportionally to ``weights`` (integers summing to ``total``)."""
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for index in range(total - sum(counts)):
        counts[index % len(counts)] += 1
    return counts


# The big tables' secondary indexes are dropped during the bulk load and re-created after
# it (the same statements, from sqlite_master), which is much faster than maintaining them.
BULK_TABLES = ("traffic_event", "orders_order", "orders_orderline", "orders_payment")


def drop_indexes(raw, tables) -> list[str]:
    marks = ", ".join("?" * len(tables))
    found = raw.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        f"AND tbl_name IN ({marks})", tables).fetchall()
    for name, _sql in found:
        raw.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def local_midnight(day: date, tz) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())


def generate(args, tz, today: date) -> tuple[Shop, dict]:
    """Fill the OLTP database; returns the shop (for the refresh step) and row counts."""
    from django.db import connection, transaction

    first_day = today - timedelta(days=args.days)
    # The shop as it stood at midnight: today's activity comes with the refresh step.
    shop = Shop(orders=args.orders, events=args.events, customers=args.customers or max(1, args.orders // 5),
                days=args.days, seed=args.seed, now=local_midnight(today, tz) - 1,
                first_day_start=local_midnight(first_day, tz))
    weights = day_weights(first_day, args.days, shop.rng)
    orders_per_day = split(args.orders, weights)
    started = time.perf_counter()
    with transaction.atomic():
        raw = connection.connection
        raw.execute("PRAGMA cache_size = -1000000")
        indexes = drop_indexes(raw, BULK_TABLES)
        w = Writer(raw)
        shop.catalog(w, args.products)
        shop.customers(w)
        w.flush()
        events_left, orders_left = args.events, args.orders
        events: list = []
        for n, count in enumerate(orders_per_day):
            day_start = local_midnight(first_day + timedelta(days=n), tz)
            before = shop.buyer_events
            for placed in shop.order_times(day_start, count):
                shop.order(w, placed, events)
            events_left -= shop.buyer_events - before
            orders_left -= count
            # The other visitors' events: what the orders still to come will not need of the
            # budget, spread over the days left in proportion to their orders.
            per_order = shop.buyer_events / max(args.orders - orders_left, 1)
            spare = events_left - per_order * orders_left
            budget = events_left if n == args.days - 1 else int(spare * count / max(orders_left + count, 1))
            shop.visitor_sessions(day_start, max(budget, 0), events)
            events_left -= max(budget, 0)
            shop.write_events(w, events)
            if n % 30 == 29:
                log(f"  day {n + 1}/{args.days}: {shop.next['order'] - 1} orders, "
                    f"{shop.next['event'] - 1} events")
        shop.write_aftersales(w)
        w.flush()
        log(f"  rows written in {time.perf_counter() - started:.1f} s; re-creating {len(indexes)} indexes")
        for sql in indexes:
            raw.execute(sql)
    log(f"generated in {time.perf_counter() - started:.1f} s: {w.counts}")
    if shop.next["event"] - 1 > args.events * 1.01:
        log(f"note: the orders' own visits need {shop.buyer_events} events, more than --events")
    return shop, dict(w.counts)


def todays_changes(shop: Shop, tz, today: date, base_counts: dict) -> dict:
    """What happens between the build and the refresh: today's new orders with their
    lines, payments and visits (and the other visitors' traffic at the usual rate), status
    changes of recent orders, new after-sales requests and refunds on older ones."""
    from django.db import connection, transaction

    shop.now = int(time.time()) - 60
    day_start = local_midnight(today, tz)
    visitor_rate = max(base_counts["event"] - shop.buyer_events, 0) / max(base_counts["order"], 1)
    with transaction.atomic():
        raw = connection.connection
        w = Writer(raw)
        first_new = shop.next["order"]
        events: list = []
        for placed in shop.order_times(day_start, REFRESH_ORDERS, until=shop.now - 1800):
            shop.order(w, placed, events)
        shop.visitor_sessions(day_start, int(visitor_rate * REFRESH_ORDERS), events, until=shop.now)
        shop.write_events(w, events)
        shop.write_aftersales(w)
        w.flush()
        updated = advance_orders(raw, shop, first_new)
        requests = new_aftersales(raw, shop, first_new, w.sql)
    counts = {**w.counts, "orders_advanced": updated, "aftersales_on_old_orders": requests}
    return {k: v for k, v in counts.items() if v}


NEXT_STAGE = {"paid": ("reviewed", "reviewed_at"), "reviewed": ("shipped", "shipped_at"),
              "shipped": ("delivered", "delivered_at"), "delivered": ("completed", "completed_at")}


def advance_orders(raw, shop: Shop, first_new: int) -> int:
    rows = raw.execute("SELECT id, status FROM orders_order WHERE id < ? AND status IN "
                       "('paid', 'reviewed', 'shipped', 'delivered') ORDER BY id DESC LIMIT ?",
                       (first_new, REFRESH_STATUS_UPDATES * 3)).fetchall()
    chosen = shop.rng.sample(rows, min(REFRESH_STATUS_UPDATES, len(rows)))
    by_stage: dict[str, list] = {}
    for oid, status in chosen:
        stamp = shop.clock(shop.rng.randint(shop.now - 3600, shop.now))
        by_stage.setdefault(status, []).append((NEXT_STAGE[status][0], stamp, stamp, oid))
    for status, params in by_stage.items():
        column = NEXT_STAGE[status][1]
        raw.executemany(f"UPDATE orders_order SET status = ?, {column} = ?, updated_at = ? WHERE id = ?",
                        params)
    return len(chosen)


def new_aftersales(raw, shop: Shop, first_new: int, sql: dict) -> int:
    """Requests on lines of completed orders; half refunded at once (refund only)."""
    rows = raw.execute(
        "SELECT l.id, l.order_id, l.quantity, l.total_amount FROM orders_orderline l "
        "JOIN orders_order o ON o.id = l.order_id WHERE o.id < ? AND o.status = 'completed' "
        "AND o.refunded_amount = 0 ORDER BY o.id DESC LIMIT ?",
        (first_new, REFRESH_AFTERSALES * 10)).fetchall()
    seen, clock = set(), shop.clock
    for line_id, order_id, quantity, total in shop.rng.sample(rows, min(len(rows), REFRESH_AFTERSALES * 2)):
        if order_id in seen or len(seen) >= REFRESH_AFTERSALES:
            continue
        seen.add(order_id)
        cents = round(total * 100)
        rid = shop.take("request", 1)
        at = shop.rng.randint(shop.now - 3600, shop.now)
        refunded = len(seen) % 2 == 0 and cents > 0
        status, stamp = ("refunded" if refunded else "requested"), clock(at)
        raw.execute(sql["request"], (rid, stamp, stamp, f"AS{rid:010d}", "refund_only", shop.reason(), status,
                                     money(cents), stamp, stamp if refunded else None, None,
                                     stamp if refunded else None, order_id))
        raw.execute(sql["aline"], (shop.take("aline", 1), quantity, "", line_id, rid))
        if refunded:
            raw.execute(sql["refund"], (shop.take("refund", 1), money(cents), "售后退款", stamp, order_id,
                                        rid))
            raw.execute("UPDATE orders_orderline SET refunded_amount = ? WHERE id = ?",
                        (money(cents), line_id))
            raw.execute("UPDATE orders_order SET refunded_amount = ?, updated_at = ? WHERE id = ?",
                        (money(cents), stamp, order_id))
    return len(seen)


# ---- timing the warehouse ----------------------------------------------------------------

class TableTimes:
    """Per-table seconds of a warehouse run (read from the OLTP database vs the rest),
    measured by wrapping ``warehouse._copy_table`` and ``warehouse._read_delta`` in this
    process only: the app's code is unchanged."""

    def __init__(self):
        self.tables: dict[str, dict] = {}

    def __enter__(self):
        from zhanggui.analytics import warehouse

        self.module = warehouse
        self.copy, self.read = warehouse._copy_table, warehouse._read_delta

        def read_delta(extract, old, changed):
            started = time.perf_counter()
            try:
                return self.read(extract, old, changed)
            finally:
                seconds = round(time.perf_counter() - started, 3)
                self.tables.setdefault(extract.table, {})["read_seconds"] = seconds

        def copy_table(db, extract, root, old, new, changed):
            started = time.perf_counter()
            rows = self.copy(db, extract, root, old, new, changed)
            entry = self.tables.setdefault(extract.table, {})
            entry.update(seconds=round(time.perf_counter() - started, 3), rows_read=rows,
                         rows_stored=new.rows.get(extract.table))
            return rows

        self.materialise = warehouse.rollups.materialise

        def materialise(*args, **kwargs):
            started = time.perf_counter()
            done = self.materialise(*args, **kwargs)
            self.tables["derived_tables"] = {
                "seconds": round(time.perf_counter() - started, 3),
                **{what: list(done.values()).count(what) for what in ("kept", "appended", "written")}}
            return done

        warehouse._copy_table, warehouse._read_delta = copy_table, read_delta
        warehouse.rollups.materialise = materialise
        return self

    def __exit__(self, *exc):
        self.module._copy_table, self.module._read_delta = self.copy, self.read
        self.module.rollups.materialise = self.materialise


def timed_run(kind: str) -> tuple[float, dict]:
    from zhanggui.analytics import warehouse

    with TableTimes() as times:
        started = time.perf_counter()
        getattr(warehouse, kind)()
        seconds = time.perf_counter() - started
    return seconds, times.tables


def profiled(function, limit: int = 30) -> str:
    """Run ``function`` under cProfile; the top functions by cumulative time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    function()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


# ---- the reports: the product's numbers in a comparable form -------------------------------

TREND = ["gmv", "orders_paid", "paying_buyers", "visitors", "payment_conversion_rate"]
SOURCE_COLUMNS = ["visitors", "bounce_rate", "avg_pages_per_visit", "payment_conversion_rate",
                  "attributed_orders", "attributed_gmv"]
PRODUCT_COLUMNS = ["product_id", "units_sold", "line_gmv", "buyers_of_lines", "return_rate",
                   "conversion_rate", "abc_class", "stage"]


def product_numbers(name: str, report: dict) -> dict:
    """The numbers of a product report (``as_dict()``) that the baselines recompute: every
    KPI (value, previous period, same period last year) and the report's tables."""
    tables = {t["id"]: t for t in report["tables"]}
    out = {"kpis": {k["code"]: [k["value"], k["previous"], k["last_year"]] for k in report["kpis"]}}
    if name == "sales":  # the heatmap's cells: [hour, weekday - 1, orders paid]
        heat = next(c for c in report["charts"] if c["id"] == "heatmap")["series"][0]["data"]
        return out | _sales_tables(tables, heat)
    return out | PRODUCT_TABLES[name](tables)


def _overview_tables(t: dict) -> dict:
    return {"daily": {r["day"]: {c: r[c] for c in TREND} for r in t["daily"]["rows"]}}


def _terms(rows: list[dict]) -> list:
    return [[r["term"], r["searches"], r["search_visitors"], r["zero_result_searches"]] for r in rows]


def _traffic_tables(t: dict) -> dict:
    return {"sources": {r["source"]: {c: r[c] for c in SOURCE_COLUMNS} for r in t["sources"]["rows"]},
            "search_terms": _terms(t["search_terms"]["rows"]),
            "no_result_terms": _terms(t["no_result_terms"]["rows"]),
            "funnel": {r["code"]: r["visitors"] for r in t["funnel"]["rows"]}}


def _sales_tables(t: dict, heatmap_cells: list) -> dict:
    return {
        "heatmap": {f"{weekday + 1}-{hour}": n for hour, weekday, n in heatmap_cells},
        "by_channel": {r["key"]: [r["gmv"], r["orders_paid"], r["paying_buyers"], r["aov"], r.get("growth")]
                       for r in t["by_channel"]["rows"]},
        "by_category": {r["key"]: [r["line_gmv"], r["units_sold"], r["buyers_of_lines"], r["share"],
                                   r.get("growth")] for r in t["by_top_category"]["rows"]},
        "by_province": {r["key"]: [r["gmv"], r["orders_paid"], r["paying_buyers"], r["share"]]
                        for r in t["by_province_code"]["rows"]},
        "products": [[r[c] for c in PRODUCT_COLUMNS] for r in t["products"]["rows"]],
        "products_total": t["products"]["total_rows"],
    }


def _customers_tables(t: dict) -> dict:
    new, returning = t["new_returning"]["rows"]
    return {
        "new_returning": [new["buyers"], new["gmv"], returning["buyers"], returning["gmv"]],
        "cohorts": {r["cohort"]: [r["size"], [r[f"m{k}"] for k in range(1, len(r))
                                              if f"m{k}" in r]] for r in t["cohorts"]["rows"]},
        "rfm": {r["segment"]: [r["customers"], r["revenue"]] for r in t["rfm"]["rows"]},
        "tiers": [[r["customers"], r["revenue"]] for r in t["tiers"]["rows"]],
    }


def _aftersales_tables(t: dict) -> dict:
    return {
        "reasons": {f"{r['reason']}|{r['category']}": [r["aftersales_requests"], r["aftersales_units"]]
                    for r in t["reasons"]["rows"]},
        "product_returns": [[r["title"], r["units_sold"], r["units_returned"], r["return_rate"]]
                            for r in t["product_returns"]["rows"]],
        "payment_failures": {r["reason"]: r["failed_payments"] for r in t["payment_failures"]["rows"]},
    }


PRODUCT_TABLES = {"overview": _overview_tables, "traffic": _traffic_tables, "sales": _sales_tables,
                  "customers": _customers_tables, "aftersales": _aftersales_tables}


def differences(expected, actual, path: str = "", found: list | None = None) -> list[str]:
    """Where two number trees differ: counts and money exactly, floats within 1e-12."""
    found = [] if found is None else found
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in expected or key not in actual:
                found.append(f"{path}/{key}: only in {'baseline' if key in actual else 'product'}")
            else:
                differences(expected[key], actual[key], f"{path}/{key}", found)
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            differences(a, b, f"{path}[{index}]", found)
    elif isinstance(expected, float) or isinstance(actual, float):
        if expected is None or actual is None or abs(expected - actual) > 1e-12:
            found.append(f"{path}: product {expected!r} vs baseline {actual!r}")
    elif expected != actual or isinstance(expected, list) != isinstance(actual, list):
        found.append(f"{path}: product {expected!r} vs baseline {actual!r}")
    return found


# ---- shared arithmetic of the baselines (plain Python on the aggregates) -----------------

def rate(numerator, denominator) -> float | None:
    return None if not denominator else float(numerator) / float(denominator)


def money_ratio(numerator, denominator):
    from decimal import ROUND_HALF_UP, Decimal

    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def growth(current, before) -> float | None:
    from decimal import Decimal

    if current is None or before in (None, 0):
        return None
    return float((Decimal(str(current)) - Decimal(str(before))) / Decimal(str(before)))


def abc(values: list[tuple]) -> dict:
    """ABC class per key of ``(key, value)`` pairs ranked by value (ties by the key's text)."""
    total, running, classes = sum(v for _k, v in values), 0, {}
    for key, value in sorted(values, key=lambda kv: (-kv[1], str(kv[0]))):
        classes[key] = "A" if running * 10 < total * 8 else ("B" if running * 100 < total * 95 else "C")
        running += value
    return classes


def stage(days_on_sale: int, recent: int, earlier: int) -> str:
    if days_on_sale < 30:
        return "new"
    if earlier == 0:
        return "growing" if recent > 0 else "declining"
    if recent >= 1.2 * earlier:
        return "growing"
    return "declining" if recent <= 0.8 * earlier else "mature"


TIERS = (0, 100, 300, 1000, 3000)
SEGMENTS = {(True, True, True): "important_value", (True, False, True): "important_development",
            (False, True, True): "important_retention", (False, False, True): "important_winback",
            (True, True, False): "general_value", (True, False, False): "general_development",
            (False, True, False): "general_retention", (False, False, False): "general_winback"}


class Periods:
    """The report's periods (current, previous, same period last year) and the rolling
    windows that end with each (refund rate: 30 days; repurchase: the setting)."""

    def __init__(self, start: date, end: date, repurchase_days: int):
        from zhanggui.analytics import rules

        current = rules.Period("current", start, end)
        self.list = [current, rules.previous_period(current), rules.same_period_last_year(current)]
        self.refund = [rules.window_ending(p, 30) for p in self.list]
        self.repurchase = [rules.window_ending(p, repurchase_days) for p in self.list]
        self.labels = [p.label for p in self.list]
        self.start, self.end = start, end
        # The cohort matrix covers calendar months up to the period's end (the report's
        # ``cohort_window`` when it has one, else the period itself).
        from zhanggui.analytics import reports

        window = getattr(reports, "cohort_window", None)
        self.cohort_start = window(current).start if window else start


def kpi(codes: list[str], per_period: dict) -> dict:
    """``{code: [value per period label]}`` from ``{label: {code: value}}``."""
    return {c: [per_period[label][c] for label in ("current", "previous", "last_year")] for c in codes}


# ---- (a) hand-written DuckDB SQL over the manifest's Parquet files -----------------------

def ts(day: date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00'"


def values(name: str, periods) -> str:
    rows = ", ".join(f"('{p.label}', {ts(p.start)}, {ts(p.end)})" for p in periods)
    return f"{name}(label, s, e) AS (VALUES {rows})"


NOT_CANCELLED = "o.status <> 'cancelled'"


def span(column: str, periods) -> str:
    """Literal bounds around all the periods: lets DuckDB skip the row groups of the
    time-sorted Parquet files that no period touches (a join condition does not)."""
    low, high = min(p.start for p in periods), max(p.end for p in periods)
    return f"{column} >= {ts(low)} AND {column} < {ts(high)}"
TOP_CATEGORY = """tree AS (
    SELECT category_id, category_id AS top_id FROM {categories} WHERE parent_id IS NULL
    UNION ALL
    SELECT c.category_id, t.top_id FROM {categories} c JOIN tree t ON c.parent_id = t.category_id)"""


class HandSQL:
    """The reports' numbers written by hand as DuckDB SQL (plus a little Python for the
    ratios), in its own connection over the same files."""

    def __init__(self, root: Path, manifest, threads: int):
        import duckdb

        self.db = duckdb.connect()
        self.db.execute(f"SET threads TO {threads}").fetchall()
        # DuckDB tables loaded once from the same Parquet files: the facts only (the derived
        # tables and rollups are the product's).
        for table, files in fact_tables(manifest).items():
            scan = "read_parquet([" + ", ".join(f"'{root / f}'" for f in files) + "])"
            self.db.execute(f"CREATE TABLE t_{table} AS SELECT * FROM {scan}").fetchall()
        self.t = {table: f"t_{table}" for table in fact_tables(manifest)}

    def q(self, sql: str) -> list[tuple]:
        return self.db.execute(sql.replace("WITH RECURSIVE_TREE", "WITH RECURSIVE " + TOP_CATEGORY)
                               .format(**self.t)).fetchall()

    def per_period(self, periods, sql: str, names: list[str]) -> dict:
        """Rows ``(label, v1, v2, …)`` as ``{label: {name: v}}``; 0 for a period without rows."""
        found = {row[0]: dict(zip(names, row[1:], strict=True)) for row in self.q(sql)}
        return {p.label: found.get(p.label, dict.fromkeys(names, 0)) for p in periods}

    # -- building blocks --

    def orders(self, periods) -> dict:
        return self.per_period(periods, f"""
            WITH {values('periods', periods)}
            SELECT p.label, coalesce(sum(o.paid_amount), 0), count(*), count(DISTINCT o.customer_id)
            FROM {{orders}} o JOIN periods p ON o.paid_at >= p.s AND o.paid_at < p.e
            WHERE {span('o.paid_at', periods)} AND {NOT_CANCELLED} GROUP BY p.label""",
                               ["gmv", "orders_paid", "paying_buyers"])

    def events(self, periods, kinds: dict, current_only: dict | None = None) -> dict:
        filters = "".join(f", count(DISTINCT visitor_id) FILTER (WHERE kind = '{k}')" for k in kinds.values())
        filters += "".join(f", count(DISTINCT visitor_id) FILTER (WHERE kind = '{k}' AND p.label = 'current')"
                           for k in (current_only or {}).values())
        kinds = {**kinds, **(current_only or {})}
        return self.per_period(periods, f"""
            WITH {values('periods', periods)}
            SELECT p.label, count(DISTINCT visitor_id), count(*) FILTER (WHERE kind = 'page_view') {filters}
            FROM {{events}} e JOIN periods p ON e.occurred_at >= p.s AND e.occurred_at < p.e
            WHERE {span('e.occurred_at', periods)} GROUP BY p.label""", ["visitors", "page_views", *kinds])

    def refund_rate(self, pp: Periods) -> dict:
        paid = self.per_period(pp.refund, f"""
            WITH {values('w', pp.refund)}
            SELECT w.label, count(*) FROM {{order_lines}} l JOIN {{orders}} o USING (order_id)
            JOIN w ON o.paid_at >= w.s AND o.paid_at < w.e
            WHERE ({NOT_CANCELLED} OR o.refunded_amount > 0) AND {span('o.paid_at', pp.refund)}
            GROUP BY w.label""", ["paid"])
        refunded = self.per_period(pp.refund, f"""
            WITH {values('w', pp.refund)}
            SELECT w.label, count(DISTINCT l.line_id) FROM {{refunds}} r
            JOIN w ON r.created_at >= w.s AND r.created_at < w.e
            JOIN {{order_lines}} l ON l.order_id = r.order_id
            LEFT JOIN {{aftersales}} a ON a.request_id = r.request_id AND a.line_id = l.line_id
            WHERE (r.request_id IS NULL OR a.line_id IS NOT NULL) AND {span('r.created_at', pp.refund)}
            GROUP BY w.label""", ["refunded"])
        return {label: rate(refunded[label]["refunded"], paid[label]["paid"]) for label in pp.labels}

    def repurchase_rate(self, pp: Periods) -> dict:
        found = self.per_period(pp.repurchase, f"""
            WITH {values('w', pp.repurchase)}, buyers AS (
                SELECT w.label, o.customer_id, count(*) AS n FROM {{orders}} o
                JOIN w ON o.paid_at >= w.s AND o.paid_at < w.e
                WHERE {span('o.paid_at', pp.repurchase)} AND {NOT_CANCELLED}
                GROUP BY w.label, o.customer_id)
            SELECT label, count(*), count(*) FILTER (WHERE n >= 2) FROM buyers GROUP BY label""",
                                ["buyers", "repeat"])
        return {label: rate(v["repeat"], v["buyers"]) for label, v in found.items()}

    def lines(self, periods) -> dict:
        return self.per_period(periods, f"""
            WITH {values('periods', periods)}
            SELECT p.label, coalesce(sum(l.quantity), 0), coalesce(sum(l.returned_quantity), 0)
            FROM {{order_lines}} l JOIN {{orders}} o USING (order_id)
            JOIN periods p ON o.paid_at >= p.s AND o.paid_at < p.e
            WHERE {span('o.paid_at', periods)} AND {NOT_CANCELLED}
            GROUP BY p.label""", ["units_sold", "units_returned"])

    def visits(self, periods) -> dict:
        return self.per_period(periods, f"""
            WITH {values('periods', periods)}, v AS (
                SELECT p.label, visitor_id, session_id, count(*) AS n,
                       count(*) FILTER (WHERE kind = 'page_view') AS pv
                FROM {{events}} e JOIN periods p ON e.occurred_at >= p.s AND e.occurred_at < p.e
                WHERE {span('e.occurred_at', periods)} GROUP BY p.label, visitor_id, session_id)
            SELECT label, count(DISTINCT visitor_id) FILTER (WHERE n = 1 AND pv = 1),
                   count(DISTINCT visitor_id), sum(pv) FROM v GROUP BY label""",
                               ["bounced", "visitors", "page_views"])

    # -- the reports --

    def overview(self, pp: Periods) -> dict:
        orders = self.orders(pp.list)
        events = self.events(pp.list, {"cart": "add_to_cart"})
        refund, repurchase = self.refund_rate(pp), self.repurchase_rate(pp)
        values_ = {}
        for label in pp.labels:
            o, e = orders[label], events[label]
            values_[label] = {**o, "visitors": e["visitors"], "page_views": e["page_views"],
                              "payment_conversion_rate": rate(o["paying_buyers"], e["visitors"]),
                              "aov": money_ratio(o["gmv"], o["paying_buyers"]),
                              "uv_value": money_ratio(o["gmv"], e["visitors"]),
                              "add_to_cart_rate": rate(e["cart"], e["visitors"]),
                              "refund_rate": refund[label], "repurchase_rate": repurchase[label]}
        codes = ["gmv", "orders_paid", "paying_buyers", "visitors", "page_views", "payment_conversion_rate",
                 "aov", "uv_value", "add_to_cart_rate", "refund_rate", "repurchase_rate"]
        return {"kpis": kpi(codes, values_), "daily": self.daily(pp)}

    def daily(self, pp: Periods) -> dict:
        s, e = ts(pp.start), ts(pp.end)
        orders = {d: row for d, *row in self.q(f"""
            SELECT CAST(paid_at AS DATE), sum(paid_amount), count(*), count(DISTINCT customer_id)
            FROM {{orders}} o WHERE paid_at >= {s} AND paid_at < {e} AND {NOT_CANCELLED} GROUP BY 1""")}
        visitors = dict(self.q(f"""
            SELECT CAST(occurred_at AS DATE), count(DISTINCT visitor_id) FROM {{events}}
            WHERE occurred_at >= {s} AND occurred_at < {e} GROUP BY 1"""))
        out = {}
        for n in range((pp.end - pp.start).days):
            day = pp.start + timedelta(days=n)
            gmv, count, buyers = orders.get(day, (0, 0, 0))
            uv = visitors.get(day, 0)
            out[day.isoformat()] = {"gmv": gmv, "orders_paid": count, "paying_buyers": buyers, "visitors": uv,
                                    "payment_conversion_rate": rate(buyers, uv) or 0}
        return out

    def traffic(self, pp: Periods) -> dict:
        events = self.events(pp.list, {"cart": "add_to_cart"}, current_only={
            "product_viewers": "product_view", "ordering": "order", "paying": "payment"})
        visits, orders = self.visits(pp.list), self.orders(pp.list)
        per = {}
        for label in pp.labels:
            e, v = events[label], visits[label]
            per[label] = {"visitors": e["visitors"], "page_views": e["page_views"],
                          "bounce_rate": rate(v["bounced"], v["visitors"]),
                          "avg_pages_per_visit": rate(v["page_views"], v["visitors"]),
                          "payment_conversion_rate": rate(orders[label]["paying_buyers"], e["visitors"]),
                          "add_to_cart_rate": rate(e["cart"], e["visitors"])}
        current = events["current"]
        return {"kpis": kpi(list(per["current"]), per), "sources": self.sources(pp),
                **self.search_terms(pp),
                "funnel": {"visitors": current["visitors"], "product_viewers": current["product_viewers"],
                           "cart_visitors": current["cart"], "ordering_visitors": current["ordering"],
                           "paying_visitors": current["paying"]}}

    def sources(self, pp: Periods) -> dict:
        s, e = ts(pp.start), ts(pp.end)
        visits = self.q(f"""
            WITH v AS (SELECT visitor_id, session_id, min(source) AS source, count(*) AS n,
                              count(*) FILTER (WHERE kind = 'page_view') AS pv
                       FROM {{events}} WHERE occurred_at >= {s} AND occurred_at < {e}
                       GROUP BY visitor_id, session_id)
            SELECT source, count(DISTINCT visitor_id), count(DISTINCT visitor_id) FILTER (WHERE n =
                1 AND pv = 1),
                   sum(pv) FROM v GROUP BY source""")
        paying = dict(self.q(f"""
            SELECT source, count(DISTINCT visitor_id) FROM {{events}}
            WHERE kind = 'payment' AND occurred_at >= {s} AND occurred_at < {e} GROUP BY source"""))
        attributed = {src: (n, gmv) for src, n, gmv in self.q(f"""
            SELECT e.source, count(*), sum(o.paid_amount)
            FROM (SELECT DISTINCT order_id, source FROM {{events}} WHERE kind = 'order') e
            JOIN {{orders}} o USING (order_id)
            WHERE o.paid_at >= {s} AND o.paid_at < {e} AND {NOT_CANCELLED} GROUP BY e.source""")}
        return {src: {"visitors": uv, "bounce_rate": rate(bounced, uv), "avg_pages_per_visit": rate(pv, uv),
                      "payment_conversion_rate": rate(paying.get(src, 0), uv),
                      "attributed_orders": attributed.get(src, (0, 0))[0],
                      "attributed_gmv": attributed.get(src, (0, 0))[1]}
                for src, uv, bounced, pv in visits}

    def search_terms(self, pp: Periods) -> dict:
        rows = self.q(f"""
            SELECT search_term, count(*) AS n, count(DISTINCT visitor_id),
                   count(*) FILTER (WHERE result_count = 0) AS zero
            FROM {{events}} WHERE kind = 'search' AND search_term <> ''
              AND occurred_at >= {ts(pp.start)} AND occurred_at < {ts(pp.end)}
            GROUP BY search_term ORDER BY n DESC, search_term""")
        return {"search_terms": [list(r) for r in rows[:30]],
                "no_result_terms": [list(r) for r in rows if r[3] == r[1]][:30]}

    def sales(self, pp: Periods) -> dict:
        orders, lines = self.orders(pp.list), self.lines(pp.list)
        per = {label: {"gmv": orders[label]["gmv"], "orders_paid": orders[label]["orders_paid"],
                       "units_sold": lines[label]["units_sold"],
                       "avg_order_value": money_ratio(orders[label]["gmv"], orders[label]["orders_paid"]),
                       "return_rate": rate(lines[label]["units_returned"], lines[label]["units_sold"])}
               for label in pp.labels}
        s, e = ts(pp.start), ts(pp.end)
        heat = self.q(f"""SELECT isodow(paid_at), hour(paid_at), count(*) FROM {{orders}} o
                          WHERE paid_at >= {s} AND paid_at < {e} AND {NOT_CANCELLED} GROUP BY 1, 2""")
        return {"kpis": kpi(list(per["current"]), per),
                "heatmap": {f"{w}-{h}": n for w, h, n in heat},
                **self.sales_breakdowns(pp), **self.product_ranking(pp)}

    def sales_breakdowns(self, pp: Periods) -> dict:
        two = pp.list[:2]
        channels: dict = {}
        for label, channel, gmv, n, buyers in self.q(f"""
                WITH {values('periods', two)}
                SELECT p.label, o.channel, sum(o.paid_amount), count(*), count(DISTINCT o.customer_id)
                FROM {{orders}} o JOIN periods p ON o.paid_at >= p.s AND o.paid_at < p.e
                WHERE {span('o.paid_at', two)} AND {NOT_CANCELLED} GROUP BY ALL"""):
            channels.setdefault(label, {})[channel] = [gmv, n, buyers, money_ratio(gmv, buyers)]
        categories: dict = {}
        for label, top, gmv, units, buyers in self.q(f"""
                WITH RECURSIVE_TREE, {values('periods', two)}
                SELECT p.label, t.top_id, sum(l.total_amount), sum(l.quantity), count(DISTINCT o.customer_id)
                FROM {{order_lines}} l JOIN {{orders}} o USING (order_id)
                JOIN {{products}} pr USING (product_id) JOIN tree t ON t.category_id = pr.category_id
                JOIN periods p ON o.paid_at >= p.s AND o.paid_at < p.e
                WHERE {span('o.paid_at', two)} AND {NOT_CANCELLED} GROUP BY ALL"""):
            categories.setdefault(label, {})[top] = [gmv, units, buyers]
        provinces = self.q(f"""
            SELECT province_code, sum(paid_amount), count(*), count(DISTINCT customer_id) FROM {{orders}} o
            WHERE paid_at >= {ts(pp.start)} AND paid_at < {ts(pp.end)} AND {NOT_CANCELLED} GROUP BY 1""")
        return breakdowns(channels, categories, provinces)

    def product_ranking(self, pp: Periods) -> dict:
        s, e = ts(pp.start), ts(pp.end)
        recent, earlier = ts(pp.end - timedelta(days=30)), ts(pp.end - timedelta(days=60))
        rows = self.q(f"""
            WITH sold AS (
                SELECT l.product_id, sum(l.quantity) AS units, sum(l.total_amount) AS gmv,
                       count(DISTINCT o.customer_id) AS buyers, sum(l.returned_quantity) AS returned
                FROM {{order_lines}} l JOIN {{orders}} o USING (order_id)
                WHERE o.paid_at >= {s} AND o.paid_at < {e} AND {NOT_CANCELLED} GROUP BY 1),
            viewers AS (
                SELECT product_id, count(DISTINCT visitor_id) AS viewers FROM {{events}}
                WHERE kind = 'product_view' AND occurred_at >= {s} AND occurred_at < {e} GROUP BY 1),
            windows AS (
                SELECT l.product_id, coalesce(sum(l.quantity) FILTER (WHERE o.paid_at >= {recent}),
                    0) AS recent,
                       coalesce(sum(l.quantity) FILTER (WHERE o.paid_at < {recent}), 0) AS earlier
                FROM {{order_lines}} l JOIN {{orders}} o USING (order_id)
                WHERE o.paid_at >= {earlier} AND o.paid_at < {e} AND {NOT_CANCELLED} GROUP BY 1),
            first_sold AS (
                SELECT l.product_id, min(o.paid_at) AS first_paid FROM {{order_lines}} l
                JOIN {{orders}} o USING (order_id) WHERE o.paid_at IS NOT NULL AND {NOT_CANCELLED}
                    GROUP BY 1),
            ranked AS (
                SELECT s.*, sum(gmv) OVER (ORDER BY gmv DESC, CAST(product_id AS VARCHAR)
                                           ROWS UNBOUNDED PRECEDING) - gmv AS before, sum(gmv) OVER
                                               () AS total,
                       v.viewers, coalesce(w.recent, 0) AS recent, coalesce(w.earlier, 0) AS earlier,
                       date_diff('day', CAST(f.first_paid AS DATE), DATE '{pp.end.isoformat()}') AS
                           days_on_sale
                FROM sold s LEFT JOIN viewers v USING (product_id) LEFT JOIN windows w USING (product_id)
                LEFT JOIN first_sold f USING (product_id))
            SELECT product_id, units, gmv, buyers, returned, viewers,
                   CASE WHEN before * 10 < total * 8 THEN 'A' WHEN before * 100 < total * 95 THEN
                       'B' ELSE 'C' END,
                   CASE WHEN coalesce(days_on_sale, 0) < 30 THEN 'new'
                        WHEN earlier = 0 THEN CASE WHEN recent > 0 THEN 'growing' ELSE 'declining' END
                        WHEN recent >= 1.2::DOUBLE * earlier THEN 'growing'
                        WHEN recent <= 0.8::DOUBLE * earlier THEN 'declining' ELSE 'mature' END,
                   count(*) OVER ()
            FROM ranked ORDER BY gmv DESC, product_id LIMIT 50""")
        return {"products": [[pid, units, gmv, buyers, rate(returned, units), rate(buyers, viewers), cls,
                              stage_]
                             for pid, units, gmv, buyers, returned, viewers, cls, stage_, _n in rows],
                "products_total": rows[0][-1] if rows else 0}

    def customers(self, pp: Periods) -> dict:
        buyers = self.per_period(pp.list, f"""
            WITH {values('periods', pp.list)},
            first_paid AS (SELECT customer_id, min(paid_at) AS first_paid FROM {{orders}} o
                           WHERE paid_at IS NOT NULL AND {NOT_CANCELLED} GROUP BY 1),
            b AS (SELECT p.label, p.s, o.customer_id, sum(o.paid_amount) AS spent FROM {{orders}} o
                  JOIN periods p ON o.paid_at >= p.s AND o.paid_at < p.e
                  WHERE {span('o.paid_at', pp.list)} AND {NOT_CANCELLED}
                  GROUP BY p.label, p.s, o.customer_id)
            SELECT label, count(*), coalesce(sum(spent), 0), count(*) FILTER (WHERE first_paid >= s),
                   count(*) FILTER (WHERE first_paid < s), coalesce(sum(spent) FILTER (WHERE
                       first_paid >= s), 0),
                   coalesce(sum(spent) FILTER (WHERE first_paid < s), 0)
            FROM b JOIN first_paid USING (customer_id) GROUP BY label""",
                                 ["buyers", "gmv", "new", "returning", "new_gmv", "returning_gmv"])
        repurchase = self.repurchase_rate(pp)
        per = {label: {"paying_buyers": b["buyers"], "new_buyers": b["new"],
                       "returning_buyers": b["returning"],
                       "repurchase_rate": repurchase[label], "aov": money_ratio(b["gmv"], b["buyers"])}
               for label, b in buyers.items()}
        c = buyers["current"]
        return {"kpis": kpi(list(per["current"]), per),
                "new_returning": [c["new"], c["new_gmv"], c["returning"], c["returning_gmv"]],
                "cohorts": self.cohorts(pp), **self.rfm(pp)}

    def cohorts(self, pp: Periods) -> dict:
        rows = self.q(f"""
            WITH f AS (SELECT customer_id, date_trunc('month', min(paid_at)) AS cohort FROM {{orders}} o
                       WHERE paid_at IS NOT NULL AND {NOT_CANCELLED} GROUP BY 1)
            SELECT f.cohort, date_diff('month', f.cohort, date_trunc('month', o.paid_at)),
                count(DISTINCT customer_id)
            FROM {{orders}} o JOIN f USING (customer_id)
            WHERE f.cohort >= date_trunc('month', {ts(pp.cohort_start)}) AND f.cohort < {ts(pp.end)}
              AND o.paid_at < {ts(pp.end)} AND {NOT_CANCELLED} GROUP BY 1, 2""")
        sizes = dict(self.q(f"""
            SELECT cohort, count(*) FROM (
                SELECT customer_id, date_trunc('month', min(paid_at)) AS cohort FROM {{orders}} o
                WHERE paid_at IS NOT NULL AND {NOT_CANCELLED} GROUP BY 1)
            WHERE cohort >= date_trunc('month', {ts(pp.cohort_start)}) AND cohort < {ts(pp.end)}
            GROUP BY 1"""))
        return cohort_rows(rows, sizes, pp.end - timedelta(days=1))

    def rfm(self, pp: Periods) -> dict:
        rows = self.q(f"""
            WITH b AS (SELECT customer_id, date_diff('day', CAST(max(paid_at) AS DATE), DATE '{pp.end}') AS r,
                              count(*) AS f, sum(paid_amount) AS m FROM {{orders}} o
                       WHERE paid_at >= {ts(pp.start)} AND paid_at < {ts(pp.end)} AND
                           {NOT_CANCELLED} GROUP BY 1),
                 means AS (SELECT avg(r) AS r, avg(f) AS f, avg(m) AS m FROM b)
            SELECT b.r < means.r, b.f > means.f, CAST(b.m AS DOUBLE) > means.m,
                   CASE WHEN b.m >= 3000 THEN 4 WHEN b.m >= 1000 THEN 3 WHEN b.m >= 300 THEN 2
                        WHEN b.m >= 100 THEN 1 ELSE 0 END, count(*), sum(b.m)
            FROM b, means GROUP BY ALL""")
        return rfm_tables(rows)

    def aftersales(self, pp: Periods) -> dict:
        refund, orders, lines = self.refund_rate(pp), self.orders(pp.list), self.lines(pp.list)
        refunds = self.per_period(pp.list, f"""
            WITH {values('periods', pp.list)}
            SELECT p.label, coalesce(sum(r.amount), 0) FROM {{refunds}} r
            JOIN periods p ON r.created_at >= p.s AND r.created_at < p.e
            WHERE {span('r.created_at', pp.list)} GROUP BY p.label""", ["amount"])
        attempts = self.per_period(pp.list, f"""
            WITH {values('periods', pp.list)}
            SELECT p.label, count(*), count(*) FILTER (WHERE status = 'failed') FROM {{payments}} pa
            JOIN periods p ON pa.created_at >= p.s AND pa.created_at < p.e
            WHERE {span('pa.created_at', pp.list)} GROUP BY p.label""", ["all", "failed"])
        per = {label: {"refund_rate": refund[label],
                       "refund_amount_rate": rate(refunds[label]["amount"], orders[label]["gmv"]),
                       "refunds_amount": refunds[label]["amount"],
                       "return_rate": rate(lines[label]["units_returned"], lines[label]["units_sold"]),
                       "payment_failure_rate": rate(attempts[label]["failed"], attempts[label]["all"])}
               for label in pp.labels}
        s, e = ts(pp.start), ts(pp.end)
        reasons = self.q(f"""
            WITH RECURSIVE_TREE
            SELECT a.reason_code, t.top_id, count(DISTINCT a.request_id), sum(a.quantity) FROM
                {{aftersales}} a
            JOIN {{products}} pr USING (product_id) JOIN tree t ON t.category_id = pr.category_id
            WHERE a.requested_at >= {s} AND a.requested_at < {e} GROUP BY 1, 2""")
        returns = self.q(f"""
            SELECT pr.title, sum(l.quantity) AS units, sum(l.returned_quantity) AS returned
            FROM {{order_lines}} l JOIN {{orders}} o USING (order_id) JOIN {{products}} pr USING (product_id)
            WHERE o.paid_at >= {s} AND o.paid_at < {e} AND {NOT_CANCELLED}
            GROUP BY l.product_id, pr.title HAVING sum(l.returned_quantity) > 0
            ORDER BY returned DESC, returned / units DESC, l.product_id LIMIT 30""")
        failures = self.q(f"""
            SELECT failure_reason, count(*) FROM {{payments}}
            WHERE status = 'failed' AND created_at >= {s} AND created_at < {e} GROUP BY 1""")
        names = dict(self.q("SELECT category_id, name FROM {categories}"))
        return {"kpis": kpi(list(per["current"]), per),
                **aftersales_tables(reasons, names, returns, failures)}


def breakdowns(channels: dict, categories: dict, provinces: list) -> dict:
    """The sales report's tables from per-period aggregates (growth vs the previous period)."""
    now, before = channels.get("current", {}), channels.get("previous", {})
    by_channel = {k: [*v, growth(v[0], before[k][0]) if k in before else None] for k, v in now.items()}
    if not before:
        by_channel = {k: [*v, None] for k, v in now.items()}
    now, before = categories.get("current", {}), categories.get("previous", {})
    total = sum(v[0] for v in now.values())
    by_category = {k: [*v, rate(v[0], total), growth(v[0], before[k][0]) if k in before else None]
                   for k, v in now.items()}
    gmv = sum(row[1] for row in provinces)
    return {"by_channel": by_channel, "by_category": by_category,
            "by_province": {code: [g, n, b, rate(g, gmv)] for code, g, n, b in provinces}}


def cohort_rows(rows: list[tuple], sizes: dict, last: date) -> dict:
    """``{month: [size, retention for k = 1 … up to the period's last month]}`` from
    ``(cohort, k, customers)`` rows and each cohort's size (all its customers); 0.0 for a
    month in which nobody came back."""
    cohorts: dict = {}
    for cohort, k, customers in rows:
        cohorts.setdefault(cohort, {})[k] = customers
    out = {}
    for cohort in sorted(cohorts):
        counts, size = cohorts[cohort], sizes[cohort]
        width = (last.year - cohort.year) * 12 + last.month - cohort.month + 1
        retention = [rate(counts[k], size) if k in counts else 0.0 for k in range(1, width)]
        out[cohort.strftime("%Y-%m")] = [size, retention]
    return out


def rfm_tables(rows: list[tuple]) -> dict:
    """RFM segments and spending tiers from ``(r_high, f_high, m_high, tier, customers, revenue)``."""
    segments = {code: [0, 0] for code in SEGMENTS.values()}
    tiers = [[0, 0] for _ in TIERS]
    for r_high, f_high, m_high, tier, customers, revenue in rows:
        segment = segments[SEGMENTS[(r_high, f_high, m_high)]]
        segment[0] += customers
        segment[1] += revenue
        tiers[tier][0] += customers
        tiers[tier][1] += revenue
    order = ["important_value", "important_development", "important_retention", "important_winback",
             "general_value", "general_development", "general_retention", "general_winback"]
    return {"rfm": {code: segments[code] for code in order}, "tiers": tiers}


def aftersales_tables(reasons: list, category_names: dict, returns: list, failures: list) -> dict:
    from zhanggui.analytics.reports import FAILURE_NAMES, REASON_NAMES

    return {
        "reasons": {f"{REASON_NAMES.get(r, r)}|{category_names.get(c, c)}": [n, units]
                    for r, c, n, units in reasons},
        "product_returns": [[title, units, returned, rate(returned, units)]
                            for title, units, returned in returns],
        "payment_failures": {str(FAILURE_NAMES.get(r, r)): n for r, n in failures if n},
    }


# ---- (b) pandas on DataFrames loaded from the same Parquet files -------------------------

MONEY_COLUMNS = {"orders": ["paid_amount", "refunded_amount"], "order_lines": ["total_amount"],
                 "refunds": ["amount"]}


def fact_tables(manifest) -> dict:
    """The manifest's fact tables and their files (not the derived tables the refresh writes)."""
    from zhanggui.analytics.rollups import DERIVED

    return {table: files for table, files in manifest.tables.items() if table not in DERIVED}


def load_frames(root: Path, manifest) -> dict:
    """Every warehouse table as a DataFrame; money as integer cents (exact sums)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frames = {}
    for table, files in fact_tables(manifest).items():
        arrow = pa.concat_tables([pq.read_table(root / f) for f in files])
        frame = arrow.to_pandas()
        for column in MONEY_COLUMNS.get(table, []):
            frame[column] = (frame[column].astype("float64") * 100).round().astype("int64")
        frames[table] = frame
    return frames


def cents(value) -> "Decimal":  # noqa: F821 - imported lazily
    from decimal import Decimal

    return Decimal(int(value)).scaleb(-2)


class Pandas:
    """The same numbers with pandas (idiomatic masks, ``isin``, ``merge`` and ``groupby``)."""

    def __init__(self, frames: dict):
        import pandas as pd

        self.pd, self.f = pd, frames
        categories = frames["categories"]
        parent = dict(zip(categories.category_id, categories.parent_id, strict=True))
        top = {}
        for category in parent:
            node = category
            while not pd.isna(parent[node]):
                node = int(parent[node])
            top[category] = node
        self.top = top

    def within(self, series, start: date, end: date):
        return (series >= self.pd.Timestamp(start)) & (series < self.pd.Timestamp(end))

    def paid(self):
        orders = self.f["orders"]
        return orders[(orders.status != "cancelled") & orders.paid_at.notna()]

    # -- building blocks --

    def orders(self, paid, periods) -> dict:
        out = {}
        for p in periods:
            sub = paid[self.within(paid.paid_at, p.start, p.end)]
            out[p.label] = {"gmv": cents(sub.paid_amount.sum()), "orders_paid": len(sub),
                            "paying_buyers": sub.customer_id.nunique()}
        return out

    def events(self, periods, kinds: dict, current_only: dict | None = None) -> dict:
        events, out = self.f["events"], {}
        for p in periods:
            ev = events[self.within(events.occurred_at, p.start, p.end)]
            values_ = {"visitors": ev.visitor_id.nunique(), "page_views": int((ev.kind == "page_view").sum())}
            wanted = {**kinds, **(current_only or {})} if p.label == "current" else kinds
            for name, kind in wanted.items():
                values_[name] = ev.visitor_id[ev.kind == kind].nunique()
            out[p.label] = values_
        return out

    def refund_rate(self, pp: Periods) -> dict:
        orders, lines, refunds = self.f["orders"], self.f["order_lines"], self.f["refunds"]
        aftersales = self.f["aftersales"][["request_id", "line_id"]].assign(matched=True)
        counted = orders[(orders.status != "cancelled") | (orders.refunded_amount > 0)]
        out = {}
        for w in pp.refund:
            ids = counted.order_id[self.within(counted.paid_at, w.start, w.end)]
            paid = int(lines.order_id.isin(ids).sum())
            r = refunds[self.within(refunds.created_at, w.start, w.end)][["order_id", "request_id"]]
            hit = r.merge(lines[["order_id", "line_id"]], on="order_id").merge(
                aftersales, on=["request_id", "line_id"], how="left")
            refunded = hit.line_id[hit.request_id.isna() | hit.matched.notna()].nunique()
            out[w.label] = rate(refunded, paid)
        return out

    def repurchase_rate(self, paid, pp: Periods) -> dict:
        out = {}
        for w in pp.repurchase:
            counts = paid.customer_id[self.within(paid.paid_at, w.start, w.end)].value_counts()
            out[w.label] = rate(int((counts >= 2).sum()), len(counts))
        return out

    def lines(self, paid, periods) -> dict:
        lines, out = self.f["order_lines"], {}
        for p in periods:
            sub = lines[lines.order_id.isin(paid.order_id[self.within(paid.paid_at, p.start, p.end)])]
            out[p.label] = {"units_sold": int(sub.quantity.sum()),
                            "units_returned": int(sub.returned_quantity.sum())}
        return out

    def visits(self, events):
        frame = events.assign(pv=events.kind == "page_view")
        return frame.groupby(["visitor_id", "session_id"], sort=False).agg(
            n=("kind", "size"), pv=("pv", "sum"), source=("source", "min")).reset_index()

    # -- the reports --

    def overview(self, pp: Periods) -> dict:
        paid = self.paid()
        orders, events = self.orders(paid, pp.list), self.events(pp.list, {"cart": "add_to_cart"})
        refund, repurchase = self.refund_rate(pp), self.repurchase_rate(paid, pp)
        per = {}
        for label in pp.labels:
            o, e = orders[label], events[label]
            per[label] = {**o, "visitors": e["visitors"], "page_views": e["page_views"],
                          "payment_conversion_rate": rate(o["paying_buyers"], e["visitors"]),
                          "aov": money_ratio(o["gmv"], o["paying_buyers"]),
                          "uv_value": money_ratio(o["gmv"], e["visitors"]),
                          "add_to_cart_rate": rate(e["cart"], e["visitors"]),
                          "refund_rate": refund[label], "repurchase_rate": repurchase[label]}
        codes = ["gmv", "orders_paid", "paying_buyers", "visitors", "page_views", "payment_conversion_rate",
                 "aov", "uv_value", "add_to_cart_rate", "refund_rate", "repurchase_rate"]
        return {"kpis": kpi(codes, per), "daily": self.daily(paid, pp)}

    def daily(self, paid, pp: Periods) -> dict:
        sub = paid[self.within(paid.paid_at, pp.start, pp.end)]
        by_day = sub.groupby(sub.paid_at.dt.normalize()).agg(
            gmv=("paid_amount", "sum"), n=("order_id", "size"), buyers=("customer_id", "nunique"))
        events = self.f["events"]
        ev = events[self.within(events.occurred_at, pp.start, pp.end)]
        visitors = ev.visitor_id.groupby(ev.occurred_at.dt.normalize()).nunique()
        out = {}
        for n in range((pp.end - pp.start).days):
            day = self.pd.Timestamp(pp.start + timedelta(days=n))
            row = by_day.loc[day] if day in by_day.index else None
            buyers = int(row.buyers) if row is not None else 0
            uv = int(visitors.get(day, 0))
            out[day.date().isoformat()] = {
                "gmv": cents(row.gmv) if row is not None else 0,
                "orders_paid": int(row.n) if row is not None else 0,
                "paying_buyers": buyers, "visitors": uv, "payment_conversion_rate": rate(buyers, uv) or 0}
        return out

    def traffic(self, pp: Periods) -> dict:
        paid, events = self.paid(), self.f["events"]
        counts = self.events(pp.list, {"cart": "add_to_cart"}, current_only={
            "product_viewers": "product_view", "ordering": "order", "paying": "payment"})
        orders, per = self.orders(paid, pp.list), {}
        for p in pp.list:
            v = self.visits(events[self.within(events.occurred_at, p.start, p.end)])
            uv = v.visitor_id.nunique()
            e = counts[p.label]
            per[p.label] = {"visitors": e["visitors"], "page_views": e["page_views"],
                            "bounce_rate": rate(v.visitor_id[(v.n == 1) & (v.pv == 1)].nunique(), uv),
                            "avg_pages_per_visit": rate(int(v.pv.sum()), uv),
                            "payment_conversion_rate": rate(orders[p.label]["paying_buyers"], e["visitors"]),
                            "add_to_cart_rate": rate(e["cart"], e["visitors"])}
        c = counts["current"]
        return {"kpis": kpi(list(per["current"]), per), "sources": self.sources(paid, pp),
                **self.search_terms(pp),
                "funnel": {"visitors": c["visitors"], "product_viewers": c["product_viewers"],
                           "cart_visitors": c["cart"], "ordering_visitors": c["ordering"],
                           "paying_visitors": c["paying"]}}

    def sources(self, paid, pp: Periods) -> dict:
        events = self.f["events"]
        ev = events[self.within(events.occurred_at, pp.start, pp.end)]
        v = self.visits(ev)
        bounced = v[(v.n == 1) & (v.pv == 1)].groupby("source").visitor_id.nunique()
        by_source = v.groupby("source").agg(uv=("visitor_id", "nunique"), pv=("pv", "sum"))
        paying = ev[ev.kind == "payment"].groupby("source").visitor_id.nunique()
        ordered = events.loc[events.kind == "order", ["order_id", "source"]].drop_duplicates()
        sub = paid[self.within(paid.paid_at, pp.start, pp.end)][["order_id", "paid_amount"]]
        attributed = ordered.merge(sub, on="order_id").groupby("source").agg(
            n=("order_id", "size"), gmv=("paid_amount", "sum"))
        out = {}
        for source, row in by_source.iterrows():
            uv = int(row.uv)
            att = attributed.loc[source] if source in attributed.index else None
            out[source] = {"visitors": uv, "bounce_rate": rate(int(bounced.get(source, 0)), uv),
                           "avg_pages_per_visit": rate(int(row.pv), uv),
                           "payment_conversion_rate": rate(int(paying.get(source, 0)), uv),
                           "attributed_orders": int(att.n) if att is not None else 0,
                           "attributed_gmv": cents(att.gmv) if att is not None else 0}
        return out

    def search_terms(self, pp: Periods) -> dict:
        events = self.f["events"]
        ev = events[(events.kind == "search") & (events.search_term != "")
                    & self.within(events.occurred_at, pp.start, pp.end)]
        terms = ev.assign(zero=ev.result_count == 0).groupby("search_term").agg(
            n=("kind", "size"), visitors=("visitor_id", "nunique"), zero=("zero", "sum")).reset_index()
        terms = terms.sort_values(["n", "search_term"], ascending=[False, True])
        rows = [[t, int(n), int(v), int(z)] for t, n, v, z in terms.itertuples(index=False)]
        return {"search_terms": rows[:30], "no_result_terms": [r for r in rows if r[3] == r[1]][:30]}

    def sales(self, pp: Periods) -> dict:
        paid = self.paid()
        orders, lines = self.orders(paid, pp.list), self.lines(paid, pp.list)
        per = {label: {"gmv": orders[label]["gmv"], "orders_paid": orders[label]["orders_paid"],
                       "units_sold": lines[label]["units_sold"],
                       "avg_order_value": money_ratio(orders[label]["gmv"], orders[label]["orders_paid"]),
                       "return_rate": rate(lines[label]["units_returned"], lines[label]["units_sold"])}
               for label in pp.labels}
        sub = paid[self.within(paid.paid_at, pp.start, pp.end)]
        heat = sub.groupby([sub.paid_at.dt.day_of_week + 1, sub.paid_at.dt.hour]).size()
        return {"kpis": kpi(list(per["current"]), per),
                "heatmap": {f"{w}-{h}": int(n) for (w, h), n in heat.items()},
                **self.sales_breakdowns(paid, pp), **self.product_ranking(paid, pp)}

    def sales_breakdowns(self, paid, pp: Periods) -> dict:
        lines, products = self.f["order_lines"], self.f["products"]
        top = products.set_index("product_id").category_id.map(self.top)
        channels, categories = {}, {}
        for p in pp.list[:2]:
            sub = paid[self.within(paid.paid_at, p.start, p.end)]
            g = sub.groupby("channel").agg(gmv=("paid_amount", "sum"), n=("order_id", "size"),
                                           buyers=("customer_id", "nunique"))
            channels[p.label] = {k: [cents(r.gmv), int(r.n), int(r.buyers),
                                     money_ratio(cents(r.gmv), int(r.buyers))] for k, r in g.iterrows()}
            sold = lines[["order_id", "product_id", "quantity", "total_amount"]].merge(
                sub[["order_id", "customer_id"]], on="order_id")
            sold = sold.assign(top=sold.product_id.map(top))
            g = sold.groupby("top").agg(gmv=("total_amount", "sum"), units=("quantity", "sum"),
                                        buyers=("customer_id", "nunique"))
            categories[p.label] = {int(k): [cents(r.gmv), int(r.units), int(r.buyers)]
                                   for k, r in g.iterrows()}
        sub = paid[self.within(paid.paid_at, pp.start, pp.end)]
        g = sub.groupby("province_code").agg(gmv=("paid_amount", "sum"), n=("order_id", "size"),
                                             buyers=("customer_id", "nunique"))
        provinces = [(k, cents(r.gmv), int(r.n), int(r.buyers)) for k, r in g.iterrows()]
        return breakdowns(channels, categories, provinces)

    def product_ranking(self, paid, pp: Periods) -> dict:
        lines, events = self.f["order_lines"], self.f["events"]
        current = paid[self.within(paid.paid_at, pp.start, pp.end)]
        sold_lines = lines.merge(current[["order_id", "customer_id"]], on="order_id")
        sold = sold_lines.groupby("product_id").agg(
            units=("quantity", "sum"), gmv=("total_amount", "sum"), buyers=("customer_id", "nunique"),
            returned=("returned_quantity", "sum"))
        ev = events[(events.kind == "product_view") & self.within(events.occurred_at, pp.start, pp.end)]
        viewers = ev.groupby("product_id").visitor_id.nunique()
        recent = pp.end - timedelta(days=30)
        window = lines.merge(paid[self.within(paid.paid_at, pp.end - timedelta(days=60), pp.end)][
            ["order_id", "paid_at"]], on="order_id")
        is_recent = window.paid_at >= self.pd.Timestamp(recent)
        recent_units = window.quantity[is_recent].groupby(window.product_id[is_recent]).sum()
        earlier_units = window.quantity[~is_recent].groupby(window.product_id[~is_recent]).sum()
        first = lines[["order_id", "product_id"]].merge(paid[["order_id", "paid_at"]], on="order_id").groupby(
            "product_id").paid_at.min()
        classes = abc([(int(k), int(v)) for k, v in sold.gmv.items()])
        ranked = sold.reset_index().sort_values(["gmv", "product_id"], ascending=[False, True]).head(50)
        rows = []
        for pid, units, gmv, buyers, returned in ranked.itertuples(index=False):
            days = (self.pd.Timestamp(pp.end) - first[pid].normalize()).days
            rows.append([int(pid), int(units), cents(gmv), int(buyers), rate(int(returned), int(units)),
                         rate(int(buyers), int(viewers[pid]) if pid in viewers.index else None),
                         classes[int(pid)],
                         stage(days, int(recent_units.get(pid, 0)), int(earlier_units.get(pid, 0)))])
        return {"products": rows, "products_total": len(sold)}

    def customers(self, pp: Periods) -> dict:
        paid = self.paid()
        first = paid.groupby("customer_id").paid_at.min()
        per, repurchase = {}, self.repurchase_rate(paid, pp)
        for p in pp.list:
            sub = paid[self.within(paid.paid_at, p.start, p.end)]
            spent = sub.groupby("customer_id").paid_amount.sum()
            new = first.reindex(spent.index) >= self.pd.Timestamp(p.start)
            per[p.label] = {"paying_buyers": len(spent), "new_buyers": int(new.sum()),
                            "returning_buyers": int((~new).sum()), "repurchase_rate": repurchase[p.label],
                            "aov": money_ratio(cents(spent.sum()), len(spent)),
                            "_split": [int(new.sum()), cents(spent[new].sum()), int((~new).sum()),
                                       cents(spent[~new].sum())]}
        split = per["current"]["_split"]
        for values_ in per.values():
            values_.pop("_split")
        return {"kpis": kpi(list(per["current"]), per), "new_returning": split,
                "cohorts": self.cohorts(paid, first, pp), **self.rfm(paid, pp)}

    def cohorts(self, paid, first, pp: Periods) -> dict:
        cohort = first.dt.to_period("M").dt.to_timestamp()
        lo = self.pd.Timestamp(pp.cohort_start).to_period("M").to_timestamp()
        cohort = cohort[(cohort >= lo) & (cohort < self.pd.Timestamp(pp.end))]
        sub = paid[paid.customer_id.isin(cohort.index) & (paid.paid_at < self.pd.Timestamp(pp.end))]
        c = sub.customer_id.map(cohort)
        k = (sub.paid_at.dt.year - c.dt.year) * 12 + (sub.paid_at.dt.month - c.dt.month)
        counts = sub.customer_id.groupby([c, k]).nunique()
        sizes = {when.to_pydatetime(): int(n) for when, n in cohort.value_counts().items()}
        return cohort_rows([(when.to_pydatetime(), int(month), int(n))
                            for (when, month), n in counts.items()], sizes, pp.end - timedelta(days=1))

    def rfm(self, paid, pp: Periods) -> dict:
        sub = paid[self.within(paid.paid_at, pp.start, pp.end)]
        b = sub.groupby("customer_id").agg(last=("paid_at", "max"), f=("order_id", "size"),
                                           m=("paid_amount", "sum"))
        r = (self.pd.Timestamp(pp.end) - b["last"].dt.normalize()).dt.days
        money_ = b.m / 100
        tier = (b.m >= 10_000).astype(int) + (b.m >= 30_000) + (b.m >= 100_000) + (b.m >= 300_000)
        keys = self.pd.DataFrame({"r": r < r.mean(), "f": b.f > b.f.mean(),
                                  "m": money_ > b.m.sum() / (len(b) * 100),
                                  "tier": tier, "cents": b.m})
        g = keys.groupby(["r", "f", "m", "tier"]).cents.agg(["size", "sum"])
        return rfm_tables([(bool(rh), bool(fh), bool(mh), int(t), int(n), cents(total))
                           for (rh, fh, mh, t), (n, total) in g.iterrows()])

    def aftersales(self, pp: Periods) -> dict:
        paid = self.paid()
        refund, orders, lines = self.refund_rate(pp), self.orders(paid, pp.list), self.lines(paid, pp.list)
        refunds, payments, per = self.f["refunds"], self.f["payments"], {}
        for p in pp.list:
            amount = cents(refunds.amount[self.within(refunds.created_at, p.start, p.end)].sum())
            attempts = payments.status[self.within(payments.created_at, p.start, p.end)]
            per[p.label] = {"refund_rate": refund[p.label],
                            "refund_amount_rate": rate(amount, orders[p.label]["gmv"]),
                            "refunds_amount": amount,
                            "return_rate": rate(lines[p.label]["units_returned"],
                                                lines[p.label]["units_sold"]),
                            "payment_failure_rate": rate(int((attempts == "failed").sum()), len(attempts))}
        return {"kpis": kpi(list(per["current"]), per), **self.aftersales_tables(paid, pp)}

    def aftersales_tables(self, paid, pp: Periods) -> dict:
        products, categories = self.f["products"].set_index("product_id"), self.f["categories"]
        a = self.f["aftersales"]
        a = a[self.within(a.requested_at, pp.start, pp.end)]
        a = a.assign(top=a.product_id.map(products.category_id).map(self.top))
        g = a.groupby(["reason_code", "top"]).agg(n=("request_id", "nunique"), units=("quantity", "sum"))
        reasons = [(r, int(t), int(row.n), int(row.units)) for (r, t), row in g.iterrows()]
        lines = self.f["order_lines"]
        sold = lines[lines.order_id.isin(paid.order_id[self.within(paid.paid_at, pp.start, pp.end)])]
        g = sold.groupby("product_id").agg(units=("quantity", "sum"), returned=("returned_quantity", "sum"))
        g = g[g.returned > 0].assign(rate=lambda x: x.returned / x.units).reset_index()
        g = g.sort_values(["returned", "rate", "product_id"], ascending=[False, False, True]).head(30)
        returns = [(products.title[pid], int(u), int(r)) for pid, u, r, _rate in g.itertuples(index=False)]
        payments = self.f["payments"]
        failed = payments[(payments.status == "failed") & self.within(payments.created_at, pp.start, pp.end)]
        failures = list(failed.failure_reason.value_counts().items())
        names = dict(zip(categories.category_id, categories.name, strict=True))
        return aftersales_tables(reasons, names, returns, [(r, int(n)) for r, n in failures])


# ---- running it ----------------------------------------------------------------------------

def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def interleaved_medians(functions: dict, runs: int = 3) -> dict:
    """Median wall time of each function over ``runs`` rounds (one untimed warm-up call
    each first). The rounds interleave the functions, so a burst of load from elsewhere on
    the machine hits them alike."""
    results = {name: function() for name, function in functions.items()}
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            seconds, results[name] = timed(function)
            times[name].append(seconds)
    return {name: (statistics.median(times[name]), results[name]) for name in functions}


def measure_reports(pp: Periods, threads: int, with_pandas: bool = True) -> tuple[dict, float]:
    from zhanggui.analytics import reports, storage
    from zhanggui.analytics.engine import Filters

    root = storage.root()
    manifest = storage.read_manifest(root)
    hand_load, hand = timed(lambda: HandSQL(root, manifest, threads))
    pandas_load, frames = timed(lambda: load_frames(root, manifest)) if with_pandas else (0, {})
    baseline = Pandas(frames) if with_pandas else None
    current = reports.rules.Period("current", pp.start, pp.end)
    results = {}
    for name, build in reports.REPORTS.items():
        if not (hasattr(hand, name) and hasattr(Pandas, name)):
            # A report without hand-written baselines yet (the logistics report) is not timed
            # here rather than compared against nothing; its numbers are tested against
            # pandas in tests/analytics/test_logistics_metrics.py.
            log(f"  {name}: no hand-written DuckDB/pandas baseline yet, not measured")
            continue
        measured = interleaved_medians({
            "product": lambda build=build: build(current, None, Filters()).as_dict(),
            "duckdb_sql": lambda name=name: getattr(hand, name)(pp),
            **({"pandas": lambda name=name: getattr(baseline, name)(pp)} if with_pandas else {})})
        measured.setdefault("pandas", (float("nan"), None))  # --no-pandas: not compared
        expected = product_numbers(name, measured["product"][1])
        wrong = {label: differences(expected, measured[label][1])
                 for label in ("duckdb_sql", "pandas") if label == "duckdb_sql" or with_pandas}
        seconds, sql_seconds, pandas_seconds = (measured[k][0] for k in ("product", "duckdb_sql", "pandas"))
        results[name] = {"seconds": round(seconds, 4), "duckdb_sql_seconds": round(sql_seconds, 4),
                         "pandas_seconds": round(pandas_seconds, 4),
                         "vs_duckdb_sql": round(seconds / sql_seconds, 2),
                         "pandas_speedup": round(pandas_seconds / seconds, 2),
                         "numbers_compared": count_numbers(expected),
                         "product_queries": query_breakdown(build, current),
                         "values_equal": not any(wrong.values())}
        if not with_pandas:
            del results[name]["pandas_seconds"], results[name]["pandas_speedup"]
        for label, found in wrong.items():
            if found:  # reported (and the run fails at the end), not hidden
                results[name][f"{label}_differences"] = found[:10]
                log(f"  {name}: {label} differs from the product in {len(found)} places: {found[:5]}")
        log(f"  {name}: {results[name]}")
    loads = {"duckdb_sql_load_seconds": round(hand_load, 2),
             **({"pandas_load_seconds": round(pandas_load, 2)} if with_pandas else {})}
    return results, loads


def query_breakdown(build, period) -> dict:
    """One more warm run of a product report with ``reader.query`` timed: how many queries,
    their summed time, and the slowest (source or rollup, grouping)."""
    import re

    from zhanggui.analytics import reader
    from zhanggui.analytics.engine import Filters

    original, log_ = reader.query, []

    def timed_query(sql, params=None):
        started = time.perf_counter()
        try:
            return original(sql, params)
        finally:
            log_.append((time.perf_counter() - started, sql))

    reader.query = timed_query
    try:
        total, _report = timed(lambda: build(period, None, Filters()).as_dict())
    finally:
        reader.query = original
    queries = sum(seconds for seconds, _sql in log_)

    from zhanggui.analytics.metrics import ROLLUPS, SOURCES

    bodies = {f"{r.code} via {r.table}": r.sql.format(channel="", category="", span="").strip()[:150]
              for r in ROLLUPS}
    bodies.update({code: source.sql.format(channel="", category="", span="").strip()[:150]
                   for code, source in SOURCES.items()})

    def label(sql: str) -> str:
        """The registry source (or the rollup answering for it) and grouping of an engine
        query, or the start of other SQL."""
        source = next((code for code, body in bodies.items() if body in sql), None)
        keys = re.search(r"\nSELECT period((?:, \w+\b(?!\())*)", sql)
        if source is None:
            return "rfm" if "recency_days" in sql else " ".join(sql.split())[:70]
        return f"source {source}" + (f" by{keys.group(1).replace(',', '')}" if keys and keys.group(1) else "")

    # The queries run side by side (``engine.compute_many``): their seconds add up to more
    # than the report's.
    return {"queries": len(log_), "report_seconds": round(total, 3),
            "query_seconds_summed": round(queries, 3),
            "slowest": [[round(seconds, 3), label(sql)]
                        for seconds, sql in sorted(log_, key=lambda x: -x[0])[:4]]}


def count_numbers(tree) -> int:
    if isinstance(tree, dict):
        return sum(count_numbers(v) for v in tree.values())
    if isinstance(tree, list):
        return sum(count_numbers(v) for v in tree)
    return 1


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--customers", type=int, default=0, help="default: orders / 5")
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads of the baseline (the "
                                                                "product's reader runs a report's "
                                                                "queries side by side, one core each)")
    parser.add_argument("--profile-refresh", action="store_true",
                        help="run the second refresh (nothing new) under cProfile (stderr)")
    parser.add_argument("--keep", metavar="DIR",
                        help="work in DIR and keep it (default: a temporary directory)")
    parser.add_argument("--reports-only", action="store_true",
                        help="with --keep DIR of an earlier run: skip generation, build and refresh "
                             "and time the reports on the data and warehouse already there")
    parser.add_argument("--rebuild-warehouse", action="store_true",
                        help="with --reports-only: first rebuild the warehouse from the kept OLTP "
                             "database with this code (build_seconds), then refresh with nothing new")
    parser.add_argument("--no-pandas", action="store_true",
                        help="leave out the pandas baseline (its load takes minutes at full size)")
    parser.add_argument("--web-process", metavar="REPORTS",
                        help=argparse.SUPPRESS)  # internal: the fresh web process of web_process()
    return parser.parse_args()


def setup_django(scratch: Path, migrate: bool = True) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhanggui.settings"
    os.environ["ZHANGGUI_VAR_DIR"] = str(scratch / "var")
    os.environ["ZHANGGUI_WAREHOUSE_DIR"] = str(scratch / "warehouse")
    os.environ.pop("DATABASE_URL", None)
    # A web process reads the warehouse through views over its files (the default); set
    # ZHANGGUI_WAREHOUSE_IN_MEMORY=true to measure tables held in memory instead.
    os.environ.setdefault("ZHANGGUI_WAREHOUSE_IN_MEMORY", "false")
    (scratch / "var").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    if not migrate:
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def web_process(scratch: Path, names: list[str]) -> dict:
    """A FRESH process set up as a web process (Django, the reader) loads the current version
    and runs each report of ``names`` once: its peak resident set (VmHWM) and the seconds from
    its first reader access to the first report's answer."""
    import subprocess

    command = [sys.executable, __file__, "--keep", str(scratch), "--web-process", ",".join(names)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout)


def run_web_process(args, scratch: Path) -> dict:
    setup_django(scratch, migrate=False)
    from django.utils import timezone

    from zhanggui.analytics import reader, reports
    from zhanggui.analytics.engine import Filters

    today = timezone.localdate()
    current = reports.rules.Period("current", today - timedelta(days=29), today + timedelta(days=1))
    names = args.web_process.split(",")
    started = time.perf_counter()
    reader.current_version()
    reports.REPORTS[names[0]](current, None, Filters()).as_dict()
    first = time.perf_counter() - started
    for name in names[1:]:
        reports.REPORTS[name](current, None, Filters()).as_dict()
    status = Path("/proc/self/status").read_text()
    peak_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
    return {"rss_mb_per_process": round(peak_kb / 1024, 1), "first_load_seconds": round(first, 2)}


def targets(reports_: dict, build: float, refresh: float, web: dict) -> dict:
    with_pandas = all("pandas_speedup" in r for r in reports_.values())
    return {
        "rss_mb_per_process_within_600": web["rss_mb_per_process"] <= 600,
        "first_load_within_3s": web["first_load_seconds"] <= 3,
        "every_report_within_1s": all(r["seconds"] <= 1 for r in reports_.values()),
        "every_report_within_1_5x_duckdb_sql": all(r["vs_duckdb_sql"] <= 1.5 for r in reports_.values()),
        "every_report_10x_faster_than_pandas": (  # None with --no-pandas
            all(r["pandas_speedup"] >= 10 for r in reports_.values()) if with_pandas else None),
        "refresh_within_5s": refresh <= 5,
        "per_report": {name: {"within_1s": r["seconds"] <= 1,
                              "within_1_5x_duckdb_sql": r["vs_duckdb_sql"] <= 1.5,
                              "10x_faster_than_pandas": r["pandas_speedup"] >= 10 if with_pandas else None}
                       for name, r in reports_.items()},
    }


def run_reports_only(args, scratch: Path) -> dict:
    setup_django(scratch)
    from django.utils import timezone

    from zhanggui.analytics import reader
    from zhanggui.analytics.engine import repurchase_window_days

    today = timezone.localdate()
    pp = Periods(today - timedelta(days=29), today + timedelta(days=1), repurchase_window_days())
    built: dict = {}
    if args.rebuild_warehouse:
        build_seconds, build_tables = timed_run("rebuild")
        log(f"rebuild: {build_seconds:.2f} s; peak RSS {peak_rss_mb()} MB; {build_tables}")
        idle_seconds, idle_tables = timed_run("refresh")
        log(f"refresh (nothing new): {idle_seconds:.2f} s; {idle_tables}")
        built = {"build_seconds": round(build_seconds, 2), "build_tables": build_tables,
                 "second_refresh_nothing_new_seconds": round(idle_seconds, 2)}
    web = web_process(scratch, measured_reports())
    log(f"fresh web process: {web}")
    reader_load, _version = timed(reader.current_version)
    reports_, loads = measure_reports(pp, args.threads, not args.no_pandas)
    return {**built, "reports": reports_, **web, "reader_load_seconds": round(reader_load, 2), **loads,
            "values_equal": all(r["values_equal"] for r in reports_.values()),
            "targets_met": targets(reports_, 0, 0, web)}


def measured_reports() -> list[str]:
    """The reports with hand-written baselines (the five the benchmark times)."""
    from zhanggui.analytics import reports

    return [name for name in reports.REPORTS if hasattr(HandSQL, name) and hasattr(Pandas, name)]


def run(args, scratch: Path) -> dict:
    if args.web_process:
        return run_web_process(args, scratch)
    if args.reports_only:
        return run_reports_only(args, scratch)
    setup_django(scratch)
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from zhanggui.analytics.engine import repurchase_window_days

    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    log(f"generating {args.orders} orders, {args.events} events over {args.days} days (SQLite, {scratch})")
    shop, counts = generate(args, tz, today)
    connection.close()  # drops the bulk load's 1 GB page cache
    log(f"OLTP database: {os.path.getsize(settings.DATABASES['default']['NAME']) / 2**20:.0f} MB; "
        f"peak RSS {peak_rss_mb()} MB")
    from zhanggui.analytics import reader

    build_seconds, build_tables = timed_run("rebuild")
    log(f"rebuild: {build_seconds:.2f} s; peak RSS {peak_rss_mb()} MB; {build_tables}")
    # A web process loads the version into memory once, then what each refresh changed.
    reader_load, _version = timed(reader.current_version)
    log(f"reader load: {reader_load:.2f} s; peak RSS {peak_rss_mb()} MB")
    changes = todays_changes(shop, tz, today, counts)
    log(f"today's changes: {changes}")
    refresh_seconds, refresh_tables = timed_run("refresh")
    log(f"refresh: {refresh_seconds:.2f} s; {refresh_tables}")
    reader_reload, _version = timed(reader.current_version)
    log(f"reader reload after the refresh: {reader_reload:.2f} s")
    # A second refresh with nothing new since the first: what every scheduled refresh costs.
    idle: dict = {}
    if args.profile_refresh:
        log("cProfile of the second refresh:\n" + profiled(lambda: idle.update(zip(
            ("seconds", "tables"), timed_run("refresh"), strict=True))))
    else:
        idle.update(zip(("seconds", "tables"), timed_run("refresh"), strict=True))
    log(f"second refresh (nothing new): {idle['seconds']:.2f} s; {idle['tables']}")
    connection.close()
    web = web_process(scratch, measured_reports())
    log(f"fresh web process: {web}")
    pp = Periods(today - timedelta(days=29), today + timedelta(days=1), repurchase_window_days())
    reports_, loads = measure_reports(pp, args.threads, not args.no_pandas)
    return {
        "orders": args.orders, "events": counts["event"], "customers": counts["customer"], "days": args.days,
        "seed": args.seed, "generated_rows": {k: v for k, v in counts.items() if v},
        "build_seconds": round(build_seconds, 2), "refresh_seconds": round(refresh_seconds, 2),
        "reader_load_seconds": round(reader_load, 2),
        "reader_reload_after_refresh_seconds": round(reader_reload, 2),
        "refresh_changes": changes,
        "build_tables": build_tables, "refresh_tables": refresh_tables,
        "second_refresh_nothing_new_seconds": round(idle["seconds"], 2),
        "second_refresh_tables": idle["tables"],
        "period": {"start": pp.start.isoformat(), "end_exclusive": pp.end.isoformat(), "days": 30,
                   "compare": "previous 30 days and the same dates last year (KPIs)",
                   "time_zone": str(tz)},
        "reports_timing": "seconds: median of 3 warm runs (the version loaded in memory: one untimed run "
                          "first); the same for both baselines, the runs of the three interleaved; "
                          "values asserted equal first; both use the machine's 2 cores: the "
                          "hand-written SQL with 2 DuckDB threads per query, the product with its "
                          "queries side by side, one thread each",
        **loads,
        "reports": reports_, "values_equal": all(r["values_equal"] for r in reports_.values()),
        "peak_rss_mb": peak_rss_mb(), **web,
        "targets_met": targets(reports_, build_seconds, refresh_seconds, web),
    }


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    if args.keep:
        result = run(args, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="zhanggui-analytics-bench-") as scratch:
            result = run(args, Path(scratch))
    if args.web_process:
        print(json.dumps(result))
        return
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False, default=str))
    if not all(r["values_equal"] for r in result["reports"].values()):
        sys.exit("the baselines' numbers differ from the product's (see *_differences)")


if __name__ == "__main__":
    main()
