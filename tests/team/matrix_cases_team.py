"""Setups of the permission matrix's rows for the team API (``/api/v1/team``): an operator
with a GMV target of this month, a draft review of last month."""

from datetime import timedelta
from decimal import Decimal

from tests import factories
from tests.api.case import Case
from zhanggui.core.timeutil import shop_today
from zhanggui.team import actions, queries
from zhanggui.team.models import KpiTarget, PerformanceReview


def _operator_target():
    operator = factories.make_staff("operator")
    start, end = queries.period_range("this_month")
    return operator, actions.set_target(operator, kpi="gmv", period_start=start, period_end=end,
                                        target_value=Decimal("5000"), actor=None)


def _draft_review():
    operator = factories.make_staff("operator")
    start, end = queries.period_range("last_month")
    return actions.write_review(operator, period_start=start, period_end=end, score=70,
                                comments="稳定", actor=None)


def my_numbers() -> Case:
    # The caller sees only their own targets: an operator's target is not in anyone else's list.
    _operator_target()
    return Case(check=lambda data, staff: data == [] or all(r["staff_id"] == staff.pk for r in data))


def kpis() -> Case:
    return Case(check=lambda data, staff: "gmv" in {k["code"] for k in data})


def dashboard() -> Case:
    operator, _target = _operator_target()
    return Case(query={"period": "this_month"}, check=lambda data, staff: [
        s["staff_id"] for s in data["staff"]] == [operator.pk])


def list_targets() -> Case:
    _operator, target = _operator_target()
    return Case(check=lambda data, staff: [i["id"] for i in data["items"]] == [target.pk])


def create_target() -> Case:
    operator = factories.make_staff("operator")
    start, end = queries.period_range("this_month")
    return Case(body={"staff_id": operator.pk, "kpi": "gmv", "scope_kind": "channel",
                      "scope_value": "jd", "period_start": start.isoformat(),
                      "period_end": end.isoformat(), "target_value": "8000"},
                check=lambda data, staff: KpiTarget.objects.get(pk=data["id"]).scope_value == "jd")


def copy_targets() -> Case:
    _operator, target = _operator_target()
    return Case(body={"period_start": target.period_start.isoformat(),
                      "period_end": target.period_end.isoformat()},
                check=lambda data, staff: len(data) == 1 and KpiTarget.objects.count() == 2)


def get_target() -> Case:
    _operator, target = _operator_target()
    return Case(path={"target_id": target.pk}, target=target,
                check=lambda data, staff: data["target"] == "5000.0000" and data["kpi"] == "gmv")


def change_target() -> Case:
    _operator, target = _operator_target()
    return Case(path={"target_id": target.pk}, body={"target_value": "6000"}, target=target,
                check=lambda data, staff: KpiTarget.objects.get(pk=target.pk).target_value == Decimal(6000))


def delete_target() -> Case:
    _operator, target = _operator_target()
    return Case(path={"target_id": target.pk}, target=target,
                check=lambda data, staff: not KpiTarget.objects.filter(pk=target.pk).exists())


def list_reviews() -> Case:
    review = _draft_review()
    return Case(check=lambda data, staff: [i["id"] for i in data["items"]] == [review.pk])


def create_review() -> Case:
    operator = factories.make_staff("operator")
    day = shop_today() - timedelta(days=40)
    return Case(body={"staff_id": operator.pk, "period_start": day.isoformat(),
                      "period_end": day.isoformat(), "score": 88, "comments": "很好"},
                check=lambda data, staff: PerformanceReview.objects.get(pk=data["id"]).reviewer == staff)


def get_review() -> Case:
    review = _draft_review()
    return Case(path={"review_id": review.pk}, target=review,
                check=lambda data, staff: data["score"] == 70)


def change_review() -> Case:
    review = _draft_review()
    return Case(path={"review_id": review.pk}, body={"score": 75}, target=review,
                check=lambda data, staff: PerformanceReview.objects.get(pk=review.pk).score == 75)


def finalise_review() -> Case:
    review = _draft_review()
    return Case(path={"review_id": review.pk}, target=review,
                check=lambda data, staff: PerformanceReview.objects.get(pk=review.pk).status == "final")
