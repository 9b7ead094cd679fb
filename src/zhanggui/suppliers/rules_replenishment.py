"""Pure rules of ordering from a supplier: a quantity in the supplier's packs, at least the
minimum order quantity (the replenishment arithmetic itself is
``zhanggui.inventory.rules_replenishment``)."""

from decimal import Decimal

from zhanggui.core.money import to_money


def supplier_quantity(units: int, *, moq: int, pack_size: int) -> int:
    """``units`` rounded up to whole packs and to at least the MOQ (itself rounded up to whole
    packs, since the supplier ships packs); 0 stays 0.

    >>> supplier_quantity(13, moq=20, pack_size=6)
    24
    """
    if units <= 0:
        return 0
    pack = max(int(pack_size), 1)
    wanted = max(int(units), int(moq), 1)
    return -(-wanted // pack) * pack


def line_value(quantity: int, unit_cost: Decimal) -> Decimal:
    """The value of an order line (money, to the cent)."""
    return to_money(Decimal(quantity) * unit_cost)
