"""Stage 4 of the price engine, the template's shipping fee (运费模板): first units at the
first fee, each further block at the additional fee, region rules and remote regions. Pure;
``pricing.rules`` applies it and free-shipping offers, and carriers' rate cards reuse it."""

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

from zhanggui.core.money import ZERO, to_money
from zhanggui.core.regions import get_province
from zhanggui.pricing.cart import CartLine, ShippingSpec


class RegionNotShipped(ValueError):
    """The shipping template does not ship to the destination province."""

    def __init__(self, province_code: str):
        self.province_code = province_code
        super().__init__(province_code)


def _shipping_units(basis: str, lines: Iterable[CartLine]) -> Decimal:
    if basis == "piece":
        return Decimal(sum(line.quantity for line in lines))
    if basis == "volume":
        return Decimal(sum(line.volume_cm3 * line.quantity for line in lines)) / 1000
    return Decimal(sum(line.weight_grams * line.quantity for line in lines)) / 1000


def shipping_fee(spec: ShippingSpec, province_code: str, lines: Sequence[CartLine]) -> Decimal:
    """The template's fee: first units at the first fee, each further (started) block of
    ``additional_units`` at the additional fee; a region rule's fees replace the template's.

    Raises:
        RegionNotShipped: a rule excludes the province, or it is remote and the template
            excludes remote regions without a rule of their own.
    """
    first, additional = spec.first_fee, spec.additional_fee
    rule = next((r for r in spec.region_rules if province_code in r.province_codes), None)
    province = get_province(province_code)
    if rule is not None and rule.is_excluded:
        raise RegionNotShipped(province_code)
    if rule is None and spec.is_remote_excluded and province is not None and province.is_remote:
        raise RegionNotShipped(province_code)
    if rule is not None:
        first, additional = rule.first_fee, rule.additional_fee
    units = _shipping_units(spec.basis, lines)
    extra = max(units - spec.first_units, ZERO)
    step = spec.additional_units if spec.additional_units > 0 else Decimal(1)
    blocks = math.ceil(extra / step)
    return to_money(first + additional * blocks)
