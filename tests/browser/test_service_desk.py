"""The service desk in a real browser: an inbound chat ticket answered with a canned reply
(variables filled on the server), resolved and closed by the agent; the customer opens the
rating link in a fresh, logged-out browser context and rates it 5; the ticket shows it.
Screenshots under var/screenshots/ (service-*.png)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from zhanggui.service import inbound
from zhanggui.service.models import CannedReply, Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def chat(transactional_db):
    customer = factories.make_customer()
    order = factories.make_order(customer=customer, status="paid")
    CannedReply.objects.create(title="发货时间", body="{nickname}您好，订单{order_number}当前"
                                                  "{order_status}，48小时内发货。客服{agent}")
    sent = timezone.now() - timedelta(minutes=1)
    result = inbound.import_conversation(
        channel="chat", external_id="ww-demo-1", customer_code=customer.code,
        order_number=order.number, contact=customer.nickname, actor=None,
        messages=[inbound.ImportedMessage(external_id="m1", direction="in",
                                          body="你好，我的订单什么时候发？", sent_at=sent)])
    return result.ticket, customer, order


def test_a_chat_ticket_answered_with_a_canned_reply_closed_and_rated(browser_page, live_server,
                                                                     chat):
    ticket, customer, order = chat
    page, base = browser_page, live_server.url
    log_in(page, base, "service")
    page.goto(f"{base}/service/ticket/?state=active")
    screenshot(page, "service-1-ticket-list.png")
    page.get_by_role("link", name=ticket.number).click()
    expect(page.locator("#conversation")).to_contain_text("我的订单什么时候发")
    page.locator("#canned-picker select[name=canned]").select_option(label="发货时间")
    page.locator("#canned-picker button[type=submit]").click()
    reply_box = page.locator("#reply textarea[name=body]")
    expected = (f"{customer.nickname}您好，订单{order.number}当前{order.get_status_display()}，"
                f"48小时内发货。客服service")
    expect(reply_box).to_have_value(expected)
    screenshot(page, "service-2-canned-reply-filled.png")
    page.locator("#send-reply").click()
    expect(page.locator("#conversation")).to_contain_text(expected)
    page.locator("#ticket-resolve").click()
    expect(page.locator("#rating-link input")).to_be_visible()
    page.locator("#ticket-close").click()
    link = page.locator("#rating-link input").input_value()
    assert "/rate/" in link
    screenshot(page, "service-3-closed-with-rating-link.png")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.first_responded_at is not None

    customer_context = page.context.browser.new_context(locale="zh-CN")
    try:
        rate_page = customer_context.new_page()
        rate_page.goto(base + link[link.index("/rate/"):])
        expect(rate_page.locator("body")).to_contain_text(ticket.number)
        rate_page.locator("input[name=rating][value='5']").check()
        rate_page.locator("textarea[name=comment]").fill("回复很快，谢谢")
        screenshot(rate_page, "service-4-rating-page.png")
        rate_page.locator("#rating-submit").click()
        expect(rate_page.locator("#rating-thanks")).to_be_visible()
        screenshot(rate_page, "service-5-rated.png")
    finally:
        customer_context.close()

    page.reload()
    expect(page.locator("body")).to_contain_text("回复很快，谢谢")
    screenshot(page, "service-6-ticket-rated.png")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.rating, ticket.rating_comment) == (5, "回复很快，谢谢")
