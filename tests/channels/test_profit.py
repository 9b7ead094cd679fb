"""Channel profit (the analytics report ``channel_profit``) against a hand-computed store.

Period 2026-11-01 ≤ day < 2026-11-08. SKU price 100.00, cost 40.00.
- taobao (5 % commission, 0.6 % payment fees): 1 × 100 on 11-02, 2 × 100 on 11-05 with 30.00
  refunded; 直通车 spend 20.00 on 11-03.  paid 300, refunds 30, cost 120, commission 15.00,
  fees 1.80, ad 20 → profit 113.20, margin 0.3773.
- jd (8 %, 0.6 %): 1 × 100 on 11-03 → 100 − 40 − 8.00 − 0.60 = 51.40.
- pinduoduo (0.6 %, 0.6 %, 0.50 per order): 1 × 100 on 11-04 → 100 − 40 − 0.60 − 0.60 − 0.50 = 58.30.
- douyin: no order, 巨量千川 spend 7.00 → −7.00. "other" spend 5.00 is not attributed.
- own: one order paid 10-28 (outside) and one never paid: not in the report.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.api.support import ApiClient, staff_of
from tests.channels.channels_factories import make_channel
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.analytics import warehouse
from zhanggui.analytics.channel_profit import channel_profit
from zhanggui.analytics.report_base import Access
from zhanggui.analytics.rules import Period
from zhanggui.marketing.models import AdSpend
from zhanggui.orders.models import Order

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))


def _order(sku, channel: str, paid: str | None, quantity: int = 1) -> Order:
    order = factories.make_order(sku=sku, quantity=quantity, status="paid" if paid else "pending_payment")
    moment = datetime.fromisoformat(paid or "2026-11-02 09:00").replace(tzinfo=SHANGHAI)
    Order.objects.filter(pk=order.pk).update(channel=channel, placed_at=moment,
                                             paid_at=moment if paid else None)
    return order


@pytest.fixture
def store(db, warehouse_dir):
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    for code in ("taobao", "jd", "pinduoduo", "douyin"):
        make_channel(code)
    _order(sku, "taobao", "2026-11-02 10:00")
    refunded = _order(sku, "taobao", "2026-11-05 20:00", quantity=2)
    aftersales_actions.issue_refund(refunded, amount=Decimal("30.00"), reason="test", actor=None)
    _order(sku, "jd", "2026-11-03 09:00")
    _order(sku, "pinduoduo", "2026-11-04 11:00")
    _order(sku, "own", "2026-10-28 12:00")
    _order(sku, "own", None)
    for channel, amount in (("zhitongche", "20.00"), ("douyin", "7.00"), ("other", "5.00")):
        AdSpend.objects.create(day=date(2026, 11, 3), channel=channel, amount=Decimal(amount))
    AdSpend.objects.create(day=date(2026, 10, 30), channel="zhitongche", amount=Decimal("99.00"))
    warehouse.rebuild()


def _rows(report):
    return {r["channel"]: r for r in next(t for t in report.tables if t["id"] == "channels")["rows"]}


def test_profit_per_channel_matches_the_hand_computed_figures(store):
    rows = _rows(channel_profit(WEEK, access=Access(cost=True)))
    assert set(rows) == {"taobao", "jd", "pinduoduo", "douyin"}
    tb = rows["taobao"]
    assert (tb["orders"], tb["paid"], tb["refunds"], tb["cost"]) == (
        2, Decimal("300.00"), Decimal("30.00"), Decimal("120.00"))
    assert (tb["commission"], tb["payment_fees"], tb["order_fees"], tb["ad_spend"]) == (
        Decimal("15.00"), Decimal("1.80"), Decimal("0.00"), Decimal("20.00"))
    assert tb["profit"] == Decimal("113.20") and tb["margin"] == pytest.approx(0.3773)
    assert rows["jd"]["profit"] == Decimal("51.40")
    pdd = rows["pinduoduo"]
    assert pdd["profit"] == Decimal("58.30") and pdd["order_fees"] == Decimal("0.50")
    assert rows["douyin"]["profit"] == Decimal("-7.00") and rows["douyin"]["margin"] is None


def test_profit_kpis_and_the_unattributed_spend_are_explained(store):
    report = channel_profit(WEEK, access=Access(cost=True))
    cards = {k["code"]: k["value"] for k in report.kpis}
    assert cards["channel_profit"] == Decimal("215.90")  # 113.20 + 51.40 + 58.30 − 7.00
    assert cards["channel_fees"] == Decimal("27.10")  # 15 + 1.8 + 8 + 0.6 + 0.6 + 0.6 + 0.5
    assert any("5.00" in e["formula"] for e in report.explain if e["code"] == "channel_ad_spend")


def test_without_the_cost_permission_cost_and_profit_are_left_out(store):
    report = channel_profit(WEEK)
    row = _rows(report)["taobao"]
    assert "cost" not in row and "profit" not in row and "margin" not in row
    assert "channel_profit" not in {k["code"] for k in report.kpis}


def test_channel_filter(store):
    from zhanggui.analytics.engine import Filters

    rows = _rows(channel_profit(WEEK, filters=Filters(channel="jd"), access=Access(cost=True)))
    assert set(rows) == {"jd"}


def test_api_report_masks_cost_for_roles_without_it(store):
    url = "/api/v1/analytics/reports/channel_profit?start=2026-11-01&end=2026-11-08"
    finance = ApiClient(staff_of("finance")).get(url)
    assert finance.status_code == 200, finance.content
    table = next(t for t in finance.json()["tables"] if t["id"] == "channels")
    assert {r["channel"]: r["profit"] for r in table["rows"]}["jd"] in ("51.40", 51.4)
    operator = ApiClient(staff_of("operator")).get(url).json()
    table = next(t for t in operator["tables"] if t["id"] == "channels")
    assert all("profit" not in r for r in table["rows"])
    assert ApiClient(staff_of("warehouse")).get(url).status_code == 403


def test_console_report_page_shows_the_formula(store, client):
    client.force_login(factories.make_staff("finance"))
    page = client.get("/reports/channel_profit/?start=2026-11-01&end=2026-11-08")
    assert page.status_code == 200
    text = page.content.decode()
    assert "\"113.20\"" in text and "fee per order" in text  # the page's JSON, drawn by its script
