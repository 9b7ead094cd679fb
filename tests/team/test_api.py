"""The team API: the owner's targets, dashboard and reviews; anyone's own numbers; other roles
refused with nothing changed. The matrix cases of ``matrix_cases_team`` are run here too, as
the owner (allowed) and as every other role (403, nothing written)."""

from datetime import date
from decimal import Decimal

import pytest

from tests.api.support import ApiClient, assert_error, staff_of
from tests.team import matrix_cases_team as cases
from tests.team.team_factories import build_team
from zhanggui.team import actions
from zhanggui.team.models import KpiTarget, PerformanceReview

T = "/api/v1/team"
ROWS = [  # (method, path, setup, allowed status)
    ("GET", "/me/numbers", cases.my_numbers, 200),
    ("GET", "/kpis", cases.kpis, 200),
    ("GET", "/dashboard", cases.dashboard, 200),
    ("GET", "/targets", cases.list_targets, 200),
    ("POST", "/targets", cases.create_target, 201),
    ("POST", "/targets/copy", cases.copy_targets, 201),
    ("GET", "/targets/{target_id}", cases.get_target, 200),
    ("PATCH", "/targets/{target_id}", cases.change_target, 200),
    ("DELETE", "/targets/{target_id}", cases.delete_target, 200),
    ("GET", "/reviews", cases.list_reviews, 200),
    ("POST", "/reviews", cases.create_review, 201),
    ("GET", "/reviews/{review_id}", cases.get_review, 200),
    ("PATCH", "/reviews/{review_id}", cases.change_review, 200),
    ("POST", "/reviews/{review_id}/finalise", cases.finalise_review, 200),
]


def _counts():
    return KpiTarget.objects.count(), PerformanceReview.objects.count(), \
        list(KpiTarget.objects.values_list("target_value", flat=True)), \
        list(PerformanceReview.objects.values_list("score", "status"))


@pytest.mark.parametrize("role", ["owner", "operator", "service", "analyst"])
@pytest.mark.parametrize(("method", "path", "setup", "status"), ROWS, ids=[f"{m} {p}" for m, p, *_ in ROWS])
def test_matrix_cases(db, role, method, path, setup, status):
    case = setup()
    client = ApiClient(staff_of(role))
    before = _counts()
    response = client.request(method, T + path.format(**case.path), case.body, case.query)
    if role == "owner" or path == "/me/numbers":
        assert response.status_code == status, response.content
        assert case.check(response.json(), client.staff) is not False
    else:
        assert_error(response, 403, "permission_denied")
        assert _counts() == before


def test_anonymous_is_refused(db):
    assert ApiClient(None).get(f"{T}/me/numbers").status_code == 401


NOV = {"period_start": "2026-11-01", "period_end": "2026-11-30"}


def test_my_numbers_and_the_dashboard_show_registry_actuals(db, warehouse_dir, monkeypatch):
    team = build_team()
    actions.set_target(team["agent"], kpi="csat", period_start=date(2026, 11, 1),
                       period_end=date(2026, 11, 30), target_value=Decimal("0.9"), actor=None)
    monkeypatch.setattr("zhanggui.team.queries.shop_today", lambda: date(2026, 11, 20))
    mine = ApiClient(team["agent"]).get(f"{T}/me/numbers").json()
    assert [(r["kpi"], r["actual"], r["status"]) for r in mine] == [("csat", "0.5", "behind")]
    assert ApiClient(team["operator"]).get(f"{T}/me/numbers").json() == []


def test_refusals_carry_stable_codes(db):
    owner, operator = staff_of("owner"), staff_of("operator")
    client = ApiClient(owner)
    assert_error(client.post(f"{T}/targets", {"staff_id": operator.pk, "kpi": "csat",
                                              "target_value": "0.9", **NOV}), 422, "kpi_role_mismatch")
    assert_error(client.post(f"{T}/targets", {"staff_id": operator.pk, "kpi": "gmv",
                                              "scope_kind": "channel", "scope_value": "mars",
                                              "target_value": "10", **NOV}), 422, "kpi_scope_not_accepted")
    body = {"staff_id": operator.pk, "kpi": "gmv", "target_value": "10", **NOV}
    assert client.post(f"{T}/targets", body).status_code == 201
    assert_error(client.post(f"{T}/targets", body), 409, "kpi_target_exists")
    review = client.post(f"{T}/reviews", {"staff_id": operator.pk, "score": 80, "comments": "好",
                                          **NOV}).json()
    assert client.post(f"{T}/reviews/{review['id']}/finalise").json()["kpi_snapshot"][0]["kpi"] == "gmv"
    assert_error(client.patch(f"{T}/reviews/{review['id']}", {"score": 10}), 409, "review_final")
    assert PerformanceReview.objects.get().score == 80
    assert_error(client.get(f"{T}/targets/999999"), 404, "not_found")
