"""Team KPIs in a real browser: the owner's team dashboard shows targets against actuals for
an operator (GMV of a category), a service agent (first response time, CSAT) and a
warehouse packer (48-hour ship rate), each actual checked against the metric registry; the
operator sees "my numbers" on the workbench. Screenshots under var/screenshots/ (team-*.png)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from tests.team.team_factories import build_team
from zhanggui.analytics import engine
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.rules import Period
from zhanggui.console.admin.team_view import value
from zhanggui.team import actions, queries

pytestmark = pytest.mark.browser


def _registry(codes, period, filters=None, staff=None, dimension=None):
    """The registry's own value of ``codes[0]`` over ``period`` (a staff member's group)."""
    result = engine.compute(codes, [period], filters, dimension)["p"]
    return result[staff.pk][codes[0]] if dimension else result[codes[0]]


@pytest.fixture
def team(transactional_db, warehouse_dir):
    start, end = queries.period_range("last_month")
    team = build_team(month=start)
    this_start, this_end = queries.period_range("this_month")
    targets = [
        (team["operator"], "gmv", "250", {"scope_kind": "category", "scope_value": str(team["clothes"].pk)}),
        (team["agent"], "first_response_time", "3", {}),
        (team["agent"], "csat", "0.9", {}),
        (team["packer"], "ship_within_48h_rate", "0.6", {}),
    ]
    for staff, kpi, target, scope in targets:
        actions.set_target(staff, kpi=kpi, period_start=start, period_end=end,
                           target_value=Decimal(target), actor=None, **scope)
    actions.set_target(team["operator"], kpi="gmv", period_start=this_start, period_end=this_end,
                       target_value=Decimal("5000"), actor=None)
    team["period"] = Period("p", start, end + timedelta(days=1))
    return team


def test_the_owner_sees_targets_against_actuals_and_the_operator_his_numbers(browser_page, live_server, team):
    page, base, period = browser_page, live_server.url, team["period"]
    expected = {  # (staff, kpi) → the registry's value, as the page shows it
        ("op1", "gmv"): value(_registry(["line_gmv"], period,
                                        Filters(category_id=team["clothes"].pk)), "money"),
        ("agent1", "first_response_time"): value(Decimal(str(_registry(
            ["first_response_time"], period, staff=team["agent"], dimension="assignee_id"))), "minutes"),
        ("agent1", "csat"): value(Decimal(str(_registry(
            ["csat"], period, staff=team["agent"], dimension="assignee_id"))), "rate"),
        ("packer1", "ship_within_48h_rate"): value(Decimal(str(_registry(
            ["ship_within_48h_rate"], period, staff=team["packer"], dimension="packer_id"))), "rate"),
    }
    # The hand-worked numbers of team_factories: 300 of goods in 服饰, 4 min, 1 / 2, 2 / 3
    # (the console's percent() cuts, not rounds, its last digit).
    assert list(expected.values()) == ["¥300.00", "4.0 分钟", "50.0 %", "66.6 %"]
    log_in(page, base, "owner")
    page.goto(f"{base}/team/dashboard/?period=last_month")
    for (username, kpi), shown in expected.items():
        row = page.locator(f'.team-staff[data-staff="{username}"] tr[data-kpi="{kpi}"]')
        expect(row.locator(".team-actual")).to_have_text(shown)
    behind = page.locator('.team-staff[data-staff="agent1"] tr.team-behind')
    expect(behind).to_have_count(2)  # 4 min against 3, 50 % against 90 %
    expect(page.locator('.team-staff[data-staff="op1"] tr[data-kpi="gmv"]')).to_have_attribute(
        "data-status", "met")
    expect(page.locator('.team-staff[data-staff="packer1"] tr[data-kpi="ship_within_48h_rate"] '
                        '.team-attainment')).to_have_text("111 %")
    screenshot(page, "team-1-dashboard.png")
    page.locator('.team-staff[data-staff="agent1"] h2 a').click()
    expect(page.locator("#team-staff-page tr.team-behind")).to_have_count(2)

    # The operator's workbench: this month's GMV target, his own only.
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "op1")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    panel = page.locator("#workbench-my-numbers")
    expect(panel).to_be_visible()
    this_month = Period("p", *queries.period_range("this_month"))
    this_month = Period("p", this_month.start, this_month.end + timedelta(days=1))
    expect(panel.locator('tr[data-kpi="gmv"] .team-actual')).to_have_text(
        value(_registry(["gmv"], this_month), "money"))
    expect(panel.locator(".team-target-value")).to_have_text("¥5000.00")
    expect(panel.locator("tr.team-target")).to_have_count(1)
    screenshot(page, "team-2-my-numbers.png")
