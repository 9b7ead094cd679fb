"""The zhanggui template for products, customers and orders, and the safety rules every
import follows: whole or nothing, re-import changes nothing, dry run writes nothing,
stock untouched, one operation-log entry per run."""

from decimal import Decimal

import pytest

from tests import factories
from tests.imports.conftest import business_digest, errors_of, run_import, write_csv, write_xlsx
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog.models import Product, Sku
from zhanggui.customers.models import Customer
from zhanggui.events.models import Event
from zhanggui.imports import queries
from zhanggui.imports.examples import example_csv, template_header
from zhanggui.imports.models import ImportRun
from zhanggui.inventory.models import Reservation, Stock, StockMovement
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db


def _example(tmp_path, kind):
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(example_csv(kind))
    return path


def test_example_files_import_cleanly(tmp_path, owner):
    runs = [run_import(_example(tmp_path, kind), kind, actor=owner)
            for kind in ("products", "customers", "orders")]

    assert [r.status for r in runs] == ["succeeded"] * 3
    product = Product.objects.get(code="TS001")
    assert (product.status, product.category.full_name, product.option_names) == (
        "listed", "服饰 / T恤", ["颜色", "尺码"])
    assert Sku.objects.get(code="TS001-WHT-L").price_amount == Decimal("79.00")
    assert Customer.objects.get(code="own-C0001").birthday.isoformat() == "1990-05-01"
    order = Order.objects.get(external_id="A1001")
    assert (order.is_imported, order.status, order.customer.code) == (True, "completed", "own-C0001")
    assert (order.goods_amount, order.discount_amount, order.total_amount) == (
        Decimal("158.00"), Decimal("10.00"), Decimal("148.00"))
    assert order.lines.count() == 2 and order.shipments.get().carrier == "sf"
    assert order.lines.first().warehouse.code == "WH-HZ"


def test_reimporting_the_same_file_changes_nothing(tmp_path, owner):
    for kind in ("products", "customers", "orders"):
        run_import(_example(tmp_path, kind), kind, actor=owner)
    before = business_digest()

    again = [run_import(_example(tmp_path, kind), kind, actor=owner)
             for kind in ("products", "customers", "orders")]

    assert business_digest() == before
    assert [(r.created_count, r.updated_count, r.skipped_count) for r in again] == [
        (0, 0, 2), (0, 0, 2), (0, 0, 2)]


def test_changed_customer_is_updated_and_empty_cells_keep_values(tmp_path):
    header = ["customer_id", "nickname", "city"]
    run_import(write_csv(tmp_path / "a.csv", [header, ["C1", "小明", "杭州"]]), "customers")

    run = run_import(write_csv(tmp_path / "b.csv", [header, ["C1", "明明", ""]]), "customers")

    customer = Customer.objects.get(code="own-C1")
    assert (run.updated_count, customer.nickname, customer.city) == (1, "明明", "杭州")


def test_excel_file_imports_like_csv(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [
        ["商品编码", "商品标题", "SKU编码", "售价", "规格"],  # the Chinese headers of the template
        ["P1", "保温杯", "P1-500", 59.9, "容量:500ml"],
        ["P1", "保温杯", "P1-750", 69, "容量:750ml"]])

    run = run_import(path, "products")

    assert run.status == "succeeded"
    assert list(Sku.objects.order_by("code").values_list("code", "price_amount")) == [
        ("P1-500", Decimal("59.90")), ("P1-750", Decimal("69.00"))]


def test_malformed_rows_are_reported_and_nothing_is_applied(tmp_path, owner):
    header = template_header("orders")
    good = dict.fromkeys(header, "") | {"order_id": "B1", "placed_at": "2024-01-01 10:00",
                                        "sku_code": "S1", "quantity": "1", "unit_price": "5"}
    rows = [header,
            [good[h] for h in header],
            [(good | {"order_id": "B2", "placed_at": "next tuesday"})[h] for h in header],
            [(good | {"order_id": "B3", "unit_price": "5,0x"})[h] for h in header]]
    path = write_csv(tmp_path / "bad.csv", rows)
    before = business_digest()

    run = run_import(path, "orders", actor=owner)

    assert run.status == "failed" and "nothing was imported" in queries.run_summary(run)
    assert errors_of(run) == [("", 3, "placed_at"), ("", 4, "unit_price")]
    assert run.failed_count == 2 and run.rows_read == 3
    assert business_digest() == before and not Order.objects.exists()


def test_missing_required_column_is_reported_on_the_header_line(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["nickname"], ["小明"]])

    run = run_import(path, "customers")

    assert errors_of(run) == [("", 1, "customer_id")]
    assert not Customer.objects.exists()


def test_duplicates_within_a_file_are_errors(tmp_path):
    customers = write_csv(tmp_path / "c.csv", [["customer_id"], ["C1"], ["C2"], ["C1"]])
    header = ["order_id", "placed_at", "sku_code", "quantity", "unit_price"]
    orders = write_csv(tmp_path / "o.csv", [header] + [
        ["D1", "2024-01-01", "S", "1", "1"], ["D2", "2024-01-01", "S", "1", "1"]] * 2)

    customer_run = run_import(customers, "customers")
    order_run = run_import(orders, "orders")

    assert errors_of(customer_run) == [("", 4, "customer_id")]
    assert errors_of(order_run) == [("", 4, "order_id"), ("", 5, "order_id")]
    assert not Customer.objects.exists() and not Order.objects.exists()


def test_dry_run_validates_and_writes_nothing(tmp_path, owner):
    before = business_digest()

    run = run_import(_example(tmp_path, "orders"), "orders", actor=owner, dry_run=True)

    assert (run.status, run.is_dry_run, run.created_count) == ("succeeded", True, 2)
    assert run.details["counts"]["lines_created"] == 3
    assert business_digest() == before
    assert len(run.preview) == 3 and run.preview[0]["order_id"] == "A1001"


def test_imported_orders_leave_stock_untouched(tmp_path):
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(code="WH-HZ"), 7)
    stock_before = list(Stock.objects.values())
    movements, reservations = StockMovement.objects.count(), Reservation.objects.count()
    header = ["order_id", "placed_at", "status", "sku_code", "quantity", "unit_price", "warehouse_code"]
    path = write_csv(tmp_path / "o.csv", [header, ["E1", "2024-01-01", "paid", sku.code, "5", "99",
                                                   "WH-HZ"]])

    run = run_import(path, "orders")

    assert run.status == "succeeded"
    line = Order.objects.get(external_id="E1").lines.get()
    assert (line.sku_id, line.unit_price_amount, line.unit_cost_amount) == (
        sku.pk, Decimal("99.00"), Decimal("0.00"))
    assert list(Stock.objects.values()) == stock_before
    assert (StockMovement.objects.count(), Reservation.objects.count()) == (movements, reservations)


def test_each_run_writes_one_operation_log_entry(tmp_path, owner):
    run = run_import(_example(tmp_path, "customers"), "customers", actor=owner)

    entries = OperationLog.objects.filter(object_type="imports.importrun", object_id=str(run.pk))
    entry = entries.get()
    assert (entry.action, entry.actor) == ("imports.run_import", owner)
    assert entry.after["file_sha256"] == run.file_sha256
    assert entry.after["created_count"] == 2 and entry.after["is_dry_run"] is False
    assert OperationLog.objects.filter(action__startswith="customers.").count() == 0


def test_failed_run_is_recorded_too(tmp_path, owner):
    run = run_import(write_csv(tmp_path / "c.csv", [["nickname"], ["x"]]), "customers", actor=owner)

    assert ImportRun.objects.get(pk=run.pk).status == "failed"
    entry = OperationLog.objects.get(object_type="imports.importrun", object_id=str(run.pk))
    assert entry.after["error_count"] == 1


def test_an_applied_import_writes_one_event_and_a_repeat_none(tmp_path, owner):
    """No event per imported order (a year's file would flood every receiver): one
    import.applied in the rows' transaction; a dry run, a refused file and a file imported
    again write none."""
    run_import(_example(tmp_path, "orders"), "orders", actor=owner, dry_run=True)
    assert not Event.objects.exists()

    run = run_import(_example(tmp_path, "orders"), "orders", actor=owner)
    run_import(_example(tmp_path, "orders"), "orders", actor=owner)  # nothing new

    event = Event.objects.get()
    assert (event.type, event.subject_id) == ("import.applied", str(run.pk))
    assert event.data["counts"]["orders_created"] == 2 == Order.objects.count()
    assert (event.data["kind"], event.data["rows_read"]) == ("orders", run.rows_read)
    assert not Event.objects.filter(type="order.placed").exists()
