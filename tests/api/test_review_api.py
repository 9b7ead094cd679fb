"""The review and payment-callback API beyond the permission matrix: callbacks idempotent on
the transaction id, refused callbacks answered with their error and followed by a task,
parameters refused, holds released through the API."""

from tests import factories
from tests.api.support import assert_error
from zhanggui.orders.models import PaymentCallback, ReviewRule
from zhanggui.tasks.models import TaskStatus
from zhanggui.tasks.queries import tasks_for

CALLBACKS = "/api/v1/orders/payment-callbacks"
REVIEW = "/api/v1/orders/review"


def _body(order, transaction_id: str = "T1", **changes) -> dict:
    return {"order_number": order.number, "transaction_id": transaction_id,
            "amount": str(order.total_amount), "method": "alipay", "succeeded": True, **changes}


def test_a_callback_pays_once_and_a_repeat_is_recorded_as_a_duplicate(as_role):
    finance = as_role("finance")
    order = factories.make_order(status="pending_payment")
    first = finance.post(CALLBACKS, _body(order))
    again = finance.post(CALLBACKS, _body(order))
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "applied" and again.json()["status"] == "duplicate"
    assert again.json()["original_id"] == first.json()["id"]
    order.refresh_from_db()
    assert order.status == "paid" and order.payments.count() == 1
    assert PaymentCallback.objects.filter(transaction_id="T1").count() == 2
    assert not tasks_for(PaymentCallback.objects.get(pk=first.json()["id"])).exists()


def test_a_failed_payment_callback_records_the_attempt(as_role):
    order = factories.make_order(status="pending_payment")
    response = as_role("finance").post(CALLBACKS, _body(order, succeeded=False,
                                                        failure_reason="insufficient_funds"))
    assert response.status_code == 200 and response.json()["status"] == "applied"
    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert order.payments.get().failure_reason == "insufficient_funds"


def _refused(response, status: int, code: str) -> PaymentCallback:
    assert_error(response, status, code)
    callback = PaymentCallback.objects.order_by("-id").first()
    assert callback.status == "refused" and callback.error_code == code
    task = tasks_for(callback).get()
    assert task.kind == "payment_callback_failed" and task.status == TaskStatus.OPEN
    assert task.role == "finance"
    return callback


def test_money_for_a_cancelled_order_is_refused_and_opens_a_finance_task(as_role):
    order = factories.make_order(status="cancelled")
    response = as_role("finance").post(CALLBACKS, _body(order, "T-dead"))
    callback = _refused(response, 409, "callback_order_dead")
    assert callback.order == order and order.payments.count() == 0
    repeat = as_role("finance").post(CALLBACKS, _body(order, "T-dead"))
    assert_error(repeat, 409, "callback_order_dead")  # answered as the first delivery was
    assert tasks_for(callback).count() == 1


def test_unknown_orders_and_wrong_amounts_are_refused(as_role):
    finance = as_role("finance")
    order = factories.make_order(status="pending_payment")
    unknown = {**_body(order, "T-x"), "order_number": "NO-SUCH-ORDER"}
    _refused(finance.post(CALLBACKS, unknown), 404, "callback_order_unknown")
    _refused(finance.post(CALLBACKS, _body(order, "T-y", amount="1.00")), 409,
             "callback_amount_mismatch")
    order.refresh_from_db()
    assert order.status == "pending_payment"


def test_a_second_payment_for_a_paid_order_is_refused(as_role):
    order = factories.make_order(status="paid")
    _refused(as_role("finance").post(CALLBACKS, _body(order, "T-second")), 409,
             "callback_not_applicable")
    assert order.payments.count() == 1


def test_callbacks_are_listed_for_finance_with_their_status(as_role):
    order = factories.make_order(status="cancelled")
    as_role("finance").post(CALLBACKS, _body(order, "T-list"))
    data = as_role("finance").get(CALLBACKS, status="refused").json()
    assert [item["transaction_id"] for item in data["items"]] == ["T-list"]


def test_rule_parameters_are_validated(as_role):
    rule = ReviewRule.objects.get(kind="repeat_address")
    operator = as_role("operator")
    response = operator.patch(f"{REVIEW}/rules/{rule.pk}", {"params": {"hours": 0}})
    assert_error(response, 422, "invalid_rule_params")
    response = operator.patch(f"{REVIEW}/rules/{rule.pk}", {"params": {"hours": 6}})
    assert response.status_code == 200
    assert response.json()["params"] == {"max_orders": 3, "hours": 6}


def test_service_releases_a_hold_and_the_order_is_reviewed(as_role):
    from zhanggui.orders import review

    order = factories.make_order(status="paid")
    review.update_seller_note(order, note="改色", actor=None)
    review.auto_review_order(order)
    service = as_role("service")
    holds = service.get(f"{REVIEW}/holds", order_id=order.pk, open_only=True).json()["items"]
    assert [h["kind"] for h in holds] == ["seller_note"] and "改色" in holds[0]["reason"]
    response = service.post(f"{REVIEW}/holds/{holds[0]['id']}/release", {"note": "已确认"})
    assert response.status_code == 200 and response.json()["released_at"]
    order.refresh_from_db()
    assert order.status == "reviewed"
    again = service.post(f"{REVIEW}/holds/{holds[0]['id']}/release", {"note": ""})
    assert_error(again, 409, "hold_already_released")


def test_manual_review_of_a_held_order_is_refused_for_service(as_role):
    from zhanggui.orders import review

    order = factories.make_order(status="paid")
    review.update_seller_note(order, note="改色", actor=None)
    review.auto_review_order(order)
    response = as_role("service").post(f"/api/v1/orders/{order.pk}/review", {"note": ""})
    assert_error(response, 409, "order_held")
    order.refresh_from_db()
    assert order.status == "paid" and order.is_held
