"""Issue 16's campaign, end to end in a real browser: the dormant segment is evaluated in the
warehouse, the operator sends it a win-back campaign with a 5-fold (5 折) coupon by e-mail to a
local SMTP server (aiosmtpd) started by the test, one recipient orders with the coupon, and after
the next warehouse refresh the campaign's attributed revenue and ROI appear on its page.
Screenshots under var/screenshots/ (winback-*.png)."""

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from tests.marketing.campaign_browser import create_campaign_in_browser
from tests.marketing.campaign_factories import make_contact, make_five_fold_template
from tests.marketing.smtp_sink import smtp_sink  # noqa: F401  (fixture)
from zhanggui.analytics.actions import refresh_warehouse
from zhanggui.customers import segments
from zhanggui.customers.models import SegmentMember
from zhanggui.marketing import rules as campaign_rules
from zhanggui.marketing.models import CampaignResult, ContactPolicy
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order

pytestmark = pytest.mark.browser


def _bought_days_ago(customer, sku, days: int) -> Order:
    """A completed order of ``customer``, paid ``days`` ago."""
    order = factories.make_order(sku=sku, customer=customer, status="completed")
    then = timezone.now() - timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(placed_at=then, paid_at=then, updated_at=then)
    return order


@pytest.fixture
def shop(transactional_db, settings, live_server):
    settings.ZHANGGUI_PUBLIC_URL = live_server.url
    ContactPolicy.objects.create(quiet_start=time(0), quiet_end=time(0))  # no quiet hours
    sku = factories.make_listed_sku(price="120.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 50)
    dormant = [make_contact(), make_contact()]
    for customer in dormant:
        _bought_days_ago(customer, sku, 200)  # 181–365 days: dormant (GLOSSARY)
    active = make_contact()
    _bought_days_ago(active, sku, 10)
    segment = segments.create_segment(
        "dormant", name="沉睡客户", kind="model", actor=None,
        definition={"match": "all", "conditions": [
            {"field": "lifecycle_stage", "op": "eq", "value": "dormant"}]})
    refresh_warehouse(actor=None, full=True)  # evaluates the segments after the refresh
    members = set(SegmentMember.objects.filter(segment=segment).values_list("customer_id",
                                                                            flat=True))
    assert members == {c.pk for c in dormant}
    template = make_five_fold_template(name="沉睡召回五折券")
    return {"sku": sku, "segment": segment, "template": template, "dormant": dormant}


def test_a_win_back_campaign_sent_by_email_earns_an_order_and_shows_its_roi(
        browser_page, live_server, shop, smtp_sink):  # noqa: F811
    page, base = browser_page, live_server.url
    log_in(page, base, "operator")
    campaign = create_campaign_in_browser(
        page, base, segment=shop["segment"], template=shop["template"], budget="200.00",
        screenshot_as=lambda p: screenshot(p, "winback-1-new.png"))

    page.goto(f"{base}/marketing/campaign/{campaign.pk}/prepare/")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#campaign-recipients")).to_contain_text("2")
    page.goto(f"{base}/marketing/campaign/{campaign.pk}/send/")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#campaign-messages")).to_be_visible()
    screenshot(page, "winback-2-sent.png")

    # Each dormant customer got one e-mail with their own 5-fold coupon code.
    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in shop["dormant"])
    buyer = shop["dormant"][0]
    mail = next(m for m in smtp_sink.messages if m["To"] == buyer.email)
    body = mail.get_body(("plain",)).get_content()
    assert "5 折" in body
    code = campaign.recipients.get(customer=buyer).coupon.code
    assert code in body and re.search(rf"\b{code}\b", body)

    # The customer comes back and pays with the coupon: 120.00 at 5 折 = 60.00.
    order = order_actions.place_order(
        buyer, lines=[order_actions.LineRequest(shop["sku"].pk, 1)],
        recipient=factories.recipient(), actor=None, shipping_amount=Decimal("0"),
        coupon_codes=[code])
    assert order.total_amount == Decimal("60.00")
    order_actions.record_payment(order, method="alipay", amount=order.total_amount,
                                 succeeded=True, actor=None)
    refresh_warehouse(actor=None)  # the campaign results are computed after the refresh

    result = CampaignResult.objects.get(campaign=campaign, arm="")
    assert (result.reached, result.converted, result.orders) == (2, 1, 1)
    assert result.gmv_amount > 0 and result.cost_amount > 0
    roi = campaign_rules.roi(result.gmv_amount, result.cost_amount)
    page.goto(f"{base}/marketing/campaign/{campaign.pk}/change/")
    results = page.locator("#campaign-results")
    expect(results.locator("[data-field=roi]").first).to_have_text(f"{roi:.2f}")
    expect(results.locator("[data-field=gmv]").first).to_contain_text(
        f"{result.gmv_amount:,.2f}")
    screenshot(page, "winback-3-results.png")
    page.goto(f"{base}/marketing/campaign/")
    expect(page.locator("#result_list")).to_contain_text(f"{roi:.2f}")
    screenshot(page, "winback-4-list.png")
