"""The skip-invalid mode: every record whose rows are all valid is imported, the others are
reported line by line; a record (an order with its lines, a product with its SKUs, a
customer) is never imported in part, and re-running the fixed file imports just the rest."""

import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from tests import factories
from tests.imports.conftest import business_digest, errors_of, report_of, run_import, write_csv
from tests.imports.test_taobao import ITEM_HEADER, ITEMS, ORDER_HEADER, ORDERS
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog.models import Product, Sku
from zhanggui.customers.models import Customer
from zhanggui.imports import actions
from zhanggui.imports.apply_master import ProductWriter
from zhanggui.imports.apply_orders import OrderWriter
from zhanggui.imports.models import ImportRun
from zhanggui.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

HEADER = ["order_id", "placed_at", "customer_id", "sku_code", "quantity", "unit_price",
          "total_amount"]
ROWS = [
    ["A1", "2024-01-01 10:00", "C1", "S1", "2", "10.00", "30.00"],  # line 2
    ["A1", "2024-01-01 10:00", "C1", "S2", "1", "10.00", ""],  # 3
    ["A2", "2024-01-02 10:00", "C2", "S1", "abc", "10.00", ""],  # 4: bad quantity
    ["A2", "2024-01-02 10:00", "C2", "S2", "1", "10.00", ""],  # 5: valid, skipped with A2
    ["A3", "2024-01-03 10:00", "C1", "S1", "1", "10.00", "99.00"],  # 6: total disagrees
    ["A4", "2024-01-04 10:00", "C3", "S3", "1", "5.00", ""],  # 7
    ["A5", "2024-01-05 10:00", "C3", "S3", "1", "5.00", ""],  # 8: valid, A5 comes back on 10
    ["A6", "2024-01-06 10:00", "C4", "S1", "1", "10.00", ""],  # 9
    ["A5", "2024-01-05 10:00", "C3", "S1", "1", "10.00", ""],  # 10: rows of A5 apart
]
VALID, INVALID = {"A1", "A4", "A6"}, {"A2", "A3", "A5"}


def _fixed_rows():
    rows = [list(row) for row in ROWS]
    rows[2][4] = "3"
    rows[4][6] = "10.00"
    rows[8][0] = "A7"
    return rows


@pytest.fixture
def orders_file(tmp_path):
    return write_csv(tmp_path / "orders.csv", [HEADER, *ROWS])


def _snapshot(external_ids):
    return list(Order.objects.filter(external_id__in=external_ids).order_by("pk").values())


def test_skip_mode_imports_the_valid_orders_and_reports_the_rest(orders_file, owner):
    run = run_import(orders_file, "orders", skip_invalid=True, actor=owner)

    assert (run.status, run.mode) == ("completed_with_skips", "skip_invalid")
    assert set(Order.objects.values_list("external_id", flat=True)) == VALID
    assert OrderLine.objects.count() == 4  # A1's two lines, A4, A6: no line of A2, A3 or A5
    assert (run.imported_record_count, run.imported_row_count) == (3, 4)
    assert (run.skipped_record_count, run.skipped_row_count) == (3, 5)
    assert (run.created_count, run.error_count, run.failed_count) == (3, 3, 3)
    assert errors_of(run) == [("", 4, "quantity"), ("", 6, "total_amount"), ("", 10, "order_id")]
    report = report_of(run)
    assert [(r[0], r[1]) for r in report] == [("main", str(n)) for n in (4, 5, 6, 8, 10)]
    assert report[1][2:] == ["order_id", "A2", "skipped: order A2 has an error on line 4"]
    assert report[3][2:] == ["order_id", "A5", "skipped: order A5 has an error on line 10"]
    assert "repeated (first on line 8)" in report[4][4]


def test_default_mode_still_refuses_the_whole_file(orders_file):
    before = business_digest()

    run = run_import(orders_file, "orders")

    assert (run.status, run.mode, run.imported_record_count) == ("failed", "all_or_nothing", 0)
    assert errors_of(run) == [("", 4, "quantity"), ("", 6, "total_amount"), ("", 10, "order_id")]
    assert business_digest() == before
    assert not run.row_errors.filter(is_sibling=True).exists()


def test_rerun_after_fixing_the_lines_imports_just_the_skipped_orders(orders_file, tmp_path):
    run_import(orders_file, "orders", skip_invalid=True)
    imported = _snapshot(VALID)
    write_csv(orders_file, [HEADER, *_fixed_rows()])

    again = run_import(orders_file, "orders", skip_invalid=True)

    assert (again.status, again.created_count, again.skipped_count) == ("succeeded", 4, 3)
    assert (again.imported_record_count, again.skipped_record_count) == (7, 0)
    assert _snapshot(VALID) == imported
    assert Order.objects.get(external_id="A2").lines.count() == 2
    assert Order.objects.count() == 7 and OrderLine.objects.count() == 9


def test_skipped_orders_create_no_customer_or_sku(tmp_path):
    path = write_csv(tmp_path / "o.csv", [HEADER, ["B1", "2024-01-01", "ONLY-B1", "SKU-B1", "1", "5", ""],
                                          ["B1", "2024-01-01", "ONLY-B1", "SKU-B2", "-1", "5", ""],
                                          ["B2", "2024-01-01", "C9", "S9", "1", "5", ""]])

    run = run_import(path, "orders", skip_invalid=True)

    assert run.status == "completed_with_skips"
    assert not Customer.objects.filter(code="own-ONLY-B1").exists()
    assert not Sku.objects.filter(code__in=["SKU-B1", "SKU-B2"]).exists()
    assert errors_of(run) == [("", 3, "quantity")]  # the negative line, not the order's first


def test_skip_mode_dry_run_counts_and_writes_nothing_then_confirms_in_skip_mode(orders_file, owner):
    before = business_digest()

    dry = run_import(orders_file, "orders", skip_invalid=True, dry_run=True, actor=owner)

    assert business_digest() == before
    assert (dry.status, dry.imported_record_count, dry.skipped_record_count) == (
        "completed_with_skips", 3, 3)
    assert dry.can_be_confirmed
    real = actions.execute_import_run(actions.confirm_import_run(dry, actor=owner))
    assert (real.mode, real.status, real.created_count) == ("skip_invalid", "completed_with_skips", 3)


def test_a_dry_run_of_an_all_invalid_file_cannot_be_confirmed(tmp_path, owner):
    path = write_csv(tmp_path / "o.csv", [HEADER, ["X1", "someday", "", "S", "1", "5", ""]])

    dry = run_import(path, "orders", skip_invalid=True, dry_run=True, actor=owner)

    assert (dry.status, dry.imported_record_count, dry.skipped_record_count) == ("failed", 0, 1)
    with pytest.raises(actions.InvalidInput):
        actions.confirm_import_run(dry, actor=owner)


def test_operation_log_carries_the_counts(orders_file, owner):
    run = run_import(orders_file, "orders", skip_invalid=True, actor=owner)

    entry = OperationLog.objects.get(action="imports.run_import", object_id=str(run.pk))
    assert {key: entry.after[key] for key in ("mode", "status", "imported_record_count",
                                              "imported_row_count", "skipped_record_count",
                                              "skipped_row_count")} == {
        "mode": "skip_invalid", "status": "completed_with_skips", "imported_record_count": 3,
        "imported_row_count": 4, "skipped_record_count": 3, "skipped_row_count": 5}


def test_valid_records_are_written_all_or_none_when_the_database_refuses(orders_file, monkeypatch):
    before = business_digest()
    original = OrderWriter.write

    def refuse_after_writing(self, drafts):
        original(self, drafts)
        raise IntegrityError("refused")

    monkeypatch.setattr(OrderWriter, "write", refuse_after_writing)

    run = run_import(orders_file, "orders", skip_invalid=True)

    assert run.status == "failed" and "refused" in run.message
    assert business_digest() == before


# Online Retail: the report of issue 12 -------------------------------------------------

RETAIL_HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
                 "CustomerID", "Country"]
RETAIL = [line.split(",") for line in """\
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,,United Kingdom
C536383,35004C,SET OF 3 COLOURED  FLYING DUCKS,-1,2010-12-01 09:49:00,4.65,15311.0,United Kingdom
C536383,22633,HAND WARMER UNION JACK,2,2010-12-01 09:49:00,1.85,15311.0,United Kingdom
536380,22961,JAM MAKING SET PRINTED,24,2010-12-01 09:41:00,1.45,17809.0,France
C536391,21980,PACK OF 12 RED RETROSPOT TISSUES,24,2010-12-01 10:24:00,0.29,17548.0,United Kingdom
""".splitlines()]


def test_online_retail_cancellation_with_a_positive_line_is_skipped_whole(tmp_path):
    path = write_csv(tmp_path / "retail.csv", [RETAIL_HEADER, *RETAIL])

    assert run_import(path, "orders", "online_retail").status == "failed"
    run = run_import(path, "orders", "online_retail", skip_invalid=True)

    assert run.status == "completed_with_skips"
    assert set(Order.objects.values_list("external_id", flat=True)) == {
        "536365", "C536379", "536366", "536380"}
    assert Order.objects.get(external_id="C536379").status == "cancelled"
    # The positive line of each bad cancellation is named, and the valid line of C536383.
    assert [(r[1], r[2], r[4]) for r in report_of(run)] == [
        ("5", "InvoiceNo", "skipped: order C536383 has an error on line 6"),
        ("6", "Quantity", "an order cannot mix negative and positive lines"),
        ("8", "Quantity", "a cancellation must have negative quantities"),
    ]
    assert (run.imported_record_count, run.skipped_record_count, run.skipped_row_count) == (4, 2, 3)


def test_online_retail_rerun_after_fixing_the_sign_imports_just_the_cancellations(tmp_path):
    path = write_csv(tmp_path / "retail.csv", [RETAIL_HEADER, *RETAIL])
    run_import(path, "orders", "online_retail", skip_invalid=True)
    fixed = [list(row) for row in RETAIL]
    fixed[4][3], fixed[6][3] = "-2", "-24"
    write_csv(path, [RETAIL_HEADER, *fixed])

    again = run_import(path, "orders", "online_retail", skip_invalid=True)

    assert (again.status, again.created_count, again.skipped_count) == ("succeeded", 2, 4)
    assert Order.objects.filter(status="cancelled").count() == 3
    assert Order.objects.get(external_id="C536383").lines.count() == 2


# Taobao: an order's lines come from the second file -------------------------------------

def test_taobao_order_with_a_bad_item_line_is_skipped_with_its_order_row(tmp_path):
    orders = write_csv(tmp_path / "ExportOrderList.csv", [ORDER_HEADER, *ORDERS], encoding="gbk")
    items = [list(row) for row in ITEMS]
    items[1][3] = "x"  # the second item of order 1001 (item file line 3)
    item_file = write_csv(tmp_path / "ExportOrderDetailList.csv", [ITEM_HEADER, *items],
                          encoding="gbk")

    run = run_import(orders, "orders", "taobao", item_path=item_file, skip_invalid=True)

    assert run.status == "completed_with_skips"
    assert set(Order.objects.values_list("external_id", flat=True)) == {"1002", "1003", "1004", "1005"}
    reason = "skipped: order 1001 has an error on line 3 of the item-detail file"
    assert [(r[0], r[1], r[4] if r[4].startswith("skipped") else "error") for r in report_of(run)] == [
        ("main", "2", reason), ("items", "2", reason), ("items", "3", "error")]
    assert errors_of(run) == [("items", 3, "购买数量")]
    assert (run.imported_record_count, run.skipped_record_count, run.skipped_row_count) == (4, 1, 3)

    items[1][3] = "1"
    write_csv(item_file, [ITEM_HEADER, *items], encoding="gbk")
    again = run_import(orders, "orders", "taobao", item_path=item_file, skip_invalid=True)
    assert (again.status, again.created_count, again.skipped_count) == ("succeeded", 1, 4)
    assert Order.objects.get(external_id="1001").lines.count() == 2


# Products and customers ----------------------------------------------------------------

PRODUCT_HEADER = ["product_code", "title", "sku_code", "price_amount", "options"]


def test_product_is_skipped_with_all_its_skus(tmp_path):
    taken = factories.make_sku()
    rows = [
        ["P1", "衬衫", "P1-S", "10", "尺码:S"],  # 2: valid, P1 fails on line 5
        ["P2", "裤子", "P2-M", "20", ""],  # 3
        ["P3", "帽子", "P3-A", "5", ""],  # 4: its SKU code is repeated by P4
        ["P1", "衬衫", "P1-M", "-3", "尺码:M"],  # 5: negative price
        ["P4", "袜子", "P3-A", "5", ""],  # 6: duplicate SKU code
        ["P5", "鞋", taken.code, "30", ""],  # 7: SKU of another, stored product
        ["P6", "包", "P6-X", "40", ""],  # 8
    ]
    path = write_csv(tmp_path / "p.csv", [PRODUCT_HEADER, *rows])

    run = run_import(path, "products", skip_invalid=True)

    assert run.status == "completed_with_skips"
    assert set(Product.objects.filter(code__startswith="P").values_list("code", flat=True)) == {
        "P2", "P6"}
    assert not Sku.objects.filter(code__in=["P1-S", "P1-M", "P3-A"]).exists()
    assert Sku.objects.get(code=taken.code).product_id == taken.product_id
    assert errors_of(run) == [("", 5, "price_amount"), ("", 6, "sku_code"), ("", 7, "sku_code")]
    siblings = {int(r[1]): r[4] for r in report_of(run) if r[4].startswith("skipped")}
    assert siblings == {2: "skipped: product P1 has an error on line 5",
                        4: "skipped: SKU code P3-A of product P3 is repeated on line 6"}
    assert (run.imported_record_count, run.skipped_record_count) == (2, 4)


def test_customers_with_a_repeated_id_are_both_skipped(tmp_path):
    rows = [["customer_id", "nickname", "birthday"], ["K1", "甲", ""], ["K2", "乙", ""],
            ["K1", "丙", ""], ["K3", "丁", "1990-13-40"]]
    path = write_csv(tmp_path / "c.csv", rows)

    run = run_import(path, "customers", skip_invalid=True)

    assert set(Customer.objects.values_list("code", flat=True)) == {"own-K2"}
    assert [(r[1], r[4].startswith("skipped")) for r in report_of(run)] == [
        ("2", True), ("4", False), ("5", False)]
    assert (run.imported_record_count, run.skipped_record_count, run.skipped_row_count) == (1, 2, 3)


def test_a_row_the_check_missed_fails_the_run_instead_of_a_partial_product(tmp_path, monkeypatch):
    """Safety net: should the write pass meet an error the check pass did not (the data
    changed between the passes), nothing is imported."""
    taken = factories.make_sku()
    path = write_csv(tmp_path / "p.csv", [PRODUCT_HEADER, ["P1", "衬衫", "P1-S", "10", ""],
                                          ["P1", "衬衫", taken.code, "10", ""]])
    monkeypatch.setattr(ProductWriter, "check", lambda self, rows: [])
    before = business_digest()

    run = run_import(path, "products", skip_invalid=True)

    assert run.status == "failed" and "failed when written" in run.message
    assert business_digest() == before


# The command -----------------------------------------------------------------------------

def test_cli_skip_invalid_prints_counts_exits_0_and_writes_the_report(orders_file, tmp_path, capsys):
    report = tmp_path / "errors.csv"

    call_command("import", "orders", str(orders_file), "--skip-invalid", "--no-progress",
                 "--error-report", str(report))

    captured = capsys.readouterr()
    assert "imported: 3 records (4 rows); skipped: 3 records (5 rows)" in captured.out
    assert "3 records imported (4 rows)" in captured.out
    assert "4 [quantity]" in captured.err and "skipped: order" not in captured.err
    with report.open(encoding="utf-8-sig") as source:
        assert [row[1] for row in list(csv.reader(source))[1:]] == ["4", "5", "6", "8", "10"]
    assert Order.objects.count() == 3


def test_cli_skip_invalid_dry_run_reports_what_would_happen(orders_file, capsys):
    call_command("import", "orders", str(orders_file), "--skip-invalid", "--dry-run", "--no-progress")

    out = capsys.readouterr().out
    assert "Dry run: 3 records (4 rows) valid" in out and "3 records (5 rows) would be skipped" in out
    assert not Order.objects.exists()


def test_cli_exits_1_when_nothing_is_valid_or_without_skip_invalid(orders_file, tmp_path):
    all_bad = write_csv(tmp_path / "bad.csv", [HEADER, ["X1", "someday", "", "S", "1", "5", ""]])

    with pytest.raises(CommandError) as nothing_valid:
        call_command("import", "orders", str(all_bad), "--skip-invalid", "--no-progress")
    with pytest.raises(CommandError) as all_or_nothing:
        call_command("import", "orders", str(orders_file), "--no-progress")

    assert (nothing_valid.value.returncode, all_or_nothing.value.returncode) == (1, 1)
    assert not Order.objects.exists()
    assert list(ImportRun.objects.values_list("status", flat=True)) == ["failed", "failed"]
