"""The supply morning in a real browser: finance opens the reorder list from the workbench,
drafts the purchase order in one click and sends it; the warehouse receives part of it with
one unit rejected at inspection; the SKU's stock and cost change on screen; then the SKU's
forecast chart (history with stock-out days, forecast and interval). Screenshots under
var/screenshots/ (supply-*.png)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.support import log_in, screenshot
from zhanggui.catalog.models import Sku
from zhanggui.inventory import actions as inventory_actions
from zhanggui.inventory.forecasts import ForecastDay, ForecastRecord, record_forecasts
from zhanggui.inventory.models import Stock, StockMovement
from zhanggui.orders.models import Order
from zhanggui.suppliers.models import PurchaseOrder, PurchaseOrderStatus

pytestmark = pytest.mark.browser
WEEKLY = [3, 4, 4, 5, 6, 8, 7]  # units a day, Monday first: weekends sell more


def _at(day, hour=10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _backdate(since_id: int, day) -> int:
    """Move the ledger entries written since ``since_id`` to ``day``; the newest id."""
    StockMovement.objects.filter(pk__gt=since_id).update(created_at=_at(day))
    return StockMovement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _history(sku: Sku, warehouse) -> None:
    """90 days of sales with eight days out of stock (46 to 39 days ago), ending with 6
    units available."""
    today = timezone.localdate()
    customer = factories.make_customer()
    last = StockMovement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    inventory_actions.receive_stock(sku, warehouse=warehouse, quantity=250, reason="opening",
                                    actor=None)
    last = _backdate(last, today - timedelta(days=95))
    for back in range(90, 0, -1):
        day = today - timedelta(days=back)
        if back == 46:  # the count found the shelf empty: out of stock for a week
            held = Stock.objects.get(sku=sku, warehouse=warehouse).on_hand
            inventory_actions.adjust_stock(sku, warehouse=warehouse, delta=-held,
                                           reason="count", kind="count", actor=None)
            last = _backdate(last, day - timedelta(days=1))
        if 39 <= back <= 46:
            continue
        if back == 38:
            inventory_actions.receive_stock(sku, warehouse=warehouse, quantity=260,
                                            reason="restock", actor=None)
            last = _backdate(last, day - timedelta(days=1))
        order = factories.make_order(sku=sku, customer=customer, quantity=WEEKLY[day.weekday()],
                                     status="delivered")
        Order.objects.filter(pk=order.pk).update(placed_at=_at(day), paid_at=_at(day, 11))
        last = _backdate(last, day)
    on_hand = Stock.objects.get(sku=sku, warehouse=warehouse).on_hand
    inventory_actions.adjust_stock(sku, warehouse=warehouse, delta=6 - on_hand, reason="count",
                                   kind="count", actor=None)


def _forecast(sku: Sku, warehouse) -> None:
    """What the forecast task would store: 28 days of a weekly pattern, 80 % interval."""
    today = timezone.localdate()
    days = tuple(ForecastDay(today + timedelta(days=i), WEEKLY[(today + timedelta(days=i))
                             .weekday()], max(WEEKLY[(today + timedelta(days=i)).weekday()] - 2.5,
                                              0), WEEKLY[(today + timedelta(days=i)).weekday()]
                             + 2.5) for i in range(1, 29))
    for target in (warehouse, None):
        record_forecasts([ForecastRecord(
            sku_id=sku.pk, warehouse_id=target.pk if target else None, model="AutoETS",
            history_days=90, censored_days=8, mean_daily_demand=sum(WEEKLY) / 7, error_std=2,
            days=days, mase=0.74, variability=0.31, xyz_class="X")], actor=None)


@pytest.fixture
def morning(transactional_db):
    warehouse = factories.make_warehouse("330000", code="HZ-MAIN")
    supplier = factories.make_supplier(code="SUP-KN", name="宁波针织")
    sku = factories.make_listed_sku(price="99.00", cost="40.00")
    factories.make_supplier_item(supplier, sku, unit_cost="30.00", lead_time_days="5.0",
                                 lead_time_std_days=Decimal("1.0"), moq=20, pack_size=10)
    _history(sku, warehouse)
    _forecast(sku, warehouse)
    return {"sku": sku, "warehouse": warehouse, "supplier": supplier}


def _as(page: Page, base_url: str, role: str) -> Page:
    other = page.context.browser.new_context(locale="zh-CN",
                                             viewport={"width": 1440, "height": 1000})
    fresh = other.new_page()
    fresh.set_default_timeout(15_000)
    log_in(fresh, base_url, role)
    return fresh


def test_reorder_draft_send_receive_partly_then_the_forecast_chart(browser_page, live_server,
                                                                    morning):
    sku, base = morning["sku"], live_server.url
    assert Stock.objects.get(sku=sku).available == 6

    # -- finance: the workbench's to-do opens the reorder list ------------------------------
    finance = browser_page
    log_in(finance, base, "finance")
    todo = finance.locator('[data-todo="reorder_today"]')
    expect(todo.locator(".workbench-todo-count")).to_have_text("1")
    todo.click()
    group = finance.locator('[data-supplier="SUP-KN"]')
    row = group.locator(f'tr[data-sku="{sku.code}"]')
    # d = 37/7 a day, σ_d 2, L 5 ± 1 days: reorder point 38; 6 available:
    # 38 + 7 × 37/7 − 6 = 69 → in packs of 10: 70
    expect(row.locator(".order-quantity")).to_have_text("70")
    expect(group.locator(".supplier-total-cost")).to_have_text("¥2100.00")
    screenshot(finance, "supply-1-reorder-today.png")
    finance.locator("#draft-purchase-orders").click()
    po = PurchaseOrder.objects.get(supplier=morning["supplier"])
    assert po.status == PurchaseOrderStatus.DRAFT and po.lines.get().quantity == 70
    expect(finance.locator("#reorder-empty")).to_be_visible()  # on order now

    # -- finance sends the draft --------------------------------------------------------------
    finance.get_by_role("link", name=po.number).click()
    expect(finance.locator("body")).to_contain_text(po.number)
    finance.goto(f"{base}/suppliers/purchaseorder/{po.pk}/send/")
    finance.locator("form button[type=submit]").last.click()
    expect(finance.locator("body")).to_contain_text(po.number)
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.SENT
    screenshot(finance, "supply-2-po-sent.png")

    # -- the warehouse receives 40 of 70: 39 accepted, 1 damaged ----------------------------
    warehouse = _as(finance, base, "warehouse")
    warehouse.goto(f"{base}/suppliers/purchaseorder/{po.pk}/receive/")
    line = warehouse.locator(f'#receive-lines tr[data-sku="{sku.code}"]')
    line.locator("input[name$=_accepted]").fill("39")
    line.locator("input[name$=_rejected]").fill("1")
    line.locator("select[name$=_reason]").select_option("damaged")
    screenshot(warehouse, "supply-3-receive-form.png")
    warehouse.locator("#receive-submit").click()
    expect(warehouse.locator("body")).to_contain_text(po.number)
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.PARTLY_RECEIVED
    line_row = po.lines.get()
    assert (line_row.received_quantity, line_row.rejected_quantity) == (39, 1)
    screenshot(warehouse, "supply-4-partly-received.png")

    # -- stock and cost on screen: 6 + 39 available; cost (6 × 40 + 39 × 30) / 45 = 31.33 --
    finance.goto(f"{base}/catalog/sku/?q={sku.code}")
    result = finance.locator("#result_list")
    expect(result).to_contain_text("45")
    expect(result).to_contain_text("31.33")
    screenshot(finance, "supply-5-sku-stock-and-cost.png")
    finance.goto(f"{base}/inventory/stock/?q={sku.code}")
    expect(finance.locator("#result_list")).to_contain_text("45")

    # -- the SKU's forecast chart, from its page ------------------------------------------------
    finance.goto(f"{base}/catalog/sku/{sku.pk}/change/")
    finance.goto(f"{base}/catalog/sku/{sku.pk}/forecast-link/")
    expect(finance.locator("#forecast-chart canvas")).to_have_count(1)
    expect(finance.locator("#forecast-chart")).to_have_attribute("data-rendered", "true")
    expect(finance.locator("#forecast-days tbody tr")).to_have_count(28)
    expect(finance.locator("#replenishment-figures")).to_contain_text("SUP-KN")
    screenshot(finance, "supply-6-sku-forecast.png")
    finance.goto(f"{base}/supply/skus/{sku.pk}/forecast/?warehouse={morning['warehouse'].pk}")
    expect(finance.locator("#forecast-chart canvas")).to_have_count(1)
    screenshot(finance, "supply-7-sku-forecast-warehouse.png")

    # -- the list of stored forecasts, linking to the chart -----------------------------------
    finance.goto(f"{base}/inventory/forecastfit/")
    expect(finance.locator("#result_list")).to_contain_text(sku.code)
    expect(finance.locator("#result_list")).to_contain_text("AutoETS")
    screenshot(finance, "supply-8-forecast-list.png")
