"""Order admin actions call the order and fulfillment actions, check the permission,
and turn a refusal into an error message that changes nothing."""

import pytest
from django.urls import reverse

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.fulfillment.models import Shipment

CHANGELIST = "admin:orders_order_changelist"


def run_action(client, action: str, orders, **data):
    payload = {"action": action, "_selected_action": [o.pk for o in orders], **data}
    return client.post(reverse(CHANGELIST), payload, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def paid_order(sku):
    return factories.make_order(sku=sku, status="paid")


def test_reviewing_an_order_from_the_changelist_changes_its_status_and_logs_it(login, paid_order):
    client = login("service")
    response = run_action(client, "review_selected", [paid_order])
    paid_order.refresh_from_db()
    assert paid_order.status == "reviewed"
    entry = OperationLog.objects.get(action="orders.review_order", object_id=str(paid_order.pk))
    assert entry.actor == client.staff and entry.after["status"] == "reviewed"
    assert "已审核通过 1 个订单。" in messages_of(response)


def test_a_role_without_the_permission_cannot_review_by_posting(login, paid_order):
    client = login("warehouse")
    response = run_action(client, "review_selected", [paid_order])
    paid_order.refresh_from_db()
    assert paid_order.status == "paid"
    assert not OperationLog.objects.filter(action="orders.review_order").exists()
    assert "review_selected" not in response.content.decode()  # not even offered


def test_a_detail_action_is_forbidden_without_the_permission(login, paid_order):
    url = reverse("admin:orders_order_review_one", args=[paid_order.pk])
    assert login("operator").post(url, {}).status_code == 403
    paid_order.refresh_from_db()
    assert paid_order.status == "paid"


def test_an_invalid_transition_shows_an_error_and_changes_nothing(login, sku):
    pending = factories.make_order(sku=sku)
    response = run_action(login("service"), "review_selected", [pending])
    pending.refresh_from_db()
    assert pending.status == "pending_payment"
    assert f"{pending.number}: 不能从“待付款”变为“已审单”。" in messages_of(response)
    assert not OperationLog.objects.filter(action="orders.review_order").exists()


def test_one_refused_order_does_not_hold_back_the_others(login, sku, paid_order):
    pending = factories.make_order(sku=sku)
    response = run_action(login("service"), "review_selected", [paid_order, pending])
    paid_order.refresh_from_db()
    pending.refresh_from_db()
    assert (paid_order.status, pending.status) == ("reviewed", "pending_payment")
    assert len(messages_of(response)) == 2


def test_cancelling_asks_for_a_reason_before_it_cancels(login, sku):
    order = factories.make_order(sku=sku)
    client = login("service")
    form_page = run_action(client, "cancel_selected", [order])
    assert 'name="reason"' in form_page.content.decode()
    order.refresh_from_db()
    assert order.status == "pending_payment"

    run_action(client, "cancel_selected", [order], apply="1", reason="买家要求取消")
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "买家要求取消"


def test_a_blank_cancel_reason_is_refused_by_the_form(login, sku):
    order = factories.make_order(sku=sku)
    response = run_action(login("service"), "cancel_selected", [order], apply="1", reason="")
    assert "这个字段是必填项" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "pending_payment"


def test_shipping_takes_a_carrier_and_tracking_number_for_each_order(login, sku):
    first = factories.make_order(sku=sku, status="reviewed")
    second = factories.make_order(sku=sku, status="reviewed")
    client = login("warehouse")
    form_page = run_action(client, "ship_selected", [first, second])
    assert form_page.content.decode().count('name="o') >= 4  # two fields per order

    run_action(client, "ship_selected", [first, second], apply="1",
               **{f"o{first.pk}-carrier": "sf", f"o{first.pk}-tracking_number": "SF001",
                  f"o{second.pk}-carrier": "zto", f"o{second.pk}-tracking_number": "ZT002"})
    assert set(Shipment.objects.values_list("tracking_number", flat=True)) == {"SF001", "ZT002"}
    first.refresh_from_db()
    assert first.status == "shipped"
    logged = OperationLog.objects.filter(action="fulfillment.ship_shipment", actor=client.staff)
    assert logged.count() == 2


def test_a_duplicate_tracking_number_is_an_error_message(login, sku):
    shipped = factories.make_order(sku=sku, status="shipped")
    order = factories.make_order(sku=sku, status="reviewed")
    tracking = shipped.shipments.get().tracking_number
    fields = {f"o{order.pk}-carrier": "sf", f"o{order.pk}-tracking_number": tracking}
    response = run_action(login("warehouse"), "ship_selected", [order], apply="1", **fields)
    assert any(tracking in m and "已被使用" in m for m in messages_of(response))
    order.refresh_from_db()
    assert order.status == "reviewed"


def test_marking_an_order_delivered_from_its_page(login, sku):
    order = factories.make_order(sku=sku, status="shipped")
    client = login("warehouse")
    url = reverse("admin:orders_order_mark_delivered_one", args=[order.pk])
    assert client.get(url).status_code == 200  # a confirmation page, no change on GET
    order.refresh_from_db()
    assert order.status == "shipped"
    response = client.post(url, {})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "delivered"


def test_the_order_page_offers_only_the_steps_its_status_allows(login, paid_order):
    html = login("owner").get(reverse("admin:orders_order_change", args=[paid_order.pk]))
    html = html.content.decode()
    assert f"/orders/order/{paid_order.pk}/review/" in html
    assert f"/orders/order/{paid_order.pk}/ship/" not in html
    assert f"/orders/order/{paid_order.pk}/cancel/" not in html  # refund in full first
    assert f"/orders/order/{paid_order.pk}/refund/" in html


def test_finance_refunds_an_order_from_its_page(login, paid_order):
    client = login("finance")
    url = reverse("admin:orders_order_refund_one", args=[paid_order.pk])
    form = client.get(url).content.decode()
    assert 'value="100.00"' in form  # the refundable amount is proposed
    client.post(url, {"amount": "30.00", "reason": "价格保护"})
    paid_order.refresh_from_db()
    assert str(paid_order.refunded_amount) == "30.00"
    response = client.post(url, {"amount": "500.00", "reason": "too much"}, follow=True)
    assert any("超过了可退金额" in m for m in messages_of(response))
    paid_order.refresh_from_db()
    assert str(paid_order.refunded_amount) == "30.00"


def test_the_order_page_shows_its_history_from_the_operation_log(login, sku):
    order = factories.make_order(sku=sku, status="shipped")
    html = login("owner").get(reverse("admin:orders_order_change", args=[order.pk]))
    html = html.content.decode()
    history = html[html.index('id="object-history"'):]
    for step in ("下单", "付款成功", "审单通过", "订单发货", "包裹发出"):
        assert step in history
    assert "待付款" in history and "已付款" in history


def test_customer_service_opens_a_return_for_a_buyer_from_the_order_page(login, sku):
    order = factories.make_order(sku=sku, quantity=2, status="delivered")
    line = order.lines.get()
    client = login("service")
    url = reverse("admin:orders_order_open_aftersales_one", args=[order.pk])
    response = client.post(url, {"kind": "return", "reason_code": "size_fit",
                                 "requested_amount": "200.00", "buyer_note": "偏小",
                                 f"line_{line.pk}": "3"})
    assert "确保该值小于或等于2" in response.content.decode()  # more than was bought
    client.post(url, {"kind": "return", "reason_code": "size_fit", "requested_amount": "100.00",
                      "buyer_note": "偏小", f"line_{line.pk}": "1"})
    opened = order.aftersales_requests.get()
    assert (opened.kind, opened.status, opened.lines.get().quantity) == ("return", "requested", 1)
    entry = OperationLog.objects.get(action="aftersales.request")
    assert entry.actor == client.staff
