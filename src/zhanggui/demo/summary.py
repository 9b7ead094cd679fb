"""Figures of the seeded store, for the command's closing lines and for checks."""

from django.db.models import Count, Q, Sum

from zhanggui.catalog.models import Product, Sku
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order, OrderLine, Payment, PaymentStatus
from zhanggui.orders.rules import SHIPPED_STATES


def orders_by_status() -> dict[str, int]:
    rows = Order.objects.values("status").annotate(n=Count("id")).order_by("status")
    return {row["status"]: row["n"] for row in rows}


def payment_failure_share() -> float:
    totals = Payment.objects.aggregate(
        all=Count("id"), failed=Count("id", filter=Q(status=PaymentStatus.FAILED)))
    return totals["failed"] / totals["all"] if totals["all"] else 0.0


def return_rate_by_top_category() -> dict[str, float]:
    """Units returned / units sold of shipped orders, per first-level category."""
    rows = (OrderLine.objects.filter(order__status__in=SHIPPED_STATES)
            .values("sku__product__category__parent__parent__name")
            .annotate(sold=Sum("quantity"), returned=Sum("returned_quantity")))
    return {row["sku__product__category__parent__parent__name"]: row["returned"] / row["sold"]
            for row in rows if row["sold"]}


def store_summary() -> dict:
    return {
        "products": Product.objects.count(), "skus": Sku.objects.count(),
        "customers": Customer.objects.count(), "orders": Order.objects.count(),
        "orders_by_status": orders_by_status(),
        "payment_failure_share": payment_failure_share(),
        "return_rate_by_top_category": return_rate_by_top_category(),
    }
