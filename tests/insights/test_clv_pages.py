"""Churn risk and CLV where staff see customers: the customers API's detail (``value``, null
until scored; a role without the permission gets 403), the console's customer page (the
read-only panel) and the customer list (sortable columns, the churn-risk filter)."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.api.support import ApiClient, assert_error, staff_of
from zhanggui.customers.models_value import CustomerValue

pytestmark = pytest.mark.django_db
AT = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _english_and_fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


def _value(customer, churn: str, clv: str) -> CustomerValue:
    alive = Decimal(1) - Decimal(churn)
    return CustomerValue.objects.create(
        customer=customer, frequency=3, recency_days=Decimal("120.00"), age_days=Decimal("200.00"),
        average_order_value=Decimal("150.00"), expected_purchases=Decimal("2.5000"),
        probability_alive=alive, churn_risk=Decimal(churn), expected_spend=Decimal("160.00"),
        clv=Decimal(clv), horizon_days=365, computed_at=AT)


def test_the_api_detail_has_the_value_or_null():
    scored, fresh = factories.make_customer(), factories.make_customer()
    _value(scored, "0.250000", "400.00")
    client = ApiClient(staff_of("service"))

    data = client.get(f"/api/v1/customers/{scored.pk}").json()
    assert data["value"]["churn_risk"] == "0.250000"
    assert data["value"]["probability_alive"] == "0.750000"
    assert data["value"]["clv"] == "400.00" and data["value"]["horizon_days"] == 365
    assert client.get(f"/api/v1/customers/{fresh.pk}").json()["value"] is None


def test_a_role_without_the_customer_permission_gets_403():
    customer = factories.make_customer()
    _value(customer, "0.250000", "400.00")
    response = ApiClient(staff_of("nobody")).get(f"/api/v1/customers/{customer.pk}")
    assert_error(response, 403, "permission_denied")


def test_the_customer_page_shows_the_value_panel(login):
    scored, fresh = factories.make_customer(), factories.make_customer()
    _value(scored, "0.250000", "1234.50")
    client = login("operator")

    html = client.get(reverse("admin:customers_customer_change", args=[scored.pk])).content.decode()
    assert 'class="customer-value' in html
    panel = html[html.index('class="customer-value'):]
    panel = panel[:panel.index("</table>")]
    assert "75.0 %" in panel and "25.0 %" in panel and "2.50" in panel
    assert re.search(r"¥1,?234\.50", panel)  # grouped or not, as the page's language formats
    other = client.get(reverse("admin:customers_customer_change", args=[fresh.pk])).content.decode()
    assert "customer-value" in other and "234.50" not in other


def test_the_customer_list_sorts_and_filters_by_churn_risk(login):
    low, high, unknown = (factories.make_customer() for _ in range(3))
    _value(low, "0.100000", "900.00")
    _value(high, "0.900000", "50.00")
    client = login("operator")
    url = reverse("admin:customers_customer_changelist")

    page = client.get(url, {"churn_risk": "high"}).content.decode()
    assert high.code in page and low.code not in page and unknown.code not in page
    page = client.get(url, {"churn_risk": "unknown"}).content.decode()
    assert unknown.code in page and high.code not in page
    assert "90.0 %" in client.get(url).content.decode()
    # Sorted by the churn-risk column (its 0-based index: the list has no bulk actions).
    from zhanggui.console.admin.customers import CustomerAdmin

    column = CustomerAdmin.list_display.index("churn_risk_display")
    descending = client.get(url, {"o": f"-{column}"}).content.decode()
    ascending = client.get(url, {"o": f"{column}"}).content.decode()
    assert descending.index(high.code) < descending.index(low.code)
    assert ascending.index(low.code) < ascending.index(high.code)


def test_a_segment_on_churn_risk_shows_the_fraction_as_a_percentage(login):
    from zhanggui.customers import segments

    segment = segments.create_segment("churning", name="流失风险高", actor=None, definition={
        "match": "all", "conditions": [{"field": "churn_risk", "op": "gte", "value": 0.7},
                                       {"field": "clv", "op": "gt", "value": 500}]})
    assert segment.definition["conditions"][0]["value"] == "0.7"  # stored as a fraction
    url = reverse("admin:customers_segment_change", args=[segment.pk])
    html = login("operator").get(url).content.decode()
    conditions = html[html.index('id="segment-definition"'):]
    assert "<code>70 %</code>" in conditions and "<code>500</code>" in conditions
