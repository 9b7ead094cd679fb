"""Each supply metric of the registry against the hand-made store of ``supply_store``."""

from datetime import date
from decimal import Decimal

import pytest

from tests.analytics.supply_store import build_supply
from zhanggui.analytics import engine, reader
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.rules import Period

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))
SCORES = ["dropship_due_orders", "dropship_shipped_in_48h", "supplier_ship_within_48h_rate",
          "purchase_orders_completed", "purchase_orders_on_time", "supplier_on_time_rate",
          "purchase_orders_overdue", "supplier_units_received", "supplier_units_rejected",
          "supplier_units_returned_quality", "supplier_defect_rate", "return_refunds",
          "restocked_value", "supplier_goods_paid", "return_loss_amount", "return_loss_rate",
          "supplier_waits", "supplier_replies", "supplier_reply_minutes"]


@pytest.fixture
def supply(db, warehouse_dir):
    return build_supply()


def test_the_scorecard_metrics_per_supplier(supply):
    values = engine.compute(SCORES, [WEEK], group_by="supplier_id")["current"]
    s1, s2 = values[supply["s1"].pk], values[supply["s2"].pk]
    assert (s1["dropship_due_orders"], s1["dropship_shipped_in_48h"]) == (3, 2)
    assert s1["supplier_ship_within_48h_rate"] == pytest.approx(2 / 3)
    assert (s2["purchase_orders_completed"], s2["purchase_orders_on_time"]) == (2, 1)
    assert s2["supplier_on_time_rate"] == pytest.approx(0.5)
    assert s2["purchase_orders_overdue"] == 2  # PO1 completed late, PO3 still open
    assert (s1["supplier_units_received"], s1["supplier_units_returned_quality"]) == (3, 1)
    assert s1["supplier_defect_rate"] == pytest.approx(1 / 3)
    assert (s2["supplier_units_received"], s2["supplier_units_rejected"],
            s2["supplier_units_returned_quality"]) == (17, 2, 1)
    assert s2["supplier_defect_rate"] == pytest.approx(3 / 17)
    assert (s1["return_refunds"], s1["restocked_value"], s1["supplier_goods_paid"]) == (
        Decimal("200.00"), Decimal("100.00"), Decimal("300.00"))
    assert s1["return_loss_amount"] == Decimal("100.00")
    assert s1["return_loss_rate"] == pytest.approx(1 / 3)
    assert s2["return_loss_rate"] == pytest.approx(0.0)
    assert (s1["supplier_waits"], s1["supplier_replies"]) == (2, 2)
    assert float(s1["supplier_reply_minutes"]) == pytest.approx(4.0)
    assert (s2["supplier_waits"], s2["supplier_replies"]) == (1, 0)


def test_the_shop_wide_figures_and_roi(supply):
    values = engine.compute(["gmv", "ad_spend", "shop_wide_ad_spend", "roi", "dropship_gmv",
                             "dropship_cost", "supplier_ship_within_48h_rate"], [WEEK])["current"]
    assert values["ad_spend"] == Decimal("100.00")
    assert values["shop_wide_ad_spend"] == Decimal("30.00")
    assert values["roi"] == pytest.approx(4.0)
    assert (values["dropship_gmv"], values["dropship_cost"]) == (Decimal("300.00"), Decimal("150.00"))
    assert values["supplier_ship_within_48h_rate"] == pytest.approx(2 / 3)


def test_days_of_supply_and_sell_through_per_sku(supply):
    codes = ["units_sold", "units_received", "sell_through_rate", "stock_available",
             "avg_daily_units_28d", "days_of_supply"]
    values = engine.compute(codes, [WEEK], group_by="sku_id")["current"]
    k2 = values[supply["k2"].pk]
    # K2: 2 sold in the period (O5), 15 accepted at receipts; 100 stocked up − 2 reserved by O5.
    assert (k2["units_sold"], k2["units_received"]) == (2, 15)
    assert k2["sell_through_rate"] == pytest.approx(2 / 15)
    available = k2["stock_available"]
    assert float(k2["avg_daily_units_28d"]) == pytest.approx(2 / 28)
    assert k2["days_of_supply"] == pytest.approx(available / (2 / 28))


def test_the_supply_metrics_are_registered_with_their_formulas():
    for code in ("supplier_ship_within_48h_rate", "supplier_on_time_rate", "supplier_defect_rate",
                 "return_loss_rate", "supplier_reply_minutes", "roi", "days_of_supply",
                 "sell_through_rate"):
        metric = METRICS[code]
        assert metric.formula and str(metric.name)
    assert METRICS["supplier_defect_rate"].formula == (
        "(units rejected at inspection + units returned for quality reasons) / units received")


def test_the_supply_tables_are_loaded(supply):
    assert {"suppliers", "supplier_items", "purchase_orders", "purchase_order_lines", "receipts",
            "receipt_lines", "supplier_messages", "supplier_orders", "ad_spend", "skus",
            "stock_levels", "returned_lines", "line_suppliers", "dropship_orders", "po_facts",
            "supplier_units", "supplier_money", "supplier_waits", "sku_stock"} <= reader.tables()
