"""Write imported orders in bulk: orders, lines, payments, refunds and shipments.

Imported orders are history: ``is_imported=True``, their lines carry their own
snapshots, and nothing here touches stock — no reservation, no movement, no Stock row
(``place_order`` would reserve stock, so it is deliberately not used). An order whose
channel and external id already exist is skipped untouched, which makes re-importing
a file change nothing. Callers run ``write`` inside the import's transaction.
"""

from collections import Counter

from zhanggui.accounts.models import Staff
from zhanggui.aftersales.models import Refund
from zhanggui.core.money import ZERO, default_currency
from zhanggui.customers.models import Customer
from zhanggui.fulfillment.models import RoutingReason, Shipment, ShipmentLine, ShipmentStatus
from zhanggui.imports import keys, rules
from zhanggui.imports.bulk import insert_rows
from zhanggui.imports.profiles.base import Options
from zhanggui.imports.references import BATCH_SIZE, References, in_chunks
from zhanggui.orders.models import Order, OrderLine, Payment, PaymentStatus
from zhanggui.orders.rules import SHIPPED_STATES

LINE_FIELDS = ["order_id", "sku_id", "warehouse_id", "product_title", "sku_code", "option_values",
               "quantity", "unit_price_amount", "unit_cost_amount", "discount_amount",
               "total_amount", "returned_quantity", "refunded_amount", "item_discount_amount",
               "allocations"]


class OrderWriter:
    def __init__(self, *, channel: str, options: Options, actor: Staff | None,
                 references: References, counts: Counter):
        self.channel = channel
        self.options = options
        self.actor = actor
        self.references = references
        self.counts = counts
        # (carrier, tracking number) → the parcel this import made for it
        self.tracking_numbers: dict[tuple[str, str], Shipment | None] = {}

    def write(self, drafts: list[rules.OrderDraft]) -> None:
        existing = self._existing_ids([d.order_id for d in drafts])
        new = [d for d in drafts if d.order_id not in existing]
        self.counts["orders_skipped"] += len(drafts) - len(new)
        if not new:
            return
        self._ensure_references(new)
        orders = [self._order(d) for d in new]
        Order.objects.bulk_create(orders, batch_size=BATCH_SIZE)
        self.counts["orders_created"] += len(orders)
        pairs = list(zip(new, orders, strict=True))
        self._write_lines(pairs)
        self._write_payments(pairs)
        self._write_refunds(pairs)
        self._write_shipments(pairs)

    def _existing_ids(self, order_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in in_chunks(order_ids):
            found.update(Order.objects.filter(channel=self.channel, external_id__in=chunk)
                         .values_list("external_id", flat=True))
        return found

    def _ensure_references(self, drafts: list[rules.OrderDraft]) -> None:
        customers: dict[str, Customer] = {}
        for draft in drafts:
            code = keys.customer_code(self.channel, draft.header.get("customer_id"))
            if code not in customers and code not in self.references.customers:
                customers[code] = self._customer(code, draft.header)
        self.references.ensure_customers(customers)
        self.references.ensure_skus(line for d in drafts for line in d.lines)
        self.references.ensure_warehouses(line.warehouse_code for d in drafts for line in d.lines)

    def _customer(self, code: str, header: dict) -> Customer:
        customer_id = header.get("customer_id")
        return Customer(code=code, channel=self.channel,
                        nickname=(header.get("customer_name") or customer_id or keys.GUEST)[:60],
                        email=header.get("customer_email", "") if customer_id else "",
                        phone=header.get("customer_phone", "") if customer_id else "",
                        country=header.get("country", "") if customer_id else "",
                        is_guest=not customer_id)

    def _order(self, draft: rules.OrderDraft) -> Order:
        header, times = draft.header, draft.times
        province, city, district, street = keys.recipient_address(header)
        return Order(
            number=keys.order_number(self.channel, draft.order_id),
            customer_id=self.references.customers[
                keys.customer_code(self.channel, header.get("customer_id"))],
            channel=self.channel, external_id=draft.order_id, is_imported=True,
            status=draft.status,
            currency=header.get("currency") or self.options.currency or default_currency(),
            goods_amount=draft.goods_amount, discount_amount=draft.discount_amount,
            shipping_amount=draft.shipping_amount, total_amount=draft.total_amount,
            paid_amount=draft.paid_amount, refunded_amount=draft.refunded_amount,
            recipient_name=header.get("recipient_name", ""),
            recipient_phone=header.get("recipient_phone", ""), province_code=province,
            city=city, district=district, address_detail=street,
            country=header.get("country", ""), buyer_note=header.get("buyer_note", ""),
            seller_note=header.get("seller_note", ""), cancel_reason=draft.cancel_reason[:200],
            **times,
        )

    def _write_lines(self, pairs: list[tuple[rules.OrderDraft, Order]]) -> None:
        skus, warehouses = self.references.skus, self.references.warehouses
        rows = []
        for draft, order in pairs:
            fully_refunded = draft.refunded_amount > 0 and draft.refunded_amount == draft.total_amount
            returned = draft.credit == rules.CANCELLATION
            rows.extend(
                (order.pk, skus[line.sku_code], warehouses.get(line.warehouse_code),
                 line.title[:120], line.sku_code, line.options, line.quantity,
                 line.unit_price_amount, line.unit_cost_amount, line.discount_amount,
                 line.total_amount, line.quantity if returned else 0,
                 line.total_amount if fully_refunded else ZERO,
                 # Imported history carries the file's own discount; no offer allocation.
                 line.discount_amount, {})
                for line in draft.lines)
        self.counts["lines_created"] += insert_rows(OrderLine, LINE_FIELDS, rows, BATCH_SIZE)

    def _write_payments(self, pairs: list[tuple[rules.OrderDraft, Order]]) -> None:
        payments = []
        for draft, order in pairs:
            method = draft.header.get("payment_method") or self.options.payment_method
            if draft.paid_amount <= 0 or not method:
                continue
            payments.append(Payment(
                order_id=order.pk, method=method, amount=draft.paid_amount,
                currency=order.currency, status=PaymentStatus.SUCCEEDED,
                transaction_id=draft.header.get("payment_reference", ""),
                created_at=order.paid_at or order.placed_at, actor=self.actor))
        Payment.objects.bulk_create(payments, batch_size=BATCH_SIZE)
        self.counts["payments_created"] += len(payments)

    def _write_refunds(self, pairs: list[tuple[rules.OrderDraft, Order]]) -> None:
        refunds = []
        for draft, order in pairs:
            if draft.refunded_amount <= 0:
                continue
            refunds.append(Refund(
                order_id=order.pk, amount=draft.refunded_amount, currency=order.currency,
                reason=(draft.cancel_reason or "imported refund")[:200], actor=self.actor,
                created_at=order.cancelled_at or order.closed_at or order.completed_at
                or order.placed_at))
        Refund.objects.bulk_create(refunds, batch_size=BATCH_SIZE)
        self.counts["refunds_created"] += len(refunds)

    def _write_shipments(self, pairs: list[tuple[rules.OrderDraft, Order]]) -> None:
        wanted, joining = [], {}
        for draft, order in pairs:
            carrier = keys.carrier_code(draft.header.get("carrier", ""))
            tracking = draft.header.get("tracking_number", "")
            if order.status not in SHIPPED_STATES or not (carrier and tracking):
                continue
            if (carrier, tracking) in self.tracking_numbers:
                # Several orders in one parcel: the first one makes it, the others join it.
                joining.setdefault((carrier, tracking), []).append(order)
                continue
            wanted.append((draft, order, carrier, tracking))
            self.tracking_numbers[(carrier, tracking)] = None
        self._write_parcels(wanted)
        for key, orders in joining.items():
            if self.tracking_numbers.get(key) is not None:
                self._parcel_lines(self.tracking_numbers[key], orders)

    def _write_parcels(self, wanted) -> None:
        if not wanted:
            return
        taken = set(Shipment.objects.filter(tracking_number__in=[w[3] for w in wanted])
                    .values_list("carrier", "tracking_number"))
        made = [(self._shipment(draft, order, carrier, tracking), order)
                for draft, order, carrier, tracking in wanted
                if (carrier, tracking) not in taken]
        Shipment.objects.bulk_create([shipment for shipment, _order in made],
                                     batch_size=BATCH_SIZE)
        for shipment, _order in made:
            self.tracking_numbers[(shipment.carrier, shipment.tracking_number)] = shipment
        self._parcel_lines(None, [order for _shipment, order in made],
                           parcels={order.pk: shipment for shipment, order in made})
        self.counts["shipments_created"] += len(made)

    def _parcel_lines(self, parcel: Shipment | None, orders: list[Order], *,
                      parcels: dict[int, Shipment] | None = None) -> None:
        """The orders' lines, all packed, in their parcel (``parcel``, or each order's own)."""
        lines = OrderLine.objects.filter(order_id__in=[o.pk for o in orders]).values_list(
            "pk", "order_id", "sku_id", "quantity")
        ShipmentLine.objects.bulk_create([
            ShipmentLine(shipment=parcel or parcels[order_id], order_line_id=pk, sku_id=sku_id,
                         quantity=quantity, packed_quantity=quantity)
            for pk, order_id, sku_id, quantity in lines], batch_size=BATCH_SIZE)

    def _shipment(self, draft: rules.OrderDraft, order: Order, carrier: str,
                  tracking: str) -> Shipment:
        code = next((line.warehouse_code for line in draft.lines if line.warehouse_code), "")
        warehouse_id = self.references.warehouses.get(code) or self.references.import_warehouse_id()
        delivered = order.completed_at if order.status != "shipped" else None
        return Shipment(order_id=order.pk, warehouse_id=warehouse_id, carrier=carrier,
                        tracking_number=tracking, routing_reason=RoutingReason.IMPORTED,
                        status=ShipmentStatus.DELIVERED if delivered else ShipmentStatus.SHIPPED,
                        shipped_at=order.shipped_at or order.paid_at or order.placed_at,
                        delivered_at=delivered, shipped_by=self.actor)

