"""The demo store's membership: tier thresholds and multipliers, a points history consistent
with the seeded orders, memberships, a points-for-coupon template and a birthday coupon.

The history replays the ledger's own rules (``customers.points_rules``) over the written
orders, in time order: every paid order earns floor(goods paid × points_per_yuan) (imported
orders earn nothing), every refund reverses its cumulative share of what its order earned
(never more than the balance), some members exchange 500 points for a coupon, and lots past
their 12 months expire. Rows are bulk-inserted; the invariants hold (balance = Σ entries =
Σ lots' remaining, no balance below 0), ``customers.points.ledger_problems`` checks them.
History earns at multiplier 1: memberships are assigned at the end, on the last 12 months'
spend. Call it after the orders and refunds are written and before today's live actions
(``seed_membership(clock, staff)``), which then earn and reverse through the actions.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from zhanggui.accounts.models import Staff
from zhanggui.aftersales.models import Refund
from zhanggui.core.money import ZERO, to_money
from zhanggui.customers import points as customer_points
from zhanggui.customers.models_points import PointsAccount, PointsEntry, PointsKind
from zhanggui.customers.points_rules import add_months, points_for_amount, refund_reversal
from zhanggui.demo.context import Clock, bulk_insert
from zhanggui.orders.models import Order
from zhanggui.pricing import actions, membership
from zhanggui.pricing.models import Coupon, CouponTemplate, CustomerMembership, MemberTier

# code: (spend to qualify, points to qualify, multiplier)
TIER_RULES = {"regular": (None, None, Decimal("1.00")),
              "silver": (Decimal("800.00"), 800, Decimal("1.20")),
              "gold": (Decimal("3000.00"), 3000, Decimal("1.50"))}
EXCHANGE_PRICE = 500
EXCHANGE_CHANCE = 0.12
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class _Lot:
    entry: PointsEntry
    order: str = ""


@dataclass
class _Ledger:
    """One customer's ledger, replayed in memory with the live rules."""

    customer_id: int
    entries: list[PointsEntry] = field(default_factory=list)
    lots: list[_Lot] = field(default_factory=list)
    balance: int = 0
    earned: dict[str, tuple[int, Decimal, Decimal]] = field(default_factory=dict)  # points, basis, paid
    reversed: dict[str, tuple[int, Decimal]] = field(default_factory=dict)

    def add(self, kind: str, points: int, at: datetime, reason: str, reference: str = "",
            basis: Decimal = ZERO, expires_at: datetime | None = None) -> PointsEntry:
        self.balance += points
        entry = PointsEntry(kind=kind, points=points, balance_after=self.balance, reason=reason,
                            reference=reference, basis_amount=to_money(basis),
                            remaining=max(points, 0), expires_at=expires_at, created_at=at)
        self.entries.append(entry)
        return entry

    def take(self, points: int, *, first: str = "") -> None:
        """Draw on the lots: the order's own first, then the first-expiring."""
        order = sorted((lot for lot in self.lots if lot.entry.remaining > 0), key=lambda lot: (
            lot.order != first or not first, lot.entry.expires_at is None,
            lot.entry.expires_at or lot.entry.created_at, lot.entry.created_at))
        for lot in order:
            step = min(lot.entry.remaining, points)
            lot.entry.remaining -= step
            points -= step
            if points == 0:
                return
        raise AssertionError("the demo ledger drew more than its lots hold")

    def expire(self, at: datetime) -> None:
        for lot in self.lots:
            expiry = lot.entry.expires_at
            if lot.entry.remaining > 0 and expiry is not None and expiry <= at:
                left, lot.entry.remaining = lot.entry.remaining, 0
                self.add(PointsKind.EXPIRE, -left, expiry, f"expired: {lot.entry.reason}",
                         reference=lot.entry.reference, expires_at=expiry)


def _events(clock: Clock) -> dict[int, list[tuple]]:
    """Per customer, (at, rank, sequence, order, kind, payload) of every payment and refund."""
    by_customer: dict[int, list[tuple]] = defaultdict(list)
    orders = {}
    for pk, number, customer_id, paid_at, paid, shipping in Order.objects.filter(
            is_imported=False, paid_at__isnull=False, paid_amount__gt=0, paid_at__lte=clock.now,
            customer__is_guest=False).values_list("pk", "number", "customer_id", "paid_at",
                                                 "paid_amount", "shipping_amount"):
        orders[pk] = (number, customer_id, paid)
        by_customer[customer_id].append((paid_at, 0, pk, number, "earn", (paid, shipping)))
    refunded: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for refund_id, order_id, amount, at in Refund.objects.filter(order_id__in=orders).order_by(
            "created_at", "pk").values_list("pk", "order_id", "amount", "created_at"):
        refunded[order_id] += amount
        number, customer_id, paid = orders[order_id]
        by_customer[customer_id].append((at, 1, refund_id, number, "refund",
                                         (refunded[order_id], paid)))
    return by_customer


def _replay(rng: random.Random, clock: Clock, customer_id: int, events: list[tuple],
            rate: Decimal, expiry_months: int, template: CouponTemplate) -> tuple[_Ledger, list]:
    ledger, exchanges = _Ledger(customer_id), []
    queue = list(events)
    heapq.heapify(queue)
    while queue:
        at, _rank, _sequence, number, kind, payload = heapq.heappop(queue)
        ledger.expire(at)
        if kind == "earn":
            paid, shipping = payload
            basis = max(paid - shipping, ZERO)
            points = points_for_amount(basis, points_per_yuan=rate, multiplier=Decimal(1))
            if points <= 0:
                continue
            expires = add_months(at, expiry_months) if expiry_months else None
            entry = ledger.add(PointsKind.EARN, points, at, f"order {number} paid", number, basis,
                               expires)
            ledger.lots.append(_Lot(entry, number))
            ledger.earned[number] = (points, basis, paid)
            later = at + timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 12))
            if ledger.balance >= EXCHANGE_PRICE and rng.random() < EXCHANGE_CHANCE and later < clock.now:
                heapq.heappush(queue, (later, 2, len(exchanges) + len(ledger.entries), "",
                                       "exchange", None))
        elif kind == "refund" and number in ledger.earned:
            _reverse(ledger, at, number, payload)
        elif kind == "exchange" and ledger.balance >= EXCHANGE_PRICE:
            ledger.take(EXCHANGE_PRICE)
            ledger.add(PointsKind.SPEND, -EXCHANGE_PRICE, at,
                       f"exchanged for coupon {template.name}", f"coupon-template:{template.pk}")
            exchanges.append((customer_id, at))
    ledger.expire(clock.now)
    return ledger, exchanges


def _reverse(ledger: _Ledger, at: datetime, number: str, payload) -> None:
    refunded_total, paid = payload
    earned, basis, _paid = ledger.earned[number]
    done_points, done_basis = ledger.reversed.get(number, (0, ZERO))
    reversal = refund_reversal(earned=earned, basis_amount=basis, refunded_amount=refunded_total,
                               paid_amount=paid, reversed_points=done_points,
                               reversed_basis=done_basis)
    take = min(reversal.due, ledger.balance)
    if take <= 0:
        return
    ledger.take(take, first=number)
    short = reversal.due - take
    reason = f"refund of order {number}" + (f" ({short} points short: already spent)" if short else "")
    ledger.add(PointsKind.REVERSE, -take, at, reason, number, -reversal.basis_amount)
    ledger.reversed[number] = (done_points + take, done_basis + reversal.basis_amount)


def _tiers(operator: Staff | None) -> dict[str, MemberTier]:
    tiers = {}
    for code, (spend, points, multiplier) in TIER_RULES.items():
        tier = MemberTier.objects.filter(code=code).first()
        if tier is None:
            continue
        tier.min_spend_amount, tier.min_points, tier.points_multiplier = spend, points, multiplier
        tiers[code] = membership.save_member_tier(tier, actor=operator)
    return tiers


def _memberships(clock: Clock, ledgers: list[_Ledger], tiers: dict[str, MemberTier]) -> int:
    """Every customer with points history becomes a member, in the tier the last 12 months'
    spend reaches (tier_since: when the running spend first reached it)."""
    since = add_months(clock.now, -12)
    ranked = sorted(tiers.values(), key=lambda t: t.rank)
    rows = []
    for ledger in ledgers:
        if not ledger.entries or not ranked:
            continue
        spend = sum((e.basis_amount for e in ledger.entries if e.created_at >= since
                     and e.kind in (PointsKind.EARN, PointsKind.REVERSE)), ZERO)
        tier = max((t for t in ranked if t.min_spend_amount is not None and spend >= t.min_spend_amount),
                   key=lambda t: t.rank, default=ranked[0])
        running, reached = ZERO, ledger.entries[0].created_at
        for entry in ledger.entries:
            running += entry.basis_amount
            if tier.min_spend_amount is not None and running >= tier.min_spend_amount:
                reached = entry.created_at
                break
        rows.append(CustomerMembership(customer_id=ledger.customer_id, tier=tier, tier_since=reached,
                                       reviewed_at=clock.now, created_at=ledger.entries[0].created_at,
                                       updated_at=clock.now))
    existing = set(CustomerMembership.objects.values_list("customer_id", flat=True))
    rows = [row for row in rows if row.customer_id not in existing]
    bulk_insert(CustomerMembership, rows)
    return len(rows)


def _coupons(rng: random.Random, template: CouponTemplate, exchanges: list) -> int:
    taken = set(Coupon.objects.values_list("code", flat=True))
    rows = []
    for customer_id, at in exchanges:
        code = ""
        while not code or code in taken:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(10))
        taken.add(code)
        rows.append(Coupon(template=template, code=code, customer_id=customer_id, issued_at=at,
                           valid_until=at + timedelta(days=template.valid_days or 30)))
    bulk_insert(Coupon, rows)
    CouponTemplate.objects.filter(pk=template.pk).update(issued_count=len(rows))
    return len(rows)


def seed_membership(clock: Clock, staff: dict[str, Staff], *, seed: int = 16) -> dict[str, int]:
    """Write the demo's tiers, points history, memberships and membership coupons; returns
    counts. Raises when a written ledger breaks an invariant."""
    rng = random.Random(seed)
    operator = staff.get("operator")
    tiers = _tiers(operator)
    exchange = actions.create_coupon_template(
        "积分兑换 · 满49减5 券", kind="fixed", actor=operator, discount_amount=Decimal("5.00"),
        min_amount=Decimal("49.00"), valid_days=30, points_price=EXCHANGE_PRICE)
    actions.create_coupon_template(
        "生日月会员 8 折券", kind="percent", actor=operator, discount_rate=Decimal("0.2"),
        max_discount_amount=Decimal("30.00"), valid_days=31, per_customer_limit=1,
        is_birthday_only=True)
    policy = customer_points.get_policy()
    ledgers, exchanges = [], []
    existing = set(PointsAccount.objects.values_list("customer_id", flat=True))
    for customer_id, events in sorted(_events(clock).items()):
        if customer_id in existing:  # already earning through the actions
            continue
        ledger, made = _replay(rng, clock, customer_id, events, policy.points_per_yuan,
                               policy.expiry_months, exchange)
        if ledger.entries:
            ledgers.append(ledger)
            exchanges.extend(made)
    accounts = [PointsAccount(customer_id=ledger.customer_id, balance=ledger.balance,
                              updated_at=ledger.entries[-1].created_at) for ledger in ledgers]
    bulk_insert(PointsAccount, accounts)
    for account, ledger in zip(accounts, ledgers, strict=True):
        for entry in ledger.entries:
            entry.account_id = account.pk
    bulk_insert(PointsEntry, [entry for ledger in ledgers for entry in ledger.entries])
    for account in accounts[:50]:  # a sample: the rules are the ledger's own
        problems = customer_points.ledger_problems(account)
        if problems:
            raise RuntimeError(f"demo points ledger of customer {account.customer_id}: {problems}")
    return {"accounts": len(accounts), "entries": sum(len(ledger.entries) for ledger in ledgers),
            "memberships": _memberships(clock, ledgers, tiers),
            "exchanged_coupons": _coupons(rng, exchange, exchanges)}
