"""UCI Online Retail invoice lines: C-invoices are cancellations, rows without a customer
are guest orders, negative lines without C are adjustments."""

import gzip
from decimal import Decimal

import pytest
from django.db.models import Sum

from tests.imports.conftest import business_digest, errors_of, run_import, write_csv
from zhanggui.aftersales.models import Refund
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
          "CustomerID", "Country"]
ROWS = [line.split(",") for line in """\
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,,United Kingdom
C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom
536380,22961,JAM MAKING SET PRINTED,24,2010-12-01 09:41:00,1.45,17809.0,France
C536383,35004C,SET OF 3 COLOURED  FLYING DUCKS,-1,2010-12-01 09:49:00,4.65,15311.0,United Kingdom
536380,85123A,WHITE HANGING HEART T-LIGHT HOLDER,2,2010-12-01 09:42:00,2.55,17809.0,France
536589,21777,,-10,2010-12-01 16:50:00,0.0,,United Kingdom
A563186,B,Adjust bad debt,1,2011-08-12 14:51:00,-11062.06,,United Kingdom
550193,PADS,PADS TO MATCH ALL CUSHIONS,1,2011-04-15 09:27:00,0.001,13952.0,United Kingdom
""".splitlines()]


def _revenue_in_cents(rows) -> Decimal:
    total = Decimal(0)
    for row in rows:
        total += (Decimal(row[3]) * Decimal(row[5])).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return total


def _db_revenue() -> Decimal:
    sales = OrderLine.objects.filter(order__status="completed").aggregate(s=Sum("total_amount"))["s"]
    return sales - Refund.objects.aggregate(s=Sum("amount"))["s"]


@pytest.fixture
def gz_file(tmp_path):
    plain = write_csv(tmp_path / "retail.csv", [HEADER, *ROWS])
    path = tmp_path / "retail.csv.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    return path


def test_invoices_customers_cancellations_and_revenue(gz_file):
    run = run_import(gz_file, "orders", "online_retail")

    assert run.status == "succeeded", run.message
    assert Order.objects.count() == len({r[0] for r in ROWS})
    assert OrderLine.objects.count() == len(ROWS)  # repeated rows stay separate lines
    assert Customer.objects.exclude(code="online_retail:guest").count() == len({r[6] for r in ROWS if r[6]})
    assert Order.objects.filter(status="cancelled").count() == 2
    assert _db_revenue() == _revenue_in_cents(ROWS)


def test_cancellation_invoice_is_a_cancelled_refunded_order(gz_file):
    run_import(gz_file, "orders", "online_retail")

    order = Order.objects.get(external_id="C536383")
    line = order.lines.get()
    assert (order.status, order.total_amount, order.refunded_amount) == (
        "cancelled", Decimal("4.65"), Decimal("4.65"))
    assert (line.quantity, line.returned_quantity) == (1, 1)
    assert order.currency == "GBP" and order.placed_at.isoformat() == "2010-12-01T09:49:00+00:00"


def test_guests_and_adjustments(gz_file):
    run_import(gz_file, "orders", "online_retail")

    guest_orders = Order.objects.filter(customer__code="online_retail:guest")
    assert set(guest_orders.values_list("external_id", flat=True)) == {"536366", "536589", "A563186"}
    write_off = Order.objects.get(external_id="536589")
    assert (write_off.status, write_off.total_amount, write_off.lines.get().quantity) == ("closed", 0, 10)
    bad_debt = Order.objects.get(external_id="A563186")
    assert (bad_debt.status, bad_debt.refunded_amount) == ("closed", Decimal("11062.06"))


def test_interleaved_invoice_rows_are_one_order(gz_file):
    run_import(gz_file, "orders", "online_retail")

    order = Order.objects.get(external_id="536380")
    assert order.lines.count() == 2 and order.country == "France"
    assert order.placed_at.isoformat() == "2010-12-01T09:41:00+00:00"


def test_reimport_of_online_retail_changes_nothing(gz_file):
    run_import(gz_file, "orders", "online_retail")
    before = business_digest()

    again = run_import(gz_file, "orders", "online_retail")

    assert (again.created_count, again.skipped_count, business_digest()) == (0, 8, before)


def test_zero_quantity_is_an_error(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ROWS[0], [*ROWS[1][:3], "0", *ROWS[1][4:]]])

    run = run_import(path, "orders", "online_retail")

    assert errors_of(run) == [("", 3, "Quantity")]
    assert not Order.objects.exists()
