"""Writes of "bought together" (``catalog.ProductAffinity``): what ``insights.recommend_run``
computes after each warehouse refresh, stored here for the storefront API and the console."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Product, ProductAffinity

BATCH = 5_000
SCORE_PLACES = Decimal("0.000001")
SCORE_LIMIT = Decimal("999999.999999")  # the column's 12 digits, 6 after the point


@dataclass(frozen=True)
class AffinityRow:
    """``related`` is the ``rank``-th product bought with ``product`` (1 = most often)."""

    product_id: int
    related_id: int
    rank: int
    score: float | Decimal
    baskets: int


def stored_score(value: float | Decimal) -> Decimal:
    """A score as the column keeps it: 6 decimals, never negative, at most the column's
    largest value."""
    score = Decimal(str(value)).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
    return min(max(score, Decimal(0)), SCORE_LIMIT)


def lock_for_replace(model: type[models.Model]) -> None:
    """Inside a transaction: hold off another replacement of ``model``'s rows until this one
    commits (PostgreSQL; SQLite writes one transaction at a time anyway), so two runs at once
    never insert the same pair twice. Readers are not blocked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")


@transaction.atomic
def replace_product_affinities(rows: Iterable[AffinityRow], *, computed_at: datetime,
                               actor: Staff | None = None, note: str = "") -> dict[str, int]:
    """Make ``rows`` the stored "bought together" lists (products absent from ``rows`` lose
    theirs), in one transaction, logged once with the counts. Rows naming a product that no
    longer exists are skipped.

    Raises:
        ValueError: a pair given twice, a product related to itself or a rank below 1.
    """
    rows = list(rows)
    seen: set[tuple[int, int]] = set()
    for row in rows:
        pair = (row.product_id, row.related_id)
        if pair in seen or row.product_id == row.related_id or row.rank < 1:
            raise ValueError(f"bad bought-together row {pair} rank {row.rank}")
        seen.add(pair)
    ids = {row.product_id for row in rows} | {row.related_id for row in rows}
    existing = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True))
    kept = [ProductAffinity(product_id=r.product_id, related_id=r.related_id, rank=r.rank,
                            score=stored_score(r.score), baskets=r.baskets, computed_at=computed_at)
            for r in rows if r.product_id in existing and r.related_id in existing]
    lock_for_replace(ProductAffinity)
    replaced, _kinds = ProductAffinity.objects.all().delete()
    ProductAffinity.objects.bulk_create(kept, batch_size=BATCH)
    counts = {"rows": len(kept), "products": len({a.product_id for a in kept}),
              "replaced": replaced, "skipped": len(rows) - len(kept)}
    log_operation(ContentType.objects.get_for_model(ProductAffinity),
                  action="catalog.replace_product_affinities", actor=actor, after=counts, note=note)
    return counts
