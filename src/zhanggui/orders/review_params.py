"""Pure parameter schemas of the automatic-review rule kinds: what each kind takes, the
defaults, and ``validate_params`` (the stored form of checked parameters)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from zhanggui.core.money import to_money
from zhanggui.core.regions import get_province
from zhanggui.orders.errors import InvalidRuleParams
from zhanggui.orders.review_kinds import RuleKind

K = RuleKind

# ---- parameters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a rule kind: ``type`` is amount (Decimal ≥ 0, cents), count (int),
    fraction (0 < x ≤ 1), hours (int) or words (a list of non-empty strings)."""

    name: str
    type: str
    label: str
    default: object
    minimum: int | None = None
    maximum: int | None = None


PARAMS: dict[str, tuple[Param, ...]] = {
    K.BUYER_NOTE: (),
    K.SELLER_NOTE: (),
    K.ADDRESS_INCOMPLETE: (
        Param("min_length", "count", _("shortest street address (characters)"), 5, 1, 50),),
    K.ADDRESS_SUSPICIOUS: (
        Param("words", "words", _("words that mark a parcel locker or PO box"),
              ["信箱", "邮政信箱", "PO Box", "P.O. Box", "自提柜", "快递柜"]),),
    K.AMOUNT_ABOVE: (Param("threshold", "amount", _("amount above which to hold"), "5000.00"),),
    K.PRICE_ANOMALY: (
        Param("fraction", "fraction", _("lowest paid price as a share of the list price"), "0.5"),),
    K.STOCK_SHORT: (),
    K.REMOTE_REGION: (
        Param("province_codes", "provinces",
              _("provinces to hold (empty: the remote regions of the region table)"), []),),
    K.BLOCKED_BUYER: (),
    K.REPEAT_ADDRESS: (
        Param("max_orders", "count", _("most paid orders allowed from one address or phone"),
              3, 1, 1000),
        Param("hours", "hours", _("window (hours)"), 24, 1, 24 * 90)),
    K.QUANTITY_ABOVE: (Param("max_units", "count", _("most units of one SKU"), 20, 1, 100000),),
    K.NEW_BUYER_AMOUNT: (
        Param("threshold", "amount", _("first-order amount above which to hold"), "2000.00"),),
}


def default_params(kind: str) -> dict:
    return {p.name: p.default for p in PARAMS[kind]}


def _clean_amount(value) -> str:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(_t("not an amount")) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_t("an amount of at least 0 with at most two decimals"))
    if amount >= Decimal("1e12"):
        raise ValueError(_t("too large"))
    return str(to_money(amount))


def _clean_fraction(value) -> str:
    try:
        fraction = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(_t("not a number")) from None
    if not fraction.is_finite() or not Decimal(0) < fraction <= 1:
        raise ValueError(_t("a fraction above 0 and at most 1 (e.g. 0.5 for 50 %)"))
    return str(fraction.normalize())


def _clean_int(value, spec: Param) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(_t("a whole number"))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(_t("a whole number")) from None
    if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum):
        raise ValueError(_t("a whole number from %(low)s to %(high)s")
                         % {"low": spec.minimum, "high": spec.maximum})
    return number


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,，;；\n]", value)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(_t("a list of words"))
    return [v.strip() for v in value if v.strip()]


def _clean_words(value) -> list[str]:
    words = _as_list(value)
    if not words or len(words) > 50 or any(len(w) > 40 for w in words):
        raise ValueError(_t("1 to 50 words of at most 40 characters"))
    return words


def _clean_provinces(value) -> list[str]:
    codes = _as_list(value)
    unknown = [code for code in codes if get_province(code) is None]
    if unknown:
        raise ValueError(_t("unknown province codes: %(codes)s") % {"codes": ", ".join(unknown)})
    return codes


def validate_params(kind: str, params: Mapping | None) -> dict:
    """The parameters of a rule of ``kind``, checked and in their stored form (amounts and
    fractions as strings, counts as ints); missing ones take the kind's default.

    Raises:
        InvalidRuleParams: an unknown kind or parameter, or a value out of its range.
    """
    if kind not in PARAMS:
        raise InvalidRuleParams(field="kind", problem=_t("unknown rule kind"))
    if params is not None and not isinstance(params, Mapping):
        raise InvalidRuleParams(field="params", problem=_t("an object of parameters"))
    given = dict(params or {})
    specs = {p.name: p for p in PARAMS[kind]}
    extra = sorted(set(given) - set(specs))
    if extra:
        raise InvalidRuleParams(field=", ".join(extra), problem=_t("not a parameter of this rule"))
    cleaned = {}
    for name, spec in specs.items():
        value = given.get(name, spec.default)
        try:
            cleaned[name] = _clean(spec, value)
        except ValueError as problem:
            raise InvalidRuleParams(field=f"{spec.label} ({name})", problem=str(problem)) from None
    return cleaned


def _clean(spec: Param, value):
    if spec.type == "amount":
        return _clean_amount(value)
    if spec.type == "fraction":
        return _clean_fraction(value)
    if spec.type in ("count", "hours"):
        return _clean_int(value, spec)
    if spec.type == "words":
        return _clean_words(value)
    return _clean_provinces(value)


# The shop's starting rules (kind, name, active, parameters) in order: what the data
# migration seeded and ``review_config.seed_default_rules`` writes into an empty table (a
# flushed demo database). Names are the shop's data, in its language.
DEFAULT_RULES: tuple[tuple[str, str, bool, dict], ...] = (
    (K.BLOCKED_BUYER, "黑名单买家", True, {}),
    (K.BUYER_NOTE, "买家留言", True, {}),
    (K.SELLER_NOTE, "卖家备注", True, {}),
    (K.ADDRESS_INCOMPLETE, "地址不完整", True, {"min_length": 5}),
    (K.ADDRESS_SUSPICIOUS, "可疑地址", True,
     {"words": ["信箱", "邮政信箱", "PO Box", "P.O. Box", "自提柜", "快递柜"]}),
    (K.AMOUNT_ABOVE, "大额订单", True, {"threshold": "5000.00"}),
    (K.PRICE_ANOMALY, "价格异常", True, {"fraction": "0.5"}),
    (K.STOCK_SHORT, "库存不足", True, {}),
    (K.REPEAT_ADDRESS, "同地址/电话多单（防刷单）", True, {"max_orders": 3, "hours": 24}),
    (K.QUANTITY_ABOVE, "单品数量过多", False, {"max_units": 20}),
    (K.NEW_BUYER_AMOUNT, "新买家大额首单", False, {"threshold": "2000.00"}),
    (K.REMOTE_REGION, "偏远地区", False, {"province_codes": []}),
)
