"""Shopify's orders export: one row per line item, order-level fields on the first row."""

from decimal import Decimal

import pytest

from tests.imports.conftest import business_digest, errors_of, run_import, write_csv, write_xlsx
from zhanggui.aftersales.models import Refund
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
          "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
          "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
          "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Billing Name",
          "Shipping Name", "Shipping Address1", "Shipping City", "Shipping Zip", "Shipping Country",
          "Shipping Phone", "Notes", "Cancelled at", "Payment Method", "Payment Reference",
          "Refunded Amount", "Id"]


def _row(**values):
    return [values.get(h, "") for h in HEADER]


ROWS = [
    _row(Name="#1001", Email="ann@example.com", **{
        "Financial Status": "paid", "Paid at": "2024-02-01 10:05:00 +0800",
        "Fulfillment Status": "fulfilled", "Fulfilled at": "2024-02-02 09:00:00 +0800",
        "Currency": "CNY", "Subtotal": "90.00", "Shipping": "5.00", "Taxes": "0.00", "Total": "95.00",
        "Discount Amount": "10.00", "Created at": "2024-02-01 10:00:00 +0800",
        "Lineitem quantity": "2", "Lineitem name": "Mug - Blue", "Lineitem price": "30.00",
        "Lineitem sku": "MUG-B", "Billing Name": "Ann", "Shipping Name": "Ann Lee",
        "Shipping Address1": "1 Main St", "Shipping City": "Shanghai", "Shipping Country": "CN",
        "Payment Reference": "c123.1", "Refunded Amount": "0.00", "Id": "5001"}),
    _row(Name="#1001", **{"Lineitem quantity": "1", "Lineitem name": "Teapot",
                          "Lineitem price": "40.00", "Lineitem sku": "POT"}),
    _row(Name="#1002", Email="bob@example.com", **{
        "Financial Status": "refunded", "Fulfillment Status": "unfulfilled", "Currency": "CNY",
        "Subtotal": "20.00", "Shipping": "0.00", "Total": "20.00", "Created at": "2024-02-03 11:00:00 +0800",
        "Paid at": "2024-02-03 11:01:00 +0800", "Lineitem quantity": "1", "Lineitem name": "Spoon",
        "Lineitem price": "20.00", "Lineitem sku": "SPOON", "Refunded Amount": "20.00"}),
    _row(Name="#1003", Email="cy@example.com", **{
        "Financial Status": "pending", "Currency": "CNY", "Subtotal": "100.00", "Shipping": "0.00",
        "Taxes": "8.00", "Total": "108.00", "Created at": "2024-02-04 12:00:00 +0800",
        "Lineitem quantity": "1", "Lineitem name": "Kettle", "Lineitem price": "100.00",
        "Lineitem sku": "KETTLE"}),
    _row(Name="#1004", **{
        "Financial Status": "paid", "Fulfillment Status": "unfulfilled", "Currency": "CNY",
        "Total": "20.00", "Created at": "2024-02-05 12:00:00 +0800",
        "Paid at": "2024-02-05 12:01:00 +0800", "Cancelled at": "2024-02-05 15:00:00 +0800",
        "Lineitem quantity": "1", "Lineitem name": "Spoon", "Lineitem price": "20.00",
        "Lineitem sku": "SPOON"}),
]
EXPECTED_STATUS = {"#1001": "completed", "#1002": "cancelled", "#1003": "pending_payment",
                   "#1004": "cancelled"}


def _check_imported():
    assert dict(Order.objects.values_list("external_id", "status")) == EXPECTED_STATUS
    first = Order.objects.get(external_id="#1001")
    assert first.lines.count() == 2 and first.customer.code == "shopify-ann@example.com"
    assert (first.goods_amount, first.discount_amount, first.shipping_amount, first.total_amount) == (
        Decimal("100.00"), Decimal("10.00"), Decimal("5.00"), Decimal("95.00"))
    assert (first.country, first.address_detail, first.recipient_name) == ("CN", "1 Main St", "Ann Lee")
    assert first.payments.get().transaction_id == "c123.1"
    assert first.completed_at.isoformat() == "2024-02-02T01:00:00+00:00"
    taxed = Order.objects.get(external_id="#1003")
    assert (taxed.shipping_amount, taxed.total_amount, taxed.paid_amount) == (
        Decimal("8.00"), Decimal("108.00"), Decimal("0.00"))
    assert Refund.objects.filter(order__external_id__in=["#1002", "#1004"]).count() == 2
    assert Order.objects.get(external_id="#1004").customer.code == "shopify:guest"


def test_shopify_csv_with_bom(tmp_path):
    path = write_csv(tmp_path / "orders_export_1.csv", [HEADER, *ROWS], encoding="utf-8-sig")

    run = run_import(path, "orders", "shopify")

    assert run.status == "succeeded", run.message
    _check_imported()


def test_shopify_export_saved_as_excel(tmp_path):
    path = write_xlsx(tmp_path / "orders.xlsx", [HEADER, *ROWS])

    run = run_import(path, "orders", "shopify")

    assert run.status == "succeeded", run.message
    _check_imported()


def test_reimport_of_shopify_export_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "orders.csv", [HEADER, *ROWS])
    run_import(path, "orders", "shopify")
    before = business_digest()

    again = run_import(path, "orders", "shopify")

    assert (again.created_count, again.skipped_count, business_digest()) == (0, 4, before)


def test_unknown_financial_status_is_reported(tmp_path):
    bad = list(ROWS[2])
    bad[HEADER.index("Financial Status")] = "maybe"
    path = write_csv(tmp_path / "orders.csv", [HEADER, *ROWS[:2], bad])

    run = run_import(path, "orders", "shopify")

    assert errors_of(run) == [("", 4, "Financial Status")]
    assert "expected one of" in run.row_errors.get().reason
    assert not Order.objects.exists()
