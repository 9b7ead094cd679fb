"""Recompute the recommendations from the warehouse and store them (after each refresh).

Purchases: the lines of orders paid in the last ``ZHANGGUI_RECOMMEND_DAYS`` days and not
cancelled or closed, at product level (two sizes of one shirt are one item); guests'
orders teach which products go together, but only customers who are not guests get a
"for you" list. ``CoOccurrenceRecommender`` (``insights.recommend``) gives each product its
top ``TOP_N`` "bought together" and each such customer with a paid order in the period
their top ``TOP_N`` "for you" (nothing bought in the last
``ZHANGGUI_RECOMMEND_EXCLUDE_DAYS`` days); both replace the previous run's rows.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from django.conf import settings
from django.utils import timezone

from zhanggui.analytics import reader
from zhanggui.catalog.actions_affinity import AffinityRow, replace_product_affinities
from zhanggui.customers.actions_recommendations import RecommendationRow, replace_recommendations
from zhanggui.insights.recommend import CoOccurrenceRecommender, RecommendQuery
from zhanggui.insights.recommend_matrix import PURCHASE_COLUMNS

TOP_N = 10

PURCHASES_SQL = """
SELECT o.customer_id, l.product_id, o.order_id AS basket_id, o.paid_at AS purchased_at,
       o.customer_is_guest AS guest
FROM order_lines l JOIN orders o ON o.order_id = l.order_id
WHERE o.paid_at >= $start AND o.paid_at < $end AND o.status NOT IN ('cancelled', 'closed')
  AND l.product_id IS NOT NULL
"""


@dataclass(frozen=True)
class RecommendRun:
    purchases: int
    products: int
    customers: int
    affinity_rows: int
    recommendation_rows: int
    seconds: float


def settings_days() -> tuple[int, float]:
    """(days of purchases learnt from, days within which a bought product is not
    recommended to its buyer)."""
    return (int(getattr(settings, "ZHANGGUI_RECOMMEND_DAYS", 365)),
            float(getattr(settings, "ZHANGGUI_RECOMMEND_EXCLUDE_DAYS", 30)))


def load_purchases(now: datetime, days: int) -> pd.DataFrame:
    """The purchases of the ``days`` before ``now`` (shop-local times, as the warehouse
    keeps them) with a ``guest`` column.

    Raises:
        WarehouseEmpty: no warehouse yet.
    """
    local = timezone.localtime(now).replace(tzinfo=None)
    columns, rows = reader.query_with_columns(
        PURCHASES_SQL, {"start": local - timedelta(days=days), "end": local})
    return pd.DataFrame(rows, columns=columns or [*PURCHASE_COLUMNS, "guest"])


def run_recommendations(*, now: datetime | None = None, actor=None) -> RecommendRun:
    """Fit on the warehouse's purchases and replace the stored lists (both emptied when
    there was no purchase in the period)."""
    started = time.perf_counter()
    now = now or timezone.now()
    days, exclude_days = settings_days()
    purchases = load_purchases(now, days)
    affinities: list[AffinityRow] = []
    recommendations: list[RecommendationRow] = []
    if not purchases.empty:
        model = CoOccurrenceRecommender(exclude_days=exclude_days).fit(purchases)
        together = model.bought_together(k=TOP_N)
        affinities = [AffinityRow(int(r.product_id), int(r.related_id), int(r.rank), r.score,
                                  int(r.baskets)) for r in together.itertuples(index=False)]
        members = tuple(sorted(set(purchases.loc[~purchases["guest"].astype(bool), "customer_id"])))
        at = timezone.localtime(now).replace(tzinfo=None)
        ranked = model.predict(RecommendQuery(customer_ids=members, k=TOP_N, at=at))
        recommendations = [RecommendationRow(int(r.customer_id), int(r.product_id), int(r.rank),
                                             r.score) for r in ranked.itertuples(index=False)]
    note = f"{days} days, {len(purchases)} purchases"
    stored = replace_product_affinities(affinities, computed_at=now, actor=actor, note=note)
    given = replace_recommendations(recommendations, computed_at=now, actor=actor, note=note)
    return RecommendRun(purchases=len(purchases), products=stored["products"],
                        customers=given["customers"], affinity_rows=stored["rows"],
                        recommendation_rows=given["rows"],
                        seconds=round(time.perf_counter() - started, 3))
