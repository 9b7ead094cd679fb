"""Purchase orders and supplier records in the console: pages, steps through the actions,
refusals shown, costs hidden without the permission."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.console.test_other_actions import inline_management_data, messages_of
from zhanggui.inventory.models import CostChange, Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.suppliers import actions
from zhanggui.suppliers.models import (
    PurchaseOrder,
    PurchaseOrderStatus,
    Receipt,
    Supplier,
    SupplierItem,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def po():
    supplier = factories.make_supplier(name="义乌百货")
    sku_a, sku_b = factories.make_sku(cost="40.00"), factories.make_sku(cost="8.00")
    factories.make_supplier_item(supplier, sku_a, unit_cost="20.00")
    factories.make_supplier_item(supplier, sku_b, unit_cost="8.00")
    return factories.make_purchase_order(supplier=supplier, lines=[(sku_a, 10), (sku_b, 5)],
                                         sent=True)


def _url(name, po):
    return reverse(f"admin:suppliers_purchaseorder_{name}", args=[po.pk])


def test_warehouse_receives_partly_with_a_rejected_unit(login, po):
    client = login("warehouse")
    page = client.get(_url("receive", po))
    assert page.status_code == 200
    html = page.content.decode()
    a, b = po.lines.select_related("sku").order_by("id")
    assert f'id="id_line_{a.pk}_accepted"' in html and f'data-sku="{a.sku.code}"' in html
    assert "freight_amount" not in html and "allow_over_receipt" not in html  # no cost, no over
    response = client.post(_url("receive", po), {
        f"line_{a.pk}_accepted": "6", f"line_{a.pk}_rejected": "1",
        f"line_{a.pk}_reason": "damaged", f"line_{a.pk}_short": "0",
        f"line_{b.pk}_accepted": "0", f"line_{b.pk}_rejected": "0",
        f"line_{b.pk}_reason": "", f"line_{b.pk}_short": "0"}, follow=True)
    assert response.status_code == 200
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.PARTLY_RECEIVED
    assert Stock.objects.get(sku=a.sku, warehouse=po.warehouse).on_hand == 6
    assert CostChange.objects.get(sku=a.sku).cost_after == Decimal("20.00")
    assert ledger_mismatches() == []
    detail = client.get(_url("change", po)).content.decode()
    assert f"{po.number}-R1" in detail
    assert "20.00" not in detail  # the warehouse sees no unit cost, nor the freight
    assert "field-freight_amount" not in detail and "landed costs" not in detail


def test_over_receipt_and_missing_reason_are_shown_and_change_nothing(login, po):
    client = login("warehouse")
    a, b = po.lines.order_by("id")
    blank = {f"line_{b.pk}_accepted": "0", f"line_{b.pk}_rejected": "0",
             f"line_{b.pk}_short": "0"}
    over = client.post(_url("receive", po), {
        f"line_{a.pk}_accepted": "11", f"line_{a.pk}_rejected": "0", f"line_{a.pk}_short": "0",
        **blank})
    assert over.status_code == 200 and 'id="receive-error"' in over.content.decode()
    no_reason = client.post(_url("receive", po), {
        f"line_{a.pk}_accepted": "1", f"line_{a.pk}_rejected": "2", f"line_{a.pk}_short": "0",
        **blank})
    assert 'id="receive-error"' in no_reason.content.decode()
    assert not Receipt.objects.exists()
    assert not Stock.objects.filter(sku=a.sku).exists()


def test_finance_sees_the_over_receipt_box_and_may_use_it(login, po):
    client = login("finance")
    a, b = po.lines.order_by("id")
    html = client.get(_url("receive", po)).content.decode()
    assert "allow_over_receipt" in html and "freight_amount" in html
    client.post(_url("receive", po), {
        f"line_{a.pk}_accepted": "12", f"line_{a.pk}_rejected": "0", f"line_{a.pk}_short": "0",
        f"line_{b.pk}_accepted": "5", f"line_{b.pk}_rejected": "0", f"line_{b.pk}_short": "0",
        "allow_over_receipt": "on", "freight_amount": "17.00"})
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.RECEIVED
    assert po.freight_amount == Decimal("17.00")


def test_send_close_cancel_and_pdf_through_the_console(login):
    client = login("finance")
    draft = factories.make_purchase_order()
    assert client.get(_url("send", draft)).status_code == 200
    client.post(_url("send", draft), {})
    draft.refresh_from_db()
    assert draft.status == PurchaseOrderStatus.SENT
    client.post(_url("cancel", draft), {"reason": "供应商停产"})
    draft.refresh_from_db()
    assert (draft.status, draft.cancel_reason) == (PurchaseOrderStatus.CANCELLED, "供应商停产")
    refused = client.post(_url("close", draft), {"note": ""}, follow=True)
    assert any("已取消" in m or "cancelled" in m for m in messages_of(refused))
    pdf = client.get(_url("pdf", draft))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_wrong_role_gets_403_on_the_steps(login, po):
    client = login("operator")
    for step in ("receive", "send", "close", "cancel", "pdf"):
        assert client.get(_url(step, po)).status_code == 403, step
    assert client.post(_url("cancel", po), {"reason": "x"}).status_code == 403
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.SENT


def test_a_purchase_order_entered_in_the_console_is_created_through_the_action(login):
    client = login("finance")
    supplier = factories.make_supplier()
    sku = factories.make_sku()
    factories.make_supplier_item(supplier, sku, unit_cost="6.50")
    warehouse = factories.make_warehouse()
    url = reverse("admin:suppliers_purchaseorder_add")
    data = inline_management_data(client, url)
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data.update({f"{prefix}-TOTAL_FORMS": "1", "supplier": supplier.pk,
                 "warehouse": warehouse.pk, "note": "",
                 f"{prefix}-0-sku": sku.pk, f"{prefix}-0-quantity": "24",
                 f"{prefix}-0-unit_cost": "6.50"})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    po = PurchaseOrder.objects.get()
    assert po.created_by == client.staff and po.lines.get().quantity == 24


def test_supplier_with_contacts_and_items_saved_through_actions(login):
    client = login("finance")
    sku = factories.make_sku()
    url = reverse("admin:suppliers_supplier_add")
    data = inline_management_data(client, url)
    contacts = next(k for k in data if "contact" in k and k.endswith("-TOTAL_FORMS"))
    items = next(k for k in data if "item" in k and k.endswith("-TOTAL_FORMS"))
    cp, ip = contacts.removesuffix("-TOTAL_FORMS"), items.removesuffix("-TOTAL_FORMS")
    data.update({"code": "S9", "name": "温州鞋厂", "payment_terms": "net_30", "is_active": "on",
                 "note": "", contacts: "1", items: "1",
                 f"{cp}-0-name": "陈经理", f"{cp}-0-phone": "13700000000",
                 f"{cp}-0-is_primary": "on",
                 f"{ip}-0-sku": sku.pk, f"{ip}-0-unit_cost": "12.00", f"{ip}-0-moq": "10",
                 f"{ip}-0-pack_size": "5", f"{ip}-0-lead_time_days": "6.0",
                 f"{ip}-0-is_preferred": "on"})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, response.content
    supplier = Supplier.objects.get(code="S9")
    assert supplier.contacts.get().name == "陈经理"
    assert SupplierItem.objects.get(supplier=supplier).moq == 10
    from zhanggui.accounts.models import OperationLog
    assert OperationLog.objects.filter(action="suppliers.create_supplier").exists()
    assert OperationLog.objects.filter(action="suppliers.create_supplieritem").exists()


def test_cost_history_list_and_the_sku_link(login, po):
    line = po.lines.first()
    actions.receive_purchase_order(po, actor=None, lines={
        line.pk: actions.ReceiptLineInput(accepted=2)})
    client = login("finance")
    url = reverse("admin:inventory_costchange_changelist") + f"?sku__id__exact={line.sku_id}"
    html = client.get(url).content.decode()
    assert po.number in html
    assert login("warehouse").get(url).status_code == 403


def test_the_sku_page_links_to_its_cost_history_for_finance(login, po):
    sku = po.lines.first().sku
    client = login("finance")
    link = reverse("admin:catalog_sku_open_cost_history", args=[sku.pk])
    assert link in client.get(reverse("admin:catalog_sku_change", args=[sku.pk])).content.decode()
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/inventory/costchange/?sku__id__exact={sku.pk}")
    assert login("operator").get(link).status_code == 403


def test_the_order_page_tells_its_history_in_words(login, po):
    html = login("finance").get(_url("change", po)).content.decode()
    assert "采购单已发出" in html or "purchase order sent" in html.lower()


def test_workbench_counts_orders_to_receive_and_overdue_as_their_lists_show(login):
    from datetime import timedelta

    from django.utils import timezone

    from tests.console.workbench_support import list_rows, shown_todos

    late = factories.make_purchase_order(sent=True)
    PurchaseOrder.objects.filter(pk=late.pk).update(
        expected_on=timezone.localdate() - timedelta(days=1))
    factories.make_purchase_order(sent=True)  # awaited, not late
    factories.make_purchase_order()  # a draft: neither
    finance = login("finance")
    todos = {todo.code: todo for todo in shown_todos(finance.get("/").content.decode())}
    assert todos["purchase_orders_overdue"].count == 1
    assert todos["purchase_orders_to_receive"].count == 2
    for todo in todos.values():
        if todo.code.startswith("purchase_orders"):
            assert list_rows(finance, todo.url) == todo.count, todo.code
    warehouse_page = login("warehouse").get("/").content.decode()
    assert 'data-todo="purchase_orders_to_receive"' in warehouse_page
    assert 'data-todo="purchase_orders_overdue"' not in warehouse_page
