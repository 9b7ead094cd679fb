"""The campaign form in a real browser, as the operator fills it (shared by browser tests)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from zhanggui.marketing.models import Campaign


def create_campaign_in_browser(page: Page, base: str, *, segment, template, budget: str,
                               screenshot_as=None) -> Campaign:
    """Fill the new-campaign form (win-back, a week from now, e-mail, the coupon template's
    code and value in the message), save it, and return the campaign."""
    page.goto(f"{base}/marketing/campaign/add/")
    start, end = timezone.localtime(), timezone.localtime() + timedelta(days=7)
    page.fill("input[name=name]", "沉睡客户召回")
    page.select_option("select[name=goal]", "win_back")
    page.fill("input[name=starts_at_0]", start.strftime("%Y-%m-%d"))
    page.fill("input[name=starts_at_1]", start.strftime("%H:%M:%S"))
    page.fill("input[name=ends_at_0]", end.strftime("%Y-%m-%d"))
    page.fill("input[name=ends_at_1]", end.strftime("%H:%M:%S"))
    page.fill("input[name=budget_amount]", budget)
    page.fill("input[name=fixed_cost_amount]", "10.00")
    page.select_option("select[name=segment]", str(segment.pk))
    page.select_option("select[name=coupon_template]", str(template.pk))
    page.check("input[name=channels][value=email]")
    page.fill("input[name=subject]", "{nickname}，好久不见")
    page.fill("textarea[name=body]", "{nickname}，送你一张 {coupon_value} 券：{coupon_code}，"
                                     "{valid_until} 前有效。")
    if screenshot_as:
        screenshot_as(page)
    page.locator("button[name=_save], input[name=_save]").first.click()
    expect(page.locator("body")).to_contain_text("沉睡客户召回")
    return Campaign.objects.get(name="沉睡客户召回")
