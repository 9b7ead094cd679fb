"""rules_ab against scipy/statsmodels on the same data: every number to 1e-9."""

import math
import warnings
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from zhanggui.marketing import rules_ab

TOL = 1e-9


def close(a: float, b: float, tol: float = TOL) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


counts = st.integers(min_value=20, max_value=5000).flatmap(
    lambda n: st.tuples(st.just(n), st.integers(min_value=1, max_value=n - 1)))


@settings(max_examples=200, deadline=None)
@given(counts, counts, st.sampled_from([0.01, 0.05, 0.1]))
def test_z_test_and_wald_interval_equal_statsmodels(arm, base, alpha):
    (n, x), (base_n, base_x) = arm, base
    result = rules_ab.two_proportion_z_test(x, n, base_x, base_n, alpha=alpha)
    z, p = proportions_ztest([x, base_x], [n, base_n])
    low, high = confint_proportions_2indep(x, n, base_x, base_n, method="wald", compare="diff",
                                           alpha=alpha)
    assert close(result.statistic, z) and close(result.p_value, p)
    assert close(result.ci_low, low) and close(result.ci_high, high)
    assert close(result.estimate, x / n - base_x / base_n)
    assert result.test == rules_ab.Z_TEST


def test_z_test_without_any_conversion_has_no_p_value():
    result = rules_ab.two_proportion_z_test(0, 100, 0, 80)
    assert result.p_value is None and result.estimate == 0


def test_z_test_refuses_impossible_counts():
    with pytest.raises(ValueError):
        rules_ab.two_proportion_z_test(11, 10, 1, 10)
    with pytest.raises(ValueError):
        rules_ab.two_proportion_z_test(0, 0, 1, 10)


@settings(max_examples=150, deadline=None)
@given(st.lists(counts, min_size=2, max_size=5))
def test_chi_square_equals_scipy_without_correction(arms):
    table = [(x, n - x) for n, x in arms]
    result = rules_ab.chi_square_test(table)
    statistic, p, dof, _expected = stats.chi2_contingency(np.array(table), correction=False)
    assert close(result.statistic, statistic) and close(result.p_value, p)
    assert result.degrees_of_freedom == dof == len(arms) - 1


def test_chi_square_of_two_arms_is_the_square_of_the_z_test():
    z = rules_ab.two_proportion_z_test(30, 400, 18, 410)
    chi = rules_ab.chi_square_test([(30, 370), (18, 392)])
    assert close(chi.statistic, z.statistic ** 2) and close(chi.p_value, z.p_value)


def test_chi_square_with_no_conversions_has_no_p_value():
    assert rules_ab.chi_square_test([(0, 10), (0, 12), (0, 9)]).p_value is None


def revenue(rng: np.random.Generator, n: int, rate: float, mean: float) -> np.ndarray:
    """Per recipient: 0 unless they bought, then a lognormal basket."""
    bought = rng.random(n) < rate
    return np.where(bought, rng.lognormal(np.log(mean), 0.6, n), 0.0).round(2)


@pytest.mark.parametrize("seed", range(12))
def test_welch_t_and_interval_equal_scipy_and_statsmodels(seed):
    rng = np.random.default_rng(seed)
    a = revenue(rng, int(rng.integers(30, 3000)), 0.08, 150)
    b = revenue(rng, int(rng.integers(30, 3000)), 0.05, 140)
    alpha = [0.05, 0.01, 0.1][seed % 3]
    result = rules_ab.welch_t_test(a, b, alpha=alpha)
    t, p = stats.ttest_ind(a, b, equal_var=False)
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(
        alpha=alpha, usevar="unequal")
    assert close(result.statistic, t) and close(result.p_value, p)
    assert close(result.ci_low, low) and close(result.ci_high, high)
    assert close(result.estimate, a.mean() - b.mean())
    assert result.test == rules_ab.WELCH_T


def test_welch_t_takes_decimal_money():
    a = [Decimal("0"), Decimal("99.90"), Decimal("0"), Decimal("120.00"), Decimal("0")]
    b = [Decimal("0"), Decimal("0"), Decimal("80.50"), Decimal("0")]
    result = rules_ab.welch_t_test(a, b)
    t, p = stats.ttest_ind([float(x) for x in a], [float(x) for x in b], equal_var=False)
    assert close(result.statistic, t) and close(result.p_value, p)


def test_welch_t_of_constant_arms_has_no_p_value():
    assert rules_ab.welch_t_test([0, 0, 0], [0, 0]).p_value is None
    with pytest.raises(ValueError):
        rules_ab.welch_t_test([1.0], [1.0, 2.0])


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_bootstrap_interval_equals_scipy_percentile_with_same_draws(seed):
    rng = np.random.default_rng(100 + seed)
    a = revenue(rng, 400, 0.1, 120)
    b = revenue(rng, 350, 0.06, 120)
    ours = rules_ab.bootstrap_difference(a, b, resamples=2000, seed=seed, batch=500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = stats.bootstrap((a, b), lambda x, y, axis: x.mean(axis) - y.mean(axis),
                                 vectorized=True, paired=False, n_resamples=2000, batch=500,
                                 method="percentile", confidence_level=0.95,
                                 rng=np.random.default_rng(seed))
    assert close(ours[0], theirs.confidence_interval.low)
    assert close(ours[1], theirs.confidence_interval.high)


def test_bootstrap_interval_brackets_the_difference_and_is_near_welch_on_normal_data():
    rng = np.random.default_rng(3)
    a, b = rng.normal(105, 20, 2000), rng.normal(100, 20, 2000)
    low, high = rules_ab.bootstrap_difference(a, b)  # 10,000 resamples by default
    welch = rules_ab.welch_t_test(a, b)
    assert low < a.mean() - b.mean() < high
    assert abs(low - welch.ci_low) < 0.1 * (welch.ci_high - welch.ci_low)
    assert abs(high - welch.ci_high) < 0.1 * (welch.ci_high - welch.ci_low)


def test_bootstrap_is_reproducible_with_its_seed():
    a, b = [0, 0, 10, 30, 0, 5], [0, 3, 0, 0, 8]
    assert rules_ab.bootstrap_difference(a, b, seed=5) == rules_ab.bootstrap_difference(a, b, seed=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1)), min_size=1, max_size=8))
def test_holm_equals_statsmodels(p_values):
    ours = rules_ab.holm(p_values)
    known = [p for p in p_values if p is not None]
    if known:
        theirs = iter(multipletests(known, method="holm")[1])
        for mine, p in zip(ours, p_values, strict=True):
            assert (mine is None) if p is None else close(mine, next(theirs))
    else:
        assert ours == [None] * len(p_values)


@pytest.mark.parametrize(("baseline", "effect", "alpha", "power"), [
    (0.05, 0.02, 0.05, 0.8), (0.1, 0.01, 0.05, 0.9), (0.3, -0.05, 0.01, 0.8),
    (0.02, 0.005, 0.025, 0.8), (0.5, 0.1, 0.1, 0.95)])
def test_planned_sample_equals_statsmodels_normal_ind_power(baseline, effect, alpha, power):
    h = proportion_effectsize(baseline + effect, baseline)
    assert close(rules_ab.cohens_h(baseline + effect, baseline), h)
    theirs = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1)
    exact = rules_ab.exact_sample_size(baseline, effect, alpha=alpha, power=power)
    # statsmodels' root finder stops near 1e-8; the power at our n is its power to 1e-9
    assert close(exact, theirs, tol=1e-7)
    assert close(NormalIndPower().power(h, exact, alpha, ratio=1), power)
    assert rules_ab.planned_sample_size(baseline, effect, alpha=alpha, power=power) \
        == math.ceil(theirs)


def test_planned_sample_splits_alpha_between_comparisons():
    h = proportion_effectsize(0.07, 0.05)
    theirs = NormalIndPower().solve_power(effect_size=h, alpha=0.025, power=0.8, ratio=1)
    assert rules_ab.planned_sample_size(0.05, 0.02, comparisons=2) == math.ceil(theirs)


def test_planned_sample_refuses_impossible_plans():
    for args in [(0, 0.02), (0.05, 0), (0.99, 0.05)]:
        with pytest.raises(ValueError):
            rules_ab.planned_sample_size(*args)
    with pytest.raises(ValueError):
        rules_ab.planned_sample_size(0.05, 0.02, power=0.3)


def test_obrien_fleming_spends_almost_nothing_early_and_alpha_at_the_end():
    # Lan–DeMets O'Brien–Fleming: 0.0056 spent at half the information (two-sided 0.05)
    assert round(rules_ab.obrien_fleming_alpha(0.5, 0.05), 4) == 0.0056
    assert rules_ab.obrien_fleming_alpha(1.0, 0.05) == 0.05
    assert rules_ab.obrien_fleming_alpha(0.0, 0.05) == 0.0
    spent = [rules_ab.obrien_fleming_alpha(t / 10) for t in range(1, 11)]
    assert spent == sorted(spent) and spent[0] < 1e-6


def test_no_verdict_while_running_short_of_the_plan():
    rule = rules_ab.verdict_rule(900, 1000, alpha=0.05, is_stopped=False)
    assert not rule.may_conclude and rule.threshold is None and rule.correction == "wait"
    assert rule.fraction == 0.9


def test_verdict_at_alpha_once_the_plan_is_reached():
    rule = rules_ab.verdict_rule(1000, 1000, alpha=0.05, is_stopped=False)
    assert rule.may_conclude and rule.threshold == 0.05 and rule.correction == "none"


def test_stopped_early_is_judged_at_the_obrien_fleming_alpha():
    rule = rules_ab.verdict_rule(500, 1000, alpha=0.05, is_stopped=True)
    assert rule.may_conclude and rule.correction == "obrien_fleming"
    assert close(rule.threshold, rules_ab.obrien_fleming_alpha(0.5, 0.05))


def test_assignment_is_stable_and_follows_the_shares():
    shares = [Decimal("0.45"), Decimal("0.45"), Decimal("0.10")]
    arms = [rules_ab.arm_index(rules_ab.assignment_point("winback", i), shares)
            for i in range(20_000)]
    assert arms == [rules_ab.arm_index(rules_ab.assignment_point("winback", i), shares)
                    for i in range(20_000)]
    observed = np.bincount(arms, minlength=3)
    _stat, p = stats.chisquare(observed, [20_000 * float(s) for s in shares])
    assert p > 0.001  # the hash spreads customers in the shares
    other = [rules_ab.arm_index(rules_ab.assignment_point("other", i), shares)
             for i in range(20_000)]
    assert other != arms  # another experiment draws anew


def test_arm_index_edges():
    shares = [Decimal("0.5"), Decimal("0.5")]
    assert rules_ab.arm_index(0.0, shares) == 0
    assert rules_ab.arm_index(0.5, shares) == 1
    assert rules_ab.arm_index(0.9999999, shares) == 1


def test_money_rounds_to_cents():
    assert rules_ab.money(12.345678) == Decimal("12.35")
    assert rules_ab.money(None) is None and rules_ab.money(float("nan")) is None
