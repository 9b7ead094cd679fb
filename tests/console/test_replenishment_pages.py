"""Console pages of replenishment: the reorder list (grouped by supplier, costs only with
the permission, drafting POs from the ticked rows, 403 and nothing changed for other roles),
the SKU forecast page (chart data, forecast days, figures per warehouse, stock-out days),
the SKU page's link to it and the workbench's "to reorder today"."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.console.workbench_support import client_for, shown_todos
from tests.suppliers.replenishment_support import make_fit
from zhanggui.inventory import actions as inventory_actions
from zhanggui.suppliers.models import PurchaseOrder, PurchaseOrderSource

pytestmark = pytest.mark.django_db
REORDER = "/supply/reorder-today/"


@pytest.fixture
def due():
    """One SKU at zero stock with 5 units/day forecast, supplied by SUP-R in packs of 6."""
    warehouse = factories.make_warehouse(code="HZ1")
    supplier = factories.make_supplier(code="SUP-R", name="杭州织造")
    sku = factories.make_listed_sku()
    factories.make_supplier_item(supplier, sku, unit_cost="8.00", lead_time_days="5.0",
                                 pack_size=6, moq=12)
    make_fit(sku, warehouse, d=5, sigma=2, days=7)
    make_fit(sku, None, d=5, sigma=2, days=7)
    return {"warehouse": warehouse, "supplier": supplier, "sku": sku,
            "key": f"{sku.pk}:{warehouse.pk}"}


def test_finance_sees_the_list_grouped_by_supplier_with_costs(due):
    response = client_for("finance").get(REORDER)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-supplier="SUP-R"' in page and f'value="{due["key"]}"' in page
    assert "supplier-total-cost" in page
    assert response.context["todo_rows"] == 1


def test_without_the_cost_permission_no_cost_is_shown(due):
    staff = factories.make_staff("warehouse")
    staff.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="suppliers", codename__in=["view_supplier", "add_purchaseorder"]))
    client = Client()
    client.force_login(staff)
    page = client.get(REORDER).content.decode()
    assert 'data-supplier="SUP-R"' in page and "supplier-total-cost" not in page
    assert "8.00" not in page


def test_the_button_drafts_one_po_per_supplier_and_warehouse(due):
    client = client_for("finance")
    response = client.post(REORDER, {"row": [due["key"]]}, follow=True)
    po = PurchaseOrder.objects.get()
    assert po.source == PurchaseOrderSource.REPLENISHMENT and po.created_by == client.staff
    assert po.lines.get().quantity % 6 == 0
    assert po.number in response.content.decode()
    assert response.context["todo_rows"] == 0  # on order now: off the list
    again = client.post(REORDER, {"row": [due["key"]]}, follow=True)
    assert PurchaseOrder.objects.count() == 1 and "already_in_draft" not in again.content.decode()
    assert po.number in again.content.decode()  # the refusal names the draft


@pytest.mark.parametrize("role", ["operator", "warehouse", "analyst", "service"])
def test_other_roles_get_403_and_nothing_changes(due, role):
    client = client_for(role)
    assert client.get(REORDER).status_code == 403
    assert client.post(REORDER, {"row": [due["key"]]}).status_code == 403
    assert PurchaseOrder.objects.count() == 0


def test_forecast_page_shows_chart_data_days_and_figures(due):
    sku, warehouse = due["sku"], due["warehouse"]
    # 20 units in stock two days ago, all gone a day later: a stock-out day since
    inventory_actions.receive_stock(sku, warehouse=warehouse, quantity=20, reason="in", actor=None)
    inventory_actions.adjust_stock(sku, warehouse=warehouse, delta=-20, reason="lost", actor=None)
    client = client_for("analyst")
    response = client.get(f"/supply/skus/{sku.pk}/forecast/?warehouse={warehouse.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    chart = json.loads(page.split('id="forecast-data" type="application/json">')[1]
                       .split("</script>")[0])
    assert len(chart["days"]) == 90 and len(chart["forecast"]) == 7
    assert chart["forecast"][0]["lower"] <= chart["forecast"][0]["quantity"] \
        <= chart["forecast"][0]["upper"]
    assert 'id="forecast-days"' in page and 'data-warehouse="HZ1"' in page
    assert "SUP-R" not in page  # the analyst does not see supplier records
    finance = client_for("finance").get(f"/supply/skus/{sku.pk}/forecast/").content.decode()
    assert "SUP-R" in finance and "¥8.00" in finance


def test_forecast_page_marks_stock_out_days_from_the_ledger(due):
    from zhanggui.inventory.queries_forecast import stockout_days

    sku, warehouse = due["sku"], due["warehouse"]
    today = timezone.localdate()
    inventory_actions.receive_stock(sku, warehouse=warehouse, quantity=5, reason="in", actor=None)
    assert stockout_days(sku.pk, start=today - timedelta(days=3), end=today + timedelta(days=2)) \
        == []  # in stock since today: earlier days were before the SKU was stocked
    inventory_actions.adjust_stock(sku, warehouse=warehouse, delta=-5, reason="lost", actor=None)
    assert stockout_days(sku.pk, start=today, end=today + timedelta(days=2)) == [
        today + timedelta(days=1)]


def test_forecast_page_of_a_missing_sku_is_404_and_needs_the_permission(due):
    assert client_for("analyst").get("/supply/skus/987654/forecast/").status_code == 404
    assert client_for("service").get(f"/supply/skus/{due['sku'].pk}/forecast/").status_code \
        == 403


def test_the_sku_page_links_to_its_forecast(due):
    client = client_for("operator")
    page = client.get(f"/catalog/sku/{due['sku'].pk}/change/").content.decode()
    assert f"/catalog/sku/{due['sku'].pk}/forecast-link/" in page
    response = client.get(f"/catalog/sku/{due['sku'].pk}/forecast-link/")
    assert response.status_code == 302
    assert response["Location"] == f"/supply/skus/{due['sku'].pk}/forecast/"


def test_the_workbench_to_do_counts_what_the_page_offers(due):
    client = client_for("finance")
    todos = {todo.code: todo for todo in shown_todos(client.get("/").content.decode())}
    assert todos["reorder_today"].count == 1
    assert client.get(todos["reorder_today"].url).context["todo_rows"] == 1
    warehouse_page = client_for("warehouse").get("/").content.decode()
    assert 'data-todo="reorder_today"' not in warehouse_page
