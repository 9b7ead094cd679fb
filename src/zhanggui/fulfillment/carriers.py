"""Carrier services, their rate cards and electronic-waybill ranges; what a parcel costs.

Writes (one transaction each, logged): ``create_carrier_service``, ``update_carrier_service``,
``set_rate_card``, ``load_waybill_range``. Reads: ``quote`` (the carrier's charge for a parcel:
the pricing engine's shipping arithmetic, ``pricing.rules.shipping_fee``, on a weight-based
``ShippingSpec`` built from the rate card — there is no second fee formula), ``promised_days``,
``default_service``, ``choose_service`` (the cheapest active service of a level).

A rate card is a list of rows: each row lists provinces (a row without provinces is the
default for every other province) with a first weight and fee and a fee for each further
started block of weight. A province is in at most one row; there is at most one default row.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.db.models.functions import Length

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.core.errors import NotFound
from zhanggui.core.money import ZERO, to_money
from zhanggui.core.regions import get_province
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
from zhanggui.fulfillment.models import (
    Carrier,
    CarrierService,
    RateCardRow,
    ServiceLevel,
    Shipment,
)
from zhanggui.pricing.cart import CartLine, RegionRule, ShippingSpec
from zhanggui.pricing.rules import shipping_fee

GRAMS_PER_KG = Decimal(1000)
SERVICE_FIELDS = ("carrier", "level", "name", "promised_days", "is_active", "is_default")
WAYBILL_FIELDS = ("waybill_prefix", "waybill_next", "waybill_last", "waybill_digits")


@dataclass(frozen=True)
class RateRowIn:
    """One rate card row as entered (API, console, seed)."""

    province_codes: tuple[str, ...] = ()
    first_weight_grams: int = 1000
    first_fee_amount: Decimal = ZERO
    additional_weight_grams: int = 1000
    additional_fee_amount: Decimal = ZERO
    promised_days: int | None = None


# ---- pure: rate card validation and the quote's shipping spec ------------------------------

def check_rate_card(rows: Sequence[RateRowIn]) -> None:
    """Raise the first problem of a rate card (nothing is saved when one is found).

    Raises:
        UnknownProvince, InvalidRateFee, InvalidRateWeight, ProvinceInTwoRows,
        TwoDefaultRateRows.
    """
    seen: set[str] = set()
    defaults = 0
    for row in rows:
        for code in row.province_codes:
            if get_province(code) is None:
                raise UnknownProvince(code=code)
            if code in seen:
                raise ProvinceInTwoRows(code=code)
            seen.add(code)
        if not row.province_codes:
            defaults += 1
        if row.first_fee_amount < 0 or row.additional_fee_amount < 0:
            raise InvalidRateFee()
        if row.first_weight_grams <= 0 or row.additional_weight_grams <= 0:
            raise InvalidRateWeight()
        if row.promised_days is not None and row.promised_days <= 0:
            raise InvalidCarrierService()
    if defaults > 1:
        raise TwoDefaultRateRows()


def matching_row(rows: Iterable[RateCardRow], province_code: str) -> RateCardRow | None:
    """The row listing the province, else the default row (None: the service does not
    reach it)."""
    default = None
    for row in rows:
        if province_code in row.province_codes:
            return row
        if not row.province_codes and default is None:
            default = row
    return default


def rate_spec(service: CarrierService, rows: Sequence[RateCardRow],
              province_code: str) -> ShippingSpec | None:
    """The pricing engine's weight-based shipping spec that prices a parcel of ``service`` to
    ``province_code``: the matching row's weights (in kg), the default row's fees, and one
    region rule per province row (whose fees replace the default's). None: no row reaches it.
    """
    row = matching_row(rows, province_code)
    if row is None:
        return None
    base = next((r for r in rows if not r.province_codes), row)
    return ShippingSpec(
        template_id=service.pk or 0, name=service.name, basis="weight",
        first_units=Decimal(row.first_weight_grams) / GRAMS_PER_KG,
        first_fee=base.first_fee_amount,
        additional_units=Decimal(row.additional_weight_grams) / GRAMS_PER_KG,
        additional_fee=base.additional_fee_amount,
        region_rules=tuple(RegionRule(frozenset(r.province_codes), r.first_fee_amount,
                                      r.additional_fee_amount)
                           for r in rows if r.province_codes))


def parcel_line(weight_grams: int) -> CartLine:
    """The parcel as the engine's one cart line of its weight."""
    return CartLine(sku_id=0, quantity=1, unit_price=ZERO, weight_grams=weight_grams)


# ---- reads ---------------------------------------------------------------------------------

def _rows(service: CarrierService) -> list[RateCardRow]:
    return list(service.rates.all())  # the prefetch when there is one


def quote(service: CarrierService, province_code: str, weight_grams: int) -> Decimal:
    """The carrier's charge for a parcel of ``weight_grams`` to ``province_code``.

    Raises:
        InvalidWeight: the weight is not positive.
        UnknownProvince: no such province.
        ServiceDoesNotReach: no rate card row covers the province.
    """
    if weight_grams is None or weight_grams <= 0:
        raise InvalidWeight()
    if get_province(province_code) is None:
        raise UnknownProvince(code=province_code)
    spec = rate_spec(service, _rows(service), province_code)
    if spec is None:
        raise ServiceDoesNotReach(service=service.name, province=province_code)
    return to_money(shipping_fee(spec, province_code, [parcel_line(weight_grams)]))


def promised_days(service: CarrierService, province_code: str) -> int:
    """Days from hand-over to delivery: the matching row's, else the service's."""
    row = matching_row(_rows(service), province_code)
    if row is not None and row.promised_days:
        return row.promised_days
    return service.promised_days


def default_service() -> CarrierService | None:
    return CarrierService.objects.filter(is_default=True, is_active=True).first()


def active_services(level: str | None = None):
    services = CarrierService.objects.filter(is_active=True).prefetch_related(
        Prefetch("rates", queryset=RateCardRow.objects.order_by("id")))
    return services.filter(level=level) if level else services


def choose_service(province_code: str, weight_grams: int, *,
                   level: str | None = None) -> CarrierService | None:
    """The cheapest active service (of ``level`` when given) that reaches the province;
    ties go to fewer promised days, then the older service. None when none reaches it.

    Raises:
        InvalidWeight, UnknownProvince.
    """
    best, best_key = None, None
    for service in active_services(level):
        try:
            fee = quote(service, province_code, weight_grams)
        except ServiceDoesNotReach:
            continue
        key = (fee, promised_days(service, province_code), service.pk)
        if best_key is None or key < best_key:
            best, best_key = service, key
    return best


def list_services(*, active: bool | None = None):
    services = CarrierService.objects.prefetch_related(
        Prefetch("rates", queryset=RateCardRow.objects.order_by("id")))
    return services if active is None else services.filter(is_active=active)


def get_service(service_id: int) -> CarrierService:
    """Raises: NotFound."""
    try:
        return list_services().get(pk=service_id)
    except CarrierService.DoesNotExist:
        raise NotFound() from None


# ---- writes --------------------------------------------------------------------------------

def _snapshot(service: CarrierService) -> dict:
    return {name: getattr(service, name) for name in (*SERVICE_FIELDS, *WAYBILL_FIELDS)}


def _check_service(service: CarrierService) -> None:
    if not (service.name or "").strip() or not service.promised_days or service.promised_days <= 0:
        raise InvalidCarrierService()
    if service.carrier not in Carrier.values or service.level not in ServiceLevel.values:
        raise InvalidCarrierService()
    if service.is_default and not service.is_active:
        raise DefaultServiceInactive()
    taken = CarrierService.objects.filter(carrier=service.carrier, level=service.level)
    if service.pk:
        taken = taken.exclude(pk=service.pk)
    if taken.exists():
        raise DuplicateCarrierService(carrier=Carrier(service.carrier).label,
                                      level=ServiceLevel(service.level).label)


def _save_service(service: CarrierService) -> None:
    if service.is_default:  # one default: the others step down first (partial unique index)
        CarrierService.objects.filter(is_default=True).exclude(pk=service.pk).update(
            is_default=False)
    service.name = service.name.strip()
    service.save()


@transaction.atomic
def create_carrier_service(*, carrier: str, level: str, name: str, promised_days: int,
                           is_active: bool = True, is_default: bool = False,
                           actor: Staff | None) -> CarrierService:
    """Raises: InvalidCarrierService, DuplicateCarrierService, DefaultServiceInactive."""
    service = CarrierService(carrier=carrier, level=level, name=name or "",
                             promised_days=promised_days, is_active=is_active,
                             is_default=is_default)
    _check_service(service)
    _save_service(service)
    log_operation(service, action="fulfillment.create_carrier_service", actor=actor,
                  after=_snapshot(service))
    return service


@transaction.atomic
def update_carrier_service(service: CarrierService, *, actor: Staff | None,
                           **changes) -> CarrierService:
    """Change any of the service's carrier, level, name, promised days, active, default.

    Raises: InvalidCarrierService, DuplicateCarrierService, DefaultServiceInactive.
    """
    unknown = set(changes) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"not a carrier service field: {sorted(unknown)}")
    service = CarrierService.objects.select_for_update().get(pk=service.pk)
    before = _snapshot(service)
    for name, value in changes.items():
        setattr(service, name, value)
    _check_service(service)
    _save_service(service)
    log_operation(service, action="fulfillment.update_carrier_service", actor=actor,
                  before=before, after=_snapshot(service))
    return service


def _row_json(row: RateCardRow | RateRowIn) -> dict:
    return {"provinces": list(row.province_codes), "first_g": row.first_weight_grams,
            "first_fee": str(row.first_fee_amount), "additional_g": row.additional_weight_grams,
            "additional_fee": str(row.additional_fee_amount), "days": row.promised_days}


@transaction.atomic
def set_rate_card(service: CarrierService, rows: Sequence[RateRowIn], *,
                  actor: Staff | None) -> list[RateCardRow]:
    """Replace the service's rate card with ``rows`` (validated first: nothing changes on a
    refusal).

    Raises: UnknownProvince, InvalidRateFee, InvalidRateWeight, ProvinceInTwoRows,
        TwoDefaultRateRows, InvalidCarrierService (promised days not positive).
    """
    check_rate_card(rows)
    service = CarrierService.objects.select_for_update().get(pk=service.pk)
    before = [_row_json(r) for r in service.rates.order_by("id")]
    service.rates.all().delete()
    saved = RateCardRow.objects.bulk_create([
        RateCardRow(service=service, province_codes=list(row.province_codes),
                    first_weight_grams=row.first_weight_grams,
                    first_fee_amount=to_money(row.first_fee_amount),
                    additional_weight_grams=row.additional_weight_grams,
                    additional_fee_amount=to_money(row.additional_fee_amount),
                    promised_days=row.promised_days)
        for row in rows])
    log_operation(service, action="fulfillment.set_rate_card", actor=actor,
                  before={"rates": before}, after={"rates": [_row_json(r) for r in rows]})
    return saved


def waybill_number(prefix: str, number: int, digits: int) -> str:
    """The tracking number of waybill ``number`` (prefix + zero-padded digits)."""
    return f"{prefix}{number:0{digits}d}"


@transaction.atomic
def load_waybill_range(service: CarrierService, *, prefix: str, first: int, last: int,
                       digits: int | None = None, actor: Staff | None) -> CarrierService:
    """Load the electronic-waybill numbers ``first``…``last`` (with ``prefix``) the carrier
    gave the shop; tracking numbers are then taken from it in order.

    Raises:
        InvalidWaybillRange: last below first, a number below 1, or too long for the digits.
        WaybillRangeBackwards: the same prefix starting below the next unused number of the
            range already loaded (numbers would be given twice).
        WaybillRangeOverlaps: another service of the carrier holds part of it, or a parcel
            of the carrier already has a number in it.
    """
    service = CarrierService.objects.select_for_update().get(pk=service.pk)
    prefix = (prefix or "").strip()
    digits = digits or service.waybill_digits
    if (first is None or last is None or first < 1 or last < first or not 1 <= digits <= 30
            or len(str(last)) > digits or len(prefix) > 10):
        raise InvalidWaybillRange(digits=digits)
    if (service.waybill_last and prefix == service.waybill_prefix
            and digits == service.waybill_digits and first < service.waybill_next):
        raise WaybillRangeBackwards(first=first, next=service.waybill_next)
    others = (CarrierService.objects.filter(carrier=service.carrier, waybill_prefix=prefix,
                                            waybill_digits=digits, waybill_last__gte=first,
                                            waybill_next__lte=last)
              .exclude(pk=service.pk).exclude(waybill_last=0))
    other = others.first()
    if other is not None:
        raise WaybillRangeOverlaps(other=other.name)
    if Shipment.objects.filter(
            carrier=service.carrier,
            tracking_number__gte=waybill_number(prefix, first, digits),
            tracking_number__lte=waybill_number(prefix, last, digits),
    ).annotate(length=Length("tracking_number")).filter(length=len(prefix) + digits).exists():
        raise WaybillRangeOverlaps(other=Carrier(service.carrier).label)
    before = _snapshot(service)
    service.waybill_prefix, service.waybill_next = prefix, first
    service.waybill_last, service.waybill_digits = last, digits
    service.save(update_fields=[*WAYBILL_FIELDS, "updated_at"])
    log_operation(service, action="fulfillment.load_waybill_range", actor=actor,
                  before=before, after=_snapshot(service))
    return service
