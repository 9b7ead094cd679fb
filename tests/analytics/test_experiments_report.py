"""A/B-test results: per-arm figures and every comparison equal numpy/scipy/statsmodels on the
same outcomes; the peeking rule; a promotion's outcomes read from the warehouse."""

import math
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone, translation
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from tests import factories
from tests.marketing.experiment_factories import (
    make_campaign_experiment,
    make_customers,
    make_population,
    make_promotion_experiment,
)
from zhanggui.analytics import experiments_report, warehouse
from zhanggui.analytics.experiments_report import Outcome
from zhanggui.marketing import experiments, rules_ab
from zhanggui.marketing.models_experiments import Assignment, Experiment

pytestmark = pytest.mark.django_db
TOL = 1e-9

@pytest.fixture(autouse=True)
def _english():
    """The problems are matched in the source language (the shop's default is Chinese)."""
    with translation.override("en"):
        yield



def close(a, b, tol=TOL) -> bool:
    return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)


def generated(sizes: dict[str, tuple[int, float]], seed: int = 11) -> list[Outcome]:
    """Per arm: n customers converting at ``rate``, each buyer spending a lognormal basket."""
    rng = np.random.default_rng(seed)
    rows, cid = [], 1
    for arm, (n, rate) in sizes.items():
        bought = rng.random(n) < rate
        spend = rng.lognormal(np.log(120), 0.5, n).round(2)
        for b, amount in zip(bought, spend, strict=True):
            rows.append(Outcome(cid, arm, bool(b), Decimal(str(amount)) if b else Decimal("0.00")))
            cid += 1
    return rows


def by_arm(rows: list[Outcome], arm: str) -> tuple[np.ndarray, np.ndarray]:
    mine = [r for r in rows if r.arm == arm]
    return (np.array([r.converted for r in mine], dtype=float),
            np.array([float(r.revenue) for r in mine]))


def test_results_equal_scipy_and_statsmodels_on_the_same_outcomes():
    experiment = make_campaign_experiment()
    rows = generated({"coupon-a": (900, 0.09), "coupon-b": (880, 0.06), "holdout": (210, 0.05)})
    rows.append(Outcome(99_999, "", True, Decimal("50")))  # outside the test: left out
    results = experiments_report.compute_results(experiment, rows)
    arms = {arm.code: arm for arm in results.arms}
    base_conv, base_rev = by_arm(rows, "holdout")
    assert arms["holdout"].is_baseline and arms["holdout"].conversion is None
    p_conv, p_rev = [], []
    for code in ("coupon-a", "coupon-b"):
        conv, rev = by_arm(rows, code)
        arm = arms[code]
        assert arm.n == len(conv) and arm.conversions == conv.sum()
        assert close(arm.rate, conv.mean())
        assert close(arm.revenue_mean, rev.mean(), tol=0.005)
        assert arm.revenue == sum(r.revenue for r in rows if r.arm == code)
        assert arm.revenue_sd == rules_ab.money(rev.std(ddof=1))
        z, p = proportions_ztest([conv.sum(), base_conv.sum()], [len(conv), len(base_conv)])
        low, high = confint_proportions_2indep(conv.sum(), len(conv), base_conv.sum(),
                                               len(base_conv), method="wald")
        assert close(arm.conversion.statistic, z) and close(arm.conversion.p_value, p)
        assert close(arm.conversion.ci_low, low) and close(arm.conversion.ci_high, high)
        assert close(arm.conversion.estimate, conv.mean() - base_conv.mean())  # the uplift
        t, pt = stats.ttest_ind(rev, base_rev, equal_var=False)
        assert close(arm.revenue_test.statistic, t) and close(arm.revenue_test.p_value, pt)
        low_b, high_b = arm.bootstrap_ci
        assert low_b < Decimal(str(rev.mean() - base_rev.mean())) < high_b
        p_conv.append(p)
        p_rev.append(pt)
    for code, holm_conv, holm_rev in zip(("coupon-a", "coupon-b"),
                                         multipletests(p_conv, method="holm")[1],
                                         multipletests(p_rev, method="holm")[1], strict=True):
        assert close(arms[code].conversion.adjusted_p_value, holm_conv)
        assert close(arms[code].revenue_test.adjusted_p_value, holm_rev)
    table = [[int(by_arm(rows, c)[0].sum()), len(by_arm(rows, c)[0]) - int(by_arm(rows, c)[0].sum())]
             for c in ("coupon-a", "coupon-b", "holdout")]
    chi, p_chi, _dof, _expected = stats.chi2_contingency(np.array(table), correction=False)
    assert close(results.chi_square.statistic, chi) and close(results.chi_square.p_value, p_chi)
    assert results.primary_test == rules_ab.Z_TEST


def test_no_verdict_and_a_warning_before_the_planned_sample():
    experiment = make_campaign_experiment()
    rows = generated({"coupon-a": (300, 0.30), "coupon-b": (300, 0.05), "holdout": (300, 0.05)})
    results = experiments_report.compute_results(experiment, rows)
    assert experiment.planned_sample_size > 300
    assert not results.rule.may_conclude
    assert all(arm.verdict == "" for arm in results.arms)
    assert "Under-powered" in results.warning and str(experiment.planned_sample_size) in results.warning
    # the difference is real and large, yet no verdict is given early
    assert results.arms[0].conversion.p_value < 1e-6


def test_verdict_at_alpha_once_every_arm_reached_the_plan():
    experiment = make_campaign_experiment(baseline_rate=Decimal("0.05"),
                                          minimum_effect=Decimal("0.15"))
    planned = experiment.planned_sample_size
    rows = generated({"coupon-a": (planned + 40, 0.30), "coupon-b": (planned + 40, 0.05),
                      "holdout": (planned, 0.05)}, seed=3)
    results = experiments_report.compute_results(experiment, rows)
    assert results.rule.may_conclude and results.rule.threshold == 0.05
    assert results.warning == ""
    arms = {arm.code: arm for arm in results.arms}
    assert arms["coupon-a"].verdict == "better"
    assert arms["coupon-b"].verdict == ("no_difference" if arms["coupon-b"].conversion
                                        .adjusted_p_value >= 0.05 else "worse")
    assert arms["holdout"].verdict == ""


def test_revenue_metric_judges_on_welch():
    experiment = make_campaign_experiment(metric="revenue", baseline_rate=Decimal("0.05"),
                                          minimum_effect=Decimal("0.15"))
    planned = experiment.planned_sample_size
    rows = generated({"coupon-a": (planned, 0.35), "coupon-b": (planned, 0.05),
                      "holdout": (planned, 0.05)}, seed=5)
    results = experiments_report.compute_results(experiment, rows)
    assert results.primary_test == rules_ab.WELCH_T
    arm = results.arms[0]
    assert arm.primary is arm.revenue_test and arm.verdict == "better"


def test_stopped_early_is_judged_at_the_obrien_fleming_alpha():
    experiment = make_campaign_experiment()
    experiments.start_experiment(experiment, actor=None)
    experiments.stop_experiment(experiment, actor=None)
    experiment = Experiment.objects.get(pk=experiment.pk)
    half = experiment.planned_sample_size // 2
    rows = generated({"coupon-a": (half, 0.20), "coupon-b": (half, 0.05),
                      "holdout": (half, 0.05)}, seed=8)
    results = experiments_report.compute_results(experiment, rows)
    assert results.rule.correction == "obrien_fleming"
    assert close(results.rule.threshold,
                 rules_ab.obrien_fleming_alpha(half / experiment.planned_sample_size, 0.05))
    assert "O'Brien" in results.warning
    arm = results.arms[0]
    assert arm.verdict == ("better" if arm.conversion.adjusted_p_value < results.rule.threshold
                           else "no_difference")


def test_results_of_a_campaign_read_recipient_outcomes_through_the_given_reader():
    experiment = make_campaign_experiment()
    rows = [{"customer_id": 1, "arm": "coupon-a", "status": "sent", "converted": True,
             "revenue": Decimal("88.00"), "gross_profit": Decimal("30.00")},
            {"customer_id": 2, "arm": "coupon-a", "status": "skipped", "converted": False,
             "revenue": Decimal("0")},
            {"customer_id": 3, "arm": "holdout", "status": "held_out", "converted": False,
             "revenue": Decimal("0")},
            {"customer_id": 4, "arm": "holdout", "status": "held_out", "converted": True,
             "revenue": Decimal("20.00")}]
    results = experiments_report.experiment_results(experiment, outcomes=lambda e: rows)
    arms = {arm.code: arm for arm in results.arms}
    assert (arms["coupon-a"].n, arms["coupon-a"].conversions) == (2, 1)  # skipped still counts
    assert arms["coupon-a"].revenue == Decimal("88.00")
    assert arms["coupon-b"].n == 0 and arms["coupon-b"].conversion is None
    assert results.chi_square is None  # an empty arm: no omnibus test


def test_promotion_outcomes_come_from_the_warehouse_within_the_test_window():
    customers = make_customers(40)
    experiment = make_promotion_experiment(make_population(customers))
    experiments.start_experiment(experiment, actor=None)
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    buyers = customers[:6]
    for customer in buyers:
        factories.make_order(sku=sku, customer=customer, status="paid")
    factories.make_order(sku=sku, customer=customers[6])  # never paid: no conversion
    warehouse.rebuild()
    experiment.refresh_from_db()
    results = experiments_report.experiment_results(experiment,
                                                    now=timezone.now() + timedelta(minutes=1))
    total = sum(arm.n for arm in results.arms)
    assert total == 40
    assert sum(arm.conversions for arm in results.arms) == 6
    # the promotion (10 % off) reached the treated arm only, through its segment
    arm_of = dict(Assignment.objects.filter(experiment=experiment)
                  .values_list("customer_id", "arm__code"))
    expected = {"treated": Decimal("0.00"), "holdout": Decimal("0.00")}
    for customer in buyers:
        arm = arm_of[customer.pk]
        expected[arm] += Decimal("90.00") if arm == "treated" else Decimal("100.00")
    assert {arm.code: arm.revenue for arm in results.arms} == expected
    # before the start nothing counts
    outcomes = experiments_report.promotion_outcomes(
        experiment, now=experiment.started_at)
    assert not any(o.converted for o in outcomes)


def test_campaign_results_read_the_warehouse_recipient_outcomes_per_arm():
    from tests.marketing import campaign_factories
    from zhanggui.marketing import campaigns
    from zhanggui.marketing.models_campaigns import Campaign

    customers = [campaign_factories.make_contact() for _ in range(24)]
    experiment = make_campaign_experiment(customers)
    campaigns.prepare_campaign(experiment.campaign, actor=None)
    Campaign.objects.filter(pk=experiment.campaign_id).update(
        status="sent", sent_at=timezone.now() - timedelta(hours=1))
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    buyers = customers[:9]
    for customer in buyers:
        factories.make_order(sku=sku, customer=customer, status="paid")
    warehouse.rebuild()
    results = experiments_report.experiment_results(Experiment.objects.get(pk=experiment.pk))
    arm_of = dict(Assignment.objects.filter(experiment=experiment)
                  .values_list("customer_id", "arm__code"))
    expected_n = {code: list(arm_of.values()).count(code) for code in set(arm_of.values())}
    expected_buyers = {code: sum(arm_of[c.pk] == code for c in buyers) for code in expected_n}
    assert {a.code: a.n for a in results.arms if a.n} == expected_n
    assert {a.code: a.conversions for a in results.arms if a.n} == expected_buyers
    assert sum(a.revenue for a in results.arms) == Decimal("900.00")
