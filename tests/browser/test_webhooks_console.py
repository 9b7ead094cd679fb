"""Webhooks in a real browser: the owner adds an endpoint and sees its signing secret once,
an order's events are sent to it (the receiver refuses the first attempt), and the delivery
log shows each attempt. Screenshots under var/screenshots/ (webhooks-*.png)."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from tests.integrations.receiver import Receiver
from zhanggui.integrations import webhooks
from zhanggui.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.browser


def test_add_an_endpoint_and_read_its_delivery_log(browser_page, live_server, settings):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    page, base = browser_page, live_server.url
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    log_in(page, base, "owner")
    with Receiver(failures=1) as receiver:
        page.goto(f"{base}/integrations/webhookendpoint/add/")
        page.fill("input[name=url]", receiver.url)
        page.fill("input[name=description]", "小程序订单同步")
        page.get_by_label("order.placed").check()
        page.get_by_label("order.paid").check()
        screenshot(page, "webhooks-1-add.png")
        page.locator("button[name=_save], input[name=_save]").first.click()
        expect(page).to_have_url(re.compile(r"/integrations/webhookendpoint/\d+/change/"))
        endpoint = WebhookEndpoint.objects.get()
        expect(page.locator("body")).to_contain_text(endpoint.secret)
        screenshot(page, "webhooks-2-secret-once.png")
        page.reload()
        expect(page.locator("body")).not_to_contain_text(endpoint.secret)
        assert sorted(endpoint.event_types) == ["order.paid", "order.placed"]

        receiver.secret = endpoint.secret
        order = factories.make_order(sku=sku, status="paid")
        webhooks.deliver_due()  # placed refused, paid delivered
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).update(
            next_attempt_at=endpoint.created_at)
        webhooks.deliver_due()  # placed delivered on its second attempt
    assert sorted(body["type"] for body in receiver.unique.values()) == ["order.paid", "order.placed"]
    assert {body["subject"]["id"] for body in receiver.unique.values()} == {str(order.pk)}

    page.goto(f"{base}/integrations/webhookdelivery/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    screenshot(page, "webhooks-3-deliveries.png")
    placed = WebhookDelivery.objects.get(event__type="order.placed")
    page.goto(f"{base}/integrations/webhookdelivery/{placed.pk}/change/")
    expect(page.locator("body")).to_contain_text("500")
    expect(page.locator("body")).to_contain_text("200")
    screenshot(page, "webhooks-4-attempts.png")
