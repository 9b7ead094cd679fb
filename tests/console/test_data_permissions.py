"""Personal data is masked and cost prices are hidden for staff without the permission,
on every page that shows them; staff with it see them in full."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog.actions import update_sku
from zhanggui.console.history import present
from zhanggui.events.models import Event

FULL_NAME, FULL_PHONE, STREET = "张三丰", "13800000000", "西湖区文三路 100 号"


@pytest.fixture
def order(sku):
    return factories.make_order(sku=sku, quantity=1, status="paid")


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _pages(order) -> dict[str, str]:
    customer = order.customer
    return {
        "order list": reverse("admin:orders_order_changelist"),
        "order page": reverse("admin:orders_order_change", args=[order.pk]),
        "customer list": reverse("admin:customers_customer_changelist"),
        "customer page": reverse("admin:customers_customer_change", args=[customer.pk]),
        "address list": reverse("admin:customers_address_changelist"),
        "address page": reverse("admin:customers_address_change",
                                args=[customer.addresses.get().pk]),
        "search results": reverse("admin:customers_customer_changelist") + f"?q={customer.phone}",
    }


def test_customer_service_sees_personal_data_masked_everywhere(login, order):
    client = login("service")
    customer_phone = order.customer.phone
    for page, url in _pages(order).items():
        # The search box and filter links echo what was typed; the rest must be masked.
        html = _html(client, url)
        for echo in (f'value="{customer_phone}"', f"q={customer_phone}", f"q%3D{customer_phone}"):
            html = html.replace(echo, "")
        assert FULL_NAME not in html, page
        assert FULL_PHONE not in html and customer_phone not in html, page
        assert STREET not in html, page
    order_page = _html(client, _pages(order)["order page"])
    assert "张**" in order_page and "138****0000" in order_page and "西湖区文三路****" in order_page


def test_searching_by_phone_finds_the_customer_but_shows_the_number_masked(login, order):
    customer = order.customer
    html = _html(login("service"), _pages(order)["search results"])
    assert customer.code in html
    assert f"{customer.phone[:3]}****{customer.phone[-4:]}" in html


def test_the_owner_sees_personal_data_in_full(login, order):
    client = login("owner")
    order_page = _html(client, _pages(order)["order page"])
    assert FULL_NAME in order_page and FULL_PHONE in order_page and STREET in order_page
    customer_page = _html(client, _pages(order)["customer page"])
    assert order.customer.phone in customer_page and STREET in customer_page


def test_operators_do_not_see_cost_prices(login, order, sku):
    client = login("operator")
    sku_list = _html(client, reverse("admin:catalog_sku_changelist"))
    sku_page = _html(client, reverse("admin:catalog_sku_change", args=[sku.pk]))
    order_page = _html(client, reverse("admin:orders_order_change", args=[order.pk]))
    line_list = _html(client, reverse("admin:orders_orderline_changelist"))
    for html in (sku_list, sku_page, order_page, line_list):
        assert "¥40.00" not in html and "成本" not in html
    assert all("¥100.00" in html for html in (sku_list, order_page, line_list))
    assert 'name="price_amount"' in sku_page and 'name="cost_amount"' not in sku_page


def test_finance_sees_cost_prices(login, order, sku):
    client = login("finance")
    sku_list = _html(client, reverse("admin:catalog_sku_changelist"))
    order_page = _html(client, reverse("admin:orders_order_change", args=[order.pk]))
    assert "成本价" in sku_list and "¥40.00" in sku_list
    assert "单位成本" in order_page and "¥40.00" in order_page


def test_an_operator_editing_a_sku_cannot_touch_its_cost(login, sku):
    client = login("operator")
    url = reverse("admin:catalog_sku_change", args=[sku.pk])
    response = client.post(url, {"option_values": '{"颜色": "红"}', "price_amount": "120.00",
                                 "cost_amount": "1.00", "weight_grams": "300", "barcode": "",
                                 "is_active": "on"})
    assert response.status_code == 302
    sku.refresh_from_db()
    assert sku.price_amount == Decimal("120.00") and sku.cost_amount == Decimal("40.00")
    # the price went through the price engine: its history and its event
    assert [h.price_amount for h in sku.price_history.all()] == [Decimal("120.00")]
    assert [e.data["price_amount"] for e in Event.objects.filter(type="price.changed")] == [
        "120.00"]


def test_the_operation_log_hides_cost_changes_from_staff_without_cost_access(sku):
    entry_owner = factories.make_staff("owner")
    update_sku(sku, cost_amount=Decimal("45.00"), price_amount=Decimal("110.00"),
               actor=entry_owner)
    entry = OperationLog.objects.filter(action="catalog.update_sku").latest("id")
    shown_to_operator = present(entry, factories.make_staff("operator"))
    shown_to_owner = present(entry, entry_owner)
    assert [c.after for c in shown_to_operator.changes] == ["¥110.00"]
    assert {c.after for c in shown_to_owner.changes} == {"¥110.00", "¥45.00"}


def test_encrypted_columns_are_not_sortable(login, order):
    page = login("owner").get("/customers/customer/")
    columns = {header: index for index, header in enumerate(page.context["cl"].list_display)}
    sortable = page.context["cl"].model_admin.get_sortable_by(page.wsgi_request)
    assert "phone" in columns and "name" in columns  # shown in full to the owner
    assert "phone" not in sortable and "name" not in sortable and "code" in sortable
