"""The team's pure rules: elapsed share, attainment, expected-to-date and status."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from zhanggui.team import rules

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value="0.01", max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(days, st.integers(0, 400), st.integers(-50, 500))
def test_elapsed_share_grows_from_0_to_1(start, length, offset):
    end, today = start + timedelta(days=length), start + timedelta(days=offset)
    share = rules.elapsed_share(start, end, today)
    assert 0 <= share <= 1
    assert rules.elapsed_share(start, end, today + timedelta(days=1)) >= share
    if today < start:
        assert share == 0
    if today >= end:
        assert share == 1


def test_elapsed_share_counts_today():
    assert rules.elapsed_share(date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 15)) == Decimal("0.5")


@given(money, positive)
def test_attainment_is_capped_and_monotone(actual, target):
    higher = rules.attainment(actual, target, lower_is_better=False)
    lower = rules.attainment(actual, target, lower_is_better=True)
    assert 0 <= higher <= rules.ATTAINMENT_CAP and 0 < lower <= rules.ATTAINMENT_CAP
    more = actual + 1
    assert rules.attainment(more, target, lower_is_better=False) >= higher
    assert rules.attainment(more, target, lower_is_better=True) <= lower


def test_attainment_edges():
    assert rules.attainment(None, Decimal(1), lower_is_better=False) is None
    assert rules.attainment(Decimal(5), Decimal(0), lower_is_better=False) is None
    assert rules.attainment(Decimal(0), Decimal(3), lower_is_better=True) == rules.ATTAINMENT_CAP
    assert rules.attainment(Decimal(6), Decimal(3), lower_is_better=True) == Decimal("0.5")


@given(money, positive, st.decimals(min_value="0.01", max_value=1, places=2))
def test_status_matches_the_expected_value(actual, target, share):
    state = rules.status(actual, target, share, cumulative=True, lower_is_better=False)
    good = actual >= target * share
    if share == 1:
        assert state == (rules.MET if good else rules.MISSED)
    else:
        assert state == (rules.ON_TRACK if good else rules.BEHIND)


def _status(actual, target, share, *, cumulative=False, lower=False):
    return rules.status(actual, Decimal(target), Decimal(share), cumulative=cumulative,
                        lower_is_better=lower)


def test_status_of_a_cumulative_target_halfway():
    # Half the month gone: 600 of 1,000 is on track, 400 is behind; a rate is held to the target.
    assert _status(Decimal(600), 1000, "0.5", cumulative=True) == rules.ON_TRACK
    assert _status(Decimal(400), 1000, "0.5", cumulative=True) == rules.BEHIND
    assert _status(Decimal("0.5"), "0.9", "0.5") == rules.BEHIND
    assert _status(Decimal(2), 3, "0.5", lower=True) == rules.ON_TRACK
    assert _status(None, 3, "0.5", lower=True) == rules.NO_DATA
    assert _status(Decimal(9), 3, 0, lower=True) == rules.NOT_STARTED
