"""Pure value parsers: one source cell (a string, or a value openpyxl read) to a field value.

Each parser raises ``ValueError`` with a human reason when the value cannot be read;
the mapping engine turns that into a row error with the line number and column.
Money is read with ``Decimal(str(value))``, never through float arithmetic.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from zhanggui.core.regions import PROVINCES_BY_CODE, find_province_by_name

Parser = Callable[[Any], Any]

# Spreadsheet exports protect long numbers from Excel with ="123", '123 or a tab.
_EXCEL_TEXT = re.compile(r'^="(.*)"$')
_MONEY_NOISE = re.compile(r"[¥￥$€£,\s]|RMB|CNY|USD|GBP|EUR", re.IGNORECASE)
_OPTION_SPLIT = re.compile(r"[;；]")
_OPTION_PAIR = re.compile(r"[:：]")
SPEC_OPTION = "规格"  # the option of a specification that names no option
COMMON_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M",
    "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日",
)
_DATETIME_CACHE_LIMIT = 200_000


def clean_text(value: Any) -> str:
    """A cell as stripped text; ``="…"`` wrappers, leading apostrophes and tabs removed."""
    if value is None:
        return ""
    if isinstance(value, float):
        # A spreadsheet number: 15 significant digits is what the cell really holds.
        value = int(value) if value.is_integer() else format(value, ".15g")
    text = str(value).strip().lstrip("'\t").strip()
    match = _EXCEL_TEXT.match(text)
    return match.group(1).strip() if match else text


def parse_text(value: Any) -> str:
    return clean_text(value)


def parse_identifier(value: Any) -> str:
    """An id or code: text, with the ``.0`` a spreadsheet adds to whole numbers removed."""
    text = clean_text(value)
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def parse_decimal(value: Any) -> Decimal:
    """A decimal number such as a unit price (kept at the precision the file gives)."""
    if isinstance(value, Decimal):
        return value
    text = _MONEY_NOISE.sub("", clean_text(value))
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]  # accounting notation for negatives
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("not a number")) from None
    if not number.is_finite():
        raise ValueError(_("not a number"))
    return number


def parse_money(value: Any) -> Decimal:
    """An amount of money; more than two decimals is an error (no silent rounding)."""
    number = parse_decimal(value)
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("more than two decimals"))
    return number.quantize(Decimal("0.01"))


def parse_integer(value: Any) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(_("not a whole number"))
    return int(number)


def parse_boolean(value: Any) -> bool:
    text = clean_text(value).lower()
    if text in {"1", "true", "yes", "y", "是", "t"}:
        return True
    if text in {"0", "false", "no", "n", "否", "f"}:
        return False
    raise ValueError(_("not yes or no"))


def parse_options(value: Any) -> dict[str, str]:
    """SKU options written as ``颜色:红色;尺码:M`` (half- or full-width separators)."""
    options: dict[str, str] = {}
    for part in _OPTION_SPLIT.split(clean_text(value)):
        if not part.strip():
            continue
        pieces = _OPTION_PAIR.split(part, maxsplit=1)
        if len(pieces) != 2 or not pieces[0].strip() or not pieces[1].strip():
            raise ValueError(_("options must look like 颜色:红色;尺码:M"))
        options[pieces[0].strip()] = pieces[1].strip()
    return options


def parse_spec(value: Any) -> dict[str, str]:
    """A platform's SKU specification: ``颜色:红色;尺码:M`` as options, else the text as the
    one option ``规格`` (Pinduoduo and Douyin write ``米白色,XL``)."""
    try:
        return parse_options(value)
    except ValueError:
        return {SPEC_OPTION: clean_text(value)}


def parse_province(value: Any) -> str:
    """A province adcode (330000) or name (浙江 / 浙江省) to the adcode."""
    text = clean_text(value)
    if text in PROVINCES_BY_CODE:
        return text
    province = find_province_by_name(text)
    if province is None:
        raise ValueError(_("unknown province"))
    return province.code


def split_address(text: str) -> tuple[str, str, str, str]:
    """Split a Chinese address ``浙江省 杭州市 西湖区 文三路100号(310000)`` into
    (province code, city, district, street). Unknown layouts keep everything as street."""
    text = re.sub(r"\(\d{6}\)$", "", clean_text(text)).strip()
    province = find_province_by_name(text)
    if province is None:
        return "", "", "", text
    parts = text.split()
    if len(parts) >= 4:
        return province.code, parts[1], parts[2], " ".join(parts[3:])
    if len(parts) == 3:
        return province.code, parts[1], "", parts[2]
    return province.code, "", "", text


def timezone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(_("unknown time zone")) from None


def _read_datetime(text: str, formats: tuple[str, ...]) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in formats:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(_("not a date and time this format understands"))


def datetime_parser(tz: ZoneInfo, formats: tuple[str, ...] = ()) -> Parser:
    """A parser of date-times; naive values are in ``tz``. Repeated values are cached
    (an order's lines repeat its time), which keeps large files fast."""
    patterns = (*formats, *COMMON_DATE_FORMATS)
    cache: dict[Any, datetime] = {}

    def parse(value: Any) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=tz)
        if isinstance(value, date):
            return datetime.combine(value, time.min, tzinfo=tz)
        found = cache.get(value)
        if found is not None:
            return found
        moment = _read_datetime(clean_text(value), patterns)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        if len(cache) >= _DATETIME_CACHE_LIMIT:
            cache.clear()
        cache[value] = moment
        return moment

    return parse


def date_parser(formats: tuple[str, ...] = ()) -> Parser:
    patterns = (*formats, *COMMON_DATE_FORMATS)

    def parse(value: Any) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return _read_datetime(clean_text(value), patterns).date()

    return parse


def normalise_choice(text: str) -> str:
    """A source label compared loosely: no spaces, half-width commas as full-width."""
    return clean_text(text).replace(" ", "").replace(",", "，").lower()


def choice_parser(allowed: set[str], value_map: Mapping[str, str]) -> Parser:
    """A parser to one of ``allowed`` values, through the profile's ``value_map`` of source
    labels (compared with ``normalise_choice``); the allowed values themselves also pass."""
    table = {normalise_choice(k): v for k, v in value_map.items()}
    table.update({normalise_choice(v): v for v in allowed})

    def parse(value: Any) -> str:
        found = table.get(normalise_choice(value))
        if found is None:
            raise ValueError(_("unknown value; expected one of %(values)s")
                             % {"values": ", ".join(sorted(value_map or allowed))})
        return found

    return parse


SIMPLE_PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "identifier": parse_identifier,
    "decimal": parse_decimal,
    "money": parse_money,
    "integer": parse_integer,
    "boolean": parse_boolean,
    "options": parse_options,
    "spec": parse_spec,
    "province": parse_province,
}
