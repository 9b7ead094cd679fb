"""Stock over the simulated year, per SKU × warehouse, in time order.

Every change is a ledger movement, exactly as ``inventory.actions`` books it: a reserve
movement per order line (warehouse chosen with ``inventory.rules.choose_stock``), release
for cancelled and closed orders, ship for shipped ones, return_restock for restocked
returns, and receive for purchase receipts. Each morning the warehouses receive enough for
the next weeks' demand, so a reservation never finds too little available; should one
still fall short, an urgent receipt comes in first. Availability never drops below zero.
"""

import random
from datetime import datetime, timedelta
from itertools import accumulate

from zhanggui.core.regions import get_province
from zhanggui.demo.context import Clock
from zhanggui.demo.dropship_plan import DROP_SHIP_WAREHOUSE, is_drop_ship
from zhanggui.demo.plans import Movement, OrderPlan, SkuInfo, StockState, WarehouseInfo
from zhanggui.inventory.models import MovementKind
from zhanggui.inventory.rules import Candidate, choose_stock
from zhanggui.orders.models import OrderStatus

LOOKAHEAD_DAYS = 14   # reorder when a row would not last this long
COVER_DAYS = 60       # and order enough for this long
SAFETY_UNITS = 5
# Which warehouses stock a SKU (percent of SKUs): the first (Hangzhou) all, Guangzhou most,
# Chengdu many.
STOCKED_PCT = {"HZ01": 100, "GZ01": 80, "CD01": 60}

# Event order at the same instant: receipts first, then reservations, then the rest.
RECEIVE, RESERVE, LATER = 0, 1, 2


class StockSimulation:
    def __init__(self, rng: random.Random, clock: Clock, skus: list[SkuInfo],
                 warehouses: list[WarehouseInfo], orders: list[OrderPlan]):
        self.rng, self.clock, self.orders = rng, clock, orders
        self.stocks: list[StockState] = []
        for sku in skus:
            if sku.listed_at is None:
                continue  # drafts have never been stocked
            drop_ship = is_drop_ship(sku)
            for warehouse in warehouses:
                if (warehouse.code == DROP_SHIP_WAREHOUSE) != drop_ship:
                    continue  # drop-ship goods are only in the supplier's warehouse
                share = STOCKED_PCT.get(warehouse.code, 50)
                if drop_ship or warehouse is warehouses[0] or rng.randrange(100) < share:
                    self._add_stock(sku, warehouse)
        self.movements: list[Movement] = []
        self.urgent_receipts = 0
        self.prefix = self._demand_prefix(skus)
        # The day a SKU first gets stock: the start of the history, or its launch.
        self.launch_day = {sku.pk: max(0, clock.day_index(sku.listed_at)) for sku in skus
                           if sku.listed_at is not None}

    def _add_stock(self, sku: SkuInfo, warehouse: WarehouseInfo) -> None:
        stock = StockState(sku=sku, warehouse=warehouse, ordinal=len(self.stocks))
        sku.stocks.append(stock)
        self.stocks.append(stock)

    def _demand_prefix(self, skus: list[SkuInfo]) -> dict[int, list[int]]:
        """Per SKU, cumulative units ordered before each day (the purchase planner's
        forecast: it knows the season)."""
        days = (self.clock.today - self.clock.first_day).days + 1
        daily = {sku.pk: [0] * days for sku in skus}
        for order in self.orders:
            index = self.clock.day_index(order.placed_at)
            for line in order.lines:
                daily[line.sku.pk][index] += line.quantity
        return {pk: [0, *accumulate(units)] for pk, units in daily.items()}

    def run(self) -> list[Movement]:
        for _at, _rank, _n, handler, subject in sorted(self._events(), key=lambda e: e[:3]):
            handler(subject)
        self.low_stock_thresholds()
        return self.movements

    def _events(self):
        days = (self.clock.today - self.clock.first_day).days + 1
        for index in range(days):
            moment = self.clock.at(self.clock.first_day, 0) if index == 0 else self._morning(index)
            if moment <= self.clock.now:
                yield moment, RECEIVE, index, self._replenish, (index, moment)
        for n, order in enumerate(self.orders):
            yield order.placed_at, RESERVE, n, self._reserve, order
            if order.status == OrderStatus.CLOSED:
                yield order.closed_at, LATER, n, self._release, (order, None)
            elif order.status == OrderStatus.CANCELLED:
                actor = "finance" if order.paid_at is not None else None
                yield order.cancelled_at, LATER, n, self._release, (order, actor)
            if order.shipped_at is not None:
                yield order.shipped_at, LATER, n, self._ship, order
            for request in order.requests:
                if request.received_at is not None:
                    yield request.received_at, LATER, n, self._restock, request

    def _morning(self, index: int) -> datetime:
        return self.clock.at(self.clock.first_day + timedelta(days=index), 9)

    def _move(self, stock: StockState, kind: str, on_hand: int, reserved: int, reason: str,
              reference: str, actor: str | None, at: datetime) -> None:
        stock.on_hand += on_hand
        stock.reserved += reserved
        if not 0 <= stock.reserved <= stock.on_hand:
            raise ValueError(f"stock {stock.sku.code}@{stock.warehouse.code} would go negative")
        stock.first_at = stock.first_at or at
        stock.last_at = at
        self.movements.append(Movement(stock, kind, on_hand, reserved, stock.on_hand,
                                       stock.reserved, reason, reference, actor, at))

    def _reserve(self, order: OrderPlan) -> None:
        province = get_province(order.address.province_code)
        reference = f"order:{order.number}"
        for line in order.lines:
            chosen = choose_stock(self._candidates(line.sku, province), line.quantity)
            if chosen is None:
                chosen = self._urgent_receipt(line.sku, province, line.quantity, order.placed_at)
            stock = self.stocks[chosen.stock_id]
            self._move(stock, MovementKind.RESERVE, 0, line.quantity, "order reservation",
                       reference, None, order.placed_at)
            stock.routed_units += line.quantity
            line.stock = stock

    def _candidates(self, sku: SkuInfo, province) -> list[Candidate]:
        return [Candidate(stock_id=s.ordinal, warehouse_id=s.warehouse.pk,
                          available=s.on_hand - s.reserved,
                          same_region=s.warehouse.region == province.group,
                          same_province=s.warehouse.province_code == province.code)
                for s in sku.stocks]

    def _urgent_receipt(self, sku: SkuInfo, province, quantity: int, at: datetime) -> Candidate:
        """No warehouse has enough: the preferred one receives an urgent delivery first."""
        preferred = choose_stock([Candidate(c.stock_id, c.warehouse_id, 0, c.same_region,
                                            c.same_province)
                                  for c in self._candidates(sku, province)], 0)
        stock = self.stocks[preferred.stock_id]
        amount = _case_rounded(sku, quantity + SAFETY_UNITS)
        local = self.clock.local(at)
        if stock.warehouse.code == DROP_SHIP_WAREHOUSE:
            self._move(stock, MovementKind.FEED, amount, 0, "供应商库存同步",
                       f"FEED-{local:%y%m%d%H%M}", None, at)
        else:
            self._move(stock, MovementKind.RECEIVE, amount, 0, "紧急补货入库",
                       f"PO{local:%y%m%d}-{stock.warehouse.code}-U", "warehouse", at)
        self.urgent_receipts += 1
        return choose_stock(self._candidates(sku, province), quantity)

    def _release(self, subject: tuple[OrderPlan, str | None]) -> None:
        order, actor = subject
        at = order.closed_at or order.cancelled_at
        for line in sorted(order.lines, key=lambda li: li.stock.ordinal):
            self._move(line.stock, MovementKind.RELEASE, 0, -line.quantity,
                       "reservation released", f"order:{order.number}", actor, at)

    def _ship(self, order: OrderPlan) -> None:
        for line in sorted(order.lines, key=lambda li: li.stock.ordinal):
            self._move(line.stock, MovementKind.SHIP, -line.quantity, -line.quantity, "shipped",
                       f"order:{order.number}", "warehouse", order.shipped_at)

    def _restock(self, request) -> None:
        for rl in request.lines:
            if rl.disposition == "restock":
                self._move(rl.line.stock, MovementKind.RETURN_RESTOCK, rl.quantity, 0,
                           "return restocked", f"aftersales:{request.number}", "warehouse",
                           request.received_at)

    def _replenish(self, subject: tuple[int, datetime]) -> None:
        """The morning purchase receipt: every row that would not last the next two weeks
        is topped up to about two months of its share of demand (at least a minimum
        order). Opening stock comes at the start of the history or on launch day."""
        index, at = subject
        local = self.clock.local(at)
        for stock in self.stocks:
            first_stock = index == self.launch_day[stock.sku.pk]
            reorder_point, target = self.reorder_levels(stock, index)
            reorder_point = max(reorder_point, SAFETY_UNITS if first_stock else 0)
            available = stock.on_hand - stock.reserved
            if available >= reorder_point:
                continue
            amount = _case_rounded(stock.sku, target - available)
            code = stock.warehouse.code
            if code == DROP_SHIP_WAREHOUSE:  # the supplier's feed reports its stock
                self._move(stock, MovementKind.FEED, amount, 0, "供应商库存同步",
                           f"FEED-{local:%y%m%d}", None, at)
                continue
            reason, reference = (("期初库存入库", f"INIT-{code}") if index == 0
                                 else ("采购入库", f"PO{local:%y%m%d}-{code}"))
            self._move(stock, MovementKind.RECEIVE, amount, 0, reason, reference, "warehouse", at)

    def reorder_levels(self, stock: StockState, index: int) -> tuple[int, int]:
        """(reorder point, order-up-to level) of a row on day ``index``: its share of the
        SKU's forecast demand, the share following where orders were routed so far."""
        prefix = self.prefix[stock.sku.pk]
        soon = _forecast(prefix, index, LOOKAHEAD_DAYS)
        if not soon:
            return 0, minimum_order(stock.sku)
        cover = _forecast(prefix, index, COVER_DAYS)
        routed = sum(s.routed_units for s in stock.sku.stocks)
        mine, whole = stock.routed_units + 1, routed + len(stock.sku.stocks)
        reorder_point = soon * mine // whole + SAFETY_UNITS
        return reorder_point, max(minimum_order(stock.sku), reorder_point + cover * mine // whole)

    def low_stock_thresholds(self) -> None:
        """A threshold per row from its velocity: twice today's reorder point, at least 10."""
        today = (self.clock.today - self.clock.first_day).days
        for stock in self.stocks:
            stock.low_threshold = max(10, 2 * self.reorder_levels(stock, today)[0])


def _forecast(prefix: list[int], index: int, days: int) -> int:
    """Units of a SKU ordered in ``days`` days from day ``index``; days after today are
    extrapolated from the last four weeks."""
    last = len(prefix) - 1
    end = index + days
    units = prefix[min(last, end)] - prefix[min(last, index)]
    if end > last:
        start = max(0, last - 28)
        units += (prefix[last] - prefix[start]) * (end - max(index, last)) // max(1, last - start)
    return units


def minimum_order(sku: SkuInfo) -> int:
    """Suppliers' minimum order: more units of cheap goods."""
    if sku.price < 50:
        return 100
    return 60 if sku.price < 150 else 30


def case_size(sku: SkuInfo) -> int:
    """Units per case the supplier ships (its pack size)."""
    return 20 if sku.price < 50 else 10


def _case_rounded(sku: SkuInfo, units: int) -> int:
    case = case_size(sku)
    return max(case, -(-units // case) * case)

