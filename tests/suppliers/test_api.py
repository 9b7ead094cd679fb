"""Suppliers API: business refusals as JSON errors with stable codes, nothing changed."""

import pytest

from tests import factories
from tests.api.support import ApiClient, row_counts, staff_of
from zhanggui.suppliers.models import PurchaseOrderStatus

pytestmark = pytest.mark.django_db
PO = "/api/v1/suppliers/purchase-orders"


@pytest.fixture
def po():
    return factories.make_purchase_order(lines=[(factories.make_sku(), 10)], sent=True)


def test_warehouse_receives_partly_with_a_rejection_and_sees_no_costs(po):
    client = ApiClient(staff_of("warehouse"))
    line = po.lines.get()
    response = client.post(f"{PO}/{po.pk}/receive", {"lines": [
        {"line_id": line.pk, "accepted": 6, "rejected": 1, "reject_reason": "damaged",
         "short": 0}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lines"][0]["accepted"] == 6 and body["lines"][0]["landed_unit_cost"] is None
    detail = client.get(f"{PO}/{po.pk}").json()
    assert detail["status"] == PurchaseOrderStatus.PARTLY_RECEIVED
    assert detail["lines"][0]["unit_cost"] is None and detail["total_cost"] is None
    finance = ApiClient(staff_of("finance")).get(f"{PO}/{po.pk}").json()
    assert finance["lines"][0]["unit_cost"] == "30.00"


@pytest.mark.parametrize(("role", "over", "code", "status"), [
    ("warehouse", False, "over_receipt", 409),
    ("warehouse", True, "over_receipt_not_allowed", 409),
])
def test_over_receipt_refusals_change_nothing(po, role, over, code, status):
    client = ApiClient(staff_of(role))
    line = po.lines.get()
    before = row_counts()
    response = client.post(f"{PO}/{po.pk}/receive", {
        "lines": [{"line_id": line.pk, "accepted": 11}], "allow_over_receipt": over})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert row_counts() == before


def test_finance_may_accept_an_over_delivery(po):
    line = po.lines.get()
    response = ApiClient(staff_of("finance")).post(f"{PO}/{po.pk}/receive", {
        "lines": [{"line_id": line.pk, "accepted": 11}], "allow_over_receipt": True})
    assert response.status_code == 201, response.content
    assert response.json()["allow_over_receipt"] is True


def test_rejected_without_reason_duplicate_lines_and_wrong_state_are_refused(po):
    client = ApiClient(staff_of("finance"))
    line = po.lines.get()
    before = row_counts()
    no_reason = client.post(f"{PO}/{po.pk}/receive",
                            {"lines": [{"line_id": line.pk, "rejected": 2}]})
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "reject_reason_required")
    twice = client.post(f"{PO}/{po.pk}/receive", {"lines": [
        {"line_id": line.pk, "accepted": 1}, {"line_id": line.pk, "accepted": 1}]})
    assert twice.json()["code"] == "invalid_receipt_line"
    edit = client.request("PUT", f"{PO}/{po.pk}/lines",
                          {"lines": [{"sku_id": line.sku_id, "quantity": 3}]})
    assert (edit.status_code, edit.json()["code"]) == (409, "po_wrong_state")
    send = client.post(f"{PO}/{po.pk}/send")
    assert send.json()["code"] == "po_wrong_state"
    cancel = client.post(f"{PO}/{po.pk}/cancel", {"reason": " "})
    assert cancel.json()["code"] == "cancel_reason_required"
    assert row_counts() == before


def test_create_refuses_a_sku_the_supplier_does_not_supply():
    supplier = factories.make_supplier()
    response = ApiClient(staff_of("finance")).post(PO, {
        "supplier_id": supplier.pk, "warehouse_id": factories.make_warehouse().pk,
        "lines": [{"sku_id": factories.make_sku().pk, "quantity": 2}]})
    assert (response.status_code, response.json()["code"]) == (422, "sku_not_supplied")


def test_pdf_for_the_warehouse_is_a_receiving_copy(po):
    response = ApiClient(staff_of("warehouse")).get(f"{PO}/{po.pk}/pdf")
    assert response.status_code == 200
    assert response.json()["filename"] == f"{po.number}.pdf"
