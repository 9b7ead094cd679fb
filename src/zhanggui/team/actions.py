"""Writes of the team: targets (set, change, delete, copy to the next period) and reviews
(write, finalise). Each is logged in the operation log; each refusal is a ``DomainError``."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.accounts.queries import staff_roles
from zhanggui.catalog.models import Category
from zhanggui.channels.models import Channel, Platform
from zhanggui.core.errors import InvalidInput
from zhanggui.team import errors, queries
from zhanggui.team.kpis import KPIS, Kpi
from zhanggui.team.models import KpiScope, KpiTarget, PerformanceReview, ReviewStatus

TARGET_FIELDS = ("staff_id", "kpi", "scope_kind", "scope_value", "period_start", "period_end",
                 "target_value", "note")


def _state(obj, fields) -> dict:
    return {name: str(getattr(obj, name)) for name in fields}


def _check_scope(kpi: Kpi, scope_kind: str, scope_value: str) -> None:
    if scope_kind not in kpi.scopes:
        raise errors.ScopeNotAccepted(kpi=kpi.code, problem=scope_kind or "shop")
    if scope_kind == KpiScope.SHOP:
        if scope_value:
            raise errors.ScopeNotAccepted(kpi=kpi.code, problem=scope_value)
    elif scope_kind == KpiScope.CATEGORY:
        if not scope_value.isdigit() or not Category.objects.filter(pk=int(scope_value)).exists():
            raise errors.ScopeNotAccepted(kpi=kpi.code, problem=scope_value)
    elif scope_value not in Platform.values and not Channel.objects.filter(code=scope_value).exists():
        raise errors.ScopeNotAccepted(kpi=kpi.code, problem=scope_value)


def _check_value(kpi: Kpi, value: Decimal) -> None:
    if value <= 0 or (kpi.unit == "rate" and value > 1) or (kpi.unit == "score" and value > 100):
        raise errors.TargetValueInvalid()


def _validate(staff: Staff, code: str, scope_kind: str, scope_value: str, start: date, end: date,
              value: Decimal) -> None:
    kpi = KPIS.get(code)
    if kpi is None:
        raise errors.UnknownKpi(kpi=code)
    _check_scope(kpi, scope_kind, scope_value)
    if end < start:
        raise errors.TargetPeriodInvalid()
    _check_value(kpi, value)
    if not set(staff_roles(staff)) & set(kpi.roles):
        raise errors.RoleDoesNotFit(staff=str(staff), roles=", ".join(str(r) for r in kpi.roles))


@transaction.atomic
def set_target(staff: Staff, *, kpi: str, period_start: date, period_end: date,
               target_value: Decimal, scope_kind: str = "", scope_value: str = "",
               note: str = "", actor: Staff | None) -> KpiTarget:
    """A new target. Refused: unknown KPI, scope the KPI does not accept, period ending before
    it starts, a value out of range, a staff member without a role the KPI is for, the same
    target twice."""
    scope_value = scope_value.strip()
    _validate(staff, kpi, scope_kind, scope_value, period_start, period_end, target_value)
    try:
        with transaction.atomic():
            target = KpiTarget.objects.create(
                staff=staff, kpi=kpi, scope_kind=scope_kind, scope_value=scope_value,
                period_start=period_start, period_end=period_end, target_value=target_value,
                note=note)
    except IntegrityError:
        raise errors.TargetExists() from None
    log_operation(target, action="team.target_set", actor=actor, after=_state(target, TARGET_FIELDS))
    return target


@transaction.atomic
def change_target(target: KpiTarget, *, actor: Staff | None, **changes) -> KpiTarget:
    """Change a target's fields (``TARGET_FIELDS`` but the staff member), validated as new."""
    before = _state(target, TARGET_FIELDS)
    for name, value in changes.items():
        if name not in TARGET_FIELDS or name == "staff_id":
            raise InvalidInput()
        setattr(target, name, value)
    target.scope_value = target.scope_value.strip()
    _validate(target.staff, target.kpi, target.scope_kind, target.scope_value,
              target.period_start, target.period_end, target.target_value)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise errors.TargetExists() from None
    log_operation(target, action="team.target_changed", actor=actor, before=before,
                  after=_state(target, TARGET_FIELDS))
    return target


@transaction.atomic
def delete_target(target: KpiTarget, *, actor: Staff | None) -> None:
    log_operation(target, action="team.target_deleted", actor=actor,
                  before=_state(target, TARGET_FIELDS))
    target.delete()


def next_period(start: date, end: date) -> tuple[date, date]:
    """The period after [start, end]: the next calendar month(s) when it covers whole months,
    else the same number of days right after."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = end + timedelta(days=1)
        last = first
        for _ in range(months):
            last = queries.month_end(last) + timedelta(days=1)
        return first, last - timedelta(days=1)
    length = end - start
    return end + timedelta(days=1), end + timedelta(days=1) + length


@transaction.atomic
def copy_targets(period_start: date, period_end: date, *, actor: Staff | None,
                 staff_id: int | None = None) -> list[KpiTarget]:
    """Copy the targets of [period_start, period_end] (exactly that period) to the next one;
    targets already there are left as they are. Returns the new targets.

    Raises:
        TargetPeriodInvalid: the period ends before it starts, or the next one would end past
            the calendar (year 9999).
    """
    if period_end < period_start:
        raise errors.TargetPeriodInvalid()
    try:
        new_start, new_end = next_period(period_start, period_end)
    except OverflowError as overflow:
        raise errors.TargetPeriodInvalid() from overflow
    source = KpiTarget.objects.filter(period_start=period_start, period_end=period_end)
    if staff_id is not None:
        source = source.filter(staff_id=staff_id)
    existing = set(KpiTarget.objects.filter(period_start=new_start, period_end=new_end)
                   .values_list("staff_id", "kpi", "scope_kind", "scope_value"))
    created = []
    for target in source.select_related("staff"):
        if (target.staff_id, target.kpi, target.scope_kind, target.scope_value) in existing:
            continue
        created.append(set_target(target.staff, kpi=target.kpi, period_start=new_start,
                                  period_end=new_end, target_value=target.target_value,
                                  scope_kind=target.scope_kind, scope_value=target.scope_value,
                                  note=target.note, actor=actor))
    return created


REVIEW_FIELDS = ("staff_id", "period_start", "period_end", "score", "comments", "goals_next",
                 "status")


def _check_review(score: int, comments: str, start: date, end: date) -> None:
    if not 0 <= score <= 100:
        raise errors.ReviewInvalid(problem="score 0–100")
    if not comments.strip():
        raise errors.ReviewInvalid(problem="comments")
    if end < start:
        raise errors.TargetPeriodInvalid()


@transaction.atomic
def write_review(staff: Staff, *, period_start: date, period_end: date, score: int,
                 comments: str, goals_next: str = "", actor: Staff | None,
                 review: PerformanceReview | None = None) -> PerformanceReview:
    """Write a draft review, or change one (``review``). A final review is never changed."""
    _check_review(score, comments, period_start, period_end)
    if review is not None:
        review = PerformanceReview.objects.select_for_update().get(pk=review.pk)
        if review.status == ReviewStatus.FINAL:
            raise errors.ReviewFinal()
        before = _state(review, REVIEW_FIELDS)
    else:
        review, before = PerformanceReview(staff=staff), None
    review.period_start, review.period_end = period_start, period_end
    review.score, review.comments, review.goals_next = score, comments, goals_next
    review.reviewer = actor
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise errors.ReviewExists() from None
    log_operation(review, action="team.review_written", actor=actor, before=before,
                  after=_state(review, REVIEW_FIELDS))
    return review


@transaction.atomic
def finalise_review(review: PerformanceReview, *, actor: Staff | None) -> PerformanceReview:
    """Make the review final, storing the staff member's targets and actuals of its period as
    they stand now (``kpi_snapshot``)."""
    review = PerformanceReview.objects.select_for_update().select_related("staff").get(pk=review.pk)
    if review.status == ReviewStatus.FINAL:
        raise errors.ReviewFinal()
    review.kpi_snapshot = queries.snapshot(review.staff, review.period_start, review.period_end)
    review.status = ReviewStatus.FINAL
    review.reviewer = actor
    review.save()
    log_operation(review, action="team.review_finalised", actor=actor,
                  after={"status": review.status, "kpis": len(review.kpi_snapshot)})
    return review


@transaction.atomic
def delete_review(review: PerformanceReview, *, actor: Staff | None) -> None:
    if review.status == ReviewStatus.FINAL:
        raise errors.ReviewFinal()
    log_operation(review, action="team.review_deleted", actor=actor,
                  before=_state(review, REVIEW_FIELDS))
    review.delete()
