"""The console pages of the team: the dashboard (owner), a staff member's page, targets and
reviews saved through the actions, and "my numbers" on the workbench. Text is matched by
ids, data attributes and figures (the page language is Chinese)."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.team.team_factories import build_team
from zhanggui.accounts.models import OperationLog
from zhanggui.team import actions, queries
from zhanggui.team.models import KpiTarget, PerformanceReview

NOV = {"period_start": date(2026, 11, 1), "period_end": date(2026, 11, 30)}


def client_for(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def owner(db):
    return factories.make_staff("owner")


def test_the_dashboard_shows_targets_against_registry_actuals(owner, warehouse_dir, monkeypatch):
    team = build_team()
    monkeypatch.setattr("zhanggui.team.queries.shop_today", lambda: date(2026, 12, 7))
    actions.set_target(team["operator"], kpi="gmv", scope_kind="category",
                       scope_value=str(team["clothes"].pk), target_value=Decimal("250"), actor=None, **NOV)
    actions.set_target(team["agent"], kpi="csat", target_value=Decimal("0.9"), actor=None, **NOV)
    page = client_for(owner).get(reverse("admin:team_dashboard") + "?period=last_month")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-staff="op1"' in html and 'data-staff="agent1"' in html
    assert "¥300.00" in html and "¥250.00" in html  # 服饰's goods paid vs the target
    assert "50.0 %" in html and "90.0 %" in html  # CSAT 1 of 2 vs 90 %
    assert 'data-kpi="csat" data-status="missed" class="team-target team-behind"' in html
    assert 'data-kpi="gmv" data-status="met"' in html
    staff_page = client_for(owner).get(reverse("admin:team_staff", args=[team["agent"].pk])
                                       + "?period=last_month")
    assert staff_page.status_code == 200 and 'data-kpi="csat"' in staff_page.content.decode()


def test_others_may_not_open_the_dashboard(db):
    for role in ("operator", "service", "analyst"):
        staff = factories.make_staff(role)
        assert client_for(staff).get(reverse("admin:team_dashboard")).status_code == 403
        assert client_for(staff).get(reverse("admin:team_kpitarget_changelist")).status_code == 403


def test_a_target_is_added_through_the_action_and_refusals_are_shown(owner):
    operator = factories.make_staff("operator")
    client = client_for(owner)
    url = reverse("admin:team_kpitarget_add")
    form = {"staff": operator.pk, "kpi": "gmv", "scope_kind": "channel", "scope_value": "jd",
            "period_start": "2026-11-01", "period_end": "2026-11-30", "target_value": "8000",
            "note": ""}
    assert client.post(url, form).status_code == 302
    assert KpiTarget.objects.get().scope_value == "jd"
    assert OperationLog.objects.filter(action="team.target_set", actor=owner).count() == 1
    refused = client.post(url, {**form, "kpi": "csat", "target_value": "0.9", "scope_kind": "",
                                "scope_value": ""})
    assert refused.status_code == 200 and KpiTarget.objects.count() == 1


def test_a_review_shows_the_kpis_and_is_frozen_once_final(owner, warehouse_dir):
    operator = factories.make_staff("operator")
    actions.set_target(operator, kpi="gmv", target_value=Decimal("1000"), actor=None, **NOV)
    client = client_for(owner)
    added = client.post(reverse("admin:team_performancereview_add"), {
        "staff": operator.pk, "period_start": "2026-11-01", "period_end": "2026-11-30",
        "score": "78", "comments": "稳定", "goals_next": "提升转化率"})
    assert added.status_code == 302, added.content.decode()[:2000]
    review = PerformanceReview.objects.get()
    change = reverse("admin:team_performancereview_change", args=[review.pk])
    assert 'data-kpi="gmv"' in client.get(change).content.decode()
    finalise = reverse("admin:team_performancereview_finalise", args=[review.pk])
    assert client.post(finalise).status_code == 302
    review.refresh_from_db()
    assert review.status == "final" and review.kpi_snapshot[0]["kpi"] == "gmv"
    client.post(change, {"score": "10", "comments": "x", "period_start": "2026-11-01",
                         "period_end": "2026-11-30"})
    assert PerformanceReview.objects.get().score == 78
    assert "team-snapshot" in client.get(change).content.decode()


def test_my_numbers_on_the_workbench_are_ones_own_and_hidden_without_targets(db):
    operator, other = factories.make_staff("operator"), factories.make_staff("operator")
    start, end = queries.period_range("this_month")
    actions.set_target(operator, kpi="gmv", period_start=start, period_end=end,
                       target_value=Decimal("5000"), actor=None)
    mine = client_for(operator).get("/").content.decode()
    assert 'id="workbench-my-numbers"' in mine and "¥5000.00" in mine
    assert 'id="workbench-my-numbers"' not in client_for(other).get("/").content.decode()
