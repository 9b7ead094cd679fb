from decimal import Decimal

from tests import factories
from tests.api.support import assert_error, fingerprint, row_counts
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.inventory.models import Stock

AFTERSALES = "/api/v1/aftersales"


def test_return_flow_request_approve_receive_refund(as_role):
    service, warehouse_staff, finance = as_role("service"), as_role("warehouse"), as_role("finance")
    order = factories.make_order(status="delivered", quantity=2)
    line = order.lines.get()
    stock = Stock.objects.get(sku=line.sku)

    created = service.post(f"{AFTERSALES}/requests",
                           {"order_id": order.pk, "kind": "return", "reason_code": "size_fit",
                            "lines": [{"order_line_id": line.pk, "quantity": 1}],
                            "requested_amount": "99.00", "buyer_note": "偏小"})
    request_id = created.json()["id"]
    approved = service.post(f"{AFTERSALES}/requests/{request_id}/approve", {"note": "同意"})
    line_id = approved.json()["lines"][0]["id"]
    received = warehouse_staff.post(f"{AFTERSALES}/requests/{request_id}/receive",
                                    {"dispositions": [{"line_id": line_id,
                                                       "disposition": "restock"}]})
    refunded = finance.post(f"{AFTERSALES}/refunds",
                            {"order_id": order.pk, "amount": "99.00", "reason": "退货退款",
                             "request_id": request_id})

    assert created.status_code == 201 and created.json()["status"] == "requested"
    assert created.json()["lines"][0]["sku_code"] == line.sku_code
    assert approved.json()["status"] == "approved"
    assert received.json()["status"] == "received"
    assert received.json()["lines"][0]["disposition"] == "restock"
    assert refunded.status_code == 201 and refunded.json()["amount"] == "99.00"
    detail = finance.get(f"{AFTERSALES}/requests/{request_id}").json()
    assert detail["status"] == "refunded"
    stock.refresh_from_db()
    assert stock.on_hand == 99  # 100 received, 2 shipped, 1 restocked
    refunds = finance.get(f"{AFTERSALES}/refunds", order_id=order.pk).json()
    assert [r["request_id"] for r in refunds["items"]] == [request_id]


def test_refund_above_what_was_paid_is_refused_and_writes_nothing(as_role):
    finance = as_role("finance")
    order = factories.make_order(status="delivered")
    before = fingerprint(order)

    response = finance.post(f"{AFTERSALES}/refunds",
                            {"order_id": order.pk, "amount": "99.01", "reason": "多退"})

    data = assert_error(response, 409, "refund_exceeds_paid")
    assert "99.01" in data["message"]
    assert fingerprint(order) == before


def test_refund_amount_must_be_positive_money(as_role):
    finance = as_role("finance")
    order = factories.make_order(status="delivered")
    before = row_counts()

    for amount in ("0", "-5.00", "1.005", "abc"):
        response = finance.post(f"{AFTERSALES}/refunds",
                                {"order_id": order.pk, "amount": amount, "reason": "x"})
        assert_error(response, 422, "invalid_input")
    assert row_counts() == before


def test_refund_for_a_request_of_another_order_is_refused(as_role):
    finance = as_role("finance")
    paid = factories.make_order(status="paid")
    other = factories.make_order(status="paid")
    request = aftersales_actions.request_aftersales(
        other, kind="refund_only", reason_code="changed_mind", actor=None,
        requested_amount=Decimal("10.00"))
    aftersales_actions.approve_request(request, actor=None)
    before = row_counts()

    response = finance.post(f"{AFTERSALES}/refunds",
                            {"order_id": paid.pk, "amount": "10.00", "reason": "x",
                             "request_id": request.pk})

    assert_error(response, 422, "invalid_input")
    assert row_counts() == before


def test_reject_needs_a_note(as_role):
    service = as_role("service")
    order = factories.make_order(status="delivered")
    request = aftersales_actions.request_aftersales(
        order, kind="return", reason_code="quality", lines={order.lines.get().pk: 1}, actor=None)
    before = fingerprint(request)

    missing = service.post(f"{AFTERSALES}/requests/{request.pk}/reject", {})
    blank = service.post(f"{AFTERSALES}/requests/{request.pk}/reject", {"note": "  "})

    assert_error(missing, 422, "invalid_input")
    assert_error(blank, 422, "invalid_input")
    assert fingerprint(request) == before


def test_return_before_shipping_is_not_eligible(as_role):
    service = as_role("service")
    order = factories.make_order(status="paid")
    before = row_counts()

    response = service.post(f"{AFTERSALES}/requests",
                            {"order_id": order.pk, "kind": "return", "reason_code": "quality",
                             "lines": [{"order_line_id": order.lines.get().pk, "quantity": 1}]})

    assert_error(response, 409, "aftersales_not_eligible")
    assert row_counts() == before


def test_approving_twice_is_a_conflict(as_role):
    service = as_role("service")
    order = factories.make_order(status="delivered")
    request = aftersales_actions.request_aftersales(
        order, kind="return", reason_code="quality", lines={order.lines.get().pk: 1}, actor=None)
    assert service.post(f"{AFTERSALES}/requests/{request.pk}/approve").status_code == 200

    again = service.post(f"{AFTERSALES}/requests/{request.pk}/approve")

    assert_error(again, 409, "invalid_request_state")


def test_duplicate_lines_in_a_request_are_invalid_input(as_role):
    service = as_role("service")
    order = factories.make_order(status="delivered", quantity=2)
    line_id = order.lines.get().pk

    response = service.post(f"{AFTERSALES}/requests",
                            {"order_id": order.pk, "kind": "return", "reason_code": "quality",
                             "lines": [{"order_line_id": line_id, "quantity": 1},
                                       {"order_line_id": line_id, "quantity": 1}]})

    assert_error(response, 422, "invalid_input")


def test_requests_filter_by_status(as_role):
    analyst = as_role("analyst")
    order = factories.make_order(status="delivered")
    request = aftersales_actions.request_aftersales(
        order, kind="refund_only", reason_code="late_delivery", actor=None,
        requested_amount=Decimal("5.00"))
    aftersales_actions.reject_request(request, note="未超时", actor=None)
    factories.make_order(status="delivered")

    rejected = analyst.get(f"{AFTERSALES}/requests", status="rejected").json()
    requested = analyst.get(f"{AFTERSALES}/requests", status="requested").json()
    by_reason = analyst.get(f"{AFTERSALES}/requests", reason_code="late_delivery").json()

    assert [r["id"] for r in rejected["items"]] == [request.pk]
    assert requested["count"] == 0
    assert by_reason["items"][0]["decision_note"] == "未超时"
