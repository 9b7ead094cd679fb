"""Shopify's orders export CSV: one row per line item; order-level fields on the first row.

The status is derived from Financial Status, Fulfillment Status and Cancelled at
(see ``rules.derive_status``). Shopify's Name (#1001) is the order id.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.imports.profiles.base import Column, Options, Profile

PROFILE = Profile(
    name="shopify", kind="orders", label=_("Shopify orders export"),
    columns=(
        Column("order_id", ("Name", "Id")),
        Column("customer_id", ("Email",)),
        Column("customer_email", ("Email",)),
        Column("customer_name", ("Billing Name", "Shipping Name")),
        Column("payment_state", ("Financial Status",)),
        Column("fulfillment_state", ("Fulfillment Status",)),
        Column("paid_at", ("Paid at",)),
        Column("shipped_at", ("Fulfilled at",)),
        Column("currency", ("Currency",)),
        Column("shipping_amount", ("Shipping",)),
        Column("tax_amount", ("Taxes",)),
        Column("total_amount", ("Total",)),
        Column("discount_amount", ("Discount Amount",)),
        Column("placed_at", ("Created at",)),
        Column("quantity", ("Lineitem quantity",)),
        Column("product_title", ("Lineitem name",)),
        Column("unit_price", ("Lineitem price",)),
        Column("sku_code", ("Lineitem sku",)),
        Column("recipient_name", ("Shipping Name",)),
        Column("address", ("Shipping Address1", "Shipping Street")),
        Column("city", ("Shipping City",)),
        Column("country", ("Shipping Country",)),
        Column("recipient_phone", ("Shipping Phone", "Phone")),
        Column("buyer_note", ("Notes",)),
        Column("cancelled_at", ("Cancelled at",)),
        Column("refunded_amount", ("Refunded Amount",)),
        Column("payment_reference", ("Payment Reference",)),
    ),
    options=Options(
        default_channel="shopify", payment_method="card",
        value_maps={
            "payment_state": {"pending": "unpaid", "authorized": "unpaid", "unpaid": "unpaid",
                              "partially_paid": "paid", "paid": "paid",
                              "partially_refunded": "partially_refunded",
                              "refunded": "refunded", "voided": "voided", "expired": "voided"},
            "fulfillment_state": {"fulfilled": "fulfilled", "partial": "partial",
                                  "unfulfilled": "unfulfilled", "restocked": "unfulfilled",
                                  "pending": "unfulfilled"},
        }),
    description=_("One row per line item; order-level fields on the first row of each order."),
)
