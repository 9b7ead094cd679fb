"""Carrier services: the quote is the pricing engine's shipping arithmetic, rate cards are
validated whole, waybill ranges never give a number twice, the cheapest service is chosen."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fulfillment.support import make_service, shipped_parcels
from zhanggui.accounts.models import OperationLog
from zhanggui.core.regions import PROVINCES
from zhanggui.fulfillment import carriers
from zhanggui.fulfillment.carriers import RateRowIn
from zhanggui.fulfillment.errors import (
    DefaultServiceInactive,
    DuplicateCarrierService,
    InvalidCarrierService,
    InvalidRateFee,
    InvalidRateWeight,
    InvalidWaybillRange,
    InvalidWeight,
    ProvinceInTwoRows,
    ServiceDoesNotReach,
    TwoDefaultRateRows,
    UnknownProvince,
    WaybillRangeBackwards,
    WaybillRangeOverlaps,
)
from zhanggui.fulfillment.models import CarrierService, RateCardRow, Shipment
from zhanggui.pricing.cart import CartLine, RegionRule, ShippingSpec
from zhanggui.pricing.rules import shipping_fee

ZJ, XJ, GD, NM = "330000", "650000", "440000", "150000"
D = Decimal


@pytest.fixture
def zto(db):
    # default 1 kg ¥5 + ¥2/kg; Xinjiang ¥15 + ¥12/kg (5 days); Inner Mongolia first 3 kg ¥9,
    # then ¥4 per started 0.5 kg
    return make_service("zto", "standard", ((), 1000, "5", 1000, "2"),
                        ((XJ,), 1000, "15", 1000, "12", 5), ((NM,), 3000, "9", 500, "4"))


QUOTES = [  # province, grams, expected (by hand)
    (ZJ, 1, "5.00"), (ZJ, 1000, "5.00"), (ZJ, 1001, "7.00"), (ZJ, 2000, "7.00"),
    (ZJ, 2500, "9.00"), (GD, 10_000, "23.00"), (XJ, 999, "15.00"), (XJ, 3200, "51.00"),
    (NM, 3000, "9.00"), (NM, 3001, "13.00"), (NM, 4000, "17.00"),
]


@pytest.mark.parametrize(("province", "grams", "expected"), QUOTES)
def test_quote_is_the_engines_shipping_arithmetic(zto, province, grams, expected):
    fee = carriers.quote(zto, province, grams)
    assert fee == D(expected)
    # The same numbers as a shop's shipping template give the same fee through the engine.
    row = next((r for r in zto.rates.all() if province in r.province_codes),
               next(r for r in zto.rates.all() if not r.province_codes))
    template = ShippingSpec(
        template_id=1, name="t", basis="weight", first_units=D(row.first_weight_grams) / 1000,
        first_fee=D("5"), additional_units=D(row.additional_weight_grams) / 1000,
        additional_fee=D("2"),
        region_rules=(RegionRule(frozenset({XJ}), D("15"), D("12")),
                      RegionRule(frozenset({NM}), D("9"), D("4"))))
    assert fee == shipping_fee(template, province, [CartLine(1, 1, D(0), weight_grams=grams)])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(province=st.sampled_from([p.code for p in PROVINCES]),
       grams=st.integers(min_value=1, max_value=80_000), more=st.integers(0, 20_000))
def test_quote_grows_with_weight_and_is_at_least_the_first_fee(zto, province, grams, more):
    row = carriers.matching_row(zto.rates.all(), province)
    fee = carriers.quote(zto, province, grams)
    assert fee >= row.first_fee_amount
    assert carriers.quote(zto, province, grams + more) >= fee
    if grams <= row.first_weight_grams:
        assert fee == row.first_fee_amount


def test_quote_refusals(zto):
    with pytest.raises(InvalidWeight):
        carriers.quote(zto, ZJ, 0)
    with pytest.raises(UnknownProvince):
        carriers.quote(zto, "999999", 100)
    only_xj = make_service("yto", "standard", ((XJ,), 1000, "15", 1000, "12"))
    assert carriers.quote(only_xj, XJ, 100) == D("15.00")
    with pytest.raises(ServiceDoesNotReach):
        carriers.quote(only_xj, ZJ, 100)


def test_promised_days_by_row_else_service(zto):
    assert carriers.promised_days(zto, XJ) == 5
    assert carriers.promised_days(zto, ZJ) == 3


BAD_CARDS = [
    ([RateRowIn(("123456",), 1000, D(5), 1000, D(2))], UnknownProvince),
    ([RateRowIn((), 1000, D(-1), 1000, D(2))], InvalidRateFee),
    ([RateRowIn((), 1000, D(5), 1000, D("-0.01"))], InvalidRateFee),
    ([RateRowIn((), 0, D(5), 1000, D(2))], InvalidRateWeight),
    ([RateRowIn((), 1000, D(5), 0, D(2))], InvalidRateWeight),
    ([RateRowIn((XJ,), 1000, D(5), 1000, D(2)), RateRowIn((ZJ, XJ), 1000, D(5), 1000, D(2))],
     ProvinceInTwoRows),
    ([RateRowIn((), 1000, D(5), 1000, D(2)), RateRowIn((), 1000, D(6), 1000, D(2))],
     TwoDefaultRateRows),
    ([RateRowIn((), 1000, D(5), 1000, D(2), 0)], InvalidCarrierService),
]


@pytest.mark.parametrize(("rows", "error"), BAD_CARDS)
def test_rate_card_refusals_change_nothing(zto, rows, error):
    before = list(RateCardRow.objects.filter(service=zto).order_by("id").values())
    logged = OperationLog.objects.count()
    with pytest.raises(error):
        carriers.set_rate_card(zto, rows, actor=None)
    assert list(RateCardRow.objects.filter(service=zto).order_by("id").values()) == before
    assert OperationLog.objects.count() == logged


def test_rate_card_replaced_whole_and_logged(zto, owner):
    carriers.set_rate_card(zto, [RateRowIn((), 500, D("6.5"), 500, D(1))], actor=owner)
    assert carriers.quote(carriers.get_service(zto.pk), XJ, 1200) == D("8.50")
    entry = OperationLog.objects.filter(action="fulfillment.set_rate_card").latest("id")
    assert entry.actor == owner and len(entry.before["rates"]) == 3
    assert entry.after["rates"][0]["first_fee"] == "6.5"


def test_choose_service_cheapest_of_level_ties_by_promised_days(db):
    CarrierService.objects.all().delete()
    make_service("zto", "standard", ((), 1000, "5", 1000, "2"), promised_days=4)
    yto = make_service("yto", "standard", ((), 1000, "5", 1000, "2"), promised_days=3)
    yunda = make_service("yunda", "standard", ((), 1000, "6", 1000, "1"), ((XJ,), 1000, "9",
                                                                             1000, "3"))
    sf = make_service("sf", "express", ((), 1000, "12", 1000, "2"))
    assert carriers.choose_service(ZJ, 500, level="standard") == yto  # same fee, fewer days
    assert carriers.choose_service(ZJ, 5000, level="standard") == yunda  # 10 < 13
    assert carriers.choose_service(ZJ, 500, level="express") == sf
    assert carriers.choose_service(ZJ, 500) == yto
    carriers.update_carrier_service(yto, is_active=False, actor=None)
    assert carriers.choose_service(ZJ, 500, level="standard").carrier == "zto"
    assert carriers.choose_service(ZJ, 500, level="economy") is None
    assert carriers.choose_service(XJ, 500, level="standard").carrier == "zto"  # 5 < 9
    only = make_service("ems", "economy", ((GD,), 1000, "3", 1000, "1"))
    assert carriers.choose_service(ZJ, 500, level="economy") is None
    assert carriers.choose_service(GD, 500, level="economy") == only


def test_one_default_service_and_validation(db, owner):
    CarrierService.objects.all().delete()
    assert carriers.default_service() is None
    a = carriers.create_carrier_service(carrier="zto", level="standard", name=" 中通 ",
                                        promised_days=3, is_default=True, actor=owner)
    assert a.name == "中通" and carriers.default_service() == a
    b = carriers.create_carrier_service(carrier="sf", level="express", name="顺丰",
                                        promised_days=2, is_default=True, actor=owner)
    assert carriers.default_service() == b
    assert list(CarrierService.objects.filter(is_default=True)) == [b]
    with pytest.raises(DuplicateCarrierService):
        carriers.create_carrier_service(carrier="zto", level="standard", name="x",
                                        promised_days=3, actor=owner)
    with pytest.raises(InvalidCarrierService):
        carriers.create_carrier_service(carrier="yto", level="standard", name="  ",
                                        promised_days=3, actor=owner)
    with pytest.raises(InvalidCarrierService):
        carriers.create_carrier_service(carrier="dhl", level="standard", name="DHL",
                                        promised_days=3, actor=owner)
    with pytest.raises(DefaultServiceInactive):
        carriers.update_carrier_service(b, is_active=False, actor=owner)
    with pytest.raises(DuplicateCarrierService):
        carriers.update_carrier_service(b, carrier="zto", level="standard", actor=owner)
    b.refresh_from_db()
    assert (b.carrier, b.is_active, b.is_default) == ("sf", True, True)


def test_waybill_ranges_never_give_a_number_twice(zto, owner):
    carriers.load_waybill_range(zto, prefix="ZT", first=1000, last=1999, digits=10, actor=owner)
    zto.refresh_from_db()
    assert (zto.waybill_prefix, zto.waybill_next, zto.waybill_last) == ("ZT", 1000, 1999)
    zto.waybill_next = 1500
    zto.save()
    with pytest.raises(WaybillRangeBackwards):
        carriers.load_waybill_range(zto, prefix="ZT", first=1200, last=5000, actor=owner)
    carriers.load_waybill_range(zto, prefix="ZT", first=1500, last=5000, actor=owner)
    with pytest.raises(InvalidWaybillRange):
        carriers.load_waybill_range(zto, prefix="ZT", first=9000, last=8000, actor=owner)
    with pytest.raises(InvalidWaybillRange):
        carriers.load_waybill_range(zto, prefix="ZT", first=1, last=10**12, digits=10,
                                    actor=owner)
    # Another service of the same carrier may not take numbers of this one …
    other = make_service("zto", "express", ((), 1000, "9", 1000, "3"))
    with pytest.raises(WaybillRangeOverlaps):
        carriers.load_waybill_range(other, prefix="ZT", first=4000, last=6000, actor=owner)
    # … nor numbers a parcel of the carrier already carries.
    parcel = shipped_parcels(carrier="zto")[0]
    Shipment.objects.filter(pk=parcel.pk).update(tracking_number="ZT0000007000")
    with pytest.raises(WaybillRangeOverlaps):
        carriers.load_waybill_range(other, prefix="ZT", first=6000, last=8000, actor=owner)
    other.refresh_from_db()
    assert other.waybill_last == 0
    carriers.load_waybill_range(other, prefix="ZT", first=7001, last=8000, actor=owner)
    carriers.load_waybill_range(other, prefix="ZX", first=1, last=100, actor=owner)  # new prefix
    other.refresh_from_db()
    assert (other.waybill_prefix, other.waybill_next, other.waybill_last) == ("ZX", 1, 100)


def test_seeded_example_services(db):
    """The data migration's services (run again here: a transactional test elsewhere may
    have flushed what the migration wrote)."""
    import importlib

    from django.apps import apps

    seed = importlib.import_module("zhanggui.fulfillment.migrations.0007_seed_carrier_services")
    CarrierService.objects.all().delete()
    seed.forwards(apps, None)
    seed.forwards(apps, None)  # again: nothing is doubled
    services = list(carriers.list_services())
    assert sorted(s.carrier for s in services) == ["ems", "jd", "jt", "sf", "yto", "yunda", "zto"]
    assert all("示例" in s.name for s in services)
    default = carriers.default_service()
    assert default is not None and default.carrier == "zto"
    for service in services:
        assert carriers.quote(service, XJ, 2000) > carriers.quote(service, ZJ, 2000)
        assert carriers.promised_days(service, XJ) > carriers.promised_days(service, ZJ)
