"""The briefing's supply candidates, from the morning reorder list (``suppliers.replenishment``:
stored forecasts, stock, open purchase orders and supplier lead times): restock a SKU that
runs out before a new order can arrive, and draft today's purchase orders. The impact
formulas are documented in ``briefing_candidates``."""

from decimal import Decimal

from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.insights.briefing_candidates import Candidate, console_url, yuan
from zhanggui.suppliers.replenishment import ReorderRow, reorder_list

RESTOCK_LIMIT = 7  # the restock candidates kept, largest impact first


def prices(rows: list[ReorderRow]) -> dict[int, Decimal]:
    return dict(Sku.objects.filter(pk__in={row.sku_id for row in rows})
                .values_list("pk", "price_amount"))


def units_short(row: ReorderRow) -> float:
    """Units the SKU will not have before a new order arrives: demand over the days between
    running out and the lead time's end, less what is already on order."""
    if row.days_of_supply is None or row.days_of_supply >= row.lead_days:
        return 0.0
    return max(row.daily_demand * (row.lead_days - row.days_of_supply) - row.on_order, 0.0)


def restock_candidates(rows: list[ReorderRow], price: dict[int, Decimal]) -> list[Candidate]:
    found = []
    for row in rows:
        short = units_short(row)
        if short <= 0 or not price.get(row.sku_id):
            continue
        days_short = row.lead_days - (row.days_of_supply or 0.0)
        found.append(Candidate(
            kind="restock",
            title=_("Restock %(sku)s in %(warehouse)s before it runs out") % {
                "sku": row.sku_code, "warehouse": row.warehouse_code},
            reason=_("%(days)s days of supply, %(lead)s days of lead time: %(units)s units "
                     "short at %(demand)s a day") % {
                "days": f"{row.days_of_supply or 0:.1f}", "lead": f"{row.lead_days:g}",
                "units": f"{short:.0f}", "demand": f"{row.daily_demand:.1f}"},
            impact_amount=yuan(Decimal(str(short)) * price[row.sku_id]),
            impact_formula=_("daily demand × price × days short (lead time − days of supply), "
                             "less units on order"),
            url=console_url("inventory_sku_forecast", [row.sku_id],
                            f"warehouse={row.warehouse_id}"),
            metric="", detail={"sku_id": row.sku_id, "warehouse_id": row.warehouse_id,
                               "days_short": round(days_short, 2)}))
    found.sort(key=lambda c: -c.impact_amount)
    return found[:RESTOCK_LIMIT]


def reorder_candidate(rows: list[ReorderRow], price: dict[int, Decimal],
                      review_days: int) -> list[Candidate]:
    todo = [row for row in rows if row.is_selectable]
    if not todo:
        return []
    at_risk = sum((Decimal(str(row.stockout_risk * row.daily_demand * review_days))
                   * price.get(row.sku_id, Decimal(0)) for row in todo), Decimal(0))
    if at_risk <= 0:
        return []
    return [Candidate(
        kind="reorder",
        title=_("Draft today's purchase orders (%(count)s SKU × warehouse rows)") % {
            "count": len(todo)},
        reason=_("%(count)s rows are at or below their reorder point and not on a draft") % {
            "count": len(todo)},
        impact_amount=yuan(at_risk),
        impact_formula=_("Σ stock-out risk × daily demand × %(days)s days between orders × "
                         "price") % {"days": review_days},
        url=console_url("suppliers_reorder_today"), detail={"rows": len(todo)})]


def supply_candidates() -> list[Candidate]:
    listing = reorder_list()
    rows = listing.rows
    if not rows:
        return []
    price = prices(rows)
    return [*restock_candidates(rows, price),
            *reorder_candidate(rows, price, listing.review_days)]
