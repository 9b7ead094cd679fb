"""Membership in a real browser: the customer page's points panel and the adjust-points
operation (service), the points ledger list, the tier and points policy pages (owner).
Screenshots under var/screenshots/ (membership-*.png)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from zhanggui.customers import points
from zhanggui.customers.models_points import PointsEntry
from zhanggui.pricing import actions
from zhanggui.pricing.models import MemberTier

pytestmark = pytest.mark.browser


@pytest.fixture
def member(transactional_db):
    customer = factories.make_customer()
    gold = MemberTier.objects.create(code="gold", name="金卡会员", rank=2,
                                     min_spend_amount=Decimal("3000"), points_multiplier=Decimal("1.5"))
    actions.set_member_tier(customer, tier=gold, actor=None)
    points.earn_points(customer, points=1200, reason="order 2601010001 paid", reference="2601010001",
                       basis_amount=Decimal("800.00"), actor=None, expires_at=None)
    points.spend_points(customer, points=200, reason="paid order 2601020002", reference="2601020002",
                        actor=None)
    return customer


def test_service_adjusts_points_on_the_customer_page(browser_page, live_server, member):
    page, base = browser_page, live_server.url
    log_in(page, base, "service")
    page.goto(f"{base}/customers/customer/{member.pk}/change/")
    panel = page.locator(".points-panel")
    expect(panel).to_contain_text("1000")
    expect(panel).to_contain_text("金卡会员")
    expect(panel.locator(".points-entries tbody tr")).to_have_count(2)
    screenshot(page, "membership-1-customer-points.png")

    page.goto(f"{base}/customers/customer/{member.pk}/adjust-points/")
    page.fill("input[name=points]", "-1500")
    page.fill("input[name=reason]", "重复发放")
    page.locator("button[name=apply]").click()
    expect(page.locator("body")).to_contain_text("1500")  # refused: not enough points
    assert points.get_balance(member) == 1000

    page.fill("input[name=points]", "-300")
    page.fill("input[name=reason]", "重复发放")
    page.locator("button[name=apply]").click()
    expect(page.locator(".points-panel")).to_contain_text("700")
    assert points.get_balance(member) == 700
    assert PointsEntry.objects.filter(kind="adjust", reason="重复发放", points=-300).exists()
    screenshot(page, "membership-2-after-adjustment.png")

    page.goto(f"{base}/customers/pointsentry/?account__customer__id__exact={member.pk}")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    screenshot(page, "membership-3-ledger.png")


def test_owner_sets_the_policies_and_sees_the_tiers(browser_page, live_server, member):
    page, base = browser_page, live_server.url
    log_in(page, base, "owner")
    page.goto(f"{base}/customers/pointspolicy/add/")
    page.fill("input[name=points_per_yuan]", "2")
    page.fill("input[name=expiry_months]", "24")
    page.locator("button[name=_save]").click()
    expect(page.locator("#result_list")).to_contain_text("24")
    assert points.get_policy().points_per_yuan == Decimal("2")
    screenshot(page, "membership-4-points-policy.png")

    page.goto(f"{base}/pricing/tierpolicy/add/")
    page.fill("input[name=review_months]", "6")
    page.locator("button[name=_save]").click()
    expect(page.locator("#result_list")).to_contain_text("6")
    page.goto(f"{base}/pricing/membertier/")
    expect(page.locator("#result_list")).to_contain_text("3000")
    screenshot(page, "membership-5-tiers.png")
