"""Anomalies API: the KPI anomalies found (list, filtered by day, metric and grain; one with
its drill-down and task). Money and rates as decimal strings; rates are fractions.
Perm ``insights.view_anomaly``."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.errors import NotFound
from zhanggui.core.schemas import ERRORS, BoundedPagination, Day, Id
from zhanggui.insights.anomaly_impact import FORMULAS
from zhanggui.insights.models import Anomaly, AnomalyGrain

router = Router()


class AnomalyNotFound(NotFound):
    code = "anomaly_not_found"
    default_message = _("There is no such anomaly.")


class AnomalyFilterIn(Schema):
    day: Day | None = None
    metric: str | None = None
    grain: AnomalyGrain | None = None


class AnomalyOut(Schema):
    id: int
    metric: str
    grain: str
    period_start: datetime
    scope: dict
    scope_key: str
    actual: Decimal
    expected: Decimal
    lower: Decimal
    upper: Decimal
    direction: str
    score: Decimal
    impact_amount: Decimal
    impact_formula: str
    dimension: str
    dimension_value: str
    dimension_label: str
    explained_share: Decimal | None
    task_id: int | None
    detected_at: datetime

    @staticmethod
    def resolve_impact_formula(obj) -> str:
        return str(FORMULAS.get(obj.metric, ""))


class AnomalyDrilldownRowOut(Schema):
    value: str
    label: str
    actual: Decimal | None
    expected: Decimal | None
    deviation: Decimal | None
    share: Decimal | None
    volume: Decimal | None


class AnomalyDrilldownOut(Schema):
    dimension: str
    share: Decimal | None
    rows: list[AnomalyDrilldownRowOut]


class AnomalyDetailOut(AnomalyOut):
    drilldown: list[AnomalyDrilldownOut]


@router.get("/anomalies", response={200: list[AnomalyOut], **ERRORS})
@paginate(BoundedPagination)
def list_anomalies(request, filters: Query[AnomalyFilterIn]):
    """The anomalies found, newest period first, then by impact (optionally of one shop
    ``day``, one ``metric`` — a metric registry code — or one ``grain``, day or hour)."""
    require_perm(request, "insights.view_anomaly")
    rows = Anomaly.objects.all()
    if filters.day is not None:
        start = timezone.make_aware(datetime.combine(filters.day, datetime.min.time()))
        rows = rows.filter(period_start__gte=start, period_start__lt=start + timedelta(days=1))
    if filters.metric:
        rows = rows.filter(metric=filters.metric)
    if filters.grain:
        rows = rows.filter(grain=filters.grain)
    return rows.order_by("-period_start", "-impact_amount", "id")


@router.get("/anomalies/{anomaly_id}", response={200: AnomalyDetailOut, **ERRORS})
def get_anomaly(request, anomaly_id: Id):
    """One anomaly with its drill-down tables (the explaining dimension first)."""
    require_perm(request, "insights.view_anomaly")
    anomaly = Anomaly.objects.filter(pk=anomaly_id).first()
    if anomaly is None:
        raise AnomalyNotFound()
    return anomaly

