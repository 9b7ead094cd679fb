"""The demo's supply side: suppliers per category, their items, and a year of purchase orders.

The stock simulation receives goods each morning (reference ``PO<yymmdd>-<warehouse>``); here
those receipts become real purchase orders of each SKU's supplier — sent a lead time before
they arrived, received with inspection (now and then a few units rejected, which never
reached the ledger), closed — and the movements' reference becomes the PO number, so the
ledger names the PO that brought each unit in. Messages with suppliers give the reply-time
score something to measure.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.demo.context import Clock, bulk_insert
from zhanggui.demo.dropship_plan import DROP_SHIP_WAREHOUSE, is_drop_ship
from zhanggui.demo.plans import Movement, SkuInfo, WarehouseInfo
from zhanggui.demo.stock_sim import case_size, minimum_order
from zhanggui.fulfillment.dropship import supplier_order_number
from zhanggui.fulfillment.models import Shipment, ShipmentStatus, SupplierOrder, SupplierOrderStatus
from zhanggui.inventory.models import MovementKind, Warehouse
from zhanggui.suppliers.models import (
    MessageDirection,
    PaymentTerms,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderSource,
    PurchaseOrderStatus,
    Receipt,
    ReceiptLine,
    RejectReason,
    Supplier,
    SupplierContact,
    SupplierItem,
    SupplierMessage,
)

CENT = Decimal("0.01")

# (code, name, category key, payment terms, lead time days, lead time spread days,
#  reply minutes (typical), reject share in per mille)
SUPPLIERS = (
    ("SUP-FZ1", "杭州织锦服饰有限公司", "clothing", PaymentTerms.NET_30, 6, 1.5, 2, 8),
    ("SUP-FZ2", "广州潮衣供应链", "clothing", PaymentTerms.MONTHLY, 9, 3.0, 6, 20),
    ("SUP-MZ1", "上海丽颜化妆品贸易", "beauty", PaymentTerms.PREPAID, 5, 1.0, 1, 4),
    ("SUP-SP1", "成都川味食品厂", "food", PaymentTerms.ON_DELIVERY, 3, 0.5, 3, 6),
    ("SUP-SM1", "深圳华强数码科技", "electronics", PaymentTerms.NET_15, 8, 2.5, 4, 12),
    ("SUP-JJ1", "义乌优家日用品", "home", PaymentTerms.NET_60, 7, 2.0, 5, 10),
)
# The drop-ship supplier: ships the drop-ship goods to the buyers from its warehouse YW01.
DROP_SHIP_SUPPLIER = ("SUP-DS1", "义乌优选代发", PaymentTerms.MONTHLY, 2, 0.5, 2)
DROP_SHIP_MARKUP = Decimal("1.15")  # a drop-ship price is above the bulk purchase cost
CONTACTS = {
    "SUP-FZ1": ("周婷", "业务经理"), "SUP-FZ2": ("黄磊", "销售"), "SUP-MZ1": ("林悦", "大客户经理"),
    "SUP-SP1": ("何勇", "厂长"), "SUP-SM1": ("郑浩", "销售主管"), "SUP-JJ1": ("吴丽", "跟单"),
    "SUP-DS1": ("孙倩", "代发客服"),
}


@dataclass(frozen=True, slots=True)
class SupplierPlan:
    pk: int
    code: str
    lead_days: int
    lead_spread: float
    reply_minutes: int
    reject_per_mille: int


def seed_suppliers(clock: Clock, skus: list[SkuInfo], warehouses: list[WarehouseInfo],
                   account: Staff | None) -> dict[int, SupplierPlan]:
    """Suppliers, their contacts and items; returns each SKU's supplier. The drop-ship
    supplier owns the drop-ship warehouse, and ``account`` is its staff login."""
    created = clock.at(clock.first_day - timedelta(days=380), 10)
    rows = [Supplier(code=code, name=name, payment_terms=terms, created_at=created,
                     updated_at=created)
            for code, name, _category, terms, *_rest in SUPPLIERS]
    ds_code, ds_name, ds_terms, ds_lead, ds_spread, ds_reply = DROP_SHIP_SUPPLIER
    ds_warehouse = next(w.pk for w in warehouses if w.code == DROP_SHIP_WAREHOUSE)
    drop_shipper = Supplier(code=ds_code, name=ds_name, payment_terms=ds_terms,
                            warehouse_id=ds_warehouse, created_at=created, updated_at=created)
    rows.append(drop_shipper)
    bulk_insert(Supplier, rows)
    if account is not None:
        drop_shipper.accounts.add(account)
    bulk_insert(SupplierContact, [
        SupplierContact(supplier=row, name=CONTACTS[row.code][0], title=CONTACTS[row.code][1],
                        phone=f"1380000{index:04d}", is_primary=True)
        for index, row in enumerate(rows)])
    plans_by_category: dict[str, list[SupplierPlan]] = defaultdict(list)
    for row, (_code, _name, category, _terms, lead, spread, reply, reject) in zip(
            rows, SUPPLIERS, strict=False):
        plans_by_category[category].append(
            SupplierPlan(row.pk, row.code, lead, spread, reply, reject))
    ds_plan = SupplierPlan(drop_shipper.pk, ds_code, ds_lead, ds_spread, ds_reply, 0)
    chosen: dict[int, SupplierPlan] = {}
    items = []
    for sku in skus:
        candidates = plans_by_category[sku.top.key]
        drop_ship = is_drop_ship(sku)
        plan = ds_plan if drop_ship else candidates[sku.pk % len(candidates)]
        chosen[sku.pk] = plan
        items.append(SupplierItem(
            supplier_id=plan.pk, sku_id=sku.pk, supplier_code=f"{plan.code[-3:]}-{sku.code}",
            unit_cost=(sku.cost * DROP_SHIP_MARKUP).quantize(CENT) if drop_ship else sku.cost,
            moq=1 if drop_ship else minimum_order(sku),
            pack_size=1 if drop_ship else case_size(sku),
            lead_time_days=Decimal(plan.lead_days), lead_time_std_days=Decimal(str(plan.lead_spread)),
            created_at=created, updated_at=created))
    bulk_insert(SupplierItem, items)
    return chosen


def write_purchase_history(rng: random.Random, clock: Clock, movements: list[Movement],
                           suppliers: dict[int, SupplierPlan], staff: dict[str, Staff]) -> int:
    """Turn the simulation's purchase receipts into purchase orders (before the ledger is
    written: the movements' reference becomes the PO number). Returns the POs written."""
    groups: dict[tuple[str, int], list[Movement]] = defaultdict(list)
    for movement in movements:
        if movement.kind == MovementKind.RECEIVE and movement.reference.startswith("PO"):
            plan = suppliers[movement.stock.sku.pk]
            groups[(movement.reference, plan.pk)].append(movement)
    by_pk = {plan.pk: plan for plan in suppliers.values()}
    finance, warehouse = staff.get("finance"), staff.get("warehouse")
    orders, lines_of = [], []
    for (reference, supplier_pk), group in sorted(groups.items()):
        plan = by_pk[supplier_pk]
        number = f"{reference}-{plan.code[-3:]}"
        for movement in group:
            movement.reference = number
        arrived = group[0].at
        lead = max(1.0, rng.gauss(plan.lead_days, plan.lead_spread))
        sent_at = arrived - timedelta(days=lead)
        expected = (sent_at + timedelta(days=plan.lead_days)).date()
        orders.append(PurchaseOrder(
            number=number, supplier_id=supplier_pk, warehouse_id=group[0].stock.warehouse.pk,
            status=PurchaseOrderStatus.CLOSED, source=PurchaseOrderSource.REPLENISHMENT,
            expected_on=expected, sent_at=sent_at, received_at=arrived,
            closed_at=arrived + timedelta(hours=2), created_by=finance,
            created_at=sent_at - timedelta(hours=1), updated_at=arrived + timedelta(hours=2)))
        lines_of.append(group)
    bulk_insert(PurchaseOrder, orders)
    _write_lines_and_receipts(rng, orders, lines_of, by_pk, warehouse)
    _write_messages(rng, clock, by_pk, finance)
    return len(orders)


def _write_lines_and_receipts(rng, orders, lines_of, by_pk, receiver) -> None:
    po_lines, receipts = [], []
    for po, group in zip(orders, lines_of, strict=True):
        plan = by_pk[po.supplier_id]
        receipts.append(Receipt(purchase_order=po, number=f"RC-{po.number}",
                                received_at=po.received_at, received_by=receiver))
        for movement in group:
            rejected = sum(rng.random() * 1000 < plan.reject_per_mille
                           for _unit in range(min(movement.on_hand_delta, 200)))
            po_lines.append(PurchaseOrderLine(
                purchase_order=po, sku_id=movement.stock.sku.pk,
                quantity=movement.on_hand_delta + rejected, unit_cost=movement.stock.sku.cost,
                received_quantity=movement.on_hand_delta, rejected_quantity=rejected))
    bulk_insert(Receipt, receipts)
    bulk_insert(PurchaseOrderLine, po_lines)
    receipt_of = {r.purchase_order.pk: r for r in receipts}
    bulk_insert(ReceiptLine, [
        ReceiptLine(receipt=receipt_of[line.purchase_order.pk], line=line,
                    accepted=line.received_quantity, rejected=line.rejected_quantity,
                    reject_reason=(rng.choice((RejectReason.DAMAGED, RejectReason.DEFECTIVE))
                                   if line.rejected_quantity else ""),
                    landed_unit_cost=line.unit_cost)
        for line in po_lines])


def _write_messages(rng, clock: Clock, by_pk: dict[int, SupplierPlan], staff: Staff | None) -> None:
    """A few questions a week to every supplier and their answers."""
    messages = []
    for plan in by_pk.values():
        for day_index in range(0, (clock.today - clock.first_day).days, 3):
            asked = clock.at(clock.first_day + timedelta(days=day_index), 10 + rng.randrange(7),
                             rng.randrange(60))
            reply = asked + timedelta(minutes=max(0.3, rng.expovariate(1 / plan.reply_minutes)))
            messages.append(SupplierMessage(supplier_id=plan.pk, staff=staff,
                                            direction=MessageDirection.TO_SUPPLIER,
                                            sent_at=asked, body="请确认本周到货时间和数量。"))
            messages.append(SupplierMessage(supplier_id=plan.pk,
                                            direction=MessageDirection.FROM_SUPPLIER,
                                            sent_at=reply, body="收到，按计划发货。"))
    bulk_insert(SupplierMessage, messages)


def write_supplier_orders(clock: Clock) -> int:
    """The drop-ship supplier's orders of the history: one per parcel its warehouse shipped,
    at the supplier's price, shipped when the parcel left (the supplier's hand-over)."""
    supplier = Supplier.objects.get(code=DROP_SHIP_SUPPLIER[0])
    # The history ships an order in one parcel: an order mixing drop-ship and own goods may
    # leave from YW01 with a few own goods, priced at their cost.
    unit_cost = dict(Sku.objects.values_list("pk", "cost_amount"))
    unit_cost.update(SupplierItem.objects.filter(supplier=supplier)
                     .values_list("sku_id", "unit_cost"))
    parcels = (Shipment.objects.filter(warehouse_id=supplier.warehouse_id)
               .prefetch_related("lines").order_by("created_at", "pk"))
    rows, per_day = [], defaultdict(int)
    for parcel in parcels:
        day = clock.local(parcel.created_at).date()
        per_day[day] += 1
        status = {ShipmentStatus.PENDING: SupplierOrderStatus.NEW,
                  ShipmentStatus.CANCELLED: SupplierOrderStatus.CANCELLED}.get(
            parcel.status, SupplierOrderStatus.SHIPPED)
        rows.append(SupplierOrder(
            number=supplier_order_number(day, per_day[day]), shipment_id=parcel.pk,
            supplier=supplier, status=status,
            cost_amount=sum((unit_cost[line.sku_id] * line.quantity for line in parcel.lines.all()),
                            Decimal("0.00")),
            accepted_at=parcel.created_at + timedelta(minutes=20)
            if status != SupplierOrderStatus.NEW else None,
            shipped_at=parcel.shipped_at, created_at=parcel.created_at,
            updated_at=parcel.shipped_at or parcel.created_at))
    bulk_insert(SupplierOrder, rows)
    Warehouse.objects.filter(pk=supplier.warehouse_id).update(
        feed_synced_at=clock.now - timedelta(minutes=6))
    return len(rows)
