"""The console's "refresh the warehouse now": a POST form with a CSRF token; a GET (which a
page on another site can make a signed-in browser send) refreshes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from zhanggui.analytics.models import WarehouseRun

REFRESH = "admin:analytics_warehouserun_refresh_now"
RUNS = "admin:analytics_warehouserun_changelist"


@pytest.fixture
def as_role(db):
    def log_in(role: str, *, enforce_csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf)
        client.staff = factories.make_staff(role)
        client.force_login(client.staff)
        return client
    return log_in


def test_a_get_refreshes_nothing(as_role):
    factories.make_order(status="paid")
    response = as_role("operator").get(reverse(REFRESH))
    assert response.status_code == 405
    assert not WarehouseRun.objects.exists()


def test_a_post_refreshes_and_returns_to_the_runs(as_role):
    factories.make_order(status="paid")
    client = as_role("operator")
    response = client.post(reverse(REFRESH))
    assert response.status_code == 302 and response.url == reverse(RUNS)
    run = WarehouseRun.objects.get()
    assert run.actor == client.staff and run.rows["orders"] == 1


def test_a_post_without_the_csrf_token_is_refused(as_role):
    client = as_role("operator", enforce_csrf=True)
    assert client.post(reverse(REFRESH)).status_code == 403
    assert not WarehouseRun.objects.exists()


def test_the_runs_page_offers_the_form_with_its_token(as_role):
    client = as_role("operator", enforce_csrf=True)
    html = client.get(reverse(RUNS)).content.decode()
    form = html[html.index('id="refresh-warehouse"') - 200:]
    assert f'method="post" action="{reverse(REFRESH)}"' in form
    token = client.cookies["csrftoken"].value
    response = client.post(reverse(REFRESH), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and WarehouseRun.objects.count() == 1


def test_staff_who_may_not_refresh_are_neither_offered_nor_served(as_role):
    client = as_role("analyst")
    assert 'id="refresh-warehouse"' not in client.get(reverse(RUNS)).content.decode()
    assert client.post(reverse(REFRESH)).status_code == 403
    assert not WarehouseRun.objects.exists()


def test_an_empty_report_offers_the_refresh_and_comes_back_to_itself(as_role):
    factories.make_order(status="paid")
    client = as_role("operator")
    report = reverse("admin:analytics_report", args=["overview"])
    page = client.get(report)
    assert page.status_code == 200 and page.context["report"] is None
    assert 'id="refresh-warehouse"' in page.content.decode()
    response = client.post(reverse(REFRESH), {"next": report})
    assert response.status_code == 302 and response.url == report
    assert client.get(report).context["report"] is not None


def test_next_may_not_lead_to_another_site(as_role):
    response = as_role("operator").post(reverse(REFRESH), {"next": "https://evil.example/"})
    assert response.url == reverse(RUNS)
