"""The metric registry on Apache Spark (``analytics.spark``): the five reports give the same
numbers as on DuckDB over the same warehouse, and each translation fix-up (``spark_sql``)
gives what DuckDB gives on the same values. One local[2] session for the module."""

import math
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from tests import factories
from tests.analytics.conftest import _events, _set_times, at, build_store
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.analytics import reader, reports, spark, warehouse
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.report_compare import canonical, differences
from zhanggui.analytics.rules import Period
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order
from zhanggui.traffic.models import Event

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))
FIVE = ("overview", "traffic", "sales", "customers", "aftersales")


@pytest.fixture(scope="module")
def spark_session():
    session = spark.session()
    yield session
    spark.stop()


def _order(sku, customer, paid: str, *, channel: str = "own", status: str = "paid") -> Order:
    order = factories.make_order(sku=sku, customer=customer, status=status)
    _set_times(order, paid, paid)
    Order.objects.filter(pk=order.pk).update(channel=channel)
    return order


@pytest.fixture
def shop(db, warehouse_dir, spark_session):
    """The hand-made store, plus a buyer on two channels (one order cancelled after payment,
    one returned and refunded through its request), a guest checkout, a second category and a
    visit across midnight on another channel."""
    store = build_store()
    e, guest = factories.make_customer(), factories.make_customer()
    Customer.objects.filter(pk=guest.pk).update(is_guest=True)
    other = factories.make_listed_sku(price="59.90", cost="20.00")
    factories.stock_up(other, factories.make_warehouse(), 100)
    _order(store["sku"], e, "2026-10-20 08:00")
    _order(other, e, "2026-11-04 21:00", channel="tmall")
    _order(store["sku"], e, "2026-11-06 09:00")
    _order(other, e, "2026-11-06 10:00", status="cancelled")
    _order(other, guest, "2026-11-03 11:00")
    delivered = factories.make_order(sku=other, customer=e, quantity=2, status="delivered")
    _set_times(delivered, "2026-11-01 10:00", "2026-11-01 10:00")
    Order.objects.filter(pk=delivered.pk).update(channel="tmall")
    request = factories.make_received_return(delivered, reason_code="quality")
    AftersalesRequest.objects.filter(pk=request.pk).update(requested_at=at("2026-11-03 15:00"))
    refund = aftersales_actions.issue_refund(delivered, amount=None, reason="return", actor=None,
                                             request=request)
    type(refund).objects.filter(pk=refund.pk).update(created_at=at("2026-11-04 15:00"))
    Event.objects.bulk_create([
        *_events("v5", ["page_view", "product_view", "add_to_cart"], "2026-11-02 23:57",
                 product=other.product, source="live"),
        *_events("v5", ["order", "favorite"], "2026-11-03 00:01", source="live"),
    ])
    Event.objects.filter(visitor_id="v5").update(channel="tmall")
    warehouse.rebuild()
    spark.forget()
    return {**store, "other": other}


def _report(settings, engine: str, name: str, filters: Filters, period: Period = WEEK) -> dict:
    settings.ZHANGGUI_ANALYTICS_ENGINE = engine
    return reports.REPORTS[name](period, None, filters).as_dict()


def test_the_five_reports_give_duckdbs_numbers_on_spark(settings, shop):
    category = shop["product"].category_id
    cases = [(name, Filters()) for name in FIVE]
    cases += [("overview", Filters(channel="tmall")), ("sales", Filters(category_id=category))]
    for name, filters in cases:
        expected = canonical(_report(settings, "duckdb", name, filters))
        actual = canonical(_report(settings, "spark", name, filters))
        assert not differences(expected, actual), (name, filters, differences(expected, actual)[:10])
    # The store has numbers in each: a comparison of empty reports would prove nothing.
    overview = _report(settings, "spark", "overview", Filters())
    assert {k["code"]: k["value"] for k in overview["kpis"]}["gmv"] == Decimal("749.60")
    assert spark.current_version() == reader.current_version()


def test_a_new_version_is_read_after_a_refresh(settings, shop):
    settings.ZHANGGUI_ANALYTICS_ENGINE = "spark"
    before = spark.current_version()
    gmv = _kpi(settings, "gmv")
    _order(shop["sku"], factories.make_customer(), "2026-11-05 08:00")
    warehouse.refresh()
    assert spark.current_version() == before + 1
    assert _kpi(settings, "gmv") == gmv + Decimal("100.00")


def _kpi(settings, code: str):
    return {k["code"]: k["value"] for k in _report(settings, "spark", "overview", Filters())["kpis"]}[code]


def test_rows_have_duckdbs_python_types(shop):
    sql = ("SELECT order_id, paid_amount, paid_at, CAST(paid_at AS DATE) AS day, channel, customer_is_guest, "
           "date_trunc('month', paid_at) AS month, cancelled_at, paid_amount / 3 AS third "
           "FROM orders WHERE paid_at IS NOT NULL ORDER BY order_id")
    columns, rows = spark.query_with_columns(sql)
    duck_columns, duck_rows = reader.query_with_columns(sql)
    assert columns == duck_columns and len(rows) == len(duck_rows) > 0
    for row, duck in zip(rows, duck_rows, strict=True):
        assert [type(v) for v in row] == [type(v) for v in duck]
        assert row[:8] == duck[:8] and math.isclose(row[8], duck[8])
    by_channel = "SELECT count(*) FROM orders WHERE channel = $channel"
    tmall = {"channel": "tmall"}
    assert spark.submit(by_channel, tmall).result() == reader.query(by_channel, tmall) == [(2,)]


VALUES = """(VALUES
    (TIMESTAMP '2026-01-31 23:00:00', TIMESTAMP '2026-02-01 01:00:00', 7, 2, CAST(10.00 AS DECIMAL(14,2))),
    (TIMESTAMP '2026-12-06 10:30:00', TIMESTAMP '2027-12-07 09:00:00', -7, 2, CAST(0.05 AS DECIMAL(14,2))),
    (TIMESTAMP '2026-03-29 01:59:59', TIMESTAMP '2026-03-28 02:00:00', 3, 4, CAST(2.50 AS DECIMAL(14,2)))
) AS t(a, b, n, m, d)"""
FIXES = [
    "date_trunc('month', a)", "date_trunc('hour', b)", "date_trunc('day', CAST(a AS DATE))",
    "date_trunc('week', b)", "date_diff('month', a, b)", "date_diff('day', a, b)", "date_diff('year', a, b)",
    "date_diff('hour', a, b)", "date_diff('week', a, b)", "isodow(a)", "isodow(b)", "dayofweek(a)",
    "date_part('dow', b)", "hour(a)", "epoch(a)", "n / m", "d / m", "d / d", "CAST(n / m AS INTEGER)",
    "CAST(d * 3 AS DECIMAL(18, 4))", "a + to_days(n)", "a + to_hours(m)", "CAST(a AS DATE)",
]
AGGREGATES = [
    "avg(d)", "avg(n)", "median(n)", "quantile_cont(n, 0.25)", "quantile_disc(n, 0.5)",
    "quantile_disc(n, 0.6)", "sum(d)", "sum(n)",
    "count(*) FILTER (WHERE n > 0)", "count(DISTINCT m) FILTER (WHERE d > 1)", "bool_or(n > 5)",
    "min(a)", "max(date_trunc('month', b))",
]


def _same(spark_rows: list[tuple], duck_rows: list[tuple]) -> bool:
    for row, duck in zip(spark_rows, duck_rows, strict=True):
        for value, expected in zip(row, duck, strict=True):
            if isinstance(expected, float):
                if not (isinstance(value, float) and math.isclose(value, expected, rel_tol=1e-12)):
                    return False
            elif type(value) is not type(expected) or value != expected:
                return False
    return True


@pytest.mark.parametrize("expression", FIXES)
def test_a_fixed_expression_gives_duckdbs_values(spark_session, expression):
    sql = f"SELECT {expression} AS x FROM {VALUES} ORDER BY n"
    duck = duckdb.connect().execute(sql).fetchall()
    rows = [tuple(r) for r in spark_session.sql(spark.translate(sql)).collect()]
    assert _same(rows, duck), (expression, spark.translate(sql), rows, duck)


@pytest.mark.parametrize("expression", AGGREGATES)
def test_an_aggregate_gives_duckdbs_value(spark_session, expression):
    sql = f"SELECT m > 2 AS big, {expression} AS x FROM {VALUES} GROUP BY ALL ORDER BY big"
    duck = duckdb.connect().execute(sql).fetchall()
    rows = [tuple(r) for r in spark_session.sql(spark.translate(sql)).collect()]
    assert _same(rows, duck), (expression, spark.translate(sql), rows, duck)


def test_a_cast_unnested_list_and_a_time_literal_give_duckdbs_rows(spark_session):
    days = "generate_series(CAST(a AS DATE), CAST(a AS DATE) + 2, INTERVAL 1 DAY)"
    sql = (f"SELECT n, CAST(unnest({days}) AS DATE) AS day, TIME '09:30:00' AS opens "
           f"FROM {VALUES} ORDER BY n, day")
    duck = duckdb.connect().execute(sql).fetchall()
    rows = [tuple(r) for r in spark_session.sql(spark.translate(sql)).collect()]
    assert len(duck) == 9 and _same(rows, duck), (spark.translate(sql), rows, duck)


def test_named_parameters_are_passed_to_spark(spark_session):
    sql = f"SELECT count(*) FROM {VALUES} WHERE n > $low AND d < $high"
    duck = duckdb.connect().execute(sql, {"low": 0, "high": Decimal("5")}).fetchall()
    rows = spark_session.sql(spark.translate(sql), args={"low": 0, "high": Decimal("5")}).collect()
    assert [tuple(r) for r in rows] == duck == [(1,)]
