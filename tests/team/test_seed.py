"""The demo's team: targets of last month and this month for each demo role with KPIs, the
operator's GMV targets from the shop's own history, one final review of last month."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests import factories
from tests.team.team_factories import paid_order
from zhanggui.analytics import warehouse
from zhanggui.demo.basics import seed_staff
from zhanggui.demo.context import Clock
from zhanggui.demo.team_seed import seed_team
from zhanggui.team.models import KpiTarget, PerformanceReview

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_seed_team(db, warehouse_dir):
    clock = Clock(now=datetime.combine(date(2026, 12, 7), time(20, 30), tzinfo=SHANGHAI), tz=SHANGHAI)
    staff = seed_staff()
    clothes = factories.make_category("服饰")
    sku = factories.make_sku(factories.make_product(category=factories.make_category("外套", clothes)),
                             price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    from zhanggui.catalog import actions as catalog_actions

    catalog_actions.set_listing_status(sku.product, status="listed", reason="new", actor=None)
    paid_order(sku, "2026-10-10 10:00", quantity=20)   # October: 2,000 → November's base
    paid_order(sku, "2026-11-10 10:00", quantity=30)   # November: 3,000 → December's base
    warehouse.rebuild()
    assert seed_team(clock, staff) == {"targets": 14, "reviews": 1}
    gmv = dict(KpiTarget.objects.filter(kpi="gmv", scope_kind="").values_list("period_start", "target_value"))
    assert gmv == {date(2026, 11, 1): Decimal("2000"), date(2026, 12, 1): Decimal("3000")}
    category = KpiTarget.objects.get(kpi="gmv", scope_kind="category", period_start=date(2026, 12, 1))
    assert category.scope_value == str(clothes.pk) and category.target_value == Decimal("3000")
    assert set(KpiTarget.objects.values_list("staff__username", flat=True)) == {
        "operator", "service", "warehouse", "designer"}
    review = PerformanceReview.objects.get()
    assert (review.staff.username, review.status) == ("operator", "final")
    assert review.period_start == date(2026, 11, 1)
    # Stored as they stood: November's GMV 3,000 against 2,000 (met); 服饰 the same.
    assert {(k["scope_kind"], k["actual"], k["status"]) for k in review.kpi_snapshot} == {
        ("", "3000.00", "met"), ("category", "3000.00", "met")}
