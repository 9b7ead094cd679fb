"""The cost history: a receipt's landed cost averaged into the SKU's cost (re-exported by
``inventory.actions``)."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhanggui.accounts.models import Staff
from zhanggui.catalog import actions as catalog_actions
from zhanggui.catalog.models import Sku
from zhanggui.core.money import to_money
from zhanggui.inventory import rules
from zhanggui.inventory.errors import InvalidQuantity
from zhanggui.inventory.models import CostChange, Stock, WarehouseKind


def on_hand_for_cost(sku_id: int) -> int:
    """Units of the SKU the shop holds at cost: on hand in every warehouse but the drop-ship
    ones (those units are the supplier's until sold)."""
    total = (Stock.objects.filter(sku_id=sku_id).exclude(warehouse__kind=WarehouseKind.DROP_SHIP)
             .aggregate(units=Sum("on_hand"))["units"])
    return int(total or 0)


@transaction.atomic
def record_landed_cost(sku: Sku, *, quantity: int, unit_landed_cost: Decimal, reference: str,
                       actor: Staff | None, at: datetime | None = None) -> CostChange:
    """Average ``quantity`` units at ``unit_landed_cost`` into the SKU's cost.

    Call it BEFORE booking the units into stock: the average weighs the units on hand now
    (all warehouses but drop-ship ones, never below 0) at the current ``Sku.cost_amount``
    (``rules.moving_average_cost``). Updates ``Sku.cost_amount`` through
    ``catalog.actions.update_sku`` (logged) and appends one ``CostChange``. Orders keep the
    cost they snapshot when placed.

    Raises:
        InvalidQuantity: ``quantity`` is not a positive whole number.
        ValueError: a negative landed cost.
    """
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidQuantity()
    landed = to_money(unit_landed_cost)
    sku = Sku.objects.select_for_update().get(pk=sku.pk)  # one cost update at a time
    on_hand = on_hand_for_cost(sku.pk)
    cost_before = sku.cost_amount
    cost_after = rules.moving_average_cost(on_hand_before=on_hand, cost_before=cost_before,
                                           quantity=quantity, unit_landed_cost=landed)
    if cost_after != cost_before:
        catalog_actions.update_sku(sku, cost_amount=cost_after, actor=actor)
    return CostChange.objects.create(
        sku=sku, changed_at=at or timezone.now(), reference=reference[:60], quantity=quantity,
        unit_landed_cost=landed, on_hand_before=on_hand, cost_before=cost_before,
        cost_after=cost_after, actor=actor)
