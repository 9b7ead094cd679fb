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
must equal the latter to the cent.

Then the analytics warehouse is built and the product's RFM segments (``reports.rfm_summary``)
and monthly cohorts (``reports.cohort_matrix``) over the whole file (2010-12-01 ≤ day <
2011-12-10, shop time zone Europe/London, as the file's times are UK time) are compared with
an independent pandas computation on the raw file. The filter, the product's definition of a
paid order of a known buyer: invoices that do not start with ``C`` (cancellations) and are not
all-negative adjustments, with a CustomerID (rows without one are guest checkouts).
R = days from the customer's last invoice date to 2011-12-10, F = invoices, M = Σ line totals
(each rounded half-up to the cent); a segment compares each of R, F, M with the mean over
all buyers. Cohort = month of the first invoice; retention k = customers of the cohort with an
invoice in month cohort + k / cohort size. Prints JSON; exits 1 when anything disagrees.
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


def _raw_lines():
    """The file's lines with each line's amount exactly in 1/1000 (``amount``) and rounded
    half-up to the cent (``cents``), in integers: the file's prices have ≤ 3 decimals."""
    import pandas as pd

    frame = pd.read_csv(DATASET, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str,
                                        "UnitPrice": str})
    price = frame["UnitPrice"].str.strip()
    negative = price.str.startswith("-")
    parts = price.str.lstrip("-").str.split(".", n=1, expand=True)
    thousandths = (parts[0].astype("int64") * 1000
                   + parts[1].fillna("0").str.ljust(3, "0").str[:3].astype("int64"))
    thousandths = thousandths.where(~negative, -thousandths)
    frame["amount"] = frame["Quantity"].astype("int64") * thousandths
    frame["cents"] = (frame["amount"].abs() + 5) // 10 * frame["amount"].clip(-1, 1)  # away from 0
    return frame


def pandas_figures() -> dict[str, object]:
    frame = _raw_lines()
    amount, cents = frame["amount"], frame["cents"]
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


PERIOD_START, PERIOD_END = "2010-12-01", "2011-12-10"


def _raw_invoices():
    """Per invoice of a known customer that the product counts as a paid order: customer,
    local date and time, amount in cents."""
    import pandas as pd

    frame = _raw_lines()
    frame["at"] = pd.to_datetime(frame["InvoiceDate"], format="mixed")
    known = frame[frame["CustomerID"].notna() & ~frame["InvoiceNo"].str.startswith("C")]
    invoices = known.groupby("InvoiceNo").agg(
        customer=("CustomerID", "first"), at=("at", "first"), cents=("cents", "sum"),
        any_positive=("Quantity", lambda q: bool((q > 0).any())))
    invoices = invoices[invoices["any_positive"]]
    invoices["customer"] = invoices["customer"].str.replace(r"\.0$", "", regex=True)
    return invoices


def pandas_rfm_and_cohorts() -> dict:
    import pandas as pd

    invoices = _raw_invoices()
    end = pd.Timestamp(PERIOD_END)  # exclusive; its month is the last one of the period
    buyers = invoices.groupby("customer").agg(last=("at", "max"), frequency=("at", "size"),
                                              cents=("cents", "sum"))
    buyers["recency"] = (end - buyers["last"].dt.normalize()).dt.days
    buyers["monetary"] = buyers["cents"] / 100
    r, f, m = buyers["recency"].mean(), buyers["frequency"].mean(), buyers["monetary"].mean()
    segments = {}
    for (hi_r, hi_f, hi_m), group in buyers.groupby([buyers["recency"] < r, buyers["frequency"] > f,
                                                     buyers["monetary"] > m]):
        segments[str((bool(hi_r), bool(hi_f), bool(hi_m)))] = {
            "customers": len(group),
            "revenue": str((Decimal(int(group["cents"].sum())) / 100).quantize(Decimal("0.01")))}
    first = invoices.groupby("customer")["at"].min().dt.to_period("M").rename("cohort")
    activity = invoices.join(first, on="customer")
    activity["k"] = (activity["at"].dt.to_period("M") - activity["cohort"]).apply(lambda d: d.n)
    matrix = activity.groupby(["cohort", "k"])["customer"].nunique()
    cohorts = {}
    for (cohort, k), customers in matrix.items():
        cohorts.setdefault(str(cohort), {})[int(k)] = int(customers)
    return {"buyers": len(buyers), "segments": segments,
            # Every month from the cohort's to the last one of the period (2011-12).
            "cohorts": {c: [v.get(k, 0) for k in range((end.to_period("M") - pd.Period(c, "M")).n + 1)]
                        for c, v in sorted(cohorts.items())}}


def product_rfm_and_cohorts() -> dict:
    from datetime import date

    from zhanggui.analytics import reports, rules, warehouse

    warehouse.rebuild()
    period = rules.Period("current", date.fromisoformat(PERIOD_START), date.fromisoformat(PERIOD_END))
    keys = {code: str(key) for key, code in rules.RFM_SEGMENTS.items()}
    summary = reports.rfm_summary(period)["segments"]
    segments = {keys[code]: {"customers": v["customers"], "revenue": str(v["revenue"])}
                for code, v in summary.items()}
    cohorts = {r["cohort"]: r["customers"] for r in reports.cohort_matrix(period)}
    return {"buyers": sum(v["customers"] for v in summary.values()), "segments": segments,
            "cohorts": cohorts}


def main() -> int:
    if not DATASET.exists():
        print(json.dumps({"skipped": True, "reason": f"data set not found: {DATASET}"}))
        return 0
    expected = pandas_figures()
    expected_analytics = pandas_rfm_and_cohorts()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    os.environ["ZHANGGUI_TIME_ZONE"] = "Europe/London"  # a UK shop reports in UK time
    with tempfile.TemporaryDirectory(prefix="zhanggui-validate-") as scratch:
        os.environ.setdefault("ZHANGGUI_VAR_DIR", scratch)
        os.environ["ZHANGGUI_WAREHOUSE_DIR"] = str(Path(scratch) / "warehouse")
        actual = database_figures()
        actual_analytics = product_rfm_and_cohorts()
        backend = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    checks = {name: actual[name] == expected[name] for name in actual}
    checks.update({f"analytics_{name}": actual_analytics[name] == expected_analytics[name]
                   for name in expected_analytics})
    summary = {"buyers": actual_analytics["buyers"], "segments": actual_analytics["segments"],
               "cohort_sizes": {c: v[0] for c, v in actual_analytics["cohorts"].items()},
               "cohort_2010_12_retention": [
                   round(n / actual_analytics["cohorts"]["2010-12"][0], 4)
                   for n in actual_analytics["cohorts"].get("2010-12", [1])]}
    print(json.dumps({"backend": backend, "pandas": expected, "database": actual,
                      "analytics": summary,
                      "analytics_filter": "paid orders of known buyers: not C, not all-negative, "
                                          "with CustomerID; UK time; 2010-12-01 ≤ day < 2011-12-10",
                      "agrees": checks, "all_agree": all(checks.values())}, indent=2))
    if not all(checks.values()):
        print(json.dumps({"pandas_analytics": expected_analytics,
                          "product_analytics": actual_analytics}, default=str), file=sys.stderr)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
