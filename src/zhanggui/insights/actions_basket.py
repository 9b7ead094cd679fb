"""Basket analysis runs: mine the paid baskets of a period (``insights.basket_data``) with the
association-rule miner (``insights.basket``) and store a ``BasketRun`` with its strongest
rules, logged in the operation log. Nothing else is changed."""

import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Category, Product
from zhanggui.core.errors import DomainError
from zhanggui.insights import basket_data
from zhanggui.insights.basket import AssociationRules
from zhanggui.insights.models import AssociationRule, BasketRun

DEFAULT_MIN_SUPPORT = Decimal("0.005")
# Low: bundles are read from the stored rules, and a pair needs one of its two rules kept.
DEFAULT_MIN_CONFIDENCE = Decimal("0.1")
DEFAULT_DAYS = 90
MAX_STORED_RULES = 2000  # the strongest by lift; the run keeps the full counts
MAX_PERIOD_DAYS = 366
LOGGED = ("period_start", "period_end", "category_id", "baskets", "min_support", "min_confidence",
          "itemsets", "rule_count")


class BasketPeriodInvalid(DomainError):
    code = "basket_period_invalid"
    http_status = 422
    default_message = _("The period is not valid: %(problem)s.")


class BasketThresholdInvalid(DomainError):
    code = "basket_threshold_invalid"
    http_status = 422
    default_message = _("Minimum support and confidence must be between 0 and 1.")


class NoBaskets(DomainError):
    code = "basket_no_baskets"
    http_status = 409
    default_message = _("No paid orders in %(start)s … %(end)s: there is nothing to analyse.")


@dataclass(frozen=True)
class RuleRow:
    antecedent: list[int]
    consequent: int
    count: int
    antecedent_count: int
    consequent_count: int


def _decimal(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rule_figures(row: RuleRow, baskets: int) -> dict:
    """support, confidence, lift and leverage of a rule as Decimals, from its exact counts."""
    support = Fraction(row.count, baskets)
    antecedent, consequent = Fraction(row.antecedent_count, baskets), Fraction(row.consequent_count, baskets)
    return {"support": _decimal(support, 6),
            "confidence": _decimal(Fraction(row.count, row.antecedent_count), 6),
            "lift": _decimal(support / (antecedent * consequent), 4),
            "leverage": _decimal(support - antecedent * consequent, 6)}


def _check(period_start: date, period_end: date, min_support, min_confidence) -> None:
    if period_end < period_start:
        raise BasketPeriodInvalid(problem=_("it ends before it starts"))
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise BasketPeriodInvalid(problem=_("it is longer than a year"))
    if not (0 < Decimal(min_support) <= 1 and 0 <= Decimal(min_confidence) <= 1):
        raise BasketThresholdInvalid()


def mine_baskets(period_start: date, period_end: date, category: Category | None = None, *,
                 min_support: Decimal = DEFAULT_MIN_SUPPORT,
                 min_confidence: Decimal = DEFAULT_MIN_CONFIDENCE,
                 actor: Staff | None) -> BasketRun:
    """Mine the paid baskets of [period_start, period_end] (within ``category`` and its
    sub-categories when given) and store the run with its ``MAX_STORED_RULES`` strongest
    rules by lift.

    Raises:
        BasketPeriodInvalid: the period ends before it starts or is longer than a year.
        BasketThresholdInvalid: a threshold outside (0, 1] (support) or [0, 1] (confidence).
        NoBaskets: no paid order in the period (nothing is stored).
        WarehouseEmpty: the warehouse has not been built.
    """
    min_support, min_confidence = Decimal(min_support), Decimal(min_confidence)
    _check(period_start, period_end, min_support, min_confidence)
    started = time.perf_counter()
    baskets = basket_data.paid_baskets(period_start, period_end,
                                       category.pk if category is not None else None)
    if not baskets:
        raise NoBaskets(start=period_start, end=period_end)
    model = AssociationRules(min_support, min_confidence).fit(baskets)
    rows = [RuleRow([model.items[i] for i in antecedent], model.items[consequent], count, a, c)
            for antecedent, consequent, count, a, c in model.rule_tuples]
    return record_basket_run(
        period_start=period_start, period_end=period_end, category=category, baskets=len(baskets),
        min_support=min_support, min_confidence=min_confidence, itemsets=len(model.counts),
        rules=rows, seconds=time.perf_counter() - started, actor=actor)


def _strongest(rules: list[RuleRow], baskets: int, limit: int) -> list[tuple[RuleRow, dict]]:
    scored = [(row, rule_figures(row, baskets)) for row in rules]
    scored.sort(key=lambda pair: (-pair[1]["lift"], -pair[0].count, pair[0].antecedent,
                                  pair[0].consequent))
    return scored[:limit]


@transaction.atomic
def record_basket_run(*, period_start: date, period_end: date, category: Category | None,
                      baskets: int, min_support: Decimal, min_confidence: Decimal, itemsets: int,
                      rules: list[RuleRow], seconds: float, actor: Staff | None,
                      limit: int = MAX_STORED_RULES) -> BasketRun:
    """Store one run and its ``limit`` strongest rules (of products that still exist);
    ``rule_count`` is the number of rules found, stored or not."""
    products = {rule.consequent for rule in rules} | {p for rule in rules for p in rule.antecedent}
    known = set(Product.objects.filter(pk__in=products).values_list("pk", flat=True))
    rules = [r for r in rules if r.consequent in known and set(r.antecedent) <= known]
    run = BasketRun.objects.create(
        computed_at=timezone.now(), period_start=period_start, period_end=period_end,
        category=category, baskets=baskets, min_support=min_support, min_confidence=min_confidence,
        itemsets=itemsets, rule_count=len(rules), seconds=round(seconds, 3), actor=actor)
    AssociationRule.objects.bulk_create(
        [AssociationRule(run=run, antecedent=sorted(row.antecedent), consequent_id=row.consequent,
                         size=len(row.antecedent) + 1, baskets=row.count, **figures)
         for row, figures in _strongest(rules, baskets, limit)], batch_size=1000)
    log_operation(run, action="insights.mine_baskets", actor=actor, after=snapshot(run, LOGGED))
    return run


def latest_run(category: Category | None = None) -> BasketRun | None:
    """The most recent run shop-wide (or within ``category``)."""
    return BasketRun.objects.filter(category=category).order_by("-computed_at", "-pk").first()


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last ``DEFAULT_DAYS`` full days, ending yesterday."""
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS), today - timedelta(days=1)
