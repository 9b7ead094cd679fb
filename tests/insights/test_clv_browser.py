"""The customer page's value panel and the list's churn-risk column in a real browser
(screenshots under var/screenshots/clv-*.png)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from zhanggui.customers.models_value import CustomerValue

pytestmark = pytest.mark.browser


@pytest.fixture
def scored(transactional_db):
    customers = [factories.make_customer() for _ in range(3)]
    for customer, churn, clv in zip(customers[:2], ("0.820000", "0.150000"), ("86.40", "1520.00"),
                                    strict=True):
        CustomerValue.objects.create(
            customer=customer, frequency=4, recency_days=Decimal("180.00"), age_days=Decimal("300.00"),
            average_order_value=Decimal("128.00"), expected_purchases=Decimal("1.3500"),
            probability_alive=Decimal(1) - Decimal(churn), churn_risk=Decimal(churn),
            expected_spend=Decimal("132.50"), clv=Decimal(clv), horizon_days=365,
            computed_at=timezone.now() - timedelta(hours=2))
    return customers


def test_the_operator_sees_churn_risk_and_clv_on_the_customer_pages(browser_page, live_server, scored):
    page = browser_page
    log_in(page, live_server.url, "operator")
    page.goto(live_server.url + reverse("admin:customers_customer_change", args=[scored[0].pk]))
    panel = page.locator("table.customer-value")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("82.0 %")
    expect(panel).to_contain_text("18.0 %")
    screenshot(page, "clv-customer-page.png")

    page.goto(live_server.url + reverse("admin:customers_customer_changelist") + "?churn_risk=high")
    expect(page.locator("#result_list")).to_contain_text(scored[0].code)
    expect(page.locator("#result_list")).not_to_contain_text(scored[1].code)
    screenshot(page, "clv-customer-list.png")
