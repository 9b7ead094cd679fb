"""The traffic API: ingestion (bearer token or a storefront key in the URL), the 422
report of bad events, the event list with filters, and CORS on the ingest endpoint only."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from tests.api.support import ApiClient, assert_error
from tests.traffic.support import raw_event
from zhanggui.accounts.models import OperationLog
from zhanggui.traffic.actions import create_ingest_key, ingest_events
from zhanggui.traffic.models import Event
from zhanggui.traffic.rules import MAX_BATCH_SIZE

EVENTS = "/api/v1/traffic/events"
SHOP = "https://shop.example"
pytestmark = pytest.mark.django_db


@pytest.fixture
def ingest_key(db):
    _token, secret = create_ingest_key("shop", actor=None)
    return secret


def _beacon(key: str, body, **headers):
    """A POST as ``navigator.sendBeacon`` sends it: text/plain, the key in the URL."""
    return Client().post(f"{EVENTS}?key={key}", json.dumps(body), content_type="text/plain",
                         **headers)


def test_a_storefront_key_in_the_url_ingests_a_text_plain_beacon(ingest_key):
    response = _beacon(ingest_key, {"events": [raw_event(), raw_event()]})
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 2, "accepted": 2, "duplicates": 0}
    log = OperationLog.objects.get(action="traffic.ingest_events")
    assert log.actor.username == "storefront-shop"


def test_a_staff_token_is_not_accepted_in_the_url(as_role):
    owner = as_role("owner")
    response = _beacon(owner.secret, {"events": [raw_event()]})
    assert_error(response, 401, "not_authenticated")
    assert not Event.objects.exists()


def test_a_storefront_key_cannot_read_events(ingest_key):
    response = Client().get(EVENTS, HTTP_AUTHORIZATION=f"Bearer {ingest_key}")
    assert_error(response, 403, "permission_denied")


def test_bad_events_get_422_with_every_problem_and_nothing_is_stored(as_role):
    client = as_role("owner")
    batch = [raw_event(), raw_event(kind="add_to_cart"), raw_event(occurred_at="soon")]
    data = assert_error(client.post(EVENTS, {"events": batch}), 422, "invalid_events")
    assert [(e["index"], e["field"]) for e in data["errors"]] == [
        (1, "product"), (2, "occurred_at")]
    assert all(e["reason"] for e in data["errors"])
    assert not Event.objects.exists() and not OperationLog.objects.filter(
        action="traffic.ingest_events").exists()


def test_problems_are_explained_in_english_when_asked(as_role):
    client = as_role("owner")
    response = client.post(EVENTS, {"events": [raw_event(kind="search")]},
                           HTTP_ACCEPT_LANGUAGE="en")
    data = assert_error(response, 422, "invalid_events")
    assert "nothing was stored" in data["message"]
    assert {e["reason"] for e in data["errors"]} == {"This field is required."}


def test_batch_limits_are_enforced_by_the_endpoint(as_role):
    client = as_role("owner")
    too_many = [raw_event() for _ in range(MAX_BATCH_SIZE + 1)]
    assert_error(client.post(EVENTS, {"events": too_many}), 422, "batch_too_large")
    assert_error(client.post(EVENTS, {"events": []}), 422, "empty_batch")
    assert_error(client.post(EVENTS, {"rows": []}), 422, "invalid_input")
    assert not Event.objects.exists()


def test_resending_the_same_batch_reports_duplicates(as_role):
    client = as_role("owner")
    batch = {"events": [raw_event(), raw_event()]}
    assert client.post(EVENTS, batch).json()["accepted"] == 2
    assert client.post(EVENTS, batch).json() == {"received": 2, "accepted": 0, "duplicates": 2}
    assert Event.objects.count() == 2


def test_the_list_filters_by_kind_source_device_time_and_watermark(as_role):
    now = datetime.now(UTC)
    result = ingest_events([
        raw_event(kind="page_view", source="ads", device="app",
                  occurred_at=(now - timedelta(days=2)).isoformat()),
        raw_event(kind="search", search_term="鞋", result_count=3, source="search"),
        raw_event(kind="page_view", source="search", device="desktop"),
    ], actor=None)
    client = as_role("analyst")

    def ids(**query):
        data = client.get(EVENTS, **query).json()
        return {item["search_term"] or item["source"] + "/" + item["device"]
                for item in data["items"]}

    assert ids(kind="search") == {"鞋"}
    assert ids(source="ads") == {"ads/app"}
    assert ids(device="desktop") == {"search/desktop"}
    assert ids(occurred_to=(now - timedelta(days=1)).isoformat()) == {"ads/app"}
    assert ids(after_id=result.first_id) == {"鞋", "search/desktop"}
    assert_error(client.get(EVENTS, kind="click"), 422, "invalid_input")


def test_the_list_is_paginated(as_role):
    ingest_events([raw_event() for _ in range(60)], actor=None)
    data = as_role("operator").get(EVENTS).json()
    assert data["count"] == 60 and len(data["items"]) == 50


# ---- CORS ------------------------------------------------------------------------------

def test_preflight_from_an_allowed_origin_is_answered(settings):
    settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = [SHOP]
    response = Client().options(EVENTS, HTTP_ORIGIN=SHOP,
                                HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Content-Type" in response["Access-Control-Allow-Headers"]
    assert "Origin" in response["Vary"]


def test_preflight_and_posts_from_other_origins_are_refused(settings, ingest_key):
    settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = [SHOP]
    response = Client().options(EVENTS, HTTP_ORIGIN="https://evil.example",
                                HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert_error(response, 403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in response
    posted = _beacon(ingest_key, {"events": [raw_event()]}, HTTP_ORIGIN="https://evil.example")
    assert_error(posted, 403, "origin_not_allowed")
    assert not Event.objects.exists()


def test_a_post_from_an_allowed_origin_carries_the_cors_headers(settings, ingest_key):
    settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = [SHOP, "https://other.example"]
    response = _beacon(ingest_key, {"events": [raw_event()]}, HTTP_ORIGIN=SHOP)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert Event.objects.count() == 1


def test_no_other_endpoint_gets_cors_headers(settings, as_role):
    settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = ["*"]
    client = as_role("owner")
    response = client.request("GET", "/api/v1/orders", HTTP_ORIGIN=SHOP)
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response
    preflight = Client().options("/api/v1/orders", HTTP_ORIGIN=SHOP,
                                 HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert "Access-Control-Allow-Origin" not in preflight


def test_a_request_without_origin_is_not_affected_by_the_origin_list(settings, ingest_key):
    settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = []
    assert _beacon(ingest_key, {"events": [raw_event()]}).status_code == 200


def test_anonymous_ingestion_is_refused():
    assert_error(ApiClient(None).post(EVENTS, {"events": [raw_event()]}), 401,
                 "not_authenticated")
    assert_error(_beacon("zg_wrong", {"events": [raw_event()]}), 401, "not_authenticated")
