"""Briefing API: the latest daily briefing and the briefing of a day, as JSON (money and
rates as decimal strings; rates are fractions). Perm ``insights.view_briefing``."""

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.errors import InvalidInput, NotFound
from zhanggui.core.schemas import ERRORS
from zhanggui.insights.models import Briefing

router = Router()


class BriefingNotFound(NotFound):
    code = "briefing_not_found"
    default_message = _("There is no daily briefing for that day.")


class BriefingDayInvalid(InvalidInput):
    code = "briefing_day_invalid"
    default_message = _("Give the day as YYYY-MM-DD.")


class BriefingComparisonOut(Schema):
    value: Decimal | None
    change: Decimal | None


class BriefingKpiOut(Schema):
    code: str
    name: str
    unit: str
    formula: str
    value: Decimal | None
    previous_day: BriefingComparisonOut
    last_week: BriefingComparisonOut
    last_year: BriefingComparisonOut


class BriefingCauseOut(Schema):
    anomaly_id: int
    metric: str
    grain: str
    period_start: datetime
    direction: str
    actual: Decimal
    expected: Decimal
    lower: Decimal
    upper: Decimal
    impact_amount: Decimal
    dimension: str
    dimension_value: str
    dimension_label: str
    explained_share: Decimal | None
    url: str


class BriefingActionOut(Schema):
    rank: int
    kind: str
    title: str
    reason: str
    impact_amount: Decimal
    impact_formula: str
    url: str
    metric: str


class BriefingOut(Schema):
    day: date
    generated_at: datetime
    emailed_at: datetime | None
    kpis: list[BriefingKpiOut]
    causes: list[BriefingCauseOut]
    actions: list[BriefingActionOut]

    @staticmethod
    def resolve_actions(obj) -> list:
        return list(obj.actions.all())


def _one(briefings) -> Briefing:
    briefing = briefings.prefetch_related("actions").first()
    if briefing is None:
        raise BriefingNotFound()
    return briefing


@router.get("/briefings/latest", response={200: BriefingOut, **ERRORS})
def latest_briefing(request):
    """The briefing of the latest day (404 ``briefing_not_found`` before the first one)."""
    require_perm(request, "insights.view_briefing")
    return _one(Briefing.objects.order_by("-day"))


@router.get("/briefings/{day}", response={200: BriefingOut, **ERRORS})
def day_briefing(request, day: str):
    """The briefing of ``day`` (the day it reports on, YYYY-MM-DD; 422 ``briefing_day_invalid``
    otherwise). The permission is checked before the day is read: a caller without it learns
    nothing from the answer."""
    require_perm(request, "insights.view_briefing")
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise BriefingDayInvalid() from None
    return _one(Briefing.objects.filter(day=wanted))
