"""Console lists stay fast on big tables: the date range filter compares with moments (so an
index serves it) and keeps the shop's days, dropdown values come from an index skip, and
counts beyond a limit are PostgreSQL's estimates."""

from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.console.filters import distinct_values
from zhanggui.core import pagination
from zhanggui.orders.models import Order


def _placed(order: Order, moment: datetime) -> None:
    Order.objects.filter(pk=order.pk).update(placed_at=moment)


@pytest.mark.parametrize(("moment", "shown"), [
    (datetime(2026, 3, 9, 16, 0, tzinfo=UTC), True),    # 03-10 00:00 in Shanghai
    (datetime(2026, 3, 10, 15, 59, tzinfo=UTC), True),  # 03-10 23:59 in Shanghai
    (datetime(2026, 3, 9, 15, 59, tzinfo=UTC), False),  # 03-09 23:59 in Shanghai
    (datetime(2026, 3, 10, 16, 0, tzinfo=UTC), False),  # 03-11 00:00 in Shanghai
])
def test_date_range_filter_keeps_whole_days_of_the_shop(login, sku, moment, shown):
    client = login("owner")
    order = factories.make_order(sku=sku)
    _placed(order, moment)
    url = reverse("admin:orders_order_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"placed_at_from": "2026-03-10", "placed_at_to": "2026-03-10"})
    assert response.status_code == 200
    assert (order in response.context["cl"].result_list) is shown
    # Compared as moments, so an index on placed_at serves the range.
    listed = [q["sql"] for q in queries.captured_queries if 'FROM "orders_order"' in q["sql"]]
    assert listed and not any("AT TIME ZONE" in sql or "django_datetime_cast_date" in sql
                              for sql in listed)


def test_date_range_filter_refuses_a_malformed_date(login, sku):
    client = login("owner")
    factories.make_order(sku=sku)
    response = client.get(reverse("admin:orders_order_changelist"), {"placed_at_from": "03/10"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_distinct_values_lists_each_value_once_in_order(db):
    for action in ("order.ship", "order.place", "order.ship", "stock.receive", "order.place"):
        OperationLog.objects.create(action=action, object_type="orders.order", object_id="1",
                                    created_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert distinct_values(OperationLog, "action") == ["order.place", "order.ship",
                                                       "stock.receive"]
    OperationLog.objects.all().delete()
    assert distinct_values(OperationLog, "action") == []


def _paginator(queryset):
    model_admin = admin.site._registry[OperationLog]
    return model_admin.get_paginator(RequestFactory().get("/"), queryset, 50)


def _log_rows(count: int) -> None:
    OperationLog.objects.bulk_create(
        OperationLog(action="order.place" if n % 2 else "order.ship", object_type="orders.order",
                     object_id=str(n), created_at=datetime(2026, 1, 1, tzinfo=UTC))
        for n in range(count))


def test_list_counts_are_exact_up_to_the_limit(db, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_LIMIT", 10)
    _log_rows(9)
    assert _paginator(OperationLog.objects.all()).count == 9
    assert _paginator(OperationLog.objects.filter(action="order.ship")).count == 5


def test_list_counts_beyond_the_limit_are_estimated_on_postgresql(db, monkeypatch,
                                                                  postgres_only):
    monkeypatch.setattr(pagination, "EXACT_LIMIT", 10)
    _log_rows(40)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_operationlog")
    filtered = _paginator(OperationLog.objects.filter(action="order.ship"))
    with CaptureQueriesContext(connection) as queries:
        count = filtered.count
    assert count > 10  # at least the rows counted up to the limit
    assert any(q["sql"].startswith("EXPLAIN") for q in queries.captured_queries)
    # Never a count of every row: the exact count stops after the limit.
    assert all("LIMIT 11" in q["sql"] for q in queries.captured_queries if "COUNT" in q["sql"])


def _searched(client, term: str) -> set[str]:
    response = client.get(reverse("admin:orders_order_changelist"), {"q": term})
    assert response.status_code == 200
    return {order.number for order in response.context["cl"].result_list}


def test_order_search_finds_by_number_start_nickname_part_and_customer_code(login, sku):
    client = login("owner")
    customer = factories.make_customer()
    first = factories.make_order(sku=sku, customer=customer)
    second = factories.make_order(sku=sku)
    assert _searched(client, first.number) == {first.number}
    assert _searched(client, first.number[:-1]) >= {first.number}
    assert _searched(client, customer.code) == {first.number}
    assert second.number in _searched(client, second.customer.nickname[1:])
    assert _searched(client, "no-such-order") == set()


def test_search_beyond_the_key_limit_filters_by_the_lookup_itself(login, sku, monkeypatch):
    from zhanggui.console import list_search

    monkeypatch.setattr(list_search, "KEYS", 1)
    client = login("owner")
    customer = factories.make_customer()
    orders = {factories.make_order(sku=sku, customer=customer).number for _ in range(3)}
    factories.make_order(sku=sku)
    assert _searched(client, customer.code) == orders


def test_search_skips_columns_the_term_cannot_be_a_value_of(login, db):
    from zhanggui.traffic.models import Event

    client = login("owner")
    url = reverse("admin:traffic_event_changelist")
    # event_id is a UUID column: a visitor id is not one, and must not break the search
    response = client.get(url, {"q": "visitor-without-events"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert not Event.objects.exists()
