"""A/B-test statistics (pure: no database): the test that fits each metric, confidence
intervals, multiple-comparison adjustment, planned sample size, the peeking rule and the
stable assignment of customers to arms.

Every number equals what scipy/statsmodels compute on the same data
(``tests/marketing/test_rules_ab*.py`` checks each to 1e-9); they are written here with
scipy's distributions so the formulas stay readable and need no statsmodels at run time.

- Conversion (bought or not), one arm against the baseline: the two-proportion z test with
  the pooled standard error (``proportions_ztest``), and the Wald interval of the difference
  with the unpooled one (``confint_proportions_2indep(method="wald")``). All arms at once:
  Pearson's chi-square test of independence on the arms × (bought, did not) table
  (``chi2_contingency(correction=False)``).
- Revenue per recipient (every recipient counts, 0 when they bought nothing): Welch's t test
  (``ttest_ind(equal_var=False)``) with the Welch–Satterthwaite interval of the difference
  (``CompareMeans.tconfint_diff(usevar="unequal")``), and a percentile bootstrap interval
  (the same draws as ``scipy.stats.bootstrap(method="percentile")`` with the same seed).
- Several arms against the baseline: Holm's step-down adjustment of the p-values.
- Peeking: no verdict before the planned sample per arm is reached. A test stopped early is
  judged once, at the information fraction t it reached, against the alpha that the
  Lan–DeMets O'Brien–Fleming spending function allows by then,
  α(t) = 2 − 2Φ(z₁₋α/₂ / √t).
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from scipy import optimize, stats

Z_TEST = "two_proportion_z"
CHI_SQUARE = "chi_square"
WELCH_T = "welch_t"
BOOTSTRAP = "bootstrap_percentile"
BOOTSTRAP_RESAMPLES = 10_000
BOOTSTRAP_SEED = 20_161_616
# Resamples drawn at once: at most ~4 million indices in memory, whatever the arm sizes.
BOOTSTRAP_CELLS = 4_000_000


@dataclass(frozen=True)
class Comparison:
    """One arm against the baseline: ``estimate`` is arm − baseline (the uplift).

    ``p_value``/``statistic`` are None when the data cannot decide (no variation at all);
    ``adjusted_p_value`` is set by ``holm`` when several arms are compared."""

    test: str
    estimate: float
    ci_low: float | None
    ci_high: float | None
    statistic: float | None
    p_value: float | None
    adjusted_p_value: float | None = None
    degrees_of_freedom: float | None = None


@dataclass(frozen=True)
class ChiSquare:
    statistic: float | None
    p_value: float | None
    degrees_of_freedom: int


def _z(alpha: float) -> float:
    return float(stats.norm.isf(alpha / 2))


def two_proportion_z_test(converted: int, n: int, base_converted: int, base_n: int, *,
                          alpha: float = 0.05) -> Comparison:
    """Conversion of an arm (``converted`` of ``n``) against the baseline's.

    The test uses the pooled rate under the null hypothesis of no difference; the interval
    of the difference uses each arm's own rate (Wald).

    Raises:
        ValueError: an arm with no one in it, or more conversions than people.
    """
    if n <= 0 or base_n <= 0 or not (0 <= converted <= n) or not (0 <= base_converted <= base_n):
        raise ValueError("each arm needs people, and conversions between 0 and its size")
    rate, base_rate = converted / n, base_converted / base_n
    difference = rate - base_rate
    half = _z(alpha) * math.sqrt(rate * (1 - rate) / n + base_rate * (1 - base_rate) / base_n)
    pooled = (converted + base_converted) / (n + base_n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / base_n))
    if se == 0:  # nobody or everybody converted in both arms: nothing to test
        return Comparison(Z_TEST, difference, difference - half, difference + half, None, None)
    z = difference / se
    return Comparison(Z_TEST, difference, difference - half, difference + half, z,
                      float(2 * stats.norm.sf(abs(z))))


def chi_square_test(table: Sequence[tuple[int, int]]) -> ChiSquare:
    """Pearson's chi-square test of independence (no continuity correction) over the arms'
    (converted, not converted) counts. None when a whole column is empty (no variation)."""
    observed = np.asarray(table, dtype=float)
    if observed.ndim != 2 or observed.shape[0] < 2 or observed.shape[1] != 2 or (observed < 0).any():
        raise ValueError("a table of at least two arms × (converted, not converted)")
    dof = observed.shape[0] - 1
    total = observed.sum()
    rows, columns = observed.sum(axis=1), observed.sum(axis=0)
    if total == 0 or (columns == 0).any() or (rows == 0).any():
        return ChiSquare(None, None, dof)
    expected = np.outer(rows, columns) / total
    statistic = float(((observed - expected) ** 2 / expected).sum())
    return ChiSquare(statistic, float(stats.chi2.sf(statistic, dof)), dof)


def _as_floats(values: Sequence) -> np.ndarray:
    return np.asarray([float(value) for value in values], dtype=float)


def welch_t_test(values: Sequence, base_values: Sequence, *, alpha: float = 0.05) -> Comparison:
    """Mean of an arm's values (revenue per recipient; Decimal or float) against the
    baseline's: Welch's t test and the Welch–Satterthwaite interval of the difference.

    Raises:
        ValueError: an arm with fewer than two values.
    """
    a, b = _as_floats(values), _as_floats(base_values)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("each arm needs at least two values")
    difference = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:  # every value the same in both arms
        return Comparison(WELCH_T, difference, difference, difference, None, None)
    dof = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    t = difference / se
    half = float(stats.t.isf(alpha / 2, dof)) * se
    return Comparison(WELCH_T, difference, difference - half, difference + half, t,
                      float(2 * stats.t.sf(abs(t), dof)), degrees_of_freedom=dof)


def bootstrap_difference(values: Sequence, base_values: Sequence, *, alpha: float = 0.05,
                         resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED,
                         batch: int | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(values) − mean(base_values): each arm resampled
    with replacement on its own, ``resamples`` times, from ``numpy.random.default_rng(seed)``.

    Resamples are drawn ``batch`` at a time (default: as many as fit ``BOOTSTRAP_CELLS``);
    with the same batch, the draws are those of ``scipy.stats.bootstrap``.
    """
    a, b = _as_floats(values), _as_floats(base_values)
    if len(a) < 1 or len(b) < 1 or resamples < 1:
        raise ValueError("each arm needs values, and at least one resample")
    rng = np.random.default_rng(seed)
    batch = batch or max(1, BOOTSTRAP_CELLS // max(len(a), len(b)))
    differences = []
    for start in range(0, resamples, batch):
        size = min(batch, resamples - start)
        resampled_a = a[rng.integers(0, len(a), (size, len(a)))]
        resampled_b = b[rng.integers(0, len(b), (size, len(b)))]
        differences.append(resampled_a.mean(axis=-1) - resampled_b.mean(axis=-1))
    low, high = np.quantile(np.concatenate(differences), [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (None stays None and does not count)."""
    known = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(known)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(known):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def cohens_h(p1: float, p2: float) -> float:
    """Effect size of two proportions (statsmodels' ``proportion_effectsize``)."""
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def _two_sided_power(effect: float, n: float, alpha: float) -> float:
    crit = stats.norm.isf(alpha / 2)
    shift = abs(effect) * math.sqrt(n / 2)  # two equal arms of n each
    return float(stats.norm.sf(crit - shift) + stats.norm.cdf(-crit - shift))


def exact_sample_size(baseline_rate: float, minimum_effect: float, *, alpha: float = 0.05,
                      power: float = 0.8) -> float:
    """People per arm (unrounded) for a two-sided two-proportion test to find the change
    from ``baseline_rate`` to ``baseline_rate + minimum_effect`` with ``power`` (the normal
    approximation on Cohen's h, both tails, as statsmodels' ``NormalIndPower``).

    Raises:
        ValueError: rates outside (0, 1), no effect, alpha or power out of range.
    """
    target = baseline_rate + minimum_effect
    if not (0 < baseline_rate < 1 and 0 <= target <= 1 and minimum_effect != 0):
        raise ValueError("baseline in (0, 1), a non-zero effect keeping the rate within [0, 1]")
    if not (0 < alpha < 0.5 and 0.5 < power < 1):
        raise ValueError("alpha in (0, 0.5), power in (0.5, 1)")
    effect = cohens_h(target, baseline_rate)
    guess = 2 * ((stats.norm.isf(alpha / 2) + stats.norm.isf(1 - power)) / effect) ** 2
    return optimize.brentq(lambda n: _two_sided_power(effect, n, alpha) - power,
                           max(guess / 4, 1e-9), guess * 4 + 10, xtol=1e-12, rtol=1e-15)


def planned_sample_size(baseline_rate: float, minimum_effect: float, *, alpha: float = 0.05,
                        power: float = 0.8, comparisons: int = 1) -> int:
    """``exact_sample_size`` rounded up, at alpha / ``comparisons`` (Bonferroni: with several
    arms against the baseline the plan keeps its power under the Holm adjustment)."""
    return math.ceil(exact_sample_size(baseline_rate, minimum_effect,
                                       alpha=alpha / max(1, comparisons), power=power) - 1e-9)


def obrien_fleming_alpha(fraction: float, alpha: float = 0.05) -> float:
    """The alpha spent by information fraction t under the Lan–DeMets O'Brien–Fleming
    spending function: 2 − 2Φ(z₁₋α/₂ / √t); equals alpha at t ≥ 1, ~0 early on."""
    if fraction <= 0:
        return 0.0
    if fraction >= 1:
        return alpha
    return float(2 * stats.norm.sf(stats.norm.isf(alpha / 2) / math.sqrt(fraction)))


@dataclass(frozen=True)
class Verdict:
    """What may be concluded now. ``threshold`` is the alpha the adjusted p-values are
    held to (None: no verdict yet); ``fraction`` the smallest arm over the plan."""

    may_conclude: bool
    threshold: float | None
    fraction: float
    correction: str  # "none", "obrien_fleming" or "wait"


def verdict_rule(smallest_arm: int, planned: int | None, *, alpha: float,
                 is_stopped: bool) -> Verdict:
    """The peeking rule: a verdict at alpha once every arm reached the planned sample; a
    test stopped before that is judged at the O'Brien–Fleming alpha of the fraction it
    reached (one look); a running test short of the plan gets no verdict."""
    fraction = smallest_arm / planned if planned else 0.0
    if planned and smallest_arm >= planned:
        return Verdict(True, alpha, fraction, "none")
    if is_stopped and planned:
        return Verdict(True, obrien_fleming_alpha(fraction, alpha), fraction, "obrien_fleming")
    return Verdict(False, None, fraction, "wait")


def assignment_point(experiment_code: str, customer_id: int) -> float:
    """A stable point in [0, 1) for (experiment, customer): the first 8 bytes of
    SHA-256("code:id") over 2⁶⁴. Independent between experiments."""
    digest = hashlib.sha256(f"{experiment_code}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def arm_index(point: float, shares: Sequence[Decimal]) -> int:
    """The arm whose cumulative share interval holds ``point`` (the last arm takes any
    rounding left over at the top)."""
    cumulative = Decimal(0)
    for index, share in enumerate(shares):
        cumulative += Decimal(share)
        if Decimal(point) < cumulative:
            return index
    return len(shares) - 1


def money(value: float | None) -> Decimal | None:
    """A money figure of the statistics (floats) back to Decimal cents for display."""
    if value is None or not math.isfinite(value):
        return None
    return Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
