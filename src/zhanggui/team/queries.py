"""Reads of the team's KPIs, computed on top: each target with its actual from the metric
registry, attainment and status (``team.rules``), per staff member or for the whole team.

Batched: the targets are grouped by KPI × scope, and each group is one registry query over
the distinct periods of its targets, grouped by the KPI's staff dimension (every agent's
CSAT in one query, not one per agent); all of them run at once (``engine.compute_many``).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Q, QuerySet

from zhanggui.accounts.models import Staff
from zhanggui.analytics import engine, reader
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.rules import Period
from zhanggui.catalog.models import Category, ListingStatus
from zhanggui.core.errors import NotFound
from zhanggui.core.timeutil import shop_today
from zhanggui.listing.models import ProductScore
from zhanggui.team import rules
from zhanggui.team.kpis import KPIS, LISTING_SCORE, Kpi
from zhanggui.team.models import KpiScope, KpiTarget, PerformanceReview

PERIOD_CHOICES = ("this_month", "last_month", "this_quarter")
WAREHOUSE_TABLES = {"parcel_work", "pack_scans"}  # those the staff KPIs need


def period_range(name: str, today: date | None = None) -> tuple[date, date]:
    """First and last day of ``this_month``, ``last_month`` or ``this_quarter``."""
    today = today or shop_today()
    month_start = today.replace(day=1)
    if name == "last_month":
        end = month_start - timedelta(days=1)
        return end.replace(day=1), end
    if name == "this_quarter":
        start = month_start.replace(month=(today.month - 1) // 3 * 3 + 1)
        return start, month_end(start.replace(month=start.month + 2))
    return month_start, month_end(month_start)


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@dataclass
class TargetFigures:
    target: KpiTarget
    kpi: Kpi
    actual: Decimal | None
    expected: Decimal
    attainment: Decimal | None
    elapsed: Decimal
    status: str

    @property
    def bar_percent(self) -> int:
        """The bar's width: attainment in percent, 0–100."""
        return int(min(self.attainment or 0, Decimal(1)) * 100)

    @property
    def needs_attention(self) -> bool:
        return self.status in (rules.BEHIND, rules.MISSED)

    def as_dict(self) -> dict:
        t = self.target
        return {"target_id": t.pk, "staff_id": t.staff_id, "kpi": t.kpi, "unit": self.kpi.unit,
                "direction": self.kpi.direction, "scope_kind": t.scope_kind,
                "scope_value": t.scope_value, "period_start": t.period_start.isoformat(),
                "period_end": t.period_end.isoformat(), "target": str(t.target_value),
                "actual": None if self.actual is None else str(self.actual),
                "expected": str(self.expected),
                "attainment": None if self.attainment is None else str(self.attainment),
                "status": self.status}


def _period(target: KpiTarget) -> Period:
    # Registry periods are half-open; a target's "to" day is included.
    return Period(f"p{target.period_start:%Y%m%d}_{target.period_end:%Y%m%d}",
                  target.period_start, target.period_end + timedelta(days=1))


def _filters(target: KpiTarget) -> Filters:
    if target.scope_kind == KpiScope.CATEGORY:
        return Filters(category_id=int(target.scope_value))
    if target.scope_kind == KpiScope.CHANNEL:
        return Filters(channel=target.scope_value)
    return Filters()


def _category_subtree(category_id: int) -> list[int]:
    ids, frontier = [category_id], [category_id]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids += frontier
    return ids


def _listing_quality(target: KpiTarget) -> Decimal | None:
    scores = ProductScore.objects.exclude(product__status=ListingStatus.DELISTED)
    if target.scope_kind == KpiScope.CATEGORY:
        scores = scores.filter(product__category_id__in=_category_subtree(int(target.scope_value)))
    average = scores.aggregate(value=Avg("score"))["value"]
    return None if average is None else Decimal(str(average)).quantize(Decimal("0.1"))


def _warehouse_ready() -> bool:
    """Whether the warehouse is built, with the staff tables (a warehouse built before them
    gains them at its next refresh)."""
    try:
        return reader.tables() >= WAREHOUSE_TABLES
    except WarehouseEmpty:
        return False


def actuals(targets: list[KpiTarget]) -> dict[int, Decimal | None]:
    """Each target's actual (None: nothing to measure, or the warehouse not built yet)."""
    groups: dict[tuple, list[KpiTarget]] = defaultdict(list)
    found: dict[int, Decimal | None] = {}
    for target in targets:
        kpi = KPIS.get(target.kpi)
        if kpi is None:
            found[target.pk] = None
        elif kpi.metric == LISTING_SCORE:
            found[target.pk] = _listing_quality(target)
        else:
            groups[(target.kpi, target.scope_kind, target.scope_value)].append(target)
    if groups and _warehouse_ready():
        found.update(_registry_actuals(groups))
    return {t.pk: found.get(t.pk) for t in targets}


def _registry_actuals(groups: dict[tuple, list[KpiTarget]]) -> dict[int, Decimal | None]:
    """One registry query per KPI × scope over its targets' periods, all run at once."""
    plans = []
    for (code, scope_kind, _value), items in groups.items():
        kpi = KPIS[code]
        metric = kpi.metric_for(scope_kind)
        periods = list({_period(t).label: _period(t) for t in items}.values())
        codes = [metric, *([kpi.counted_by] if kpi.counted_by else [])]
        plans.append((kpi, metric, items, engine.query(codes, periods, _filters(items[0]),
                                                       kpi.staff_dimension or None)))
    found: dict[int, Decimal | None] = {}
    results = engine.compute_many([plan[-1] for plan in plans])
    for (kpi, metric, items, _query), result in zip(plans, results, strict=True):
        for target in items:
            values = result.get(_period(target).label, {})
            if kpi.staff_dimension:
                values = values.get(target.staff_id, {})
            counted = not kpi.counted_by or values.get(kpi.counted_by)
            found[target.pk] = rules.to_decimal(values.get(metric)) if counted else None
    return found


def figures(targets: list[KpiTarget], today: date | None = None) -> list[TargetFigures]:
    today = today or shop_today()
    values = actuals(targets)
    rows = []
    for target in targets:
        kpi = KPIS[target.kpi]
        share = rules.elapsed_share(target.period_start, target.period_end, today)
        actual = values.get(target.pk)
        rows.append(TargetFigures(
            target=target, kpi=kpi, actual=actual, elapsed=share,
            expected=rules.expected(target.target_value, share, cumulative=kpi.cumulative),
            attainment=rules.attainment(actual, target.target_value,
                                        lower_is_better=kpi.lower_is_better),
            status=rules.status(actual, target.target_value, share, cumulative=kpi.cumulative,
                                lower_is_better=kpi.lower_is_better)))
    return rows


def list_targets(*, staff_id: int | None = None, start: date | None = None,
                 end: date | None = None, kpi: str | None = None) -> QuerySet[KpiTarget]:
    """Targets, those overlapping [start, end] when given."""
    qs = KpiTarget.objects.select_related("staff").filter(kpi__in=list(KPIS))
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    if start is not None:
        qs = qs.filter(period_end__gte=start)
    if end is not None:
        qs = qs.filter(period_start__lte=end)
    if kpi:
        qs = qs.filter(kpi=kpi)
    return qs.order_by("staff__username", "kpi", "period_start", "id")


def get_target(target_id: int) -> KpiTarget:
    try:
        return KpiTarget.objects.select_related("staff").get(pk=target_id)
    except KpiTarget.DoesNotExist:
        raise NotFound() from None


def my_numbers(staff: Staff, today: date | None = None) -> list[TargetFigures]:
    """The staff member's own targets whose period holds today."""
    today = today or shop_today()
    return figures(list(list_targets(staff_id=staff.pk, start=today, end=today)), today)


@dataclass
class StaffFigures:
    staff: Staff
    rows: list[TargetFigures]

    @property
    def behind(self) -> int:
        return sum(row.needs_attention for row in self.rows)


def dashboard(start: date, end: date, today: date | None = None) -> list[StaffFigures]:
    """Per staff member with targets overlapping [start, end]: targets vs actuals."""
    rows = figures(list(list_targets(start=start, end=end)), today)
    by_staff: dict[int, StaffFigures] = {}
    for row in rows:
        by_staff.setdefault(row.target.staff_id, StaffFigures(row.target.staff, [])).rows.append(row)
    return list(by_staff.values())


def snapshot(staff: Staff, start: date, end: date, today: date | None = None) -> list[dict]:
    """The staff member's targets of [start, end] with their actuals, as stored in a review."""
    return [row.as_dict() for row in figures(list(list_targets(staff_id=staff.pk, start=start,
                                                               end=end)), today)]


def list_reviews(*, staff_id: int | None = None, status: str | None = None) -> QuerySet[PerformanceReview]:
    qs = PerformanceReview.objects.select_related("staff", "reviewer")
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period_start", "staff__username", "id")


def get_review(review_id: int) -> PerformanceReview:
    try:
        return PerformanceReview.objects.select_related("staff", "reviewer").get(pk=review_id)
    except PerformanceReview.DoesNotExist:
        raise NotFound() from None


def has_current_targets(staff: Staff, today: date | None = None) -> bool:
    today = today or shop_today()
    return KpiTarget.objects.filter(Q(staff=staff), period_start__lte=today, period_end__gte=today,
                                    kpi__in=list(KPIS)).exists()
