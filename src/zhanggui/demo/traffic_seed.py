"""Demo traffic: the storefront's behaviour events, consistent with the orders.

Every order has its visit: a session that starts minutes before ``placed_at`` with page
views, views of the ordered products, add-to-cart events, a checkout start, the order and,
when the order was paid, the payment at ``paid_at``. Some buyers looked at the product a few
days earlier (a consideration visit). Visitors who do not buy leave realistic funnels:
about half bounce after one page, others view products, search (some terms find nothing),
add to cart and leave, or leave at checkout. Sources follow a store's mix (search and ads
dominant; campaign traffic peaks at 618, 双11 and 双12; livestreams in the evening), devices
are mostly mobile. Visit times follow the same yearly and daily rhythm as the orders.

The demo keeps about seven non-buying visits per order so the full seed stays fast; its
conversion (~10 %) is therefore higher than a marketplace shop's. Events are written with
one raw ``executemany`` per chunk: the ORM's per-object work would take minutes.
"""

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import attrgetter

from django.db import connection

from zhanggui.demo import timeline
from zhanggui.demo.context import Clock, Picker, SeedOptions, stream, weighted
from zhanggui.demo.orders_plan import placement_times
from zhanggui.demo.plans import OrderPlan
from zhanggui.traffic.models import Device, Event, TrafficSource


class K:
    """Plain strings of the event kinds (the database driver binds them directly)."""

    PAGE_VIEW, PRODUCT_VIEW, SEARCH = "page_view", "product_view", "search"
    FAVORITE, ADD_TO_CART, CHECKOUT_START = "favorite", "add_to_cart", "checkout_start"
    ORDER, PAYMENT = "order", "payment"


SRC, DEV = TrafficSource, Device
SITE = "https://shop.zhanggui.demo"
VISITS_PER_ORDER = 7            # non-buying visits per order
CONSIDERATION_PCT = 25          # buyers who viewed the product in an earlier visit
RETURNING_VISITOR_PCT = 35      # a non-buying visit by a visitor seen before
LOGGED_IN_PCT = 70              # buyers known (customer set) from the visit's first event
ZERO_RESULT_PCT = 9             # searches for something the shop does not sell
CHUNK = 20_000
# Event ids are random version-4 UUIDs: 128 random bits with the version and variant set.
UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
UUID4_SET = (0x4000 << 64) | (0x8000 << 48)
ZERO_RESULT_TERMS = ("茅台", "iPhone 16 Pro Max 手机", "二手相机", "猫粮", "电动车",
                     "婴儿奶粉", "钓鱼竿", "汽车脚垫", "保健品", "洗碗机", "lolita 裙",
                     "连依裙", "蓝牙音想")
# Non-buying visits: (funnel, weight): how far the visitor gets.
FUNNELS = weighted((("bounce", 46), ("browse", 31), ("cart", 15), ("checkout", 8)))
DEVICES = weighted(((DEV.MOBILE.value, 66), (DEV.APP.value, 15), (DEV.DESKTOP.value, 15),
                    (DEV.TABLET.value, 4)))
COLUMNS = ("event_id", "kind", "visitor_id", "session_id", "customer_id", "product_id",
           "order_id", "search_term", "result_count", "source", "channel", "device", "url",
           "occurred_at", "received_at")


def _source_pickers() -> dict[tuple[bool, bool], Picker]:
    """(festival day, evening) → the source mix."""
    pickers = {}
    for festival in (False, True):
        for evening in (False, True):
            mix = {SRC.SEARCH: 32, SRC.ADS: 28, SRC.SOCIAL: 12, SRC.LIVE: 6, SRC.DIRECT: 11,
                   SRC.CAMPAIGN: 4, SRC.CHANNEL: 7}
            if festival:
                mix[SRC.CAMPAIGN] = 30
            if evening:
                mix[SRC.LIVE] = 14
            pickers[(festival, evening)] = weighted((src.value, w) for src, w in mix.items())
    return pickers


@dataclass(slots=True, eq=False)
class ProductRef:
    pk: int
    code: str
    leaf: str
    popularity: int
    listed_at: datetime | None
    delisted_at: datetime | None

    def listed(self, moment: datetime) -> bool:
        if self.listed_at is None or moment < self.listed_at:
            return False
        return self.delisted_at is None or moment < self.delisted_at


@dataclass(slots=True, eq=False)
class Visitor:
    visitor_id: str
    device: str
    customer_id: int | None = None


@dataclass(slots=True, eq=False)
class Visit:
    """One session to write; sorted by start so event ids follow time."""

    start: datetime
    seq: int
    visitor: Visitor
    funnel: str
    order: OrderPlan | None = None
    product: ProductRef | None = None


class Catalogue:
    """Products by popularity and search terms with their result counts."""

    def __init__(self, drafts):
        self.products = [ProductRef(d.product.pk, d.product.code, d.leaf.name, d.popularity,
                                    d.listed_at, d.delisted_at) for d in drafts]
        self.by_sku = {sku.pk: ref for d, ref in zip(drafts, self.products, strict=True)
                       for sku in d.skus}
        self.picker = Picker(self.products, [p.popularity for p in self.products])
        leaves = sorted({p.leaf for p in self.products})
        self.results = {leaf: sum(1 for p in self.products if p.leaf == leaf and p.listed_at)
                        for leaf in leaves}
        self.terms = Picker(leaves, [self.results[leaf] + 1 for leaf in leaves])

    def pick(self, rng: random.Random, moment: datetime) -> ProductRef | None:
        for _attempt in range(12):
            product = self.picker.pick(rng)
            if product.listed(moment):
                return product
        return None


class TrafficBuilder:
    """Plans the visits, then turns each into event rows in time order."""

    def __init__(self, rng: random.Random, clock: Clock, catalogue: Catalogue):
        self.rng, self.clock, self.catalogue = rng, clock, catalogue
        self.sources = _source_pickers()
        self.visits: list[Visit] = []
        self.anonymous: list[Visitor] = []
        self.customers: dict[int, Visitor] = {}
        self.events = 0
        self.now = _utc(clock.now)
        self.db_time, self.db_uuid = _db_adapters()

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _new_visitor(self, customer_id: int | None = None) -> Visitor:
        return Visitor(str(self._uuid()), DEVICES.pick(self.rng), customer_id)

    def _add(self, start: datetime, visitor: Visitor, funnel: str, **extra) -> None:
        self.visits.append(Visit(start, len(self.visits), visitor, funnel, **extra))

    # ---- planning ---------------------------------------------------------------------

    def plan_orders(self, orders: list[OrderPlan]) -> None:
        rng = self.rng
        for order in orders:
            customer_pk = order.customer.pk
            visitor = self.customers.get(customer_pk)
            if visitor is None or rng.random() * 100 < 12:   # first visit, or a new device
                visitor = self._new_visitor(customer_pk)
                self.customers[customer_pk] = visitor
            start = order.placed_at - timedelta(seconds=rng.randint(4 * 60, 40 * 60))
            self._add(start, visitor, "order", order=order)
            if rng.random() * 100 < CONSIDERATION_PCT:
                earlier = start - timedelta(minutes=rng.randint(6 * 60, 5 * 24 * 60))
                product = self.catalogue.by_sku[order.lines[0].sku.pk]
                self._add(earlier, visitor, "consider", product=product)

    def plan_browsing(self, options: SeedOptions, orders: int) -> None:
        rng = self.rng
        for start in placement_times(stream(options, "traffic-times"), self.clock,
                                     orders * VISITS_PER_ORDER):
            if self.anonymous and rng.random() * 100 < RETURNING_VISITOR_PCT:
                visitor = rng.choice(self.anonymous)
            else:
                visitor = self._new_visitor()
                self.anonymous.append(visitor)
            self._add(start, visitor, FUNNELS.pick(rng))

    # ---- events -----------------------------------------------------------------------

    def rows(self) -> Iterator[list[tuple]]:
        """Event rows of every visit in start order, in chunks."""
        chunk: list[tuple] = []
        for visit in sorted(self.visits, key=attrgetter("start", "seq")):
            chunk += self._visit_rows(visit)
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _source(self, moment: datetime, visitor: Visitor) -> str:
        local = self.clock.local(moment)
        festival = timeline.festival_pct(local.date()) > 100
        if visitor.customer_id is not None and self.rng.random() * 100 < 18:
            return SRC.DIRECT.value   # buyers come back through bookmarks and the app
        return self.sources[(festival, local.hour >= 19)].pick(self.rng)

    def _visit_rows(self, visit: Visit) -> list[tuple]:
        steps = (self._order_steps(visit) if visit.funnel == "order"
                 else self._consider_steps(visit) if visit.funnel == "consider"
                 else self._browse_steps(visit))
        steps = [s for s in steps if s[1] <= self.now]
        if not steps:
            return []
        visitor, rng = visit.visitor, self.rng
        session_id = str(self._uuid())
        source = self._source(visit.start, visitor)
        received = self.db_time(max(s[1] for s in steps) + timedelta(seconds=rng.randint(1, 4)))
        self.events += len(steps)
        # Locals: this comprehension runs once per event (about a million times).
        bits, as_uuid, as_time = rng.getrandbits, self.db_uuid, self.db_time
        visitor_id, device = visitor.visitor_id, visitor.device
        return [(as_uuid(bits(128) & UUID4_CLEAR | UUID4_SET), kind, visitor_id, session_id,
                 customer, product.pk if product else None, order_pk, term, count, source, "own",
                 device, url, as_time(at), received)
                for kind, at, product, customer, order_pk, term, count, url in steps]

    def _moments(self, start: datetime, low: int = 8, high: int = 150) -> Iterator[datetime]:
        """``start``, then one moment after another, ``low`` to ``high`` seconds apart."""
        at, rng = start, self.rng
        while True:
            yield at
            at += timedelta(seconds=low + int(rng.random() * (high - low)))

    def _page(self, at: datetime, customer: int | None, path: str = "/") -> tuple:
        return (K.PAGE_VIEW, at, None, customer, None, "", None, SITE + path)

    def _view(self, at: datetime, product: ProductRef, customer: int | None,
              kind: str = K.PRODUCT_VIEW) -> tuple:
        return (kind, at, product, customer, None, "", None, f"{SITE}/p/{product.code}")

    def _search(self, at: datetime, customer: int | None, term: str | None = None) -> tuple:
        if term is None and self.rng.random() * 100 < ZERO_RESULT_PCT:
            term = self.rng.choice(ZERO_RESULT_TERMS)
        term = term or self.catalogue.terms.pick(self.rng)
        count = self.catalogue.results.get(term, 0)
        return (K.SEARCH, at, None, customer, None, term, count, f"{SITE}/search")

    def _order_steps(self, visit: Visit) -> list[tuple]:
        rng, order = self.rng, visit.order
        customer = visit.visitor.customer_id if rng.random() * 100 < LOGGED_IN_PCT else None
        products = list(dict.fromkeys(self.catalogue.by_sku[li.sku.pk] for li in order.lines))
        start, placed = _utc(visit.start), _utc(order.placed_at)
        count = 6 + 2 * len(products)   # at most: page, search, 2 × (view, favourite), buys
        step = (placed - start) // (count + 1)
        moments = [start + step * n for n in range(count)]
        steps = [self._page(moments[0], customer)]
        if rng.random() * 100 < 30:
            steps.append(self._search(moments[1], customer, products[0].leaf))
        extra = [p for p in (self.catalogue.pick(rng, visit.start) for _n in range(rng.randint(0, 2)))
                 if p is not None]
        for product in [*extra, *products]:
            steps.append(self._view(moments[len(steps)], product, customer))
            if product in products:
                steps.append(self._view(moments[len(steps)], product, customer, K.ADD_TO_CART))
            elif rng.random() * 100 < 8:
                steps.append(self._view(moments[len(steps)], product, customer, K.FAVORITE))
        buyer = visit.visitor.customer_id
        checkout = placed - timedelta(seconds=rng.randint(20, 150))
        steps.append((K.CHECKOUT_START, max(checkout, steps[-1][1]), None, buyer, None, "", None,
                      f"{SITE}/checkout"))
        steps.append((K.ORDER, placed, None, buyer, order.pk, "", None,
                      f"{SITE}/checkout"))
        if order.paid_at is not None:
            steps.append((K.PAYMENT, _utc(order.paid_at), None, buyer, order.pk, "", None,
                          f"{SITE}/pay/{order.number}"))
        return steps

    def _consider_steps(self, visit: Visit) -> list[tuple]:
        moments = self._moments(_utc(visit.start))
        steps = [self._page(next(moments), None),
                 self._view(next(moments), visit.product, None)]
        if self.rng.random() * 100 < 30:
            steps.append(self._view(next(moments), visit.product, None, K.FAVORITE))
        return steps

    def _browse_steps(self, visit: Visit) -> list[tuple]:
        rng, funnel = self.rng, visit.funnel
        if funnel == "bounce":
            path = "/" if rng.random() * 100 < 60 else "/c/new"
            return [self._page(_utc(visit.start), None, path)]
        moments = self._moments(_utc(visit.start))
        steps = [self._page(next(moments), None)]
        if rng.random() * 100 < 35:
            steps.append(self._search(next(moments), None))
            if steps[-1][6] == 0 and rng.random() * 100 < 50:
                return steps   # found nothing and left
        viewed = [p for p in (self.catalogue.pick(rng, visit.start)
                              for _n in range(rng.randint(1, 4))) if p is not None]
        for product in viewed:
            steps.append(self._view(next(moments), product, None))
            if rng.random() * 100 < 4:
                steps.append(self._view(next(moments), product, None, K.FAVORITE))
        if rng.random() * 100 < 40:
            steps.append(self._page(next(moments), None, "/c/hot"))
        if funnel in ("cart", "checkout") and viewed:
            steps.append(self._view(next(moments), viewed[-1], None, K.ADD_TO_CART))
            if funnel == "checkout":
                steps.append((K.CHECKOUT_START, next(moments), None, None, None, "", None,
                              f"{SITE}/checkout"))
        return steps


def _utc(moment: datetime) -> datetime:
    """Event times are computed as naive UTC (cheap arithmetic, converted once)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _db_adapters() -> tuple[Callable, Callable]:
    """Fast converters of naive-UTC datetimes and 128-bit ints to what the driver binds.

    On SQLite they produce what Django's adapters store (naive UTC text, 32 hex digits) at
    a fraction of the cost per value; PostgreSQL gets aware datetimes and UUID objects.
    """
    if connection.vendor == "sqlite":
        return str, lambda bits: f"{bits:032x}"
    return (lambda moment: moment.replace(tzinfo=UTC)), (lambda bits: uuid.UUID(int=bits))


@contextmanager
def _secondary_indexes_rebuilt() -> Iterator[None]:
    """On SQLite (the demo's database), drop the event table's secondary indexes meanwhile
    and build them again afterwards: building an index from a million rows is several times
    faster than a million random inserts into it. The unique index of ``event_id`` stays.
    All of this happens in the seed's transaction, so a failure restores the indexes too.
    (PostgreSQL cannot build an index while the deferred foreign-key checks of the inserted
    rows are pending, and inserts there cost less; it keeps its indexes.)"""
    indexes = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = %s AND sql IS NOT NULL", [Event._meta.db_table])
            indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield   # on an error the seed's transaction rolls back, the dropped indexes with it
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, a 256 MB page cache while the events go in: their random event ids and
    visitor ids land all over the indexes, and the default 2 MB cache thrashes."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        saved = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(saved)}")


def _insert(chunk: list[tuple]) -> None:
    table = Event._meta.db_table
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})",
                           chunk)


def seed_traffic(options: SeedOptions, clock: Clock, drafts, orders: list[OrderPlan],
                 progress) -> int:
    """Plan and write the year's behaviour events (orders must be written: their ids are
    referenced). Returns how many events were written."""
    builder = TrafficBuilder(stream(options, "traffic"), clock, Catalogue(drafts))
    builder.plan_orders(orders)
    builder.plan_browsing(options, len(orders))
    with _large_page_cache(), _secondary_indexes_rebuilt():
        for chunk in builder.rows():
            _insert(chunk)
    progress.done("traffic events written", f"{builder.events} events, "
                                            f"{len(builder.visits)} visits")
    return builder.events
