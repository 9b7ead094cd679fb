"""Reads of the suppliers app for drop-shipping (一件代发): which supplier ships from a
warehouse, what it charges for a SKU, which suppliers a staff account works for."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q

from zhanggui.accounts.models import Staff
from zhanggui.accounts.roles import Role
from zhanggui.suppliers.models import Supplier, SupplierItem


def suppliers_for_warehouses(warehouse_ids: Iterable[int]) -> dict[int, Supplier]:
    """Warehouse id → the active supplier shipping from it (drop-ship warehouses only have
    one); warehouses without one are absent. One query."""
    ids = set(warehouse_ids)
    if not ids:
        return {}
    return {supplier.warehouse_id: supplier
            for supplier in Supplier.objects.filter(warehouse_id__in=ids, is_active=True)}


def item_costs(supplier_id: int, sku_ids: Iterable[int]) -> dict[int, Decimal]:
    """SKU id → the supplier's unit cost; SKUs the supplier has no item for are absent."""
    ids = set(sku_ids)
    if not ids:
        return {}
    return dict(SupplierItem.objects.filter(supplier_id=supplier_id, sku_id__in=ids)
                .values_list("sku_id", "unit_cost"))


def is_supplier_account(staff: Staff) -> bool:
    """Whether ``staff`` works for a supplier (role "supplier", or listed as one of a
    supplier's accounts): such staff see only their suppliers' orders and warehouses. One
    query, remembered on the staff object (a request's user) for the rest of the request."""
    if not getattr(staff, "is_authenticated", False):
        return False
    known = getattr(staff, "_zhanggui_supplier_account", None)
    if known is None:
        known = Staff.objects.filter(
            Q(groups__name=Role.SUPPLIER) | Q(supplier_accounts__isnull=False),
            pk=staff.pk).exists()
        staff._zhanggui_supplier_account = known
    return known


def account_supplier_ids(staff: Staff) -> list[int]:
    """The ids of the suppliers ``staff`` is an account of (empty for everybody else)."""
    return list(Supplier.objects.filter(accounts=staff).values_list("pk", flat=True))


def account_warehouse_ids(staff: Staff) -> list[int]:
    """The drop-ship warehouses of the suppliers ``staff`` is an account of."""
    return list(Supplier.objects.filter(accounts=staff, warehouse__isnull=False)
                .values_list("warehouse_id", flat=True))


def feed_stale_minutes() -> int:
    """``SupplyPolicy.feed_stale_minutes``, read without creating the policy row (pages that
    only show it must not write)."""
    from zhanggui.suppliers.models import SupplyPolicy

    policy = SupplyPolicy.objects.order_by("pk").only("feed_stale_minutes").first()
    if policy is not None:
        return policy.feed_stale_minutes
    return SupplyPolicy._meta.get_field("feed_stale_minutes").default
