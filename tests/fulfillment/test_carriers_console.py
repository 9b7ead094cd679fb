"""Console pages of carriers and tracking: the service form with its rate card inline, the
waybill range operation, "record event" and the timeline on the shipment page, the tracking
file upload — each through the actions, refusals shown, other roles refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.fulfillment.support import make_service, shipped_parcels
from zhanggui.accounts.models import OperationLog
from zhanggui.fulfillment import carriers
from zhanggui.fulfillment.models import CarrierService, RateCardRow, TrackingEvent

ADD = "admin:fulfillment_carrierservice_add"


def service_form(**changes) -> dict:
    data = {"carrier": "sto", "level": "standard", "name": "申通快递", "promised_days": "3",
            "is_active": "on", "rates-TOTAL_FORMS": "2", "rates-INITIAL_FORMS": "0",
            "rates-MIN_NUM_FORMS": "0", "rates-MAX_NUM_FORMS": "1000",
            "rates-0-province_codes": "", "rates-0-first_weight_grams": "1000",
            "rates-0-first_fee_amount": "5.00", "rates-0-additional_weight_grams": "1000",
            "rates-0-additional_fee_amount": "2.00",
            "rates-1-province_codes": "新疆、540000", "rates-1-first_weight_grams": "1000",
            "rates-1-first_fee_amount": "15.00", "rates-1-additional_weight_grams": "1000",
            "rates-1-additional_fee_amount": "12.00", "rates-1-promised_days": "6",
            "_save": "1"}
    return {**data, **changes}


def test_a_service_with_its_rate_card_is_created_through_the_actions(login):
    client = login("warehouse")
    response = client.post(reverse(ADD), service_form())
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    service = carriers.get_service(CarrierService.objects.get(carrier="sto").pk)
    assert carriers.quote(service, "650000", 2500) == Decimal("39.00")
    assert carriers.promised_days(service, "540000") == 6
    actions = set(OperationLog.objects.filter(object_id=str(service.pk),
                                              object_type="fulfillment.carrierservice")
                  .values_list("action", flat=True))
    assert actions == {"fulfillment.create_carrier_service", "fulfillment.set_rate_card"}


def test_a_refused_rate_card_is_shown_and_nothing_is_saved(login):
    client = login("warehouse")
    response = client.post(reverse(ADD), service_form(**{
        "rates-1-province_codes": "新疆", "rates-0-province_codes": "650000"}))
    assert response.status_code == 200
    assert "650000" in response.content.decode()  # in more than one row
    unknown = client.post(reverse(ADD), service_form(**{"rates-1-province_codes": "火星, 新疆"}))
    assert unknown.status_code == 200 and "火星" in unknown.content.decode()
    assert not CarrierService.objects.filter(carrier="sto").exists()
    assert not RateCardRow.objects.filter(service__carrier="sto").exists()


@pytest.mark.parametrize("role", ["service", "finance"])
def test_roles_without_manage_carriers_cannot_add_or_change(login, role):
    client = login(role)
    assert client.post(reverse(ADD), service_form()).status_code == 403
    zto = make_service("zto", "standard", ((), 1000, "5", 1000, "2"), name="中通")
    url = reverse("admin:fulfillment_carrierservice_change", args=[zto.pk])
    assert client.get(url).status_code == 200  # read-only
    response = client.post(url, {"name": "改名", "carrier": "zto", "level": "standard",
                                 "promised_days": "3"})
    assert response.status_code == 403
    assert not CarrierService.objects.filter(carrier="sto").exists()
    assert CarrierService.objects.get(pk=zto.pk).name == zto.name


def test_waybill_range_operation(login):
    zto = make_service("zto", "standard", ((), 1000, "5", 1000, "2"))
    client = login("warehouse")
    url = reverse("admin:fulfillment_carrierservice_load_waybill_range_one", args=[zto.pk])
    client.post(url, {"prefix": "ZT", "first": "100", "last": "199", "digits": "10"})
    zto.refresh_from_db()
    assert (zto.waybill_prefix, zto.waybill_next, zto.waybill_last) == ("ZT", 100, 199)
    response = client.post(url, {"prefix": "ZT", "first": "50", "last": "60"}, follow=True)
    assert any("50" in str(m) for m in response.context["messages"])
    zto.refresh_from_db()
    assert zto.waybill_next == 100
    assert login("service").post(url, {"prefix": "ZT", "first": "300", "last": "400"}
                                 ).status_code == 403


def test_record_event_and_timeline_on_the_shipment_page(login):
    parcel = shipped_parcels(1, shipped_at=timezone.now() - timedelta(hours=5))[0]
    client = login("warehouse")
    url = reverse("admin:fulfillment_shipment_record_event_one", args=[parcel.pk])
    client.post(url, {"kind": "collected", "location": "杭州萧山", "description": "电话确认"})
    event = TrackingEvent.objects.get(shipment=parcel)
    assert (event.kind, event.source, event.location) == ("collected", "console", "杭州萧山")
    parcel.refresh_from_db()
    assert parcel.status == "in_transit"
    page = client.get(reverse("admin:fulfillment_shipment_change", args=[parcel.pk]))
    assert "杭州萧山" in page.content.decode() and "record-event" in page.content.decode()
    assert login("service").post(url, {"kind": "delivered"}).status_code == 403
    assert TrackingEvent.objects.filter(shipment=parcel).count() == 1


def test_tracking_file_upload(login):
    parcel = shipped_parcels(1, shipped_at=timezone.now() - timedelta(days=1))[0]
    at = timezone.localtime(parcel.shipped_at + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    good = f"快递公司,运单号,事件编号,事件类型,时间\n中通,{parcel.tracking_number},F1,揽收,{at}\n"
    bad = good + f"中通,{parcel.tracking_number},F2,瞬移,{at}\n"
    url = reverse("admin:fulfillment_trackingevent_import_file")
    client = login("warehouse")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"file": SimpleUploadedFile("t.csv", bad.encode())})
    assert refused.status_code == 200 and "unknown_event_kind" in refused.content.decode()
    assert not TrackingEvent.objects.exists()
    done = client.post(url, {"file": SimpleUploadedFile("t.csv", good.encode())})
    assert done.context["result"].recorded == 1
    assert TrackingEvent.objects.get().source == "file"
    other = login("service").post(url, {"file": SimpleUploadedFile("t.csv", good.encode())})
    assert other.status_code == 403
