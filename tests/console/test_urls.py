"""Shareable console addresses: a list's filters, search, ordering and page are all in its
URL, so a bookmarked or shared link opens the same list; editing an object returns to it."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone

from tests import factories


@pytest.fixture
def operator(client, db):
    client.force_login(factories.make_staff("operator"))
    return client


@pytest.fixture
def orders(sku):
    customer = factories.make_customer()
    return {"paid": factories.make_order(sku=sku, customer=customer, status="paid"),
            "pending": factories.make_order(sku=sku, customer=customer)}


def _numbers(response) -> list[str]:
    return [order.number for order in response.context["cl"].result_list]


def test_a_filtered_list_url_opens_with_its_filters_applied_and_shown(operator, orders):
    day = timezone.localdate().isoformat()
    query = {"status__exact": "paid", "placed_at_from": day, "placed_at_to": day, "o": "-2",
             "q": orders["paid"].number[:6]}
    response = operator.get(f"/orders/order/?{urlencode(query)}")
    assert response.status_code == 200
    assert _numbers(response) == [orders["paid"].number]
    body = response.content.decode()
    # the filter form shows the choices made ...
    assert '<option value="paid" selected' in body.replace("selected>", "selected ")
    assert body.count(f'value="{day}"') >= 2
    # ... and keeps what it does not show (ordering, search) so applying it loses nothing
    form = body[body.index('id="filter-form"'):]
    form = form[:form.index("</form>")]
    assert 'name="o" value="-2"' in form and f'name="q" value="{query["q"]}"' in form
    # the search box keeps the filters
    search = body[body.index('id="changelist-search"'):]
    search = search[:search.index("</form>")]
    assert 'name="status__exact" value="paid"' in search and f'name="placed_at_from" value="{day}"' in search
    # the same URL later gives the same list; without the filter both orders are listed
    assert _numbers(operator.get(f"/orders/order/?{urlencode(query)}")) == [orders["paid"].number]
    assert set(_numbers(operator.get("/orders/order/"))) == {o.number for o in orders.values()}


def test_a_date_range_filter_outside_the_orders_leaves_the_list_empty(operator, orders):
    response = operator.get("/orders/order/", {"placed_at_from": "2001-01-01",
                                               "placed_at_to": "2001-01-31"})
    assert response.status_code == 200 and _numbers(response) == []


def test_an_object_opened_from_a_filtered_list_links_back_to_the_same_list(operator, orders):
    query = urlencode({"status__exact": "paid", "o": "-2"})
    changelist = operator.get(f"/orders/order/?{query}").content.decode()
    preserved = urlencode({"_changelist_filters": query})
    link = f"/orders/order/{orders['paid'].pk}/change/?{preserved}"
    assert link.replace("&", "&amp;") in changelist
    page = operator.get(link).content.decode()
    back = f"/orders/order/?{query}".replace("&", "&amp;")
    assert back in page  # the breadcrumb / close link return to the filtered list


def test_saving_an_object_opened_from_a_filtered_list_returns_to_that_list(client, db):
    owner = factories.make_staff("owner")
    client.force_login(owner)
    warehouse = factories.make_warehouse()
    query = urlencode({"q": warehouse.code, "o": "1"})
    url = f"/inventory/warehouse/{warehouse.pk}/change/?{urlencode({'_changelist_filters': query})}"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else ""
            for name in form.fields}
    response = client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/inventory/warehouse/"
    assert parse_qs(location.query) == {"q": [warehouse.code], "o": ["1"]}
