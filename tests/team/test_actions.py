"""Setting targets and writing reviews: validation, copying, finalising, the operation log."""

from datetime import date
from decimal import Decimal

import pytest

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.team import actions, errors
from zhanggui.team.models import KpiTarget, PerformanceReview

NOV = {"period_start": date(2026, 11, 1), "period_end": date(2026, 11, 30)}


@pytest.fixture
def operator(db):
    return factories.make_staff("operator")


@pytest.fixture
def owner(db):
    return factories.make_staff("owner")


def test_a_target_is_set_and_logged(operator, owner):
    category = factories.make_category()
    target = actions.set_target(operator, kpi="gmv", scope_kind="category",
                                scope_value=str(category.pk), target_value=Decimal("5000"),
                                actor=owner, **NOV)
    log = OperationLog.objects.get(action="team.target_set")
    assert (log.actor, log.object_id) == (owner, str(target.pk))


@pytest.mark.parametrize(("fields", "error"), [
    ({"kpi": "nope"}, errors.UnknownKpi),
    ({"kpi": "gmv", "scope_kind": "category", "scope_value": "999999"}, errors.ScopeNotAccepted),
    ({"kpi": "gmv", "scope_kind": "channel", "scope_value": "mars"}, errors.ScopeNotAccepted),
    ({"kpi": "gmv", "scope_value": "own"}, errors.ScopeNotAccepted),
    ({"kpi": "csat", "target_value": Decimal("0.9")}, errors.RoleDoesNotFit),  # not an agent
    ({"kpi": "gmv", "target_value": Decimal(0)}, errors.TargetValueInvalid),
    ({"kpi": "gmv", "period_end": date(2026, 10, 31)}, errors.TargetPeriodInvalid),
])
def test_bad_targets_are_refused_and_nothing_is_written(operator, fields, error):
    values = {"kpi": "gmv", "target_value": Decimal("100"), **NOV, **fields}
    with pytest.raises(error):
        actions.set_target(operator, actor=None, **values)
    assert not KpiTarget.objects.exists()
    assert not OperationLog.objects.filter(action__startswith="team.").exists()


def test_a_rate_target_above_one_is_refused(db):
    agent = factories.make_staff("service")
    with pytest.raises(errors.TargetValueInvalid):
        actions.set_target(agent, kpi="csat", target_value=Decimal("95"), actor=None, **NOV)


def test_the_same_target_twice_is_a_conflict(operator):
    actions.set_target(operator, kpi="gmv", target_value=Decimal("100"), actor=None, **NOV)
    with pytest.raises(errors.TargetExists):
        actions.set_target(operator, kpi="gmv", target_value=Decimal("200"), actor=None, **NOV)


def test_change_and_delete(operator, owner):
    target = actions.set_target(operator, kpi="gmv", target_value=Decimal("100"), actor=None, **NOV)
    actions.change_target(target, target_value=Decimal("150"), actor=owner)
    assert KpiTarget.objects.get().target_value == Decimal("150")
    with pytest.raises(errors.ScopeNotAccepted):
        actions.change_target(target, scope_kind="channel", scope_value="mars", actor=owner)
    assert KpiTarget.objects.get().scope_kind == ""
    actions.delete_target(KpiTarget.objects.get(), actor=owner)
    assert not KpiTarget.objects.exists()
    assert OperationLog.objects.filter(action="team.target_deleted").count() == 1


def test_copy_to_the_next_period(operator, owner):
    actions.set_target(operator, kpi="gmv", target_value=Decimal("100"), actor=None, **NOV)
    actions.set_target(operator, kpi="gmv", scope_kind="channel", scope_value="jd",
                       target_value=Decimal("30"), actor=None, **NOV)
    copied = actions.copy_targets(NOV["period_start"], NOV["period_end"], actor=owner)
    assert {(t.period_start, t.period_end) for t in copied} == {(date(2026, 12, 1), date(2026, 12, 31))}
    assert len(copied) == 2
    assert actions.copy_targets(NOV["period_start"], NOV["period_end"], actor=owner) == []


@pytest.mark.parametrize("start, end", [(date(6420, 4, 20), date(3062, 10, 8)),
                                        (date(1000, 1, 1), date(9999, 6, 30))])
def test_copying_a_backwards_or_endless_period_is_refused(owner, start, end):
    with pytest.raises(errors.TargetPeriodInvalid):
        actions.copy_targets(start, end, actor=owner)


def test_next_period():
    assert actions.next_period(date(2026, 1, 1), date(2026, 1, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert actions.next_period(date(2026, 10, 1), date(2026, 12, 31)) == (date(2027, 1, 1), date(2027, 3, 31))
    week = actions.next_period(date(2026, 11, 3), date(2026, 11, 9))
    assert week == (date(2026, 11, 10), date(2026, 11, 16))


def test_a_review_is_written_finalised_and_then_frozen(operator, owner, warehouse_dir):
    actions.set_target(operator, kpi="gmv", target_value=Decimal("100"), actor=None, **NOV)
    review = actions.write_review(operator, score=82, comments="稳定", goals_next="提升转化",
                                  actor=owner, **NOV)
    review = actions.write_review(operator, score=85, comments="稳定增长", actor=owner,
                                  review=review, **NOV)
    final = actions.finalise_review(review, actor=owner)
    assert final.status == "final" and final.score == 85
    assert [(k["kpi"], k["target"]) for k in final.kpi_snapshot] == [("gmv", "100.0000")]
    with pytest.raises(errors.ReviewFinal):
        actions.write_review(operator, score=10, comments="x", actor=owner, review=final, **NOV)
    with pytest.raises(errors.ReviewFinal):
        actions.finalise_review(final, actor=owner)
    with pytest.raises(errors.ReviewFinal):
        actions.delete_review(final, actor=owner)
    assert PerformanceReview.objects.get().score == 85
    assert OperationLog.objects.filter(action="team.review_finalised").count() == 1


@pytest.mark.parametrize(("score", "comments"), [(101, "ok"), (-1, "ok"), (50, "  ")])
def test_bad_reviews_are_refused(operator, score, comments):
    with pytest.raises(errors.ReviewInvalid):
        actions.write_review(operator, score=score, comments=comments, actor=None, **NOV)
    assert not PerformanceReview.objects.exists()


def test_one_review_per_period(operator):
    actions.write_review(operator, score=80, comments="ok", actor=None, **NOV)
    with pytest.raises(errors.ReviewExists):
        actions.write_review(operator, score=70, comments="again", actor=None, **NOV)
