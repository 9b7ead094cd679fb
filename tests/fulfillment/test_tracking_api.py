"""The carrier callback and the carrier API: counts, 422 per row with nothing applied,
the quote's refusals, a role without the permission changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.support import ApiClient, assert_error
from tests.fulfillment.support import make_service, shipped_parcels
from zhanggui.accounts.models import OperationLog
from zhanggui.fulfillment.models import CarrierService, RateCardRow, TrackingEvent

URL = "/api/v1/fulfillment/tracking-events"


@pytest.fixture
def parcel(db):
    return shipped_parcels(1, shipped_at=timezone.now() - timedelta(hours=30))[0]


@pytest.fixture
def warehouse_api(db):
    from tests import factories

    return ApiClient(factories.make_staff("warehouse"))


def row(parcel, event_id, kind, hours, **changes):
    return {"carrier": parcel.carrier, "tracking_number": parcel.tracking_number,
            "event_id": event_id, "kind": kind,
            "occurred_at": (parcel.shipped_at + timedelta(hours=hours)).isoformat(),
            **changes}


def test_callback_counts_recorded_duplicates_unknown(parcel, warehouse_api):
    events = [row(parcel, "E1", "collected", 1), row(parcel, "E2", "in_transit", 5),
              row(parcel, "E1", "collected", 1), row(parcel, "X", "collected", 1,
                                                     tracking_number="ZT404")]
    response = warehouse_api.request("POST", URL, {"events": events})
    assert response.status_code == 200, response.content
    assert response.json() == {"recorded": 2, "duplicates": 1, "unknown": 1, "unknown_rows": [3]}
    again = warehouse_api.request("POST", URL, {"events": events[:2]}).json()
    assert (again["recorded"], again["duplicates"]) == (0, 2)
    assert TrackingEvent.objects.filter(shipment=parcel).count() == 2


def test_callback_bad_rows_422_with_index_and_code_nothing_applied(parcel, warehouse_api):
    logged = OperationLog.objects.count()
    events = [row(parcel, "E1", "collected", 1),
              row(parcel, "E2", "beamed", 2),
              row(parcel, "E3", "delivered", 3, occurred_at="2026-12-01 10:00"),  # no zone
              row(parcel, "E4", "delivered", 3, occurred_at="yesterday"),
              row(parcel, "E5", "delivered", 3, carrier="ups")]
    response = warehouse_api.request("POST", URL, {"events": events})
    data = assert_error(response, 422, "invalid_tracking_events")
    assert [(r["index"], r["code"]) for r in data["rows"]] == [
        (1, "unknown_event_kind"), (2, "invalid_event_time"), (3, "invalid_event_time"),
        (4, "unknown_carrier")]
    assert all(r["message"] for r in data["rows"])
    assert not TrackingEvent.objects.exists()
    parcel.refresh_from_db()
    assert parcel.status == "shipped" and OperationLog.objects.count() == logged


def test_callback_refuses_an_empty_batch(warehouse_api):
    assert_error(warehouse_api.request("POST", URL, {"events": []}), 422, "invalid_input")


@pytest.mark.parametrize("role", ["service", "finance", "designer"])
def test_roles_without_record_tracking_change_nothing(parcel, role):
    from tests import factories

    client = ApiClient(factories.make_staff(role))
    response = client.request("POST", URL, {"events": [row(parcel, "E1", "delivered", 3)]})
    assert_error(response, 403, "permission_denied")
    assert not TrackingEvent.objects.exists()
    parcel.refresh_from_db()
    assert parcel.status == "shipped"


def test_quote_refusals(db, warehouse_api):
    zto = make_service("zto", "standard", (("650000",), 1000, "15", 1000, "12"))
    url = "/api/v1/fulfillment/carrier-services/quote"
    query = {"service": zto.pk, "province": "330000", "weight_grams": 100}
    assert_error(warehouse_api.request("GET", url, query=query), 422, "service_does_not_reach")
    assert_error(warehouse_api.request("GET", url, query={**query, "province": "999999"}), 422,
                 "unknown_province")
    assert_error(warehouse_api.request("GET", url, query={**query, "weight_grams": 0}), 422,
                 "invalid_input")
    assert_error(warehouse_api.request("GET", url, query={**query, "service": 987654}), 404,
                 "not_found")


def test_rate_card_refusal_through_the_api_changes_nothing(db, warehouse_api):
    zto = make_service("zto", "standard", ((), 1000, "5", 1000, "2"))
    before = list(RateCardRow.objects.filter(service=zto).values())
    response = warehouse_api.request(
        "PUT", f"/api/v1/fulfillment/carrier-services/{zto.pk}/rates",
        {"rows": [{"province_codes": ["330000"], "first_fee_amount": "5",
                   "additional_fee_amount": "1"},
                  {"province_codes": ["330000"], "first_fee_amount": "6",
                   "additional_fee_amount": "1"}]})
    assert_error(response, 422, "province_in_two_rows")
    assert list(RateCardRow.objects.filter(service=zto).values()) == before


def test_service_role_reads_but_cannot_change_carriers(db):
    from tests import factories

    client = ApiClient(factories.make_staff("service"))
    zto = make_service("zto", "standard", ((), 1000, "5", 1000, "2"), name="中通")
    services = client.request("GET", "/api/v1/fulfillment/carrier-services")
    assert services.status_code == 200 and zto.pk in [s["id"] for s in services.json()]
    response = client.request("PATCH", f"/api/v1/fulfillment/carrier-services/{zto.pk}",
                              {"name": "改名"})
    assert_error(response, 403, "permission_denied")
    assert CarrierService.objects.get(pk=zto.pk).name == zto.name
