"""Check an Online Retail import against figures recomputed with plain pandas.

    .venv/bin/python benchmarks/validate_online_retail.py            # scratch SQLite database
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/validate_online_retail.py

From the raw file, pandas computes: rows, invoices (distinct InvoiceNo), customers
(distinct CustomerID), cancelled invoices (distinct InvoiceNo starting with "C") and
revenue = Σ Quantity × UnitPrice. The file is then imported (``zhanggui import orders
FILE --format online_retail``; into a temporary SQLite database unless DATABASE_URL is
set — a second run over the same database imports nothing new and must agree too) and
the same figures are read back with the definitions of docs/imports.md:

- rows = order lines of the channel; invoices = orders of the channel;
- customers = customers of the channel except the shared guest;
- cancelled invoices = orders of the channel with status ``cancelled``;
- revenue = Σ line totals of completed orders − Σ refunds of the channel's orders.

Stored amounts are in cents: a line's total is Quantity × UnitPrice rounded half-up to
0.01 (4 lines of the file have a unit price with 3 decimals). So pandas computes the
revenue both exactly (``revenue_exact``) and per line in cents (``revenue``); the database
must equal the latter to the cent. Prints JSON; exits 1 when anything disagrees.
"""

import json
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "datasets" / "online_retail" / "online_retail.csv.gz"
CHANNEL = "online_retail"


def pandas_figures() -> dict[str, object]:
    import pandas as pd

    frame = pd.read_csv(DATASET, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str,
                                        "UnitPrice": str})
    # Exact arithmetic in integers: unit prices in thousandths (the file has ≤ 3 decimals).
    price = frame["UnitPrice"].str.strip()
    negative = price.str.startswith("-")
    parts = price.str.lstrip("-").str.split(".", n=1, expand=True)
    thousandths = (parts[0].astype("int64") * 1000
                   + parts[1].fillna("0").str.ljust(3, "0").str[:3].astype("int64"))
    thousandths = thousandths.where(~negative, -thousandths)
    amount = frame["Quantity"].astype("int64") * thousandths  # in 1/1000
    cents = (amount.abs() + 5) // 10 * amount.clip(-1, 1)  # rounded half-up (away from 0)
    return {
        "rows": len(frame),
        "invoices": frame["InvoiceNo"].nunique(),
        "customers": frame["CustomerID"].dropna().nunique(),
        "cancelled_invoices": frame.loc[frame["InvoiceNo"].str.startswith("C"), "InvoiceNo"].nunique(),
        "revenue": str(Decimal(int(cents.sum())) / 100),
        "revenue_exact": str(Decimal(int(amount.sum())) / 1000),
    }


def _decimal_sum(queryset, field: str) -> Decimal:
    # Summed in Python: SQLite keeps decimals as REAL, and SUM() of 500k of them drifts.
    return sum(queryset.values_list(field, flat=True).iterator(chunk_size=20_000), Decimal(0))


def database_figures() -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    from zhanggui.aftersales.models import Refund
    from zhanggui.customers.models import Customer
    from zhanggui.imports.keys import customer_code
    from zhanggui.orders.models import Order, OrderLine

    call_command("migrate", verbosity=0)
    call_command("import", "orders", str(DATASET), format_name="online_retail", channel=CHANNEL,
                 no_progress=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    orders = Order.objects.filter(channel=CHANNEL)
    sales = _decimal_sum(OrderLine.objects.filter(order__channel=CHANNEL, order__status="completed"),
                         "total_amount")
    refunds = _decimal_sum(Refund.objects.filter(order__channel=CHANNEL), "amount")
    return {
        "rows": OrderLine.objects.filter(order__channel=CHANNEL).count(),
        "invoices": orders.count(),
        "customers": Customer.objects.filter(channel=CHANNEL)
        .exclude(code=customer_code(CHANNEL, None)).count(),
        "cancelled_invoices": orders.filter(status="cancelled").count(),
        "revenue": str(sales - refunds),
    }


def main() -> int:
    if not DATASET.exists():
        print(json.dumps({"skipped": True, "reason": f"data set not found: {DATASET}"}))
        return 0
    expected = pandas_figures()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    with tempfile.TemporaryDirectory(prefix="zhanggui-validate-") as scratch:
        os.environ.setdefault("ZHANGGUI_VAR_DIR", scratch)
        actual = database_figures()
        backend = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    checks = {name: actual[name] == expected[name] for name in actual}
    print(json.dumps({"backend": backend, "pandas": expected, "database": actual, "agrees": checks,
                      "all_agree": all(checks.values())}, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
