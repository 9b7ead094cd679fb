"""Writes of "for you" (``customers.CustomerRecommendation``): what
``insights.recommend_run`` ranks per customer after each warehouse refresh, stored here for
the storefront API, the customer page and the campaigns."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.catalog.actions_affinity import lock_for_replace, stored_score
from zhanggui.catalog.models import Product
from zhanggui.customers.models import Customer
from zhanggui.customers.models_value import CustomerRecommendation

BATCH = 5_000


@dataclass(frozen=True)
class RecommendationRow:
    """``product`` is the ``rank``-th recommendation for ``customer`` (1 = best)."""

    customer_id: int
    product_id: int
    rank: int
    score: float | Decimal


@transaction.atomic
def replace_recommendations(rows: Iterable[RecommendationRow], *, computed_at: datetime,
                            actor: Staff | None = None, note: str = "") -> dict[str, int]:
    """Make ``rows`` the stored recommendations (customers absent from ``rows`` lose theirs),
    in one transaction, logged once with the counts. Rows naming a customer or product that
    no longer exists, or a guest, are skipped.

    Raises:
        ValueError: a (customer, product) pair given twice or a rank below 1.
    """
    rows = list(rows)
    seen: set[tuple[int, int]] = set()
    for row in rows:
        pair = (row.customer_id, row.product_id)
        if pair in seen or row.rank < 1:
            raise ValueError(f"bad recommendation row {pair} rank {row.rank}")
        seen.add(pair)
    customers = set(Customer.objects.filter(pk__in={r.customer_id for r in rows}, is_guest=False)
                    .values_list("pk", flat=True))
    products = set(Product.objects.filter(pk__in={r.product_id for r in rows})
                   .values_list("pk", flat=True))
    kept = [CustomerRecommendation(customer_id=r.customer_id, product_id=r.product_id,
                                   rank=r.rank, score=stored_score(r.score), computed_at=computed_at)
            for r in rows if r.customer_id in customers and r.product_id in products]
    lock_for_replace(CustomerRecommendation)
    replaced, _kinds = CustomerRecommendation.objects.all().delete()
    CustomerRecommendation.objects.bulk_create(kept, batch_size=BATCH)
    counts = {"rows": len(kept), "customers": len({r.customer_id for r in kept}),
              "replaced": replaced, "skipped": len(rows) - len(kept)}
    log_operation(ContentType.objects.get_for_model(CustomerRecommendation),
                  action="customers.replace_recommendations", actor=actor, after=counts, note=note)
    return counts
