"""Campaign attribution computed on top of the warehouse, stored below.

After each warehouse refresh (``after_refresh``, registered in ``AnalyticsConfig.ready``) a
Celery task reads ``campaign_arm_results`` (``campaign_tables``: last touch within the
contact policy's attribution window, gross profit, discounts given, cost) and writes one
``marketing.CampaignResult`` per campaign and arm through
``marketing.results.record_campaign_results``. ``recipient_outcomes`` gives the A/B tests
(``experiments_report``) one row per recipient. The definitions are in ``campaign_tables``.
"""

from decimal import ROUND_HALF_UP, Decimal

from celery import shared_task
from django.utils import timezone

from zhanggui.analytics import reader
from zhanggui.analytics.campaign_tables import DERIVED as CAMPAIGN_TABLES
from zhanggui.analytics.errors import WarehouseEmpty, WarehouseOutdated
from zhanggui.marketing.models_campaigns import CampaignResult
from zhanggui.marketing.results import CampaignFigures, record_campaign_results

CENT = Decimal("0.01")
COUNTS = ("recipients", "reached", "converted", "orders")
AMOUNTS = {"gmv": "gmv_amount", "gross_profit": "gross_profit_amount",
           "discounts": "discount_amount", "cost": "cost_amount"}
RESULTS_SQL = f"""
    SELECT x.campaign_id, x.arm, {", ".join(COUNTS)}, {", ".join(AMOUNTS)}
    FROM campaign_arm_results x JOIN campaigns c USING (campaign_id)
    WHERE c.status <> 'draft'
    ORDER BY x.campaign_id, x.arm"""
OUTCOMES_SQL = """
    SELECT customer_id, arm, status, touched_at, orders, revenue, gross_profit
    FROM recipient_outcomes WHERE campaign_id = $campaign ORDER BY recipient_id"""


def _require_tables() -> None:
    if not set(CAMPAIGN_TABLES) <= reader.tables():
        raise WarehouseOutdated()


def recipient_outcomes(campaign_id: int) -> list[dict]:
    """One row per recipient of the campaign, for its A/B test, as of the current warehouse.

    Each row is a dict: ``customer_id`` (int), ``arm`` (str, "" when the campaign has no
    arms), ``status`` (the recipient's: sent, held_out, skipped, failed, pending),
    ``touched_at`` (shop-local naive datetime, or None while the campaign is not sent),
    ``converted`` (bool: paid an order, not cancelled, at or after the touch and within the
    contact policy's attribution window), ``orders`` (int), ``revenue`` (Decimal: GMV — paid
    amount — of those orders) and ``gross_profit`` (Decimal: paid − refunded − cost of the
    goods kept, of those orders).

    The touch: when a recipient who was sent the campaign was reached (its first message
    sent); for every other recipient — the holdout, and those skipped, failed or not sent —
    the campaign's ``sent_at``, so every arm is measured from the same moment (intention to
    treat). Orders count whatever campaign they are attributed to (attribution is last touch;
    an A/B comparison must measure every arm the same way). A campaign unknown to the
    warehouse has no rows.

    Raises:
        WarehouseEmpty: no warehouse has been built yet.
        WarehouseOutdated: the warehouse was built before the campaign tables existed.
    """
    _require_tables()
    rows = reader.query(OUTCOMES_SQL, {"campaign": int(campaign_id)})
    return [{"customer_id": customer_id, "arm": arm, "status": status, "touched_at": touched_at,
             "converted": orders > 0, "orders": orders, "revenue": Decimal(revenue),
             "gross_profit": Decimal(gross_profit)}
            for customer_id, arm, status, touched_at, orders, revenue, gross_profit in rows]


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def campaign_figures() -> list[CampaignFigures]:
    """What every campaign (not a draft) earned and cost, per arm when it has arms (named
    ones) and as a whole (arm ""): the whole is the sum of its arms."""
    _require_tables()
    wholes: dict[int, dict] = {}
    figures = []
    for campaign_id, arm, *values in reader.query(RESULTS_SQL):
        counts, amounts = values[:len(COUNTS)], values[len(COUNTS):]
        row = {**dict(zip(COUNTS, counts, strict=True)),
               **{AMOUNTS[k]: Decimal(v or 0) for k, v in zip(AMOUNTS, amounts, strict=True)}}
        whole = wholes.setdefault(campaign_id, {name: 0 for name in (*COUNTS, *AMOUNTS.values())})
        for name, value in row.items():
            whole[name] += value
        if arm:
            figures.append(_figures(campaign_id, arm, row))
    figures += [_figures(campaign_id, "", whole) for campaign_id, whole in wholes.items()]
    return sorted(figures, key=lambda f: (f.campaign_id, f.arm))


def _figures(campaign_id: int, arm: str, values: dict) -> CampaignFigures:
    return CampaignFigures(campaign_id=campaign_id, arm=arm,
                           **{name: int(values[name]) for name in COUNTS},
                           **{name: _money(values[name]) for name in AMOUNTS.values()})


def record_results() -> list[CampaignResult]:
    """Compute every campaign's figures from the current warehouse and store them (nothing
    while the warehouse is empty or older than the campaign tables)."""
    try:
        figures = campaign_figures()
    except (WarehouseEmpty, WarehouseOutdated):
        return []
    return record_campaign_results(figures, computed_at=timezone.now())


@shared_task(name="zhanggui.analytics.campaign_attribution.record_campaign_results_task")
def record_campaign_results_task() -> int:
    """After a warehouse refresh: store the campaigns' results. Returns how many were written."""
    return len(record_results())


def campaign_results_after_refresh(run) -> None:
    """Registered with ``analytics.after_refresh`` (in ``apps.py``): enqueue the results."""
    record_campaign_results_task.delay()
