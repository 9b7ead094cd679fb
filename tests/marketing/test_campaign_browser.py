"""A campaign in a real browser: the operator creates a win-back campaign with a 5-fold
coupon, prepares it and sends it by e-mail to a local SMTP server (aiosmtpd) started by the
test; each recipient gets one e-mail with its coupon code and an unsubscribe link, which a
customer opens logged out and confirms. Screenshots under var/screenshots/ (campaign-*.png).
"""

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot
from tests.marketing.campaign_browser import create_campaign_in_browser
from tests.marketing.campaign_factories import make_contact, make_five_fold_template, make_segment
from tests.marketing.smtp_sink import smtp_sink  # noqa: F401  (fixture)
from zhanggui.marketing.models import ContactPolicy, Message, Unsubscribe

pytestmark = pytest.mark.browser


@pytest.fixture
def audience(transactional_db, settings, live_server):
    settings.ZHANGGUI_PUBLIC_URL = live_server.url
    ContactPolicy.objects.create(quiet_start=time(0), quiet_end=time(0))
    customers = [make_contact(), make_contact()]
    return make_segment(customers), make_five_fold_template(name="召回五折券"), customers


def test_a_campaign_created_prepared_and_sent_by_email_to_a_local_smtp_server(
        browser_page, live_server, audience, smtp_sink):  # noqa: F811
    segment, template, customers = audience
    page, base = browser_page, live_server.url
    log_in(page, base, "operator")
    campaign = create_campaign_in_browser(
        page, base, segment=segment, template=template, budget="100.00",
        screenshot_as=lambda p: screenshot(p, "campaign-1-new.png"))

    page.goto(f"{base}/marketing/campaign/{campaign.pk}/prepare/")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#campaign-recipients")).to_contain_text("2")
    expect(page.locator("#campaign-preview-email")).to_contain_text("好久不见")
    screenshot(page, "campaign-2-prepared.png")

    page.goto(f"{base}/marketing/campaign/{campaign.pk}/send/")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#campaign-messages")).to_be_visible()
    page.reload()
    screenshot(page, "campaign-3-sent.png")

    campaign.refresh_from_db()
    assert campaign.status == "sent"
    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in customers)
    coupons = {r.customer.email: r.coupon.code for r in campaign.recipients.select_related(
        "customer", "coupon")}
    for mail in smtp_sink.messages:
        body = mail.get_body(("plain",)).get_content()
        assert coupons[mail["To"]] in body
        assert mail["List-Unsubscribe"].strip().startswith(f"<{base}/unsubscribe/")
    assert Message.objects.filter(campaign=campaign, status="sent").count() == 2

    link = re.search(r"(/unsubscribe/\S+/)", smtp_sink.messages[0].get_body(
        ("plain",)).get_content()).group(1)
    reader = page.context.browser.new_context(locale="zh-CN")
    try:
        unsubscribe = reader.new_page()
        unsubscribe.goto(base + link)
        unsubscribe.locator("#unsubscribe-confirm").click()
        expect(unsubscribe.locator("#unsubscribe-done")).to_be_visible()
        screenshot(unsubscribe, "campaign-4-unsubscribed.png")
    finally:
        reader.close()
    first = smtp_sink.messages[0]["To"]
    assert Unsubscribe.objects.get().customer.email == first
