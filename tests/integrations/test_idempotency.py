"""Idempotency-Key on the API's POST requests: a repeat answers the first answer without
acting again, another request under the same key is refused, keys belong to their caller and
expire, and only answers of requests that were acted on are kept."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from tests import factories
from tests.api.support import ApiClient, assert_error
from tests.live.live_factories import ended_session, metrics_csv
from zhanggui.accounts.roles import Role
from zhanggui.integrations import tasks
from zhanggui.integrations.models import IdempotencyKey
from zhanggui.live.models import LiveMetric
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db
RECIPIENT = {"name": "张三", "phone": "13800000000", "province_code": "330000", "city": "杭州",
             "address_detail": "文三路 1 号"}


@pytest.fixture
def shop():
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    return sku, factories.make_customer()


def _order_body(sku, customer, quantity=1):
    return {"customer_id": customer.pk, "recipient": RECIPIENT,
            "lines": [{"sku_id": sku.pk, "quantity": quantity}]}


def test_a_repeat_answers_the_first_answer_and_places_one_order(shop):
    sku, customer = shop
    api = ApiClient(factories.make_staff("owner"), language="en")

    first = api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="order-1")
    again = api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="order-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1
    assert Order.objects.get().lines.get().quantity == 1
    # A quoted key (an HTTP structured-field string) is the same key.
    quoted = api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY='"order-1"')
    assert quoted.json() == first.json() and Order.objects.count() == 1


def test_a_new_key_or_no_key_acts_again(shop):
    sku, customer = shop
    api = ApiClient(factories.make_staff("owner"))
    api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="a")
    api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="b")
    api.post("/api/v1/orders", _order_body(sku, customer))
    api.post("/api/v1/orders", _order_body(sku, customer))
    assert Order.objects.count() == 4
    assert IdempotencyKey.objects.count() == 2


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(shop):
    sku, customer = shop
    api = ApiClient(factories.make_staff("owner"), language="zh-hans")
    api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="k")

    other = api.post("/api/v1/orders", _order_body(sku, customer, quantity=2),
                     HTTP_IDEMPOTENCY_KEY="k")
    elsewhere = api.post("/api/v1/pricing/price-cart",
                         {"customer_id": customer.pk, "lines": [{"sku_id": sku.pk, "quantity": 1}]},
                         HTTP_IDEMPOTENCY_KEY="k")

    error = assert_error(other, 422, "idempotency_key_reused")
    assert "Idempotency-Key" in error["message"] and "新的" in error["message"]
    assert_error(elsewhere, 422, "idempotency_key_reused")
    assert Order.objects.count() == 1 and Order.objects.get().lines.get().quantity == 1


def test_keys_belong_to_their_caller(shop):
    sku, customer = shop
    owner, other_owner = ApiClient(factories.make_staff("owner")), ApiClient(factories.make_staff("owner"))
    first = owner.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="same")
    second = other_owner.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] != second.json()["number"]
    assert len(set(IdempotencyKey.objects.values_list("scope", flat=True))) == 2
    # The token itself is never stored, only its digest.
    assert not IdempotencyKey.objects.filter(scope__contains=owner.secret).exists()


def test_a_refusal_is_kept_like_a_success(shop):
    sku, customer = shop
    api = ApiClient(factories.make_staff("owner"), language="en")
    body = _order_body(sku, customer, quantity=11)  # 10 in stock
    refused = api.post("/api/v1/orders", body, HTTP_IDEMPOTENCY_KEY="too-many")
    factories.stock_up(sku, factories.make_warehouse(), 50)  # enough now, but the key answered
    again = api.post("/api/v1/orders", body, HTTP_IDEMPOTENCY_KEY="too-many")
    assert_error(refused, 409, "insufficient_stock")
    assert again.json() == refused.json() and again["Idempotent-Replayed"] == "true"
    assert not Order.objects.exists()


def test_a_request_not_acted_on_keeps_no_key(shop):
    sku, customer = shop
    analyst = ApiClient(factories.make_staff(Role.ANALYST))
    refused = analyst.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="x")
    assert refused.status_code == 403
    assert not IdempotencyKey.objects.exists() and not Order.objects.exists()
    stranger = ApiClient(None)
    assert stranger.post("/api/v1/orders", _order_body(sku, customer),
                         HTTP_IDEMPOTENCY_KEY="x").status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_a_server_error_rolls_back_and_its_retry_acts(shop):
    sku, customer = shop
    api = ApiClient(factories.make_staff("owner"))
    api.client.raise_request_exception = False
    with mock.patch("zhanggui.orders.api.queries.get_order", side_effect=RuntimeError("boom")):
        failed = api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="r")
    assert failed.status_code == 500
    # The order the failed request had placed is rolled back with its key.
    assert not Order.objects.exists() and not IdempotencyKey.objects.exists()
    retried = api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="r")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Order.objects.count() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "键"])
def test_a_malformed_key_is_refused_before_acting(shop, key):
    sku, customer = shop
    api = ApiClient(factories.make_staff("owner"), language="en")
    response = api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY=key)
    assert_error(response, 400, "idempotency_key_invalid")
    assert not Order.objects.exists()


def test_an_expired_key_acts_again_and_the_purge_drops_it(shop, settings):
    sku, customer = shop
    api = ApiClient(factories.make_staff("owner"))
    api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    again = api.post("/api/v1/orders", _order_body(sku, customer, quantity=2),
                     HTTP_IDEMPOTENCY_KEY="old")

    assert again.status_code == 201 and Order.objects.count() == 2
    record = IdempotencyKey.objects.get()
    assert record.expires_at > timezone.now() + timedelta(hours=23)
    settings.ZHANGGUI = {**settings.ZHANGGUI, "IDEMPOTENCY_KEY_HOURS": 1}
    api.post("/api/v1/orders", _order_body(sku, customer), HTTP_IDEMPOTENCY_KEY="new")
    assert IdempotencyKey.objects.get(key="new").expires_at < timezone.now() + timedelta(hours=2)
    IdempotencyKey.objects.filter(key="old").update(expires_at=timezone.now())
    assert tasks.purge_idempotency_keys_task() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_gets_and_pages_are_untouched_by_the_header(shop):
    api = ApiClient(factories.make_staff("owner"))
    assert api.request("GET", "/api/v1/orders", HTTP_IDEMPOTENCY_KEY="g").status_code == 200
    assert not IdempotencyKey.objects.exists()


def test_a_multipart_upload_is_the_same_request_whatever_its_boundary():
    session = ended_session()
    client = ApiClient(factories.make_staff(Role.OPERATOR))
    path = f"/api/v1/live/sessions/{session.pk}/metrics/import"
    content = metrics_csv([(0, 1, 1, 1, 1, 1, 1, 1, 1)])

    def upload(boundary: str, data: bytes):
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return client.client.generic(
            "POST", path, body, content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="upload-1", **client.headers)

    first = upload("aaaa1111", content)
    again = upload("bbbb2222", content)
    other = upload("cccc3333", metrics_csv([(0, 2, 2, 2, 2, 2, 2, 2, 2)]))

    assert first.json() == {"rows": 1} and again["Idempotent-Replayed"] == "true"
    assert_error(other, 422, "idempotency_key_reused")
    assert LiveMetric.objects.count() == 1


def test_the_console_session_is_a_caller_too(shop, client):
    sku, customer = shop
    staff = factories.make_staff("owner")
    client.force_login(staff)
    responses = [client.post("/api/v1/orders", _order_body(sku, customer), content_type="application/json",
                             HTTP_IDEMPOTENCY_KEY="console") for _ in range(2)]
    assert [r.status_code for r in responses] == [201, 201], responses[0].content
    assert Order.objects.count() == 1
    assert IdempotencyKey.objects.get().scope == f"staff:{staff.pk}"
