"""Pure automatic-review rules (自动审单): parameter schemas, order facts and one check per
rule kind. No database: ``orders.review`` loads an ``OrderFacts`` per order in bulk and asks
``evaluate`` which of the shop's active rules hold it.

A check returns ``None`` (the order passes) or the hold reason as text, with the numbers
that made it hold ("amount ¥6,200.00 is above ¥5,000.00").
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _t

from zhanggui.core.money import to_money
from zhanggui.core.regions import PROVINCES, get_province
from zhanggui.orders.review_kinds import RuleKind
from zhanggui.orders.review_params import PARAMS, Param, default_params, validate_params

K = RuleKind
# The parameter schemas live in review_params; they are re-exported here, the one entry point.
PARAMETERS = (PARAMS, Param, default_params, validate_params)

# ---- facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFacts:
    sku_id: int
    sku_code: str
    quantity: int
    list_unit_price: Decimal  # the order line's snapshot (0 for a gift line)
    paid_amount: Decimal  # the line total after every discount
    unit_cost: Decimal  # snapshot at placement
    usual_price: Decimal  # the SKU's current list price in the catalogue
    reserved: bool  # an active stock reservation holds the line's units
    best_available: int  # the most available units of the SKU in one active warehouse

    @property
    def paid_unit_price(self) -> Decimal:
        return to_money(self.paid_amount / self.quantity)


@dataclass(frozen=True)
class OrderFacts:
    order_id: int
    number: str
    currency: str
    total_amount: Decimal
    buyer_note: str = ""
    seller_note: str = ""
    province_code: str = ""
    city: str = ""
    district: str = ""
    address_detail: str = ""
    lines: tuple[LineFacts, ...] = ()
    blocked_reason: str | None = None  # the block-list entry's reason when the buyer is on it
    is_first_order: bool = False
    # window hours → paid orders (this one included) from the same address / phone in it
    orders_from_address: Mapping[int, int] = field(default_factory=dict)
    orders_from_phone: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSpec:
    """A rule as evaluation needs it: its parameters already validated."""

    id: int | None
    kind: str
    name: str
    params: Mapping


@dataclass(frozen=True)
class Hold:
    rule_id: int | None
    kind: str
    reason: str


# ---- checks --------------------------------------------------------------------------------


def _money(amount: Decimal, currency: str = "CNY") -> str:
    sign = "¥" if currency == "CNY" else f"{currency} "
    return f"{sign}{to_money(amount):,.2f}"


def _clip(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def check_buyer_note(facts: OrderFacts, params: Mapping) -> str | None:
    if facts.buyer_note.strip():
        return _t("buyer note: “%(note)s”") % {"note": _clip(facts.buyer_note)}
    return None


def check_seller_note(facts: OrderFacts, params: Mapping) -> str | None:
    if facts.seller_note.strip():
        return _t("seller note: “%(note)s”") % {"note": _clip(facts.seller_note)}
    return None


# A district (区/县/旗, or a county-level city) written in the street line ("西湖区文三路…").
DISTRICT_IN_STREET = re.compile(r"[区县旗]|市(?!场)")


def check_address_incomplete(facts: OrderFacts, params: Mapping) -> str | None:
    """No district (neither in its field nor in the street line), or a street address
    shorter than ``min_length`` characters (spaces not counted)."""
    if not facts.district.strip() and not DISTRICT_IN_STREET.search(facts.address_detail):
        return _t("the address has no district")
    length = len("".join(facts.address_detail.split()))
    if length < params["min_length"]:
        return _t("street address of %(length)d characters, shorter than %(minimum)d") % {
            "length": length, "minimum": params["min_length"]}
    return None


PROVINCE_SUFFIXES = ("省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区",
                     "特别行政区")
_NAMES = "|".join(re.escape(p.name) for p in PROVINCES)
_SUFFIXES = "|".join(re.escape(s) for s in PROVINCE_SUFFIXES)
_NAMED = re.compile(rf"(?:({_NAMES})(?:{_SUFFIXES})|({_NAMES})$)")
_BY_NAME = {p.name: p for p in PROVINCES}


def named_province(text: str):
    """The province a city or street names at its start in full form ("上海市…",
    "浙江省…") or exactly ("上海"), else None. A road named after a province ("北京路",
    "吉林大街") names none."""
    match = _NAMED.match("".join(text.split()))
    return _BY_NAME[match.group(1) or match.group(2)] if match else None


def check_address_suspicious(facts: OrderFacts, params: Mapping) -> str | None:
    detail = unicodedata.normalize("NFKC", facts.address_detail).casefold()
    squeezed = "".join(detail.split())
    for word in params["words"]:
        folded = unicodedata.normalize("NFKC", word).casefold()
        if folded in detail or "".join(folded.split()) in squeezed:
            return _t("the address contains “%(word)s”") % {"word": word}
    for part in (facts.city, facts.address_detail):
        named = named_province(part)
        if named is not None and named.code != facts.province_code:
            own = get_province(facts.province_code)
            return _t("“%(part)s” names %(named)s, but the province is %(own)s") % {
                "part": _clip(part, 20), "named": named.name,
                "own": own.name if own else facts.province_code or "—"}
    return None


def check_amount_above(facts: OrderFacts, params: Mapping) -> str | None:
    threshold = Decimal(params["threshold"])
    if facts.total_amount > threshold:
        return _t("amount %(amount)s is above %(threshold)s") % {
            "amount": _money(facts.total_amount, facts.currency),
            "threshold": _money(threshold, facts.currency)}
    return None


def check_price_anomaly(facts: OrderFacts, params: Mapping) -> str | None:
    """A line paid below its unit cost, or below ``fraction`` of the SKU's list price in the
    catalogue. Gift lines (list price 0 on the order) are not priced and are skipped."""
    fraction = Decimal(params["fraction"])
    for line in facts.lines:
        if line.list_unit_price <= 0:
            continue
        paid = line.paid_unit_price
        if line.unit_cost > 0 and paid < line.unit_cost:
            return _t("%(sku)s paid %(paid)s a unit, below its cost %(cost)s") % {
                "sku": line.sku_code, "paid": _money(paid, facts.currency),
                "cost": _money(line.unit_cost, facts.currency)}
        if paid < line.usual_price * fraction:  # exact: no rounding of the floor
            return _t("%(sku)s paid %(paid)s a unit, below %(share)s%% of its list price "
                      "%(price)s") % {
                "sku": line.sku_code, "paid": _money(paid, facts.currency),
                "share": format((fraction * 100).normalize(), "f"),
                "price": _money(line.usual_price, facts.currency)}
    return None


def check_stock_short(facts: OrderFacts, params: Mapping) -> str | None:
    demand: dict[str, tuple[int, int]] = {}
    for line in facts.lines:
        if line.reserved:
            continue
        quantity, available = demand.get(line.sku_code, (0, line.best_available))
        demand[line.sku_code] = (quantity + line.quantity, available)
    for sku_code, (quantity, available) in demand.items():
        if available < quantity:
            return _t("%(sku)s: %(quantity)d needed, at most %(available)d available in one "
                      "warehouse") % {"sku": sku_code, "quantity": quantity,
                                      "available": max(available, 0)}
    return None


def check_remote_region(facts: OrderFacts, params: Mapping) -> str | None:
    province = get_province(facts.province_code)
    codes = params.get("province_codes") or []
    remote = facts.province_code in codes if codes else bool(province and province.is_remote)
    if remote:
        return _t("ships to a remote region (%(province)s)") % {
            "province": province.name if province else facts.province_code}
    return None


def check_blocked_buyer(facts: OrderFacts, params: Mapping) -> str | None:
    if facts.blocked_reason is not None:
        return _t("the buyer is on the block list: %(reason)s") % {
            "reason": _clip(facts.blocked_reason) or "—"}
    return None


def check_repeat_address(facts: OrderFacts, params: Mapping) -> str | None:
    hours, most = params["hours"], params["max_orders"]
    by_address = facts.orders_from_address.get(hours, 0)
    by_phone = facts.orders_from_phone.get(hours, 0)
    if by_address > most:
        return _t("%(count)d paid orders to this address in %(hours)d hours (more than "
                  "%(most)d)") % {"count": by_address, "hours": hours, "most": most}
    if by_phone > most:
        return _t("%(count)d paid orders to this phone in %(hours)d hours (more than "
                  "%(most)d)") % {"count": by_phone, "hours": hours, "most": most}
    return None


def check_quantity_above(facts: OrderFacts, params: Mapping) -> str | None:
    units: dict[str, int] = {}
    for line in facts.lines:
        units[line.sku_code] = units.get(line.sku_code, 0) + line.quantity
    for sku_code, quantity in units.items():
        if quantity > params["max_units"]:
            return _t("%(quantity)d units of %(sku)s (more than %(most)d)") % {
                "quantity": quantity, "sku": sku_code, "most": params["max_units"]}
    return None


def check_new_buyer_amount(facts: OrderFacts, params: Mapping) -> str | None:
    threshold = Decimal(params["threshold"])
    if facts.is_first_order and facts.total_amount > threshold:
        return _t("first order of the buyer, amount %(amount)s is above %(threshold)s") % {
            "amount": _money(facts.total_amount, facts.currency),
            "threshold": _money(threshold, facts.currency)}
    return None


CHECKS: dict[str, Callable[[OrderFacts, Mapping], str | None]] = {
    K.BUYER_NOTE: check_buyer_note,
    K.SELLER_NOTE: check_seller_note,
    K.ADDRESS_INCOMPLETE: check_address_incomplete,
    K.ADDRESS_SUSPICIOUS: check_address_suspicious,
    K.AMOUNT_ABOVE: check_amount_above,
    K.PRICE_ANOMALY: check_price_anomaly,
    K.STOCK_SHORT: check_stock_short,
    K.REMOTE_REGION: check_remote_region,
    K.BLOCKED_BUYER: check_blocked_buyer,
    K.REPEAT_ADDRESS: check_repeat_address,
    K.QUANTITY_ABOVE: check_quantity_above,
    K.NEW_BUYER_AMOUNT: check_new_buyer_amount,
}


def evaluate(facts: OrderFacts, rules: Iterable[RuleSpec]) -> list[Hold]:
    """The holds of ``facts`` under ``rules`` (active rules, in their order): one per rule
    that fails. An empty list means the order passes review."""
    holds = []
    for rule in rules:
        reason = CHECKS[rule.kind](facts, rule.params)
        if reason is not None:
            holds.append(Hold(rule.id, rule.kind, reason[:255]))
    return holds


def repeat_windows(rules: Iterable[RuleSpec]) -> set[int]:
    """The windows (hours) the repeat-address rules need counted."""
    return {rule.params["hours"] for rule in rules if rule.kind == K.REPEAT_ADDRESS}


# ---- addresses -----------------------------------------------------------------------------

_NOT_ADDRESS = re.compile(r"[\W_]+", re.UNICODE)


def normalise_address(province_code: str, city: str, district: str, detail: str) -> str:
    """One form of an address for its blind index: full-width folded (NFKC), case folded,
    spaces and punctuation dropped, the parts joined with "|" ("" when there is no street)."""
    if not (detail or "").strip():
        return ""
    parts = [province_code or "", city or "", district or "", detail]
    return "|".join(_NOT_ADDRESS.sub("", unicodedata.normalize("NFKC", p).casefold())
                    for p in parts)
