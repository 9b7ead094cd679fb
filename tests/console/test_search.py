"""The one search box in the console's header: each kind found, grouped, highlighted and
escaped, each role seeing only what it may (phones masked), cheap at any size."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from zhanggui.catalog.actions import update_product
from zhanggui.console.search import GROUP_LIMIT, search_groups
from zhanggui.core.search import parse_query
from zhanggui.customers.actions import create_customer

SEARCH = reverse("admin:console_search")
ORDER_PHONE = "13800000000"  # every test order's recipient (factories.recipient)


@pytest.fixture
def shipped(sku):
    return factories.make_order(sku=sku, status="shipped")


def _search(client, q: str) -> str:
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _groups(html: str) -> list[str]:
    return re.findall(r'search-group" data-kind="([\w.]+)"', html)


def _group(html: str, kind: str) -> str:
    start = html.index(f'data-kind="{kind}"')
    end = html.find("</section>", start)
    return html[start:end]


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_an_order_number_finds_the_order_linked_and_highlighted(login, shipped):
    html = _search(login("owner"), shipped.number)
    assert _groups(html) == ["orders.order"]
    group = _group(html, "orders.order")
    assert f'href="{_change_url(shipped)}"' in group
    assert f"<mark>{shipped.number}</mark>" in group


def test_an_order_number_prefix_finds_the_order(login, shipped):
    html = _search(login("owner"), shipped.number[:8])
    assert f"<mark>{shipped.number[:8]}</mark>{shipped.number[8:]}" in _group(html, "orders.order")


def test_a_tracking_number_finds_the_shipment_in_any_case(login, shipped):
    shipment = shipped.shipments.get()
    html = _search(login("owner"), shipment.tracking_number.lower())
    group = _group(html, "fulfillment.shipment")
    assert f'href="{_change_url(shipment)}"' in group
    assert f"<mark>{shipment.tracking_number}</mark>" in group
    assert shipped.number in group  # the shipment's order, as its detail


def test_a_customer_is_found_by_number_and_by_nickname_prefix_but_not_by_name(login, shipped):
    customer = shipped.customer
    client = login("owner")
    by_code = _group(_search(client, customer.code), "customers.customer")
    assert f'href="{_change_url(customer)}"' in by_code and f"<mark>{customer.code}</mark>" in by_code
    by_nickname = _group(_search(client, customer.nickname[:3]), "customers.customer")
    assert f'href="{_change_url(customer)}"' in by_nickname
    assert f"<mark>{customer.nickname[:3]}</mark>{customer.nickname[3:]}" in by_nickname
    assert "customers.customer" not in _groups(_search(client, customer.name))  # encrypted


def test_a_sku_code_and_a_product_title_find_them(login, sku):
    client = login("owner")
    html = _search(client, sku.code)
    assert f'href="{_change_url(sku)}"' in _group(html, "catalog.sku")
    assert f"<mark>{sku.code}</mark>" in _group(html, "catalog.sku")
    words = sku.product.title[2:]
    html = _search(client, words)
    group = _group(html, "catalog.product")
    assert f'href="{_change_url(sku.product)}"' in group
    assert f"{sku.product.title[:2]}<mark>{words}</mark>" in group


@pytest.mark.parametrize("typed", ["13800000000", "138 0000 0000", "+86 138-0000-0000",
                                   "0086 13800000000", "(+86) 138.0000.0000"])
def test_a_phone_in_any_format_finds_the_order_and_the_customer(login, sku, typed):
    customer = create_customer("C900001", nickname="老顾客", phone=ORDER_PHONE, actor=None)
    order = factories.make_order(sku=sku, customer=customer)
    factories.make_order(sku=sku)  # another customer, another phone: not found
    html = _search(login("owner"), typed)
    assert _groups(html) == ["orders.order", "customers.customer"]
    orders, customers = _group(html, "orders.order"), _group(html, "customers.customer")
    assert f'href="{_change_url(order)}"' in orders
    assert f"<mark>{ORDER_PHONE}</mark>" in orders  # the owner sees the number
    assert f'href="{_change_url(customer)}"' in customers
    assert f"<mark>{ORDER_PHONE}</mark>" in customers
    assert customers.count('class="search-result"') == 1


def test_a_role_without_personal_data_sees_the_phone_masked_and_highlighted(login, shipped):
    customer = shipped.customer
    client = login("service")
    html = _search(client, ORDER_PHONE)
    assert "<mark>138****0000</mark>" in _group(html, "orders.order")
    html = _search(client, customer.phone)
    masked = customer.phone[:3] + "****" + customer.phone[-4:]
    assert f"<mark>{masked}</mark>" in _group(html, "customers.customer")
    for echo in (f'value="{customer.phone}"', f"q={customer.phone}",
                 f"“{customer.phone}”"):
        html = html.replace(echo, "")
    assert customer.phone not in html


def test_a_customer_found_through_an_address_phone_shows_it_masked(login, shipped):
    from zhanggui.customers.actions import add_address

    customer = shipped.customer
    add_address(customer, recipient_name="李四", phone="13912345678", province_code="330000",
                city="杭州", detail="滨江区 1 号", actor=None)
    html = _search(login("service"), "139 1234 5678")
    group = _group(html, "customers.customer")
    assert f'href="{_change_url(customer)}"' in group and "<mark>139****5678</mark>" in group


def test_a_role_without_orders_gets_no_order_group(login, shipped):
    html = _search(login("finance"), shipped.number)  # finance may view orders
    assert "orders.order" in _groups(html)
    html = _search(login("designer"), shipped.number)
    assert "orders.order" not in _groups(html)
    assert shipped.number not in html.replace(f'value="{shipped.number}"', "").replace(
        f"“{shipped.number}”", "")


def test_the_designer_sees_products_but_not_orders_or_customers(login, shipped, sku):
    client = login("designer")
    assert _groups(_search(client, sku.product.title)) == ["catalog.product"]
    assert _groups(_search(client, ORDER_PHONE)) == []
    assert _groups(_search(client, shipped.customer.code)) == []


def test_the_warehouse_sees_orders_and_shipments_but_not_customers(login, shipped):
    client = login("warehouse")
    assert _groups(_search(client, ORDER_PHONE)) == ["orders.order"]
    assert "<mark>138****0000</mark>" in _search(client, ORDER_PHONE)
    tracking = shipped.shipments.get().tracking_number
    assert _groups(_search(client, tracking)) == ["fulfillment.shipment"]
    assert _groups(_search(client, shipped.customer.code)) == []


def test_a_title_with_markup_is_shown_escaped(login, sku):
    update_product(sku.product, title="<script>alert(1)</script>红色连衣裙", actor=None)
    html = _search(login("owner"), "<script>")
    group = _group(html, "catalog.product")
    assert "<script>alert" not in html
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;红色连衣裙" in group


def test_an_empty_or_short_query_searches_nothing(login, shipped):
    client = login("owner")
    html = _search(client, "")
    assert _groups(html) == [] and 'id="search-too-short"' not in html
    html = _search(client, " 1 ")
    assert _groups(html) == [] and 'id="search-too-short"' in html
    html = _search(client, "查无此物zz")
    assert _groups(html) == [] and 'id="search-nothing"' in html


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(SEARCH, {"q": "13800000000"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_header_of_every_page_has_the_search_box(login, shipped):
    html = login("service").get(reverse("admin:orders_order_changelist")).content.decode()
    assert 'id="header-search"' in html and f'action="{SEARCH}"' in html


def test_a_group_stops_at_its_limit_and_links_to_the_filtered_list(login, sku):
    customer = factories.make_customer()
    for _ in range(GROUP_LIMIT + 1):
        factories.make_order(sku=sku, customer=customer)
    html = _search(login("owner"), "138 0000 0000")
    group = _group(html, "orders.order")
    assert group.count('class="search-result"') == GROUP_LIMIT
    assert 'href="/orders/order/?q=138+0000+0000"' in group


def test_the_number_of_queries_does_not_grow_with_the_results(login, sku):
    client = login("owner")
    customer = factories.make_customer()

    def count() -> int:
        client.get(SEARCH, {"q": ORDER_PHONE})  # warm the permission cache
        with CaptureQueriesContext(connection) as queries:
            client.get(SEARCH, {"q": ORDER_PHONE})
        return len(queries)

    factories.make_order(sku=sku, customer=customer, status="shipped")
    few = count()
    for _ in range(4):
        factories.make_order(sku=sku, customer=customer, status="shipped")
    assert count() == few


def _scans_without_index_condition(plan: dict, tables: tuple[str, ...]) -> list[str]:
    """The plan's scans of ``tables`` that read the whole table or the whole of an index
    (no ``Index Cond``): a sequential scan, or an index scan used only for its order."""
    found = []
    if plan.get("Relation Name") in tables and plan["Node Type"] in (
            "Seq Scan", "Index Scan", "Index Only Scan") and "Index Cond" not in plan:
        found.append(f"{plan['Node Type']} on {plan['Relation Name']}")
    for child in plan.get("Plans", []):
        found += _scans_without_index_condition(child, tables)
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL")
def test_every_search_on_a_large_table_is_answered_from_an_index(shipped):
    """With sequential scans priced out, a lookup without a usable index still scans the
    whole table (or a whole index)."""
    owner = factories.make_staff("owner")
    customer = shipped.customer
    queries_typed = [shipped.number, shipped.number[:8], ORDER_PHONE, "138 0000 0000",
                     shipped.shipments.get().tracking_number.lower(), customer.code,
                     customer.nickname[:2], "ab", "EXT-1"]
    large = ("orders_order", "customers_customer", "customers_address", "fulfillment_shipment")
    for typed in queries_typed:
        with CaptureQueriesContext(connection) as captured:
            search_groups(parse_query(typed), user=owner)
        statements = [q["sql"] for q in captured.captured_queries
                      if any(f'"{table}"' in q["sql"] for table in large)
                      and q["sql"].startswith("SELECT")]
        assert statements, typed
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            for sql in statements:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0][0]["Plan"]
                assert _scans_without_index_condition(plan, large) == [], (typed, sql, plan)
