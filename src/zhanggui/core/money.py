"""Money: ``Decimal`` amounts quantized to cents with ROUND_HALF_UP. Never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")  # the most a MoneyField (14 digits, 2 decimals) holds


def to_money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a Decimal quantized to 0.01 (ROUND_HALF_UP).

    Raises:
        TypeError: for a float, which cannot carry an exact amount.
    """
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal, int or str")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def default_currency() -> str:
    return settings.ZHANGGUI["CURRENCY"]


class MoneyField(models.DecimalField):
    """An amount of money: 14 digits, 2 decimals."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", ZERO)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "zhanggui.core.money.MoneyField", args, kwargs


class CurrencyField(models.CharField):
    """ISO 4217 currency code; the store's default currency unless given."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("default", default_currency)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "zhanggui.core.money.CurrencyField", args, kwargs
