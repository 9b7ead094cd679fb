"""The customer-service report over ``service_store``: KPIs against the hand-computed figures,
per agent and per channel, the page for the analyst, 403 for the warehouse role, the API."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories
from tests.analytics.service_store import build_service
from zhanggui.analytics import engine, service_report
from zhanggui.analytics.rules import Period

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))
QUERY = {"start": "2026-11-01", "end": "2026-11-08"}


@pytest.fixture
def desk(db, warehouse_dir):
    return build_service()


def _table(report, table_id):
    return next(t for t in report["tables"] if t["id"] == table_id)


def _kpis(report) -> dict:
    return {k["code"]: k for k in report["kpis"]}


def test_the_desks_kpis_match_the_hand_computed_figures(desk):
    kpis = _kpis(service_report.service(WEEK).as_dict())
    assert kpis["tickets_opened"]["value"] == 5
    assert kpis["first_response_time"]["value"] == pytest.approx(7.0)
    assert kpis["first_response_time_p90"]["value"] == pytest.approx(24.0)
    assert kpis["first_response_on_time_rate"]["value"] == pytest.approx(0.5)
    assert kpis["resolution_time"]["value"] == pytest.approx(2.0)
    assert kpis["resolution_time_p90"]["value"] == pytest.approx(22.8)
    assert kpis["csat"]["value"] == pytest.approx(2 / 3)
    assert kpis["inquiry_conversion_rate"]["value"] == pytest.approx(2 / 3)
    # The previous week: T0 answered after a minute, nothing resolved (no figure, not 0).
    assert kpis["first_response_time"]["previous"] == pytest.approx(1.0)
    assert kpis["resolution_time"]["previous"] is None


def test_per_agent_and_per_channel(desk):
    report = service_report.service(WEEK).as_dict()
    agents = {r["name"]: r for r in _table(report, "agents")["rows"]}
    assert set(agents) == {"小王", "小李"}
    wang, li = agents["小王"], agents["小李"]
    assert (wang["tickets_opened"], wang["first_response_time"]) == (3, pytest.approx(4.0))
    assert wang["csat"] == pytest.approx(0.5) and wang["inquiry_conversion_rate"] == pytest.approx(0.5)
    assert wang["resolution_time"] == pytest.approx(2.0)
    assert (li["tickets_unanswered"], li["first_response_time"]) == (1, pytest.approx(30.0))
    assert li["resolution_time"] == pytest.approx(28.0) and li["csat"] == pytest.approx(1.0)
    channels = {r["key"]: r for r in _table(report, "channels")["rows"]}
    assert {k: r["tickets_opened"] for k, r in channels.items()} == {"chat": 3, "email": 1, "phone": 1}
    assert channels["phone"]["first_response_time"] is None  # never answered


def test_the_channel_filter_is_a_ticket_channel(desk):
    report = service_report.service(WEEK, filters=engine.Filters(channel="email")).as_dict()
    kpis = _kpis(report)
    assert kpis["tickets_opened"]["value"] == 1
    assert kpis["resolution_time"]["value"] == pytest.approx(28.0)


def test_the_report_explains_its_formulas(desk):
    explained = {e["code"]: e for e in service_report.service(WEEK).explain}
    assert {"first_response_time", "resolution_time", "csat", "inquiry_conversion_rate",
            "ticket_facts", "inquiry_outcomes"} <= set(explained)
    assert explained["csat"]["formula"] == "satisfied ratings (4–5 of 5) / ratings"


def test_the_page_renders_for_the_analyst(desk, client):
    client.force_login(factories.make_staff("analyst"))
    url = reverse("admin:analytics_report", args=["service"])
    response = client.get(url, QUERY)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="report-data"' in body and body.count(f'href="{url}') >= 2  # tab and sidebar
    report = response.context["report"]
    assert {r["name"] for r in _table(report, "agents")["rows"]} == {"小王", "小李"}
    channels = [value for value, _label in response.context["form"].fields["channel"].choices]
    assert channels == ["", "chat", "platform", "email", "phone"]  # ticket channels
    assert "category_id" not in response.context["form"].fields


def test_the_warehouse_role_gets_403_on_the_page_and_the_api(desk, client):
    client.force_login(factories.make_staff("warehouse"))
    assert client.get(reverse("admin:analytics_report", args=["service"]), QUERY).status_code == 403
    assert client.get("/api/v1/analytics/reports/service", QUERY).status_code == 403


def test_the_api_answers_the_same_numbers(desk, client):
    client.force_login(factories.make_staff("analyst"))
    data = client.get("/api/v1/analytics/reports/service", {**QUERY, "channel": "chat"}).json()
    assert _kpis(data)["tickets_opened"]["value"] == 3
