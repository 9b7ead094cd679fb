"""Targets against actuals from the metric registry, on the team of ``team_factories``."""

from datetime import date
from decimal import Decimal

import pytest

from tests.team.team_factories import build_team
from zhanggui.analytics import engine
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.rules import Period
from zhanggui.team import actions, queries, rules

NOV = (date(2026, 11, 1), date(2026, 11, 30))
AFTER = date(2026, 12, 7)  # November is over


@pytest.fixture
def team(db, warehouse_dir):
    return build_team()


def _target(staff, kpi, value, **scope):
    return actions.set_target(staff, kpi=kpi, period_start=NOV[0], period_end=NOV[1],
                              target_value=Decimal(value), actor=None, **scope)


def _by_kpi(rows):
    return {(row.target.staff_id, row.target.kpi, row.target.scope_value): row for row in rows}


def test_actuals_come_from_the_registry_per_staff_and_scope(team):
    op, agent, packer = team["operator"], team["agent"], team["packer"]
    targets = [
        _target(op, "gmv", "250", scope_kind="category", scope_value=str(team["clothes"].pk)),
        _target(op, "gmv", "300", scope_kind="channel", scope_value="own"),
        _target(op, "gmv", "400"),
        _target(agent, "first_response_time", "3"),
        _target(agent, "csat", "0.9"),
        _target(packer, "ship_within_48h_rate", "0.6"),
        _target(packer, "pick_accuracy", "0.99"),
    ]
    rows = _by_kpi(queries.figures(targets, AFTER))
    clothes = str(team["clothes"].pk)
    # 服饰 and its subcategory: order 1 (200) and order 2 (100); own channel: orders 1 and 3.
    assert rows[(op.pk, "gmv", clothes)].actual == Decimal("300.00")
    assert rows[(op.pk, "gmv", "own")].actual == Decimal("250.00")
    assert rows[(op.pk, "gmv", "")].actual == Decimal("350.00")
    assert rows[(agent.pk, "first_response_time", "")].actual == Decimal(4)  # median of 2, 10, 4
    assert rows[(agent.pk, "csat", "")].actual == Decimal("0.5")
    assert rows[(packer.pk, "ship_within_48h_rate", "")].actual == pytest.approx(Decimal(2) / 3)
    assert rows[(packer.pk, "pick_accuracy", "")].actual == pytest.approx(Decimal(2) / 3)
    # The same numbers as the registry gives for the scope (and the agent's group).
    period = Period("nov", NOV[0], date(2026, 12, 1))
    direct = engine.compute(["line_gmv"], [period], Filters(category_id=team["clothes"].pk))
    assert rows[(op.pk, "gmv", clothes)].actual == direct["nov"]["line_gmv"]
    by_agent = engine.compute(["csat"], [period], group_by="assignee_id")["nov"]
    assert rows[(agent.pk, "csat", "")].actual == Decimal(str(by_agent[agent.pk]["csat"]))
    # Statuses: November is over.
    assert rows[(op.pk, "gmv", clothes)].status == rules.MET
    assert rows[(op.pk, "gmv", "")].status == rules.MISSED
    assert rows[(agent.pk, "first_response_time", "")].status == rules.MISSED  # 4 min > 3
    assert rows[(agent.pk, "first_response_time", "")].attainment == Decimal("0.75")
    assert rows[(packer.pk, "ship_within_48h_rate", "")].status == rules.MET


def test_no_activity_means_no_actual_not_zero(team):
    other = team["other_agent"]
    target = actions.set_target(other, kpi="csat", period_start=date(2026, 10, 1),
                                period_end=date(2026, 10, 31), target_value=Decimal("0.9"),
                                actor=None)
    row = queries.figures([target], AFTER)[0]
    assert row.actual is None and row.status == rules.NO_DATA


def test_one_registry_query_per_kpi_and_scope(team, monkeypatch):
    staff = [team["agent"], team["other_agent"]]
    targets = [_target(s, "csat", "0.8") for s in staff] + [_target(s, "first_response_time", "5")
                                                          for s in staff]
    seen = []
    original = engine.compute_many

    def spy(batch):
        seen.append(len(batch))
        return original(batch)

    monkeypatch.setattr(engine, "compute_many", spy)
    rows = queries.figures(targets, AFTER)
    assert seen == [2]  # csat and first response time, each for both agents at once
    assert {r.actual for r in rows if r.target.kpi == "csat"} == {Decimal("0.5"), Decimal(0)}


def test_listing_quality_averages_the_scores_in_scope(team):
    from django.utils import timezone

    from zhanggui.listing.models import ProductScore
    ProductScore.objects.create(product=team["sku_a"].product, score=80, audited_at=timezone.now())
    ProductScore.objects.create(product=team["sku_b"].product, score=60, audited_at=timezone.now())
    shop = _target(team["designer"], "listing_quality", "75")
    clothes = _target(team["designer"], "listing_quality", "75", scope_kind="category",
                      scope_value=str(team["clothes"].pk))
    rows = {r.target.pk: r for r in queries.figures([shop, clothes], AFTER)}
    assert rows[shop.pk].actual == Decimal("70.0") and rows[shop.pk].status == rules.MISSED
    assert rows[clothes.pk].actual == Decimal("80.0") and rows[clothes.pk].status == rules.MET


def test_dashboard_and_my_numbers(team):
    _target(team["operator"], "gmv", "1000")
    _target(team["agent"], "csat", "0.4")
    board = queries.dashboard(*NOV, today=AFTER)
    assert {s.staff.username: s.behind for s in board} == {"op1": 1, "agent1": 0}
    assert queries.my_numbers(team["operator"], date(2026, 11, 15))[0].actual == Decimal("350.00")
    assert queries.my_numbers(team["operator"], AFTER) == []


def test_without_a_warehouse_actuals_are_missing(db, warehouse_dir):
    team = build_team(build=False)
    target = _target(team["operator"], "gmv", "100")
    assert queries.figures([target], AFTER)[0].status == rules.NO_DATA


def test_period_ranges():
    assert queries.period_range("this_month", date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert queries.period_range("last_month", date(2026, 1, 10)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert queries.period_range("this_quarter", date(2026, 11, 10)) == (date(2026, 10, 1), date(2026, 12, 31))
