"""Writes of customer value: what ``insights.clv_run`` computes after each warehouse refresh
(BG/NBD and Gamma-Gamma), stored below for the customer page, segments and campaigns."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from zhanggui.accounts.actions import log_operation
from zhanggui.customers.models_value import CustomerValue

BATCH = 2_000


@dataclass(frozen=True)
class ValueRow:
    """One customer's values (amounts in yuan, rates as fractions)."""

    customer_id: int
    frequency: int
    recency_days: Decimal
    age_days: Decimal
    average_order_value: Decimal | None
    expected_purchases: Decimal
    probability_alive: Decimal
    churn_risk: Decimal
    expected_spend: Decimal | None
    clv: Decimal


@transaction.atomic
def replace_customer_values(rows: Iterable[ValueRow], *, computed_at: datetime,
                            horizon_days: int, model: dict | None = None) -> dict[str, int]:
    """Make ``rows`` the stored customer values (one per customer; customers absent from
    ``rows`` lose theirs), in one transaction, logged once with the counts and ``model``
    (the fitted parameters, for the record)."""
    current = CustomerValue.objects.count()
    CustomerValue.objects.all().delete()
    written = 0
    batch: list[CustomerValue] = []
    for row in rows:
        batch.append(CustomerValue(**row.__dict__, horizon_days=horizon_days, computed_at=computed_at))
        if len(batch) >= BATCH:
            written += len(CustomerValue.objects.bulk_create(batch))
            batch = []
    written += len(CustomerValue.objects.bulk_create(batch))
    counts = {"customers": written, "replaced": current, "horizon_days": horizon_days}
    log_operation(ContentType.objects.get_for_model(CustomerValue),
                  action="customers.replace_customer_values", actor=None,
                  after={**counts, "model": model or {}})
    return counts
