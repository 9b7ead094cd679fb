"""The fields each kind of import fills, with their value type and whether they are required.

These are the targets of every profile's column mapping, and the column headers of
the ``zhanggui`` template (``docs/imports.md`` documents them). ``kind`` is one of
``ImportKind``; orders fields are order-level or line-level (an order's lines are rows
of the file, or rows of Taobao's item-detail file).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import ListingStatus
from zhanggui.customers.models import Gender
from zhanggui.orders.models import OrderStatus, PaymentMethod

ORDER, LINE = "order", "line"
PAYMENT_STATES = ("unpaid", "paid", "partially_refunded", "refunded", "voided")
FULFILLMENT_STATES = ("unfulfilled", "partial", "fulfilled")


@dataclass(frozen=True)
class Field:
    """A field of a kind: ``type`` names a parser (see ``mapping.build_parser``)."""

    name: str
    label: str | Promise
    type: str = "text"
    required: bool = False
    level: str = ""
    max_length: int = 0
    choices: tuple[str, ...] = ()
    example: str = ""


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


PRODUCT_FIELDS = _fields(
    Field("product_code", _("product code"), "identifier", True, max_length=40, example="SPU001"),
    Field("title", _("title"), required=True, max_length=120, example="纯棉短袖T恤"),
    Field("sku_code", _("SKU code"), "identifier", True, max_length=60, example="SPU001-RED-M"),
    Field("price_amount", _("price"), "money", True, example="99.00"),
    Field("cost_amount", _("cost price"), "money", example="40.00"),
    Field("category", _("category path"), max_length=200, example="服饰 / T恤"),
    Field("brand", _("brand"), max_length=60, example="掌柜"),
    Field("description", _("description"), example=""),
    Field("options", _("options"), "options", example="颜色:红色;尺码:M"),
    Field("weight_grams", _("weight (g)"), "integer", example="200"),
    Field("barcode", _("barcode"), max_length=40, example="6901234567890"),
    Field("status", _("listing status"), "choice", choices=tuple(ListingStatus.values),
          example="listed"),
)

CUSTOMER_FIELDS = _fields(
    Field("customer_id", _("customer id"), "identifier", True, max_length=64, example="C0001"),
    Field("nickname", _("nickname"), max_length=60, example="小明"),
    Field("name", _("name"), max_length=60, example="王小明"),
    Field("phone", _("phone"), "identifier", max_length=20, example="13800000001"),
    Field("email", _("email"), max_length=254, example="xiaoming@example.com"),
    Field("gender", _("gender"), "choice", choices=tuple(Gender.values), example="male"),
    Field("birthday", _("birthday"), "date", example="1990-05-01"),
    Field("province", _("province"), "province", example="浙江"),
    Field("city", _("city"), max_length=40, example="杭州"),
    Field("country", _("country"), max_length=60, example="中国"),
    Field("note", _("note"), example=""),
)

ORDER_FIELDS = _fields(
    Field("order_id", _("order id"), "identifier", True, ORDER, 64, example="A1001"),
    Field("placed_at", _("placed at"), "datetime", True, ORDER, example="2024-03-01 10:15:00"),
    Field("status", _("status"), "choice", level=ORDER, choices=tuple(OrderStatus.values),
          example="completed"),
    Field("payment_state", _("payment state"), "choice", level=ORDER, choices=PAYMENT_STATES),
    Field("fulfillment_state", _("fulfillment state"), "choice", level=ORDER,
          choices=FULFILLMENT_STATES),
    Field("paid_at", _("paid at"), "datetime", level=ORDER, example="2024-03-01 10:16:00"),
    Field("shipped_at", _("shipped at"), "datetime", level=ORDER),
    Field("completed_at", _("completed at"), "datetime", level=ORDER),
    Field("cancelled_at", _("cancelled at"), "datetime", level=ORDER),
    Field("customer_id", _("customer id"), "identifier", level=ORDER, max_length=64,
          example="C0001"),
    Field("customer_name", _("customer nickname"), level=ORDER, max_length=60, example="小明"),
    Field("customer_email", _("customer email"), level=ORDER, max_length=254),
    Field("customer_phone", _("customer phone"), "identifier", level=ORDER, max_length=20),
    Field("recipient_name", _("recipient"), level=ORDER, max_length=60, example="王小明"),
    Field("recipient_phone", _("recipient phone"), "identifier", level=ORDER, max_length=20,
          example="13800000001"),
    Field("province", _("province"), "province", level=ORDER, example="浙江"),
    Field("city", _("city"), level=ORDER, max_length=40, example="杭州"),
    Field("district", _("district"), level=ORDER, max_length=40, example="西湖区"),
    Field("address", _("street address"), level=ORDER, max_length=200, example="文三路100号"),
    Field("full_address", _("full address"), level=ORDER, max_length=300),
    Field("country", _("country"), level=ORDER, max_length=60, example="中国"),
    Field("buyer_note", _("buyer note"), level=ORDER, max_length=255),
    Field("seller_note", _("seller note"), level=ORDER, max_length=255),
    Field("currency", _("currency"), level=ORDER, max_length=3, example="CNY"),
    Field("goods_amount", _("goods amount"), "money", level=ORDER),
    Field("discount_amount", _("discount"), "money", level=ORDER, example="0.00"),
    Field("shipping_amount", _("shipping fee"), "money", level=ORDER, example="0.00"),
    Field("tax_amount", _("tax charged on top"), "money", level=ORDER),
    Field("total_amount", _("amount payable"), "money", level=ORDER, example="198.00"),
    Field("paid_amount", _("amount paid"), "money", level=ORDER, example="198.00"),
    Field("refunded_amount", _("amount refunded"), "money", level=ORDER, example="0.00"),
    Field("payment_method", _("payment method"), "choice", level=ORDER,
          choices=tuple(PaymentMethod.values), example="alipay"),
    Field("payment_reference", _("payment reference"), "identifier", level=ORDER,
          max_length=64),
    Field("item_kinds", _("number of different items"), "integer", level=ORDER),
    Field("cancel_reason", _("cancel reason"), level=ORDER, max_length=200),
    Field("carrier", _("carrier"), level=ORDER, max_length=40, example="顺丰速运"),
    Field("tracking_number", _("tracking number"), "identifier", level=ORDER, max_length=40,
          example="SF1234567890"),
    Field("sku_code", _("SKU code"), "identifier", level=LINE, max_length=60,
          example="SPU001-RED-M"),
    Field("product_code", _("product code"), "identifier", level=LINE, max_length=40,
          example="SPU001"),
    Field("product_title", _("product title"), level=LINE, max_length=120,
          example="纯棉短袖T恤"),
    Field("options", _("options"), "options", level=LINE, example="颜色:红色;尺码:M"),
    Field("quantity", _("quantity"), "integer", True, LINE, example="2"),
    Field("unit_price", _("unit price"), "decimal", level=LINE, example="99.00"),
    Field("line_total_amount", _("line total"), "money", level=LINE),
    Field("unit_cost_amount", _("unit cost"), "money", level=LINE),
    Field("warehouse_code", _("warehouse code"), "identifier", level=LINE, max_length=20),
)

FIELDS_BY_KIND: dict[str, dict[str, Field]] = {
    "products": PRODUCT_FIELDS,
    "customers": CUSTOMER_FIELDS,
    "orders": ORDER_FIELDS,
}

# Of each group, a row must give at least one (checked by ``rules``).
ONE_OF_BY_KIND: dict[str, tuple[tuple[str, ...], ...]] = {
    "products": (),
    "customers": (),
    "orders": (("sku_code", "product_title"), ("unit_price", "line_total_amount")),
}


def fields_of(kind: str) -> dict[str, Field]:
    """The fields of ``kind``. Raises ``KeyError`` for an unknown kind."""
    return FIELDS_BY_KIND[kind]


def required_fields(kind: str) -> list[str]:
    return [f.name for f in fields_of(kind).values() if f.required]
