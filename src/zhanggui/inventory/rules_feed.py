"""Pure checks of a supplier's stock feed (no database): each row names a SKU code and the
units the supplier has; a bad row is reported with its line number."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_QUANTITY = 10_000_000


@dataclass(frozen=True)
class FeedRow:
    line: int  # the line of the file (or the position in the JSON list, from 1)
    sku_code: str
    quantity: object  # as given: an int, or text/number still to check


@dataclass(frozen=True)
class FeedError:
    line: int
    sku_code: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "sku_code": self.sku_code, "message": self.message}


def as_rows(rows: Mapping[str, object] | Iterable[FeedRow]) -> list[FeedRow]:
    """A mapping SKU code → quantity becomes rows numbered from 1 in its order."""
    if isinstance(rows, Mapping):
        return [FeedRow(n, str(code), quantity)
                for n, (code, quantity) in enumerate(rows.items(), start=1)]
    return list(rows)


def parse_quantity(value: object) -> int | None:
    """The whole, non-negative number of units ``value`` states, or None. Text like "12" or
    "12.0" is read; 1.5, -1, "abc", True are not quantities."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = Decimal(value)
    else:
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            return None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        return None
    if number > MAX_QUANTITY:
        return None
    return int(number)


def check_rows(rows: list[FeedRow], known_codes: set[str]) -> tuple[dict[str, int], list[FeedError]]:
    """The quantities by SKU code, and every bad row: blank or unknown SKU code, the same
    code twice, a quantity that is not a whole number from 0 up."""
    quantities: dict[str, int] = {}
    seen: dict[str, int] = {}
    errors: list[FeedError] = []
    for row in rows:
        code = row.sku_code.strip()
        if not code:
            errors.append(FeedError(row.line, code, _("The SKU code is missing.")))
            continue
        if code not in known_codes:
            errors.append(FeedError(row.line, code, _("Unknown SKU code %(code)s.") % {"code": code}))
            continue
        if code in seen:
            errors.append(FeedError(row.line, code, _("SKU %(code)s is listed twice (first on "
                                                      "line %(line)s).") % {"code": code,
                                                                           "line": seen[code]}))
            continue
        seen[code] = row.line
        quantity = parse_quantity(row.quantity)
        if quantity is None:
            errors.append(FeedError(row.line, code, _(
                "The quantity %(value)s is not a whole number of units from 0 up.")
                % {"value": str(row.quantity)[:20]}))
            continue
        quantities[code] = quantity
    return quantities, errors


def feed_delta(*, quantity: int, on_hand: int, reserved: int) -> int:
    """The on-hand change that makes ``available`` the feed's quantity: on-hand becomes
    quantity + reserved (never below what is reserved)."""
    return quantity + reserved - on_hand


SKU_HEADERS = ("sku_code", "sku", "code", "商家编码", "sku编码", "货号")
QUANTITY_HEADERS = ("quantity", "qty", "stock", "available", "数量", "库存", "可用库存", "可售库存")


class FeedFileError(ValueError):
    """The file is not a stock feed at all (no header with a SKU and a quantity column)."""


def decode_feed(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030 as Chinese Excel saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def parse_feed_csv(text: str) -> list[FeedRow]:
    """The rows of a CSV stock feed: a header naming the SKU code and quantity columns (in
    English or Chinese, any order, other columns ignored), then one SKU a line. Line numbers
    are the file's (the header is line 1); blank lines are skipped.

    Raises:
        FeedFileError: no header with both columns.
    """
    import csv

    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    names = [cell.strip().lower() for cell in (header or [])]
    sku_at = next((i for i, name in enumerate(names) if name in SKU_HEADERS), None)
    quantity_at = next((i for i, name in enumerate(names) if name in QUANTITY_HEADERS), None)
    if sku_at is None or quantity_at is None:
        raise FeedFileError(_("The first line must name the SKU code column (sku_code or 商家编码) "
                              "and the quantity column (quantity or 库存)."))
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        get = lambda at, cells=cells: cells[at].strip() if at < len(cells) else ""  # noqa: E731
        rows.append(FeedRow(line, get(sku_at), get(quantity_at)))
    return rows
