"""UCI Online Retail: one row per invoice line (InvoiceNo … Country).

Invoices whose number starts with ``C`` are cancellations (returns of earlier
purchases, negative quantities); other invoices whose lines are all negative are
adjustments (stock write-offs at price 0, bad-debt adjustments). Rows without a
CustomerID are guest orders. Times are UK local time.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.imports.profiles.base import Column, Options, Profile

PROFILE = Profile(
    name="online_retail", kind="orders", label=_("UCI Online Retail (invoice lines)"),
    columns=(
        Column("order_id", ("InvoiceNo", "Invoice")),
        Column("sku_code", ("StockCode",)),
        Column("product_title", ("Description",)),
        Column("quantity", ("Quantity",)),
        Column("placed_at", ("InvoiceDate",)),
        Column("unit_price", ("UnitPrice", "Price")),
        Column("customer_id", ("CustomerID", "Customer ID")),
        Column("country", ("Country",)),
    ),
    options=Options(timezone="Europe/London", default_channel="online_retail",
                    default_status="completed", cancellation_prefix="C",
                    negative_lines="credit", payment_method="card", currency="GBP",
                    interleave_window=200),  # one invoice of the export is split by another
    description=_("Invoices starting with C are cancellations; rows without a customer are "
                  "guest orders."),
)
