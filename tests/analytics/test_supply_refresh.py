"""The supply extracts refreshed incrementally, and the drop-ship ROI alert after a refresh."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from tests.analytics.supply_store import at, build_supply
from zhanggui.accounts.models import Alert, AlertKind
from zhanggui.analytics import actions, reader, storage, tasks, warehouse
from zhanggui.analytics.extract import EXTRACTS
from zhanggui.analytics.extract_supply import SUPPLY_EXTRACTS
from zhanggui.fulfillment.models import SupplierOrder
from zhanggui.marketing.models import AdSpend
from zhanggui.suppliers.models import PurchaseOrder, Receipt, ReceiptLine, SupplierMessage
from zhanggui.suppliers.queries import get_policy

LAST_DAY = date(2026, 11, 7)  # the alert's 7 days: 11-01 … 11-07, the store's week


@pytest.fixture
def supply(db, warehouse_dir):
    return build_supply()


def _rows(table: str) -> list[tuple]:
    root = storage.root()
    files = storage.read_manifest(root).tables[table]
    scan = "read_parquet([" + ", ".join(f"'{root / f}'" for f in files) + "])"
    rows = duckdb.sql(f"SELECT * FROM {scan}").fetchall()
    return sorted(rows, key=repr)


def _snapshot() -> dict:
    return {e.table: _rows(e.table) for e in SUPPLY_EXTRACTS}


def test_the_supply_extracts_are_listed_with_their_modes():
    tables = {e.table: e.mode for e in EXTRACTS}
    assert tables["purchase_orders"] == "by_updated_at" and tables["supplier_orders"] == "by_updated_at"
    assert tables["purchase_order_lines"] == "by_parent"
    assert {tables[t] for t in ("receipts", "receipt_lines", "supplier_messages")} == {"by_id"}
    whole = ("suppliers", "supplier_items", "ad_spend", "skus", "stock_levels")
    assert {tables[t] for t in whole} == {"whole"}
    # A child comes after its parent.
    order = [e.table for e in EXTRACTS]
    assert order.index("purchase_order_lines") > order.index("purchase_orders")


def test_a_refresh_copies_what_changed_like_a_rebuild(supply, tmp_path, settings):
    po = PurchaseOrder.objects.get(number="PO-T-3")
    line = po.lines.get()
    receipt = Receipt.objects.create(purchase_order=po, number="PO-T-3-R0",
                                     received_at=at("2026-11-07 09:00"))
    ReceiptLine.objects.create(receipt=receipt, line=line, accepted=3, rejected=1, reject_reason="defective",
                               landed_unit_cost=Decimal("20.00"))
    po.status = "partly_received"
    po.save()  # the action saves the PO: its updated_at moves
    shipped = SupplierOrder.objects.get(number="DS-T-2")
    shipped.cost_amount = Decimal("45.00")
    shipped.save()
    AdSpend.objects.filter(day="2026-11-06").delete()  # rows leave a whole table
    SupplierMessage.objects.create(supplier=supply["s2"], direction="in", sent_at=at("2026-11-04 10:02"),
                                   body="好的")
    result = warehouse.refresh()
    assert result.kind == "refresh"
    assert result.rows["receipt_lines"] >= 1 and result.rows["supplier_orders"] >= 1
    refreshed = _snapshot()
    assert any("partly_received" in row for row in refreshed["purchase_orders"])
    assert len(refreshed["ad_spend"]) == 3
    settings.ZHANGGUI_WAREHOUSE_DIR = tmp_path / "rebuilt"
    reader.forget()
    warehouse.rebuild()
    assert _snapshot() == refreshed


def test_a_second_refresh_keeps_the_supply_files(supply):
    before = storage.read_manifest(storage.root()).tables
    warehouse.refresh()
    after = storage.read_manifest(storage.root()).tables
    assert all(after[e.table] == before[e.table] for e in SUPPLY_EXTRACTS)


def _alerts():
    return list(Alert.objects.filter(kind=AlertKind.DROPSHIP_ROI_LOW).order_by("pk"))


def test_the_low_roi_alert_is_raised_once_a_day_per_product_or_supplier(supply):
    assert actions.raise_dropship_roi_alerts(today=LAST_DAY) == []  # floor 2.5: P1 3.0, S1 3.33
    policy = get_policy()
    policy.roi_alert_below = Decimal("3.20")
    policy.save()
    raised = actions.raise_dropship_roi_alerts(today=LAST_DAY)
    assert [(a.object_type, a.object_id) for a in raised] == [("catalog.product", str(supply["p1"].pk))]
    assert "3.00" in raised[0].message and "3.20" in raised[0].message
    assert actions.raise_dropship_roi_alerts(today=LAST_DAY) == []  # not twice a day
    policy.roi_alert_below = Decimal("3.50")
    policy.save()
    raised = actions.raise_dropship_roi_alerts(today=LAST_DAY)
    assert [(a.object_type, a.object_id) for a in raised] == [("suppliers.supplier", str(supply["s1"].pk))]
    assert len(_alerts()) == 2


def test_a_refresh_checks_the_roi_after_it_commits(supply, monkeypatch, django_capture_on_commit_callbacks):
    checked = []
    monkeypatch.setattr(tasks, "raise_dropship_roi_alerts", lambda: checked.append(True) or [])
    with django_capture_on_commit_callbacks(execute=True):
        actions.refresh_warehouse(actor=None)
    assert checked == [True]


def test_no_alert_without_the_supply_tables(db, warehouse_dir):
    assert actions.raise_dropship_roi_alerts(today=LAST_DAY) == []  # no warehouse yet
