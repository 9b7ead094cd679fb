"""Concurrency on PostgreSQL: waves built at the same moment never share a parcel."""

import pytest

from tests import factories
from tests.concurrency import run_in_threads
from tests.fulfillment.support import parcel_of, stocked_sku
from zhanggui.fulfillment import waves
from zhanggui.fulfillment.models import FulfillmentPolicy, Shipment, Wave

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_two_builders_at_once_never_take_the_same_parcel():
    FulfillmentPolicy.objects.update_or_create(pk=1, defaults={"wave_size": 3})
    warehouse = factories.make_warehouse()
    skus = [stocked_sku(warehouse, 500) for _ in range(2)]
    parcels = [parcel_of([(skus[i % 2], 1 + i % 2)]) for i in range(12)]

    results = run_in_threads(4, lambda index: waves.build_waves(actor=None, max_parcels=5))

    assert not [r for r in results if isinstance(r, Exception)], results
    built = [wave for result in results for wave in result]
    members = [pk for wave in built
               for pk in Shipment.objects.filter(wave=wave).values_list("id", flat=True)]
    assert len(members) == len(set(members)) == 12  # every parcel once, none twice
    assert set(Shipment.objects.values_list("status", flat=True)) == {"picking"}
    assert sorted(members) == sorted(p.pk for p in parcels)
    numbers = list(Wave.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == len(built)
