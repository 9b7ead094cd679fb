"""A/B-test results API, mounted at ``/api/v1/marketing`` beside the operations of
``marketing.api_experiments`` (list, get, create, start, stop): per arm and against the
baseline, with the test used, intervals, Holm-adjusted p-values and the peeking rule's
warning. The results live here because they read the warehouse, which marketing may not
import; both routers share the prefix, so the whole A/B-test API sits under
``/marketing/experiments``."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from zhanggui.accounts.api_auth import require_perm
from zhanggui.analytics import experiments_report
from zhanggui.analytics.experiments_report import TEST_NAMES, ArmResult, ExperimentResults
from zhanggui.core.schemas import ERRORS, Id
from zhanggui.marketing import queries_experiments, rules_ab

router = Router()


class RateComparisonOut(Schema):
    test: str
    test_name: str
    difference: float
    ci_low: float | None
    ci_high: float | None
    statistic: float | None
    p_value: float | None
    adjusted_p_value: float | None


class MoneyComparisonOut(Schema):
    test: str
    test_name: str
    difference: Decimal | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    statistic: float | None
    p_value: float | None
    adjusted_p_value: float | None
    degrees_of_freedom: float | None
    bootstrap_ci_low: Decimal | None
    bootstrap_ci_high: Decimal | None


class ArmResultOut(Schema):
    code: str
    name: str
    is_holdout: bool
    is_baseline: bool
    recipients: int
    conversions: int
    conversion_rate: float | None
    revenue: Decimal
    revenue_per_recipient: Decimal | None
    revenue_sd: Decimal | None
    conversion_vs_baseline: RateComparisonOut | None
    revenue_vs_baseline: MoneyComparisonOut | None
    verdict: str


class ChiSquareOut(Schema):
    test_name: str
    statistic: float | None
    p_value: float | None
    degrees_of_freedom: int


class ResultsOut(Schema):
    experiment_id: int
    metric: str
    primary_test: str
    alpha: float
    planned_sample_size: int | None
    smallest_arm: int
    may_conclude: bool
    threshold: float | None
    correction: str
    warning: str
    adjustment: str
    chi_square: ChiSquareOut | None
    window_start: datetime | None
    window_end: datetime | None
    computed_at: datetime
    arms: list[ArmResultOut]


def _rate(c: rules_ab.Comparison | None) -> RateComparisonOut | None:
    if c is None:
        return None
    return RateComparisonOut(test=c.test, test_name=str(TEST_NAMES[c.test]), difference=c.estimate,
                             ci_low=c.ci_low, ci_high=c.ci_high, statistic=c.statistic,
                             p_value=c.p_value, adjusted_p_value=c.adjusted_p_value)


def _money(arm: ArmResult) -> MoneyComparisonOut | None:
    c = arm.revenue_test
    if c is None:
        return None
    low, high = arm.bootstrap_ci or (None, None)
    return MoneyComparisonOut(
        test=c.test, test_name=str(TEST_NAMES[c.test]), difference=rules_ab.money(c.estimate),
        ci_low=rules_ab.money(c.ci_low), ci_high=rules_ab.money(c.ci_high),
        statistic=c.statistic, p_value=c.p_value, adjusted_p_value=c.adjusted_p_value,
        degrees_of_freedom=c.degrees_of_freedom, bootstrap_ci_low=low, bootstrap_ci_high=high)


def results_out(results: ExperimentResults) -> ResultsOut:
    chi = results.chi_square
    return ResultsOut(
        experiment_id=results.experiment.pk, metric=results.metric,
        primary_test=results.primary_test, alpha=results.alpha,
        planned_sample_size=results.planned, smallest_arm=results.smallest,
        may_conclude=results.rule.may_conclude, threshold=results.rule.threshold,
        correction=results.rule.correction, warning=results.warning,
        adjustment="holm", computed_at=results.computed_at,
        window_start=results.window[0], window_end=results.window[1],
        chi_square=None if chi is None else ChiSquareOut(
            test_name=str(TEST_NAMES[rules_ab.CHI_SQUARE]), statistic=chi.statistic,
            p_value=chi.p_value, degrees_of_freedom=chi.degrees_of_freedom),
        arms=[ArmResultOut(
            code=arm.code, name=arm.name, is_holdout=arm.is_holdout, is_baseline=arm.is_baseline,
            recipients=arm.n, conversions=arm.conversions, conversion_rate=arm.rate,
            revenue=arm.revenue, revenue_per_recipient=arm.revenue_mean,
            revenue_sd=arm.revenue_sd, conversion_vs_baseline=_rate(arm.conversion),
            revenue_vs_baseline=_money(arm), verdict=arm.verdict) for arm in results.arms])


@router.get("/experiments/{experiment_id}/results", response={200: ResultsOut, **ERRORS},
            summary="An A/B test's results: per arm, uplift against the baseline, the test used")
def experiment_results(request: HttpRequest, experiment_id: Id):
    """No verdict (``may_conclude`` false, ``warning`` set) before the planned sample per arm
    is reached; a test stopped early is judged at the O'Brien–Fleming alpha (``threshold``)."""
    require_perm(request, "marketing.view_experiment", "analytics.view_reports")
    experiment = queries_experiments.get_experiment(experiment_id)
    return results_out(experiments_report.experiment_results(experiment))
