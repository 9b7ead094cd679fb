"""The points ledger: earn, spend (first-expiring lots first), give back, reverse on refund,
adjust, expire — never negative, Σ entries == balance, lots exact."""

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.customers import points
from zhanggui.customers.errors import InvalidPoints, PointsInsufficient
from zhanggui.customers.models_points import PointsAccount, PointsEntry, PointsKind, PointsPolicy

D = Decimal


def _earn(customer, n, *, reference="", days=None, basis="0"):
    expires = timezone.now() + timedelta(days=days) if days is not None else None
    return points.earn_points(customer, points=n, reason="test", reference=reference,
                              basis_amount=D(basis), actor=None, expires_at=expires)


def _account(customer):
    return PointsAccount.objects.get(customer=customer)


@pytest.fixture
def customer(db):
    return factories.make_customer()


def test_earn_points_adds_a_lot_and_logs(customer):
    entry = _earn(customer, 120, reference="O1", days=30, basis="120.00")
    assert (entry.kind, entry.points, entry.remaining, entry.balance_after) == ("earn", 120, 120, 120)
    assert points.get_balance(customer) == 120
    assert OperationLog.objects.filter(action="customers.earn_points").count() == 1


def test_earn_points_is_idempotent_per_reference(customer):
    first = _earn(customer, 50, reference="O1")
    again = _earn(customer, 50, reference="O1")
    assert again.pk == first.pk
    assert points.get_balance(customer) == 50


def test_earn_points_refuses_zero_and_missing_reason(customer):
    with pytest.raises(InvalidPoints):
        _earn(customer, 0)
    with pytest.raises(InvalidPoints):
        points.earn_points(customer, points=5, reason=" ", reference="", basis_amount=D(0),
                           actor=None, expires_at=None)
    assert not PointsEntry.objects.exists()


def test_spend_draws_first_expiring_lot_first(customer):
    late = _earn(customer, 100, days=300)
    never = _earn(customer, 100)
    soon = _earn(customer, 100, days=10)
    entries = points.spend_points(customer, points=150, reason="order X", reference="X", actor=None)
    for lot in (late, never, soon):
        lot.refresh_from_db()
    assert (soon.remaining, late.remaining, never.remaining) == (0, 50, 100)
    assert sorted(e.points for e in entries) == [-100, -50]
    assert points.get_balance(customer) == 150
    assert points.ledger_problems(_account(customer)) == []


def test_spend_more_than_balance_is_refused_and_changes_nothing(customer):
    _earn(customer, 30)
    with pytest.raises(PointsInsufficient) as error:
        points.spend_points(customer, points=31, reason="too much", reference="X", actor=None)
    assert error.value.code == "points_insufficient"
    assert points.get_balance(customer) == 30
    assert PointsEntry.objects.count() == 1
    assert PointsEntry.objects.get().remaining == 30


def test_restore_gives_back_with_the_lots_expiry_once(customer):
    soon = _earn(customer, 40, days=5)
    _earn(customer, 100, days=200)
    points.spend_points(customer, points=60, reason="order", reference="R1", actor=None)
    restored = points.restore_spent_points(customer, reference="R1", reason="cancelled", actor=None)
    assert sorted(e.points for e in restored) == [20, 40]
    assert {e.expires_at for e in restored if e.points == 40} == {soon.expires_at}
    assert points.restore_spent_points(customer, reference="R1", reason="again", actor=None) == []
    assert points.get_balance(customer) == 140
    assert points.ledger_problems(_account(customer)) == []


def test_adjust_down_only_to_zero(customer):
    _earn(customer, 10)
    with pytest.raises(PointsInsufficient):
        points.adjust_points(customer, points=-11, reason="typo", actor=None)
    entry = points.adjust_points(customer, points=-10, reason="fraud", actor=None)
    assert entry.balance_after == 0
    with pytest.raises(InvalidPoints):
        points.adjust_points(customer, points=0, reason="nothing", actor=None)
    up = points.adjust_points(customer, points=25, reason="goodwill", actor=None)
    assert up.remaining == 25 and up.expires_at is not None  # default policy: 12 months


def test_adjust_up_never_expires_when_policy_says_so(customer):
    PointsPolicy.objects.create(expiry_months=0)
    assert points.adjust_points(customer, points=5, reason="gift", actor=None).expires_at is None


def test_expire_points_expires_what_is_left_of_past_lots(customer):
    old = _earn(customer, 100, days=1)
    _earn(customer, 50)
    points.spend_points(customer, points=30, reason="order", reference="A", actor=None)
    expired = points.expire_points(timezone.now() + timedelta(days=2))
    assert expired == 70
    old.refresh_from_db()
    assert old.remaining == 0
    entry = PointsEntry.objects.get(kind=PointsKind.EXPIRE)
    assert (entry.points, entry.balance_after) == (-70, 50)
    assert points.expire_points(timezone.now() + timedelta(days=3)) == 0


def test_spendable_balance_leaves_out_lots_past_expiry(customer):
    lot = _earn(customer, 100, days=30)
    _earn(customer, 20)
    PointsEntry.objects.filter(pk=lot.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    assert points.spendable_balance(customer) == 20
    with pytest.raises(PointsInsufficient):  # the spend expires the lot first
        points.spend_points(customer, points=21, reason="x", reference="x", actor=None)
    points.spend_points(customer, points=20, reason="x", reference="x", actor=None)
    assert points.get_balance(customer) == 0
    assert PointsEntry.objects.filter(kind=PointsKind.EXPIRE).count() == 1


def test_refund_reverses_in_proportion_and_exactly_in_full(customer):
    _earn(customer, 99, reference="O9", basis="99.00")
    first = points.reverse_points_for_refund(customer, reference="O9", refunded_amount=D("33.00"),
                                             paid_amount=D("100.00"), actor=None)
    assert first.points == -32  # floor(99 × 0.33)
    assert points.reverse_points_for_refund(customer, reference="O9", refunded_amount=D("33.00"),
                                            paid_amount=D("100.00"), actor=None) is None
    last = points.reverse_points_for_refund(customer, reference="O9", refunded_amount=D("100.00"),
                                            paid_amount=D("100.00"), actor=None)
    assert last.points == -67
    reversed_ = PointsEntry.objects.filter(kind=PointsKind.REVERSE, reference="O9")
    assert sum(e.points for e in reversed_) == -99
    assert sum(e.basis_amount for e in reversed_) == D("-99.00")
    assert points.get_balance(customer) == 0


def test_refund_after_points_were_spent_takes_what_is_left(customer):
    _earn(customer, 100, reference="O1")
    points.spend_points(customer, points=80, reason="coupon", reference="c", actor=None)
    entry = points.reverse_points_for_refund(customer, reference="O1", refunded_amount=D("50"),
                                             paid_amount=D("50"), actor=None)
    assert entry.points == -20 and "80 points short" in entry.reason
    assert points.get_balance(customer) == 0
    assert points.ledger_problems(_account(customer)) == []


def test_refund_of_an_order_that_earned_nothing_does_nothing(customer):
    assert points.reverse_points_for_refund(customer, reference="none", refunded_amount=D("5"),
                                            paid_amount=D("5"), actor=None) is None


def test_account_is_created_once_on_first_use(customer):
    first = points.lock_account(customer)
    assert points.lock_account(customer).pk == first.pk
    assert PointsAccount.objects.filter(customer=customer).count() == 1


OPERATIONS = st.lists(st.tuples(st.sampled_from(["earn", "spend", "adjust", "refund", "expire",
                                                 "restore"]),
                                st.integers(min_value=-300, max_value=300),
                                st.integers(min_value=0, max_value=5)), max_size=25)


def _apply(customer, kind, amount, slot, now):
    """One random ledger operation (refusals for too few points are part of the game)."""
    steps = {
        "earn": lambda: amount > 0 and _earn(customer, amount, reference=f"O{slot}",
                                             days=slot * 10 or None, basis=str(amount)),
        "spend": lambda: amount > 0 and points.spend_points(
            customer, points=amount, reason="s", reference=f"S{slot}", actor=None),
        "adjust": lambda: amount and points.adjust_points(customer, points=amount, reason="a",
                                                          actor=None),
        "refund": lambda: points.reverse_points_for_refund(
            customer, reference=f"O{slot}", refunded_amount=D(abs(amount)), paid_amount=D(300),
            actor=None),
        "expire": lambda: points.expire_points(now + timedelta(days=slot * 10 + 1)),
        "restore": lambda: points.restore_spent_points(customer, reference=f"S{slot}", reason="r",
                                                       actor=None),
    }
    with contextlib.suppress(PointsInsufficient):
        steps[kind]()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_points_never_negative_and_entries_sum_to_balance(operations):
    customer = factories.make_customer()
    now = timezone.now()
    for kind, amount, slot in operations:
        _apply(customer, kind, amount, slot, now)
        account = PointsAccount.objects.filter(customer=customer).first()
        if account is not None:
            assert account.balance >= 0
            assert points.ledger_problems(account) == []
    for reference in {e.reference for e in PointsEntry.objects.filter(
            account__customer=customer, kind=PointsKind.EARN)}:
        rows = PointsEntry.objects.filter(account__customer=customer, reference=reference)
        earned = sum(e.points for e in rows.filter(kind="earn"))
        reversed_ = -sum(e.points for e in rows.filter(kind="reverse"))
        assert 0 <= reversed_ <= earned  # a refund never takes more than the order earned


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(earned=st.integers(min_value=1, max_value=100_000),
       paid_cents=st.integers(min_value=1, max_value=10_000_000),
       cuts=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=6))
def test_full_refund_in_parts_reverses_exactly_what_the_order_earned(earned, paid_cents, cuts):
    customer = factories.make_customer()
    paid = D(paid_cents).scaleb(-2)
    _earn(customer, earned, reference="ORDER", basis=str(paid))
    total_cuts = sum(cuts)
    refunded, cents_left = D(0), paid_cents
    for index, cut in enumerate(cuts):
        part = cents_left if index == len(cuts) - 1 else min(paid_cents * cut // total_cuts, cents_left)
        cents_left -= part
        refunded += D(part).scaleb(-2)
        points.reverse_points_for_refund(customer, reference="ORDER", refunded_amount=refunded,
                                         paid_amount=paid, actor=None)
        taken = -sum(e.points for e in PointsEntry.objects.filter(
            account__customer=customer, kind="reverse"))
        assert taken <= earned
    assert refunded == paid
    assert points.get_balance(customer) == 0
    reverse = PointsEntry.objects.filter(account__customer=customer, kind="reverse")
    assert -sum(e.points for e in reverse) == earned
    assert -sum(e.basis_amount for e in reverse) == paid
