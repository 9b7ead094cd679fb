"""Pure import rules (no database): required values, the keys imported records are
matched on, and how an order is built from its rows — amounts, status and the
reading of cancellation and adjustment invoices. ``docs/imports.md`` states them.

Every problem is a ``RowError`` with the line number and the *field* name as column;
the pipeline replaces the field by the file's header for that field.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from zhanggui.core.money import ZERO, to_money
from zhanggui.imports.fields import ONE_OF_BY_KIND, fields_of
from zhanggui.imports.keys import product_code_for, sku_code_for
from zhanggui.imports.mapping import MappedRow, RowError
from zhanggui.imports.profiles.base import Options
from zhanggui.orders import rules as order_rules
from zhanggui.orders.models import OrderStatus

S = OrderStatus
CANCELLATION, ADJUSTMENT = "cancellation", "adjustment"


# Row checks ------------------------------------------------------------------------------

def missing_values(kind: str, values: dict[str, Any], line: int, source: str = "") -> list[RowError]:
    """Required fields left empty in a row of a products or customers file, or the order id
    of an orders row (order- and line-level requirements are checked by ``build_order``)."""
    names = ["order_id"] if kind == "orders" else [f.name for f in fields_of(kind).values() if f.required]
    return [RowError(line, name, _("a value is required"), source=source)
            for name in names if name not in values]


# The field whose value names the record a row belongs to (an order with its lines, a
# product with its SKUs, a customer): the unit the skip-invalid mode imports or leaves out.
RECORD_KEYS = {"orders": "order_id", "products": "product_code", "customers": "customer_id"}


def skipped_reason(kind: str, key: str, line: int, source: str = "") -> str:
    """Why a valid row is not imported in the skip-invalid mode: the record ``key`` it
    belongs to has an error on ``line`` (of the item-detail file when ``source`` says so)."""
    numbers = {"key": key, "line": line}
    if kind == "orders" and source == "items":
        return _("skipped: order %(key)s has an error on line %(line)d of the item-detail "
                 "file") % numbers
    if kind == "orders":
        return _("skipped: order %(key)s has an error on line %(line)d") % numbers
    if kind == "products":
        return _("skipped: product %(key)s has an error on line %(line)d") % numbers
    return _("skipped: customer %(key)s has an error on line %(line)d") % numbers


def shared_sku_reason(product_code: str, sku_code: str, line: int) -> str:
    """Why a product is left out when another product repeats one of its SKU codes (which
    of the two the code belongs to is for the user to say)."""
    return _("skipped: SKU code %(sku)s of product %(key)s is repeated on line %(line)d") % {
        "sku": sku_code, "key": product_code, "line": line}


def product_row_problems(values: dict[str, Any], line: int) -> list[RowError]:
    problems = [RowError(line, name, _("must not be negative"), str(values[name]))
                for name in ("price_amount", "cost_amount", "weight_grams")
                if name in values and values[name] < 0]
    return problems


# Orders ----------------------------------------------------------------------------------

@dataclass
class OrderRecord:
    """An order's rows: the order-level values (first row) and the rows giving its lines."""

    order_id: str
    line: int
    header: dict[str, Any]
    lines: list[MappedRow] = field(default_factory=list)


@dataclass(frozen=True)
class OrderContext:
    channel: str
    options: Options
    has_item_file: bool = False


@dataclass(frozen=True)
class LineDraft:
    line: int
    sku_code: str
    product_code: str
    title: str
    options: dict[str, str]
    quantity: int
    unit_price_amount: Decimal
    unit_cost_amount: Decimal
    discount_amount: Decimal
    total_amount: Decimal
    warehouse_code: str


@dataclass
class OrderDraft:
    order_id: str
    line: int
    status: str
    credit: str
    header: dict[str, Any]
    lines: list[LineDraft]
    goods_amount: Decimal
    discount_amount: Decimal
    shipping_amount: Decimal
    total_amount: Decimal
    paid_amount: Decimal
    refunded_amount: Decimal
    times: dict[str, datetime | None]
    cancel_reason: str = ""


@dataclass
class _Line:
    row: MappedRow
    quantity: int
    price: Decimal | None  # raw unit price, any precision
    total: Decimal | None

    @property
    def is_negative(self) -> bool:
        return self.quantity < 0 or (self.price is not None and self.price < 0) or \
            (self.total is not None and self.total < 0)


def _line_problems(row: MappedRow) -> list[RowError]:
    values, problems = row.values, []
    if "quantity" not in values:
        problems.append(RowError(row.line, "quantity", _("a value is required"), source=row.source))
    elif values["quantity"] == 0:
        problems.append(RowError(row.line, "quantity", _("must not be zero"), "0", row.source))
    if values.get("unit_cost_amount", 0) < 0:
        problems.append(RowError(row.line, "unit_cost_amount", _("must not be negative"),
                                 str(values["unit_cost_amount"]), row.source))
    for group in ONE_OF_BY_KIND["orders"]:
        if not any(name in values for name in group):
            problems.append(RowError(row.line, group[0], _("a value is required"), source=row.source))
    return problems


def _read_lines(record: OrderRecord, ctx: OrderContext) -> tuple[list[_Line], list[RowError]]:
    problems: list[RowError] = []
    if not record.lines:
        return [], [RowError(record.line, "order_id", _("the order has no lines"))]
    kinds = record.header.get("item_kinds", 1)
    if not ctx.has_item_file and kinds > 1:
        problems.append(RowError(record.line, "item_kinds", _(
            "the order has %(n)d different items; give the item-detail file") % {"n": kinds},
            str(kinds)))
    lines = []
    for row in record.lines:
        found = _line_problems(row)
        problems += found
        if not found:
            lines.append(_Line(row, row.values["quantity"], row.values.get("unit_price"),
                               row.values.get("line_total_amount")))
    return lines, problems


def credit_kind(order_id: str, lines: list[_Line], options: Options) -> tuple[str, str]:
    """("cancellation" | "adjustment" | "", problem). With ``negative_lines="credit"`` an
    order whose lines are all negative is a credit: a cancellation when its id starts with
    the profile's ``cancellation_prefix``, else an adjustment. Mixed signs are a problem."""
    negative = [line.is_negative for line in lines]
    cancellation = bool(options.cancellation_prefix) and order_id.startswith(options.cancellation_prefix)
    if not any(negative):
        return "", _("a cancellation must have negative quantities") if cancellation else ""
    if options.negative_lines != "credit":
        return "", _("quantities and prices must not be negative")
    if not all(negative):
        return "", _("an order cannot mix negative and positive lines")
    return (CANCELLATION if cancellation else ADJUSTMENT), ""


def sign_offenders(order_id: str, lines: list[_Line], options: Options) -> list[_Line]:
    """The lines to blame when ``credit_kind`` finds a problem, so that the report names
    the line to fix: the negative lines when the profile reads no credits, the positive
    lines of a cancellation, else the negative lines."""
    negative = [line for line in lines if line.is_negative]
    cancellation = bool(options.cancellation_prefix) and order_id.startswith(options.cancellation_prefix)
    if cancellation and (options.negative_lines == "credit" or not negative):
        offenders = [line for line in lines if not line.is_negative]
    else:
        offenders = negative
    return offenders or lines[:1]


def _pairs(lines: list[_Line]) -> list[tuple[int, Decimal]]:
    """(quantity, unit price) of each line as stored: absolute values for credits."""
    pairs = []
    for line in lines:
        quantity = abs(line.quantity)
        price = abs(line.price) if line.price is not None else abs(line.total) / quantity
        pairs.append((quantity, price))
    return pairs


def _discount(header: dict[str, Any], goods: Decimal, shipping: Decimal) -> tuple[Decimal, Decimal, str]:
    """(discount, shipping) that make goods − discount + shipping equal the order total.

    A tax charged on top of prices (Shopify ``Taxes`` outside the total of the lines) is
    kept with shipping, the order model having no tax amount of its own."""
    total, discount = header.get("total_amount"), header.get("discount_amount")
    if total is None and "goods_amount" in header:
        total = header["goods_amount"] + shipping
    if total is None:
        return (discount or ZERO), shipping, ""
    implied = goods + shipping - total
    if discount is None:
        discount = implied
    tax = header.get("tax_amount") or ZERO
    if discount != implied and tax and discount == implied + tax:
        shipping, implied = shipping + tax, implied + tax
    if discount != implied or discount < 0:
        if discount < 0 and tax and discount + tax >= 0:
            return discount + tax, shipping + tax, ""
        return discount, shipping, _("the total %(total)s does not equal the lines %(goods)s "
                                     "minus discount plus shipping %(shipping)s") % {
            "total": total, "goods": goods, "shipping": shipping}
    return discount, shipping, ""


def derive_status(payment_state: str | None, fulfillment_state: str | None, cancelled: bool) -> str:
    """An order status from a payment state, a fulfillment state and a cancel mark
    (Shopify's Financial Status, Fulfillment Status and Cancelled at)."""
    paid = payment_state in {"paid", "partially_refunded", "refunded"}
    if cancelled or payment_state == "voided":
        return S.CANCELLED if paid else S.CLOSED
    if not paid:
        return S.PENDING_PAYMENT
    if payment_state == "refunded" and fulfillment_state in (None, "unfulfilled"):
        return S.CANCELLED
    if fulfillment_state == "fulfilled":
        return S.COMPLETED
    if fulfillment_state == "partial":
        return S.SHIPPED
    return S.PAID


def order_status(header: dict[str, Any], options: Options, credit: str) -> str:
    """The imported order's status. Credits: cancellation → cancelled, adjustment →
    closed. A status "closed" after payment (Taobao 交易关闭 of a paid order) is cancelled."""
    if credit:
        return S.CANCELLED if credit == CANCELLATION else S.CLOSED
    if "status" in header:
        status = header["status"]
    elif "payment_state" in header or "fulfillment_state" in header or "cancelled_at" in header:
        status = derive_status(header.get("payment_state"), header.get("fulfillment_state"),
                               "cancelled_at" in header)
    else:
        status = options.default_status
    was_paid = "paid_at" in header or header.get("paid_amount", ZERO) > 0
    if status == S.CLOSED and was_paid:
        return S.CANCELLED
    return status


def settle(status: str, total: Decimal, header: dict[str, Any]) -> tuple[Decimal, Decimal, str]:
    """(paid, refunded, problem). Unpaid states have paid nothing; paid states default to
    the total; a cancelled paid order was refunded in full unless the file says otherwise."""
    if status in (S.PENDING_PAYMENT, S.CLOSED) and "paid_at" not in header:
        return ZERO, ZERO, ""
    paid = header.get("paid_amount", total)
    refunded = header.get("refunded_amount")
    if refunded is None:
        refunded = paid if status == S.CANCELLED else ZERO
    if refunded < 0 or paid < 0:
        return paid, refunded, _("amounts must not be negative")
    if refunded > paid:
        return paid, refunded, _("refunded %(refunded)s is more than paid %(paid)s") % {
            "refunded": refunded, "paid": paid}
    return paid, refunded, ""


def status_times(status: str, header: dict[str, Any]) -> dict[str, datetime | None]:
    """Timestamps of the imported order. Those the file gives are kept; a paid state
    without a payment time was paid when placed; the final state (completed, cancelled,
    closed) without its time happened at the latest time the file gives."""
    placed = header["placed_at"]
    times: dict[str, datetime | None] = {
        "placed_at": placed, "paid_at": header.get("paid_at"),
        "shipped_at": header.get("shipped_at"), "completed_at": header.get("completed_at"),
        "cancelled_at": header.get("cancelled_at"), "closed_at": None,
    }
    if times["paid_at"] is None and status in order_rules.PAID_STATES:
        times["paid_at"] = placed
    latest = max(t for t in times.values() if t is not None)
    final = order_rules.TIMESTAMP_FIELD.get(status)
    if final in ("completed_at", "cancelled_at", "closed_at") and times[final] is None:
        times[final] = latest
    return times


def _draft_lines(lines: list[_Line], priced: list[order_rules.PricedLine],
                 channel: str) -> list[LineDraft]:
    drafts = []
    for line, price in zip(lines, priced, strict=True):
        values = line.row.values
        drafts.append(LineDraft(
            line=line.row.line, sku_code=sku_code_for(values, channel),
            product_code=product_code_for(values, channel),
            title=values.get("product_title") or values.get("sku_code", ""),
            options=values.get("options", {}), quantity=price.quantity,
            unit_price_amount=price.unit_price_amount,
            unit_cost_amount=values.get("unit_cost_amount", ZERO),
            discount_amount=price.discount_amount, total_amount=price.total_amount,
            warehouse_code=values.get("warehouse_code", "")))
    return drafts


def build_order(record: OrderRecord, ctx: OrderContext) -> tuple[OrderDraft | None, list[RowError]]:
    """Build the order a record describes, or report why it cannot be imported."""
    header = record.header
    problems = [] if "placed_at" in header else [
        RowError(record.line, "placed_at", _("a value is required"))]
    lines, found = _read_lines(record, ctx)
    problems += found
    if problems:
        return None, problems
    credit, problem = credit_kind(record.order_id, lines, ctx.options)
    if problem:
        return None, [RowError(line.row.line, "quantity", problem, str(line.quantity),
                               line.row.source)
                      for line in sign_offenders(record.order_id, lines, ctx.options)]
    draft, problem = _amounts_and_status(record, ctx, lines, credit)
    if problem:
        return None, [RowError(record.line, "total_amount", problem)]
    return draft, []


def _amounts_and_status(record: OrderRecord, ctx: OrderContext, lines: list[_Line],
                        credit: str) -> tuple[OrderDraft | None, str]:
    header = record.header
    pairs = _pairs(lines)
    goods = sum((to_money(price * quantity) for quantity, price in pairs), ZERO)
    shipping = header.get("shipping_amount", ZERO)
    if shipping < 0 or header.get("tax_amount", ZERO) < 0:
        return None, _("shipping and tax must not be negative")
    if credit:
        discount, problem = ZERO, ""
    else:
        discount, shipping, problem = _discount(header, goods, shipping)
    if problem:
        return None, problem
    try:
        priced = order_rules.price_lines(pairs, discount)
    except ValueError:
        return None, _("the discount %(discount)s is more than the goods %(goods)s") % {
            "discount": discount, "goods": goods}
    total = order_rules.order_total(goods, discount, shipping)
    status = order_status(header, ctx.options, credit)
    if credit:
        paid, refunded, problem = total, total, ""
    else:
        paid, refunded, problem = settle(status, total, header)
    if problem:
        return None, problem
    times = status_times(status, header)
    if paid > 0 and times["paid_at"] is None:
        times["paid_at"] = times["placed_at"]  # a credit refunds what was paid when placed
    return OrderDraft(
        order_id=record.order_id, line=record.line, status=status, credit=credit, header=header,
        lines=_draft_lines(lines, priced, ctx.channel), goods_amount=goods,
        discount_amount=to_money(discount), shipping_amount=to_money(shipping),
        total_amount=total, paid_amount=to_money(paid), refunded_amount=to_money(refunded),
        times=times,
        cancel_reason=header.get("cancel_reason", "") or _credit_reason(credit, record.order_id),
    ), ""


def _credit_reason(credit: str, order_id: str) -> str:
    if credit == CANCELLATION:
        return f"cancellation invoice {order_id}"
    if credit == ADJUSTMENT:
        return f"adjustment invoice {order_id}"
    return ""

