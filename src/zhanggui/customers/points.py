"""Points ledger writes (积分): earn, spend, give back, reverse on refund, adjust, expire.

Every change locks the customer's ``PointsAccount`` row (created race-safely on first use),
expires any lot already past its expiry, writes one or more ``PointsEntry`` rows with a
reason and the balance after each, keeps the lots' ``remaining`` exact and logs the
operation. The balance never goes negative: a withdrawal the balance cannot cover is refused
with ``points_insufficient`` and nothing changes (and the database's check constraints
back that up). Σ entries == balance always.

Lots are the entries that add points (earned, adjusted up, a spend given back); a
withdrawal draws on the lot that expires first (never-expiring lots last). A spend writes
one entry per expiry date it drew on, carrying that date, so that giving the spend back
(an unpaid order cancelled or closed) restores the points with the expiry they had.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.core.money import ZERO, to_money
from zhanggui.core.singletons import read_singleton
from zhanggui.customers import points_rules
from zhanggui.customers.errors import InvalidPoints, PointsInsufficient
from zhanggui.customers.models import Customer
from zhanggui.customers.models_points import PointsAccount, PointsEntry, PointsKind, PointsPolicy

REASON_LENGTH = 200


# ---- reads --------------------------------------------------------------------------------

def get_policy() -> PointsPolicy:
    """The shop's points policy: its single row, or the defaults (unsaved) before anyone
    changed it — reading never writes."""
    return read_singleton(PointsPolicy)


def get_balance(customer: Customer) -> int:
    """The customer's points balance (0 without an account)."""
    return (PointsAccount.objects.filter(customer_id=customer.pk)
            .values_list("balance", flat=True).first()) or 0


def spendable_balance(customer: Customer, *, at: datetime | None = None) -> int:
    """The balance less the lots already past their expiry that the daily sweep has not
    expired yet: what a spend at ``at`` can draw on."""
    at = at or timezone.now()
    account = PointsAccount.objects.filter(customer_id=customer.pk).first()
    if account is None:
        return 0
    due = (account.entries.filter(remaining__gt=0, expires_at__lte=at)
           .aggregate(s=Sum("remaining"))["s"]) or 0
    return max(account.balance - due, 0)


def expiry_for(policy: PointsPolicy, at: datetime) -> datetime | None:
    """When points added at ``at`` expire under ``policy`` (None: never)."""
    if not policy.expiry_months:
        return None
    return points_rules.add_months(at, policy.expiry_months)


# ---- the account lock and entries ---------------------------------------------------------

def lock_account(customer: Customer) -> PointsAccount:
    """The customer's points account, locked until the transaction ends; created on first use
    (two first uses at once: one creates, the other finds it)."""
    account = PointsAccount.objects.select_for_update().filter(customer_id=customer.pk).first()
    if account is None:
        try:
            with transaction.atomic():
                PointsAccount.objects.create(customer_id=customer.pk)
        except IntegrityError:
            pass  # created by a concurrent first use
        account = PointsAccount.objects.select_for_update().get(customer_id=customer.pk)
    return account


def _add(account: PointsAccount, *, kind: str, points: int, reason: str, at: datetime,
         actor: Staff | None, reference: str = "", basis_amount: Decimal = ZERO,
         expires_at: datetime | None = None, is_lot: bool = False) -> PointsEntry:
    """Append one entry and move the (locked) account's balance; a lot keeps all its points
    as ``remaining``."""
    if account.balance + points < 0:
        raise PointsInsufficient(wanted=-points, balance=account.balance)
    account.balance += points
    account.save(update_fields=["balance", "updated_at"])
    return PointsEntry.objects.create(
        account=account, kind=kind, points=points, balance_after=account.balance,
        reason=reason[:REASON_LENGTH], reference=reference[:60], basis_amount=to_money(basis_amount),
        remaining=points if is_lot else 0, expires_at=expires_at, created_at=at, actor=actor)


def _lots(account: PointsAccount) -> dict[int, PointsEntry]:
    return {lot.pk: lot for lot in account.entries.filter(remaining__gt=0)}


def _take(lots: dict[int, PointsEntry], points: int, *, balance: int,
          first: frozenset[int] = frozenset()) -> list[tuple[PointsEntry, int]]:
    """Take ``points`` from the lots, first-expiring first, saving each lot's remaining."""
    plan = points_rules.plan_draw(
        [points_rules.Lot(lot.pk, lot.remaining, lot.expires_at, lot.created_at)
         for lot in lots.values()], points, first=first) if points <= balance else None
    if plan is None:
        raise PointsInsufficient(wanted=points, balance=balance)
    taken = []
    for planned, take in plan:
        lot = lots[planned.lot_id]
        lot.remaining -= take
        lot.save(update_fields=["remaining"])
        taken.append((lot, take))
    return taken


def _expire_due(account: PointsAccount, at: datetime) -> int:
    """Expire what is left of every lot past its expiry (the account is locked)."""
    expired = 0
    for lot in account.entries.filter(remaining__gt=0, expires_at__lte=at).order_by("expires_at", "pk"):
        points, lot.remaining = lot.remaining, 0
        lot.save(update_fields=["remaining"])
        _add(account, kind=PointsKind.EXPIRE, points=-points, at=at, actor=None,
             reason=f"expired: lot #{lot.pk} ({lot.reason})", reference=f"lot:{lot.pk}",
             expires_at=lot.expires_at)
        expired += points
    return expired


def _require(points: int, reason: str, *, positive: bool = True) -> None:
    if not isinstance(points, int) or isinstance(points, bool):
        raise InvalidPoints(problem="points must be a whole number")
    if (points <= 0) if positive else (points == 0):
        raise InvalidPoints(problem="points must be positive" if positive else "points must not be 0")
    if not reason or not reason.strip():
        raise InvalidPoints(problem="a reason is required")


# ---- actions ------------------------------------------------------------------------------

@transaction.atomic
def earn_points(customer: Customer, *, points: int, reason: str, reference: str,
                basis_amount: Decimal, actor: Staff | None,
                expires_at: datetime | None) -> PointsEntry:
    """Add a lot of earned points. Idempotent per ``reference``: a second earning for the
    same reference (an order paid twice, a retried task) returns the first entry unchanged.

    Raises:
        InvalidPoints: points not a positive whole number, or no reason.
    """
    _require(points, reason)
    account = lock_account(customer)
    if reference:
        existing = account.entries.filter(kind=PointsKind.EARN, reference=reference).first()
        if existing is not None:
            return existing
    at = timezone.now()
    _expire_due(account, at)
    entry = _add(account, kind=PointsKind.EARN, points=points, reason=reason, at=at, actor=actor,
                 reference=reference, basis_amount=basis_amount, expires_at=expires_at, is_lot=True)
    log_operation(account, action="customers.earn_points", actor=actor,
                  after={"points": points, "reference": reference, "balance": account.balance,
                         "basis_amount": str(entry.basis_amount)})
    return entry


@transaction.atomic
def spend_points(customer: Customer, *, points: int, reason: str, reference: str,
                 actor: Staff | None) -> list[PointsEntry]:
    """Spend ``points``, drawing on the first-expiring lots; one entry per expiry date drawn
    on (so ``restore_spent_points`` can give them back with that date).

    Raises:
        InvalidPoints: points not positive, or no reason.
        PointsInsufficient: the balance (after expiring what is due) is smaller.
    """
    _require(points, reason)
    account = lock_account(customer)
    at = timezone.now()
    _expire_due(account, at)
    taken = _take(_lots(account), points, balance=account.balance)
    by_expiry: dict[datetime | None, int] = defaultdict(int)
    for lot, take in taken:
        by_expiry[lot.expires_at] += take
    entries = [_add(account, kind=PointsKind.SPEND, points=-amount, reason=reason, at=at,
                    actor=actor, reference=reference, expires_at=expiry)
               for expiry, amount in by_expiry.items()]
    log_operation(account, action="customers.spend_points", actor=actor,
                  after={"points": points, "reference": reference, "balance": account.balance})
    return entries


@transaction.atomic
def restore_spent_points(customer: Customer, *, reference: str, reason: str,
                         actor: Staff | None) -> list[PointsEntry]:
    """Give back what was spent under ``reference`` (an unpaid order cancelled or closed):
    new lots with the expiry the spent points had. Idempotent: a second call gives nothing.
    Points whose expiry has passed meanwhile come back and expire at the next change or
    sweep."""
    account = lock_account(customer)
    spent = list(account.entries.filter(kind=PointsKind.SPEND, reference=reference, points__lt=0)
                 .order_by("pk"))
    if not spent or account.entries.filter(kind=PointsKind.SPEND, reference=reference,
                                           points__gt=0).exists():
        return []
    at = timezone.now()
    entries = [_add(account, kind=PointsKind.SPEND, points=-entry.points, reason=reason, at=at,
                    actor=actor, reference=reference, expires_at=entry.expires_at, is_lot=True)
               for entry in spent]
    log_operation(account, action="customers.restore_spent_points", actor=actor,
                  after={"points": sum(e.points for e in entries), "reference": reference,
                         "balance": account.balance})
    return entries


@transaction.atomic
def reverse_points_for_refund(customer: Customer, *, reference: str, refunded_amount: Decimal,
                              paid_amount: Decimal, actor: Staff | None) -> PointsEntry | None:
    """Take back the points the order ``reference`` earned, in proportion to what has been
    refunded: ``refunded_amount`` is the order's refunded total so far (cumulative), so the
    order has reversed floor(earned × refunded / paid) in all — exactly what it earned once
    it is refunded in full, never more; calling again with the same total does nothing.

    The reversal draws on the order's own lot first, then on the first-expiring lots. When
    the customer already spent the points the reversal takes what the balance has (never
    below 0) and the reason records the shortfall; a later refund of the same order takes
    what is still due if the balance allows. Returns the entry (None: nothing taken).
    """
    account = lock_account(customer)
    earned = account.entries.filter(kind=PointsKind.EARN, reference=reference).aggregate(
        points=Sum("points"), basis=Sum("basis_amount"))
    if not earned["points"]:
        return None
    reversed_ = account.entries.filter(kind=PointsKind.REVERSE, reference=reference).aggregate(
        points=Sum("points"), basis=Sum("basis_amount"))
    reversal = points_rules.refund_reversal(
        earned=earned["points"], basis_amount=earned["basis"] or ZERO,
        refunded_amount=to_money(refunded_amount), paid_amount=to_money(paid_amount),
        reversed_points=-(reversed_["points"] or 0), reversed_basis=-(reversed_["basis"] or ZERO))
    if reversal.due <= 0:
        return None
    at = timezone.now()
    _expire_due(account, at)
    take = min(reversal.due, account.balance)
    shortfall = reversal.due - take
    note = {"reference": reference, "due": reversal.due, "taken": take, "shortfall": shortfall}
    if take == 0:
        log_operation(account, action="customers.reverse_points", actor=actor, after=note,
                      note="nothing left to reverse: already spent")
        return None
    own = frozenset(account.entries.filter(kind=PointsKind.EARN, reference=reference)
                    .values_list("pk", flat=True))
    _take(_lots(account), take, balance=account.balance, first=own)
    reason = f"refund of order {reference}"
    if shortfall:
        reason += f" ({shortfall} points short: already spent)"
    entry = _add(account, kind=PointsKind.REVERSE, points=-take, reason=reason, at=at, actor=actor,
                 reference=reference, basis_amount=-reversal.basis_amount)
    log_operation(account, action="customers.reverse_points", actor=actor,
                  after={**note, "balance": account.balance})
    return entry


@transaction.atomic
def adjust_points(customer: Customer, *, points: int, reason: str,
                  actor: Staff | None) -> PointsEntry:
    """Add (a new lot, expiring like earned points) or take away points by hand
    (``customers.adjust_points``). Taking away draws on the first-expiring lots and only
    down to 0.

    Raises:
        InvalidPoints: points 0 or not whole, or no reason.
        PointsInsufficient: taking away more than the balance.
    """
    _require(points, reason, positive=False)
    account = lock_account(customer)
    at = timezone.now()
    _expire_due(account, at)
    before = {"balance": account.balance}
    if points > 0:
        entry = _add(account, kind=PointsKind.ADJUST, points=points, reason=reason, at=at,
                     actor=actor, expires_at=expiry_for(get_policy(), at), is_lot=True)
    else:
        _take(_lots(account), -points, balance=account.balance)
        entry = _add(account, kind=PointsKind.ADJUST, points=points, reason=reason, at=at,
                     actor=actor)
    log_operation(account, action="customers.adjust_points", actor=actor, before=before,
                  after={"balance": account.balance, "points": points}, note=reason)
    return entry


def expire_points(now: datetime | None = None) -> int:
    """Expire what is left of every lot past its expiry; each account in its own
    transaction. Returns the points expired (the daily Celery task calls this)."""
    now = now or timezone.now()
    accounts = (PointsEntry.objects.filter(remaining__gt=0, expires_at__lte=now)
                .values_list("account__customer_id", flat=True).distinct())
    expired = 0
    for customer_id in sorted(set(accounts)):
        with transaction.atomic():
            account = PointsAccount.objects.select_for_update().get(customer_id=customer_id)
            points = _expire_due(account, now)
            if points:
                log_operation(account, action="customers.expire_points", actor=None,
                              after={"points": points, "balance": account.balance})
            expired += points
    return expired


def ledger_problems(account: PointsAccount) -> list[str]:
    """What is wrong with an account's ledger (empty: it holds): the balance equals the sum
    of the entries and of the lots' remaining points, and no lot holds more than it had."""
    entries = account.entries.aggregate(total=Sum("points"),
                                        left=Sum("remaining", filter=Q(points__gt=0)))
    problems = []
    if (entries["total"] or 0) != account.balance:
        problems.append(f"entries sum to {entries['total'] or 0}, balance is {account.balance}")
    if (entries["left"] or 0) != account.balance:
        problems.append(f"lots hold {entries['left'] or 0}, balance is {account.balance}")
    return problems
