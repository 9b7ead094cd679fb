"""Reads of "bought together" (``catalog.ProductAffinity``) for the storefront API, the
console and the campaigns."""

from django.db.models import QuerySet

from zhanggui.catalog.models import ProductAffinity


def bought_together(product_id: int, *, limit: int = 10) -> QuerySet[ProductAffinity]:
    """The products bought with ``product_id``, best first (with each related product)."""
    return (ProductAffinity.objects.filter(product_id=product_id).select_related("related")
            .order_by("rank", "related_id")[:limit])
