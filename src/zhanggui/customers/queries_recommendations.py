"""Reads of "for you" (``customers.CustomerRecommendation``) for the storefront API, the
customer page and the campaigns."""

from collections.abc import Iterable

from django.db.models import QuerySet

from zhanggui.customers.models_value import CustomerRecommendation


def recommendations_for(customer_id: int, *, limit: int = 10) -> QuerySet[CustomerRecommendation]:
    """The products ranked for ``customer_id``, best first (with each product)."""
    return (CustomerRecommendation.objects.filter(customer_id=customer_id)
            .select_related("product").order_by("rank", "product_id")[:limit])


def recommended_titles(customer_ids: Iterable[int], *, limit: int = 3) -> dict[int, list[str]]:
    """customer id → the titles of their ``limit`` best recommendations (customers without
    any are absent), in one query."""
    titles: dict[int, list[str]] = {}
    rows = (CustomerRecommendation.objects.filter(customer_id__in=list(customer_ids), rank__lte=limit)
            .order_by("customer_id", "rank", "product_id").values_list("customer_id", "product__title"))
    for customer_id, title in rows:
        titles.setdefault(customer_id, []).append(title)
    return titles
