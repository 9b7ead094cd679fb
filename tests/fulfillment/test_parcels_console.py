"""The parcel pages of the console: the merge suggestions, merging the selected parcels,
splitting one and shipping it — as the warehouse, and refused to service."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.fulfillment.matrix_cases_parcels import _parcels
from zhanggui.fulfillment.models import Shipment

pytestmark = pytest.mark.django_db
SHIPMENTS = "admin:fulfillment_shipment_changelist"


def test_the_merge_suggestions_list_the_parcels_of_one_buyer_and_merging_them(login):
    first, second = _parcels()  # two parcels of one buyer to one address
    alone, gone = _parcels()
    Shipment.objects.filter(pk=gone.pk).delete()  # another buyer with one parcel only
    client = login("warehouse")
    page = client.get(reverse(SHIPMENTS), {"mergeable": "1"})
    shown = {row.pk for row in page.context["cl"].result_list}
    assert {first.pk, second.pk} <= shown and alone.pk not in shown
    assert all(Shipment.objects.get(pk=pk).status == "pending" for pk in shown)

    service = login("service")  # may see parcels, not plan them
    service.post(reverse(SHIPMENTS), {"action": "merge_selected",
                                      ACTION_CHECKBOX_NAME: [first.pk, second.pk]})
    assert Shipment.objects.filter(pk__in=[first.pk, second.pk]).count() == 2

    client = login("warehouse")
    client.post(reverse(SHIPMENTS), {"action": "merge_selected",
                                     ACTION_CHECKBOX_NAME: [first.pk, second.pk]})
    merged = Shipment.objects.get(pk=first.pk)
    emptied = Shipment.objects.get(pk=second.pk)  # kept, cancelled, for the record
    assert (emptied.status, emptied.lines.count()) == ("cancelled", 0)
    assert merged.lines.count() == 2 and merged.routing_reason == "merged"
    page = client.get(reverse(SHIPMENTS), {"mergeable": "1"})
    assert first.pk not in {row.pk for row in page.context["cl"].result_list}


def test_split_then_ship_from_the_parcel_page(login):
    parcel = _parcels(quantity=3)[0]
    line = parcel.lines.get()
    client = login("warehouse")
    split = reverse("admin:fulfillment_shipment_split_one", args=[parcel.pk])
    assert client.get(split).status_code == 200
    client.post(split, {"apply": "1", f"line_{line.pk}": "1", "warehouse": ""})
    assert sorted(Shipment.objects.filter(order=parcel.order).values_list(
        "lines__quantity", flat=True)) == [1, 2]

    ship = reverse("admin:fulfillment_shipment_ship_one", args=[parcel.pk])
    client.post(ship, {"apply": "1", "carrier": "sf", "tracking_number": "SF55501"})
    parcel.refresh_from_db()
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == ("shipped", "sf", "SF55501")
    parcel.order.refresh_from_db()
    assert parcel.order.status == "reviewed"  # one unit still waits in the other parcel
