"""The team API. Thin: ``require_perm`` first, then one action or query.

- ``GET /me/numbers``: the caller's own targets of today with their actuals (any staff).
- ``/kpis``, ``/targets`` (CRUD, ``/targets/copy``), ``/dashboard``: the owner's (the team
  permissions, held by the owner alone).
- ``/reviews`` (write, change, finalise).
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.accounts.queries import get_staff
from zhanggui.core.schemas import ERRORS, BoundedPagination, Day, Id
from zhanggui.team import actions, queries
from zhanggui.team.kpis import KPIS
from zhanggui.team.models import KpiScope

router = Router()
Scope = Literal["", "category", "channel"]


class KpiOut(Schema):
    code: str
    label: str
    unit: str
    direction: str
    roles: list[str]
    scopes: list[str]
    formula: str
    cumulative: bool


class FigureOut(Schema):
    target_id: int
    staff_id: int
    kpi: str
    kpi_label: str
    unit: str
    direction: str
    scope_kind: str
    scope_value: str
    period_start: date
    period_end: date
    target: Decimal
    actual: Decimal | None = Field(None, description="null: nothing measured yet")
    expected: Decimal = Field(description="what the target asks by today")
    attainment: Decimal | None = Field(None, description="fraction, capped at 2")
    status: str = Field(description="not_started, no_data, on_track, behind, met, missed")


def _figure(row: queries.TargetFigures) -> dict:
    t = row.target
    return {"target_id": t.pk, "staff_id": t.staff_id, "kpi": t.kpi, "kpi_label": str(row.kpi.label),
            "unit": row.kpi.unit, "direction": row.kpi.direction, "scope_kind": t.scope_kind,
            "scope_value": t.scope_value, "period_start": t.period_start,
            "period_end": t.period_end, "target": t.target_value, "actual": row.actual,
            "expected": row.expected, "attainment": row.attainment, "status": row.status}


class StaffFiguresOut(Schema):
    staff_id: int
    name: str
    behind: int
    targets: list[FigureOut]


class DashboardOut(Schema):
    period_start: date
    period_end: date
    staff: list[StaffFiguresOut]


class TargetOut(Schema):
    id: int
    staff_id: int
    kpi: str
    scope_kind: str
    scope_value: str
    period_start: date
    period_end: date
    target_value: Decimal
    note: str


class TargetIn(Schema):
    staff_id: Id
    kpi: str = Field(max_length=40)
    scope_kind: Scope = ""
    scope_value: str = Field("", max_length=40)
    period_start: Day
    period_end: Day
    target_value: Decimal = Field(max_digits=14, decimal_places=4)
    note: str = Field("", max_length=200)


class TargetPatchIn(Schema):
    kpi: str | None = Field(None, max_length=40)
    scope_kind: Scope | None = None
    scope_value: str | None = Field(None, max_length=40)
    period_start: Day | None = None
    period_end: Day | None = None
    target_value: Decimal | None = Field(None, max_digits=14, decimal_places=4)
    note: str | None = Field(None, max_length=200)


class CopyIn(Schema):
    period_start: Day
    period_end: Day
    staff_id: Id | None = None


class ReviewOut(Schema):
    id: int
    staff_id: int
    period_start: date
    period_end: date
    score: int
    comments: str
    goals_next: str
    status: str
    reviewer_id: int | None
    kpi_snapshot: list


class ReviewIn(Schema):
    staff_id: Id
    period_start: Day
    period_end: Day
    score: int = Field(ge=0, le=100)
    comments: str = Field(min_length=1, max_length=5000)
    goals_next: str = Field("", max_length=5000)


class ReviewPatchIn(Schema):
    period_start: Day | None = None
    period_end: Day | None = None
    score: int | None = Field(None, ge=0, le=100)
    comments: str | None = Field(None, min_length=1, max_length=5000)
    goals_next: str | None = Field(None, max_length=5000)


class DeletedOut(Schema):
    id: int


@router.get("/me/numbers", response={200: list[FigureOut], **ERRORS})
def my_numbers(request):
    """The caller's own targets whose period holds today, with actuals (any staff member;
    nobody sees another's numbers here)."""
    return [_figure(row) for row in queries.my_numbers(request.user)]


@router.get("/kpis", response={200: list[KpiOut], **ERRORS})
def list_kpis(request):
    """The KPI catalogue: what a target may name, and how its actual is computed."""
    require_perm(request, "team.view_kpitarget")
    return [{"code": k.code, "label": str(k.label), "unit": k.unit, "direction": k.direction,
             "roles": [str(r) for r in k.roles], "scopes": [str(s) for s in k.scopes],
             "formula": k.formula, "cumulative": k.cumulative} for k in KPIS.values()]


@router.get("/dashboard", response={200: DashboardOut, **ERRORS})
def dashboard(request, period: Literal["this_month", "last_month", "this_quarter"] = "this_month"):
    """Per staff member: targets overlapping the period vs their actuals."""
    require_perm(request, "team.view_kpitarget")
    start, end = queries.period_range(period)
    return {"period_start": start, "period_end": end, "staff": [
        {"staff_id": s.staff.pk, "name": str(s.staff), "behind": s.behind,
         "targets": [_figure(row) for row in s.rows]} for s in queries.dashboard(start, end)]}


@router.get("/targets", response={200: list[TargetOut], **ERRORS})
@paginate(BoundedPagination)
def list_targets(request, staff_id: Id | None = None, start: Day | None = None,
                 end: Day | None = None):
    """Targets (those overlapping [start, end] when given), by staff member and KPI."""
    require_perm(request, "team.view_kpitarget")
    return queries.list_targets(staff_id=staff_id, start=start, end=end)


@router.post("/targets", response={201: TargetOut, **ERRORS})
def create_target(request, payload: TargetIn):
    """422 ``kpi_unknown``, ``kpi_scope_not_accepted``, ``kpi_period_invalid``,
    ``kpi_target_invalid``, ``kpi_role_mismatch``; 409 ``kpi_target_exists``."""
    require_perm(request, "team.add_kpitarget")
    staff = get_staff(payload.staff_id)
    data = payload.model_dump(exclude={"staff_id"})
    return Status(201, actions.set_target(staff, actor=request.user, **data))


@router.post("/targets/copy", response={201: list[TargetOut], **ERRORS})
def copy_targets(request, payload: CopyIn):
    """Copy the targets of exactly [period_start, period_end] to the next period."""
    require_perm(request, "team.add_kpitarget")
    return Status(201, actions.copy_targets(payload.period_start, payload.period_end,
                                            staff_id=payload.staff_id, actor=request.user))


@router.get("/targets/{target_id}", response={200: FigureOut, **ERRORS})
def get_target(request, target_id: Id):
    """A target with its actual, attainment and status."""
    require_perm(request, "team.view_kpitarget")
    return _figure(queries.figures([queries.get_target(target_id)])[0])


@router.patch("/targets/{target_id}", response={200: TargetOut, **ERRORS})
def change_target(request, target_id: Id, payload: TargetPatchIn):
    require_perm(request, "team.change_kpitarget")
    target = queries.get_target(target_id)
    changes = payload.model_dump(exclude_none=True)
    if changes.get("scope_kind") == KpiScope.SHOP:
        changes.setdefault("scope_value", "")
    return actions.change_target(target, actor=request.user, **changes)


@router.delete("/targets/{target_id}", response={200: DeletedOut, **ERRORS})
def delete_target(request, target_id: Id):
    require_perm(request, "team.delete_kpitarget")
    target = queries.get_target(target_id)
    actions.delete_target(target, actor=request.user)
    return {"id": target_id}


@router.get("/reviews", response={200: list[ReviewOut], **ERRORS})
@paginate(BoundedPagination)
def list_reviews(request, staff_id: Id | None = None,
                 status: Literal["draft", "final"] | None = None):
    require_perm(request, "team.view_performancereview")
    return queries.list_reviews(staff_id=staff_id, status=status)


@router.post("/reviews", response={201: ReviewOut, **ERRORS})
def create_review(request, payload: ReviewIn):
    """A draft review. 409 ``review_exists`` for a second one of the same period."""
    require_perm(request, "team.add_performancereview")
    staff = get_staff(payload.staff_id)
    return Status(201, actions.write_review(staff, actor=request.user,
                                            **payload.model_dump(exclude={"staff_id"})))


@router.get("/reviews/{review_id}", response={200: ReviewOut, **ERRORS})
def get_review(request, review_id: Id):
    require_perm(request, "team.view_performancereview")
    return queries.get_review(review_id)


@router.patch("/reviews/{review_id}", response={200: ReviewOut, **ERRORS})
def change_review(request, review_id: Id, payload: ReviewPatchIn):
    """409 ``review_final`` once the review is final."""
    require_perm(request, "team.change_performancereview")
    review = queries.get_review(review_id)
    fields = {"period_start": review.period_start, "period_end": review.period_end,
              "score": review.score, "comments": review.comments, "goals_next": review.goals_next,
              **payload.model_dump(exclude_none=True)}
    return actions.write_review(review.staff, review=review, actor=request.user, **fields)


@router.post("/reviews/{review_id}/finalise", response={200: ReviewOut, **ERRORS})
def finalise_review(request, review_id: Id):
    """Make the review final with the staff member's KPIs as they stand (``kpi_snapshot``)."""
    require_perm(request, "team.change_performancereview")
    return actions.finalise_review(queries.get_review(review_id), actor=request.user)
