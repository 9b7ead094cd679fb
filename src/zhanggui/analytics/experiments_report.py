"""Results of an A/B test: per arm the people, buyers, conversion and revenue per recipient;
per arm against the baseline (the holdout, or the first arm) the uplift with its confidence
interval, the p-value of the test that fits the metric and the Holm-adjusted p-value; and
the peeking rule (``marketing.rules_ab.verdict_rule``): no verdict before the planned sample.

Every assigned customer counts in their arm (intention to treat): a recipient who was
skipped (unsubscribed, capped) or whose message failed stays in the arm's denominator, as
the holdout holds the same kinds of people.

- A campaign's test reads its recipients' outcomes from
  ``analytics.campaign_attribution.recipient_outcomes`` (converted, attributed revenue).
- A promotion's test reads the warehouse: each assigned customer's orders paid from the
  start to the stop (or now), cancelled ones left out; converted = at least one such order,
  revenue = their paid amount (GMV).
"""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.analytics import campaign_attribution, reader
from zhanggui.marketing import queries_experiments, rules_ab
from zhanggui.marketing.experiments import baseline_arm
from zhanggui.marketing.models_experiments import Experiment, ExperimentMetric, ExperimentStatus

CENT = Decimal("0.01")
TEST_NAMES = {
    rules_ab.Z_TEST: _("two-proportion z test"),
    rules_ab.CHI_SQUARE: _("chi-square test of independence"),
    rules_ab.WELCH_T: _("Welch's t test"),
    rules_ab.BOOTSTRAP: _("percentile bootstrap"),
}


@dataclass(frozen=True)
class Outcome:
    customer_id: int
    arm: str
    converted: bool
    revenue: Decimal


@dataclass
class ArmResult:
    code: str
    name: str
    is_holdout: bool
    is_baseline: bool
    n: int = 0
    conversions: int = 0
    revenue: Decimal = Decimal("0.00")
    rate: float | None = None
    revenue_mean: Decimal | None = None
    revenue_sd: Decimal | None = None
    conversion: rules_ab.Comparison | None = None  # against the baseline
    revenue_test: rules_ab.Comparison | None = None
    bootstrap_ci: tuple[Decimal | None, Decimal | None] | None = None
    verdict: str = ""  # "better", "worse", "no_difference"; "" while no verdict may be given
    is_primary_conversion: bool = True

    @property
    def primary(self) -> rules_ab.Comparison | None:
        return self.conversion if self.is_primary_conversion else self.revenue_test


@dataclass
class ExperimentResults:
    experiment: Experiment
    arms: list[ArmResult]
    metric: str
    alpha: float
    planned: int | None
    rule: rules_ab.Verdict
    chi_square: rules_ab.ChiSquare | None
    computed_at: datetime
    window: tuple[datetime | None, datetime | None]
    notes: list[str] = field(default_factory=list)

    @property
    def primary_test(self) -> str:
        return rules_ab.Z_TEST if self.metric == ExperimentMetric.CONVERSION else rules_ab.WELCH_T

    @property
    def primary_test_name(self) -> str:
        return str(TEST_NAMES[self.primary_test])

    @property
    def warning(self) -> str:
        """The banner while the test is short of its plan (or stopped early)."""
        if self.rule.correction == "wait":
            return str(_(
                "Under-powered: the smallest arm has %(n)s of the %(planned)s people planned "
                "(%(percent)s %%). The numbers move as people come in; no verdict is given "
                "before the planned sample is reached (looking early and stopping at the first "
                "significant p-value would find differences that are not there).")
                % {"n": self.smallest, "planned": self.planned or "—",
                   "percent": round(self.rule.fraction * 100)})
        if self.rule.correction == "obrien_fleming":
            return str(_(
                "Stopped early at %(percent)s %% of the planned sample: judged once at the "
                "O'Brien–Fleming spending alpha %(threshold)s (Lan–DeMets, "
                "α(t) = 2 − 2Φ(z₁₋α/₂ / √t)) instead of %(alpha)s.")
                % {"percent": round(self.rule.fraction * 100),
                   "threshold": _alpha_text(self.rule.threshold), "alpha": f"{self.alpha:g}"})
        return ""

    @property
    def smallest(self) -> int:
        return min((arm.n for arm in self.arms), default=0)


def _alpha_text(value: float) -> str:
    return f"{value:.4f}" if value >= 0.0001 else f"{value:.1e}"


def _value(row, name: str):
    return row[name] if isinstance(row, Mapping) else getattr(row, name)


def outcomes_from_rows(rows: Iterable) -> list[Outcome]:
    """Outcome rows (``Outcome``s, mappings or objects with customer_id, arm, converted,
    revenue) with an arm; recipients outside the test (no arm) are left out."""
    return [row if isinstance(row, Outcome) else
            Outcome(int(_value(row, "customer_id")), str(_value(row, "arm")),
                    bool(_value(row, "converted")), Decimal(str(_value(row, "revenue") or 0)))
            for row in rows if _value(row, "arm")]


def _window(experiment: Experiment, now: datetime) -> tuple[datetime | None, datetime | None]:
    end = experiment.stopped_at if experiment.status == ExperimentStatus.STOPPED else now
    return experiment.started_at, end


def promotion_outcomes(experiment: Experiment, *, now: datetime | None = None) -> list[Outcome]:
    """The assigned customers' paid orders in the warehouse between start and stop (or now).

    Raises:
        WarehouseEmpty: no warehouse has been built yet.
    """
    assigned = queries_experiments.assigned_customers(experiment)
    start, end = _window(experiment, now or timezone.now())
    if not assigned or start is None:
        return [Outcome(cid, arm, False, Decimal("0.00")) for cid, arm in assigned]
    rows = reader.query(
        """SELECT customer_id, count(*), coalesce(sum(paid_amount), 0) FROM orders
           WHERE paid_at >= $start AND paid_at < $end AND status <> 'cancelled'
             AND customer_id IN (SELECT unnest($ids))
           GROUP BY customer_id""",
        {"start": _local(start), "end": _local(end), "ids": [cid for cid, _arm in assigned]})
    bought = {cid: Decimal(str(amount)) for cid, _orders, amount in rows}
    return [Outcome(cid, arm, cid in bought, bought.get(cid, Decimal("0.00")))
            for cid, arm in assigned]


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def _campaign_outcomes(experiment: Experiment) -> list[Outcome]:
    return outcomes_from_rows(campaign_attribution.recipient_outcomes(experiment.campaign_id))


def outcomes_of(experiment: Experiment, *, now: datetime | None = None) -> list[Outcome]:
    if experiment.campaign_id is not None:
        return _campaign_outcomes(experiment)
    return promotion_outcomes(experiment, now=now)


def _describe(arm: ArmResult, rows: list[Outcome]) -> list[float]:
    values = [float(row.revenue) for row in rows]
    arm.n = len(rows)
    arm.conversions = sum(row.converted for row in rows)
    arm.revenue = sum((row.revenue for row in rows), Decimal("0.00"))
    if arm.n:
        arm.rate = arm.conversions / arm.n
        arm.revenue_mean = (arm.revenue / arm.n).quantize(CENT, rounding=ROUND_HALF_UP)
    if arm.n > 1:
        mean = math.fsum(values) / arm.n
        arm.revenue_sd = rules_ab.money(math.sqrt(math.fsum((v - mean) ** 2 for v in values)
                                                  / (arm.n - 1)))
    return values


def _compare(arm: ArmResult, values: list[float], base: ArmResult, base_values: list[float],
             alpha: float, seed: int) -> None:
    if arm.n and base.n:
        arm.conversion = rules_ab.two_proportion_z_test(arm.conversions, arm.n, base.conversions,
                                                        base.n, alpha=alpha)
    if arm.n > 1 and base.n > 1:
        arm.revenue_test = rules_ab.welch_t_test(values, base_values, alpha=alpha)
        low, high = rules_ab.bootstrap_difference(values, base_values, alpha=alpha, seed=seed)
        arm.bootstrap_ci = (rules_ab.money(low), rules_ab.money(high))


def _adjust(arms: list[ArmResult], attribute: str) -> None:
    compared = [arm for arm in arms if getattr(arm, attribute) is not None]
    adjusted = rules_ab.holm([getattr(arm, attribute).p_value for arm in compared])
    for arm, p in zip(compared, adjusted, strict=True):
        setattr(arm, attribute, _with_adjusted(getattr(arm, attribute), p))


def _with_adjusted(comparison: rules_ab.Comparison, p: float | None) -> rules_ab.Comparison:
    return replace(comparison, adjusted_p_value=p)


def _verdict(arm: ArmResult, rule: rules_ab.Verdict) -> str:
    primary = arm.primary
    if not rule.may_conclude or primary is None or arm.is_baseline:
        return ""
    p = primary.adjusted_p_value
    if p is None or p >= rule.threshold:
        return "no_difference"
    return "better" if primary.estimate > 0 else "worse"


def compute_results(experiment: Experiment, outcomes: Iterable, *,
                    now: datetime | None = None,
                    seed: int = rules_ab.BOOTSTRAP_SEED) -> ExperimentResults:
    """The results of ``experiment`` over ``outcomes`` (one per assigned customer; any form
    ``outcomes_from_rows`` reads)."""
    now = now or timezone.now()
    arms = queries_experiments.arms_of(experiment)
    base = baseline_arm(arms)
    alpha = float(experiment.alpha)
    is_conversion = experiment.metric == ExperimentMetric.CONVERSION
    rows: dict[str, list[Outcome]] = {arm.code: [] for arm in arms}
    for outcome in outcomes_from_rows(outcomes):
        if outcome.arm in rows:
            rows[outcome.arm].append(outcome)
    results = [ArmResult(arm.code, arm.name, arm.is_holdout, arm.pk == base.pk,
                         is_primary_conversion=is_conversion) for arm in arms]
    values = {result.code: _describe(result, rows[result.code]) for result in results}
    baseline = next(result for result in results if result.is_baseline)
    for result in results:
        if not result.is_baseline:
            _compare(result, values[result.code], baseline, values[baseline.code], alpha, seed)
    others = [result for result in results if not result.is_baseline]
    _adjust(others, "conversion")
    _adjust(others, "revenue_test")
    chi = None
    if len(results) > 2 and all(result.n for result in results):
        chi = rules_ab.chi_square_test([(r.conversions, r.n - r.conversions) for r in results])
    rule = rules_ab.verdict_rule(min(r.n for r in results), experiment.planned_sample_size,
                                 alpha=alpha,
                                 is_stopped=experiment.status == ExperimentStatus.STOPPED)
    for result in others:
        result.verdict = _verdict(result, rule)
    return ExperimentResults(experiment, results, experiment.metric, alpha,
                             experiment.planned_sample_size, rule, chi, now,
                             _window(experiment, now))


def experiment_results(experiment: Experiment, *, now: datetime | None = None,
                       outcomes: Callable[[Experiment], Iterable] | None = None
                       ) -> ExperimentResults:
    """``compute_results`` over the test's outcomes (``outcomes_of`` unless given).

    Raises:
        WarehouseEmpty: a promotion's test and no warehouse yet.
    """
    rows = outcomes(experiment) if outcomes else outcomes_of(experiment, now=now)
    return compute_results(experiment, rows, now=now)
