"""The permission matrix: every API operation, the permission it needs, and what it shows.

Each row names the operation (method and path template exactly as in the OpenAPI schema),
a ``setup`` that builds what a valid call needs (path parameters, body, the object it
changes, and a check of the expected effect), the permission(s) the operation needs
(``None``: authentication alone is enough), and, for reads that show customers' personal
data or cost prices, the fields masked for roles without ``customers.view_personal_data`` or
``catalog.view_cost``. The roles allowed are derived from ``accounts/roles.py``: the owner
and every role granted all of the row's permissions. ``test_permissions.py`` calls every
row as anonymous and as every role (and as staff without any role) and fails when an
operation has no row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.api import matrix_cases as core
from tests.api import matrix_rows_channels_live_team, matrix_rows_integrations
from tests.api.case import Case
from tests.api.support import NOBODY
from tests.customers import matrix_cases_points as points_cases
from tests.customers import matrix_cases_segments as segment_cases
from tests.fulfillment import matrix_cases_carriers as carrier_cases
from tests.fulfillment import matrix_cases_dropship as dropship_cases
from tests.fulfillment import matrix_cases_parcels as parcel_cases
from tests.fulfillment import matrix_cases_waves as wave_cases
from tests.insights import matrix_cases_basket as basket_cases
from tests.insights import matrix_cases_briefing as briefing_cases
from tests.insights import matrix_cases_recommend as recommend_cases
from tests.insights import matrix_cases_simulation as simulation_cases
from tests.listing import matrix_cases as listing_cases
from tests.marketing import matrix_cases_campaigns as campaign_cases
from tests.marketing import matrix_cases_experiments as experiment_cases
from tests.orders import review_matrix_cases as review_cases
from tests.pricing import matrix_cases as pricing_cases
from tests.pricing import matrix_cases_membership as membership_cases
from tests.service import matrix_cases as service_cases
from tests.suppliers import matrix_cases as supplier_cases
from tests.suppliers import matrix_cases_replenishment as replenishment_cases
from tests.tasks import matrix_cases as tasks_cases
from zhanggui.accounts.roles import ROLE_PERMISSIONS, Role
from zhanggui.customers.rules import PERSONAL_DATA_PERMISSION, mask_address, mask_email, mask_name, mask_phone

V1 = "/api/v1"


COST_PERMISSION = "catalog.view_cost"


@dataclass(frozen=True)
class Mask:
    """A field of a response (``items.*.phone``: ``*`` runs over a list) that a caller
    without ``permission`` sees as ``mask(full value)``."""

    path: str
    permission: str
    mask: Callable[[Any], Any]


def personal(path: str, mask: Callable[[str], str]) -> Mask:
    return Mask(path, PERSONAL_DATA_PERMISSION, mask)


def cost(path: str) -> Mask:
    return Mask(path, COST_PERMISSION, lambda value: None)


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    setup: Callable[[], Case]
    permission: str | tuple[str, ...] | None
    status: int = 200
    masks: tuple[Mask, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.method} {self.path.removeprefix(V1)}"

    @property
    def permissions(self) -> tuple[str, ...]:
        if self.permission is None:
            return ()
        return (self.permission,) if isinstance(self.permission, str) else self.permission

    @property
    def allowed(self) -> list[str]:
        """The roles that may call it (``NOBODY`` too when authentication is enough)."""
        return [role for role in [*ROLES, NOBODY] if holds(role, self.permissions)]

    @property
    def denied(self) -> list[str]:
        return [role for role in [*ROLES, NOBODY] if role not in self.allowed]


ROLES = [role.value for role in Role]


def holds(role: str, permissions: tuple[str, ...]) -> bool:
    """Whether ``role`` is granted every one of ``permissions`` in ``accounts/roles.py``
    (the owner is granted every permission; ``NOBODY`` none)."""
    if role == Role.OWNER:
        return True
    granted = set(ROLE_PERMISSIONS.get(role, ()))
    return set(permissions) <= granted


ACC, CAT, INV, CUS = f"{V1}/accounts", f"{V1}/catalog", f"{V1}/inventory", f"{V1}/customers"
ORD, FUL, AFT = f"{V1}/orders", f"{V1}/fulfillment", f"{V1}/aftersales"
LST = f"{V1}/listing"
SUP = f"{V1}/suppliers"

ROWS: list[Row] = [
    Row("GET", f"{ACC}/me", core.me, None),
    Row("GET", f"{ACC}/tokens", core.list_tokens, "accounts.view_apitoken"),
    Row("POST", f"{ACC}/tokens", core.create_token, "accounts.add_apitoken", 201),
    Row("POST", f"{ACC}/tokens/{{token_id}}/revoke", core.revoke_token, "accounts.add_apitoken"),
    Row("GET", f"{ACC}/staff", core.list_staff, "accounts.view_staff"),
    Row("POST", f"{ACC}/staff/{{staff_id}}/deactivate", core.deactivate_staff, "accounts.change_staff"),
    Row("GET", f"{ACC}/operation-log", core.list_operations, "accounts.view_operationlog"),
    Row("GET", f"{CAT}/categories", core.list_categories, "catalog.view_category"),
    Row("GET", f"{CAT}/categories/{{category_id}}", core.get_category,
        ("catalog.view_category", "catalog.view_attributedefinition")),
    Row("GET", f"{CAT}/products", core.list_products, "catalog.view_product"),
    Row("GET", f"{CAT}/products/{{product_id}}", core.get_product,
        ("catalog.view_product", "catalog.view_sku"), masks=(cost("skus.*.cost_amount"),)),
    Row("POST", f"{CAT}/products", core.create_product, "catalog.add_product", 201),
    Row("PATCH", f"{CAT}/products/{{product_id}}", core.update_product, "catalog.change_product"),
    Row("POST", f"{CAT}/products/{{product_id}}/listing", core.set_listing, "catalog.change_product"),
    Row("POST", f"{CAT}/products/{{product_id}}/skus", core.create_sku, "catalog.add_sku", 201),
    Row("PATCH", f"{CAT}/skus/{{sku_id}}", core.update_sku, "catalog.change_sku"),
    Row("POST", f"{LST}/check", listing_cases.check_draft, "listing.run_audit"),
    Row("GET", f"{LST}/scores", listing_cases.list_scores,
        ("listing.view_productscore", "listing.view_finding")),
    Row("GET", f"{LST}/products/{{product_id}}", listing_cases.get_product_audit,
        ("listing.view_productscore", "listing.view_finding")),
    Row("POST", f"{LST}/products/{{product_id}}/audit", listing_cases.audit_product,
        ("listing.run_audit", "listing.view_productscore", "listing.view_finding")),
    Row("POST", f"{LST}/products/{{product_id}}/list", listing_cases.list_product,
        "catalog.change_product"),
    Row("POST", f"{LST}/audit-runs", listing_cases.start_audit_run, "listing.run_audit", 201),
    Row("GET", f"{INV}/warehouses", core.list_warehouses, "inventory.view_warehouse"),
    Row("GET", f"{INV}/stock", core.list_stock, "inventory.view_stock"),
    Row("POST", f"{INV}/stock/receive", core.receive_stock, "inventory.receive_stock", 201),
    Row("POST", f"{INV}/stock/adjust", core.adjust_stock, "inventory.adjust_stock", 201),
    Row("GET", f"{INV}/movements", core.list_movements, "inventory.view_stockmovement"),
    Row("GET", CUS, core.list_customers, "customers.view_customer", masks=(
        personal("items.*.name", mask_name), personal("items.*.phone", mask_phone),
        personal("items.*.email", mask_email))),
    Row("GET", f"{CUS}/{{customer_id}}", core.get_customer, "customers.view_customer", masks=(
        personal("name", mask_name), personal("phone", mask_phone),
        personal("email", mask_email), personal("addresses.*.recipient_name", mask_name),
        personal("addresses.*.phone", mask_phone), personal("addresses.*.detail", mask_address))),
    Row("POST", CUS, core.create_customer, "customers.add_customer", 201),
    Row("POST", f"{CUS}/{{customer_id}}/addresses", core.add_address, "customers.add_address", 201),
    Row("GET", ORD, core.list_orders, "orders.view_order", masks=(
        personal("items.*.recipient_name", mask_name),
        personal("items.*.recipient_phone", mask_phone),
        personal("items.*.address_detail", mask_address))),
    Row("GET", f"{ORD}/{{order_id}}", core.get_order_detail, "orders.view_order", masks=(
        personal("recipient_name", mask_name), personal("recipient_phone", mask_phone),
        personal("address_detail", mask_address))),
    Row("POST", ORD, core.place_order, "orders.place_order", 201),
    Row("GET", f"{V1}/pricing/promotions", pricing_cases.list_promotions, "pricing.view_promotion"),
    Row("POST", f"{V1}/pricing/promotions", pricing_cases.create_promotion,
        "pricing.add_promotion", 201),
    Row("GET", f"{V1}/pricing/promotions/{{promotion_id}}", pricing_cases.get_promotion,
        "pricing.view_promotion"),
    Row("PATCH", f"{V1}/pricing/promotions/{{promotion_id}}", pricing_cases.update_promotion,
        "pricing.change_promotion"),
    Row("GET", f"{V1}/pricing/coupon-templates", pricing_cases.list_coupon_templates,
        "pricing.view_coupontemplate"),
    Row("POST", f"{V1}/pricing/coupon-templates", pricing_cases.create_coupon_template,
        "pricing.add_coupontemplate", 201),
    Row("POST", f"{V1}/pricing/coupon-templates/{{template_id}}/issue", pricing_cases.issue_coupons,
        "pricing.add_coupon", 201),
    Row("GET", f"{V1}/pricing/shipping-templates", pricing_cases.list_shipping_templates,
        "pricing.view_shippingtemplate"),
    Row("POST", f"{V1}/pricing/shipping-templates", pricing_cases.create_shipping_template,
        "pricing.add_shippingtemplate", 201),
    Row("POST", f"{V1}/pricing/price-cart", pricing_cases.price_cart, "pricing.price_cart"),
    Row("POST", f"{ORD}/{{order_id}}/payments", core.record_payment, "orders.record_payment", 201),
    Row("POST", f"{ORD}/{{order_id}}/review", core.review_order, "orders.review_order"),
    Row("POST", f"{ORD}/{{order_id}}/cancel", core.cancel_order, "orders.cancel_order"),
    Row("POST", f"{ORD}/{{order_id}}/complete", core.complete_order, "orders.complete_order"),
    Row("GET", f"{ORD}/review/rules", review_cases.list_rules, "orders.view_reviewrule"),
    Row("PATCH", f"{ORD}/review/rules/{{rule_id}}", review_cases.update_rule,
        "orders.change_reviewrule"),
    Row("GET", f"{ORD}/review/holds", review_cases.list_holds, "orders.view_orderhold"),
    Row("POST", f"{ORD}/review/holds/{{hold_id}}/release", review_cases.release_hold,
        "orders.release_hold"),
    Row("POST", f"{ORD}/review/orders/{{order_id}}/recheck", review_cases.recheck_order,
        "orders.review_order"),
    Row("POST", f"{ORD}/review/orders/{{order_id}}/recipient", review_cases.update_recipient,
        "orders.change_order"),
    Row("POST", f"{ORD}/review/orders/{{order_id}}/seller-note", review_cases.update_seller_note,
        "orders.change_order"),
    Row("GET", f"{ORD}/review/blocked", review_cases.list_blocked, "orders.view_blockedbuyer",
        masks=(personal("items.*.phone", mask_phone),)),
    Row("POST", f"{ORD}/review/blocked", review_cases.block_buyer, "orders.add_blockedbuyer", 201),
    Row("PATCH", f"{ORD}/review/blocked/{{entry_id}}", review_cases.update_blocked,
        "orders.change_blockedbuyer"),
    Row("DELETE", f"{ORD}/review/blocked/{{entry_id}}", review_cases.unblock_buyer,
        "orders.delete_blockedbuyer"),
    Row("POST", f"{ORD}/payment-callbacks", review_cases.receive_callback, "orders.record_payment"),
    Row("GET", f"{ORD}/payment-callbacks", review_cases.list_callbacks,
        "orders.view_paymentcallback"),
    Row("GET", f"{FUL}/shipments", core.list_shipments, "fulfillment.view_shipment"),
    Row("POST", f"{FUL}/orders/{{order_id}}/ship", core.ship_order, "fulfillment.ship_order", 201),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/deliver", core.mark_delivered,
        "fulfillment.mark_delivered"),
    Row("POST", f"{FUL}/parcels/allocate", parcel_cases.allocate, "fulfillment.plan_shipments"),
    Row("GET", f"{FUL}/parcels/merge-candidates", parcel_cases.merge_candidates,
        "fulfillment.view_shipment"),
    Row("POST", f"{FUL}/parcels/merge", parcel_cases.merge, "fulfillment.plan_shipments"),
    Row("GET", f"{FUL}/parcels/{{shipment_id}}", parcel_cases.get_parcel,
        "fulfillment.view_shipment"),
    Row("POST", f"{FUL}/parcels/{{shipment_id}}/split", parcel_cases.split,
        "fulfillment.plan_shipments", 201),
    Row("POST", f"{FUL}/parcels/{{shipment_id}}/ship", parcel_cases.ship,
        "fulfillment.ship_order"),
    Row("GET", f"{FUL}/carrier-services", carrier_cases.list_carrier_services,
        ("fulfillment.view_carrierservice", "fulfillment.view_ratecardrow")),
    Row("POST", f"{FUL}/carrier-services", carrier_cases.create_carrier_service,
        "fulfillment.manage_carriers", 201),
    Row("PATCH", f"{FUL}/carrier-services/{{service_id}}", carrier_cases.update_carrier_service,
        "fulfillment.manage_carriers"),
    Row("PUT", f"{FUL}/carrier-services/{{service_id}}/rates", carrier_cases.set_rate_card,
        "fulfillment.manage_carriers"),
    Row("POST", f"{FUL}/carrier-services/{{service_id}}/waybill-range",
        carrier_cases.load_waybill_range, "fulfillment.manage_carriers"),
    Row("GET", f"{FUL}/carrier-services/quote", carrier_cases.quote,
        ("fulfillment.view_carrierservice", "fulfillment.view_ratecardrow")),
    Row("POST", f"{FUL}/tracking-events", carrier_cases.record_tracking_events,
        "fulfillment.record_tracking"),
    Row("GET", f"{FUL}/shipments/{{shipment_id}}/tracking-events",
        carrier_cases.list_tracking_events,
        ("fulfillment.view_shipment", "fulfillment.view_trackingevent")),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/tracking-events",
        carrier_cases.record_console_event, "fulfillment.record_tracking", 201),
    Row("POST", f"{FUL}/waves", wave_cases.build_waves, "fulfillment.build_waves", 201),
    Row("GET", f"{FUL}/waves", wave_cases.list_waves, "fulfillment.view_wave"),
    Row("GET", f"{FUL}/waves/{{wave_id}}", wave_cases.get_wave, "fulfillment.view_wave"),
    Row("GET", f"{FUL}/waves/{{wave_id}}/pick-list", wave_cases.pick_list,
        "fulfillment.view_wave"),
    Row("GET", f"{FUL}/waves/{{wave_id}}/pick-list/pdf", wave_cases.pick_list_pdf,
        "fulfillment.view_wave"),
    Row("POST", f"{FUL}/waves/{{wave_id}}/picked", wave_cases.confirm_picked,
        "fulfillment.build_waves"),
    Row("POST", f"{FUL}/waves/{{wave_id}}/remove", wave_cases.remove_from_wave,
        "fulfillment.build_waves"),
    Row("POST", f"{FUL}/waves/{{wave_id}}/cancel", wave_cases.cancel_wave,
        "fulfillment.build_waves"),
    Row("GET", f"{FUL}/shipments/{{shipment_id}}/packing", wave_cases.get_packing,
        "fulfillment.view_shipment"),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/scan", wave_cases.scan,
        "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/finish-packing", wave_cases.finish_packing,
        "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/unpack", wave_cases.unpack,
        "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/tracking-numbers", wave_cases.assign_tracking_numbers,
        "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/{{shipment_id}}/tracking-number",
        wave_cases.set_tracking_number, "fulfillment.pack_shipment"),
    Row("POST", f"{FUL}/shipments/labels", wave_cases.labels,
        ("fulfillment.pack_shipment", "fulfillment.print_labels")),
    Row("POST", f"{FUL}/shipments/packing-slips", wave_cases.packing_slips,
        "fulfillment.pack_shipment"),
    Row("GET", f"{AFT}/requests", core.list_requests, "aftersales.view_aftersalesrequest"),
    Row("GET", f"{AFT}/requests/{{request_id}}", core.get_request,
        ("aftersales.view_aftersalesrequest", "aftersales.view_aftersalesline")),
    Row("POST", f"{AFT}/requests", core.create_request, "aftersales.add_aftersalesrequest", 201),
    Row("POST", f"{AFT}/requests/{{request_id}}/approve", core.approve_request,
        "aftersales.decide_request"),
    Row("POST", f"{AFT}/requests/{{request_id}}/reject", core.reject_request,
        "aftersales.decide_request"),
    Row("POST", f"{AFT}/requests/{{request_id}}/receive", core.receive_return,
        "aftersales.receive_return"),
    Row("GET", f"{AFT}/refunds", core.list_refunds, "aftersales.view_refund"),
    Row("POST", f"{AFT}/refunds", core.issue_refund, "aftersales.issue_refund", 201),
    Row("POST", f"{V1}/traffic/events", core.ingest_events, "traffic.add_event"),
    Row("GET", f"{V1}/traffic/events", core.list_events, "traffic.view_event"),
    Row("GET", f"{V1}/analytics/metrics", core.analytics_metrics, "analytics.view_reports"),
    Row("GET", f"{V1}/analytics/reports/{{name}}", core.analytics_report, "analytics.view_reports"),
    Row("POST", f"{V1}/analytics/refresh", core.analytics_refresh, "analytics.refresh_warehouse"),
    Row("GET", f"{V1}/tasks", tasks_cases.list_tasks, "tasks.view_task"),
    Row("GET", f"{V1}/tasks/{{task_id}}", tasks_cases.get_task, "tasks.view_task"),
    Row("POST", f"{V1}/tasks/{{task_id}}/assign", tasks_cases.assign_task,
        ("tasks.view_task", "tasks.change_task")),
    Row("POST", f"{V1}/tasks/{{task_id}}/comment", tasks_cases.comment_task,
        ("tasks.view_task", "tasks.change_task")),
    Row("POST", f"{V1}/tasks/{{task_id}}/resolve", tasks_cases.resolve_task,
        ("tasks.view_task", "tasks.change_task")),
    Row("GET", f"{V1}/tasks/routes", tasks_cases.list_routes, "tasks.change_taskroute"),
    Row("PUT", f"{V1}/tasks/routes/{{kind}}", tasks_cases.save_route, "tasks.change_taskroute"),
    Row("GET", f"{V1}/suppliers/reorder-list", replenishment_cases.reorder_list,
        "suppliers.view_supplier", masks=(cost("groups.*.total_cost"),
                                          cost("groups.*.rows.*.unit_cost"),
                                          cost("groups.*.rows.*.line_cost"))),
    Row("POST", f"{V1}/suppliers/reorder-list/draft-purchase-orders",
        replenishment_cases.draft_purchase_orders,
        ("suppliers.view_supplier", "suppliers.add_purchaseorder"), 201),
    Row("GET", f"{INV}/skus/{{sku_id}}/forecast", replenishment_cases.sku_forecast,
        ("inventory.view_forecastfit", "inventory.view_demandforecast")),
    # Drop-shipping (一件代发), the supplier's stock feed, ad spend (issue 15).
    Row("GET", f"{FUL}/supplier-orders", dropship_cases.list_supplier_orders,
        "fulfillment.view_supplierorder", masks=(cost("items.*.cost_amount"),)),
    Row("POST", f"{FUL}/supplier-orders/export", dropship_cases.export_supplier_orders,
        "fulfillment.ship_supplierorder"),
    Row("GET", f"{FUL}/supplier-orders/{{order_id}}", dropship_cases.get_supplier_order,
        "fulfillment.view_supplierorder", masks=(cost("cost_amount"),)),
    Row("POST", f"{FUL}/supplier-orders/{{order_id}}/recipient", dropship_cases.reveal_recipient,
        "fulfillment.ship_supplierorder"),
    Row("POST", f"{FUL}/supplier-orders/{{order_id}}/accept",
        dropship_cases.accept_supplier_order, "fulfillment.ship_supplierorder"),
    Row("POST", f"{FUL}/supplier-orders/{{order_id}}/ship", dropship_cases.ship_supplier_order,
        "fulfillment.ship_supplierorder"),
    Row("POST", f"{INV}/warehouses/{{warehouse_id}}/feed", dropship_cases.sync_stock_feed,
        "inventory.sync_stock_feed", 201),
    Row("GET", f"{V1}/marketing/ad-spend", dropship_cases.list_ad_spend, "marketing.view_adspend"),
    Row("POST", f"{V1}/marketing/ad-spend", dropship_cases.create_ad_spend,
        "marketing.add_adspend", 201),
    Row("PATCH", f"{V1}/marketing/ad-spend/{{spend_id}}", dropship_cases.update_ad_spend,
        "marketing.change_adspend"),
    Row("DELETE", f"{V1}/marketing/ad-spend/{{spend_id}}", dropship_cases.delete_ad_spend,
        "marketing.delete_adspend"),
    # Suppliers and purchase orders (tests/suppliers/matrix_cases.py).
    Row("GET", f"{SUP}/purchase-orders", supplier_cases.list_purchase_orders,
        "suppliers.view_purchaseorder", masks=(cost("items.*.total_cost"),)),
    Row("POST", f"{SUP}/purchase-orders", supplier_cases.create_purchase_order,
        "suppliers.add_purchaseorder", 201),
    Row("GET", f"{SUP}/purchase-orders/{{po_id}}", supplier_cases.get_purchase_order,
        "suppliers.view_purchaseorder",
        masks=(cost("total_cost"), cost("freight_cost"), cost("lines.*.unit_cost"),
               cost("receipts.*.freight_cost"), cost("receipts.*.lines.*.landed_unit_cost"))),
    Row("PUT", f"{SUP}/purchase-orders/{{po_id}}/lines", supplier_cases.update_purchase_order_lines,
        "suppliers.change_purchaseorder"),
    Row("POST", f"{SUP}/purchase-orders/{{po_id}}/send", supplier_cases.send_purchase_order,
        "suppliers.send_purchaseorder"),
    Row("POST", f"{SUP}/purchase-orders/{{po_id}}/receive", supplier_cases.receive_purchase_order,
        "suppliers.receive_purchaseorder", 201),
    Row("POST", f"{SUP}/purchase-orders/{{po_id}}/close", supplier_cases.close_purchase_order,
        "suppliers.close_purchaseorder"),
    Row("POST", f"{SUP}/purchase-orders/{{po_id}}/cancel", supplier_cases.cancel_purchase_order,
        "suppliers.close_purchaseorder"),
    Row("GET", f"{SUP}/purchase-orders/{{po_id}}/pdf", supplier_cases.purchase_order_pdf,
        "suppliers.view_purchaseorder"),
    Row("GET", SUP, supplier_cases.list_suppliers, "suppliers.view_supplier"),
    Row("POST", SUP, supplier_cases.create_supplier, "suppliers.add_supplier", 201),
    Row("GET", f"{SUP}/{{supplier_id}}", supplier_cases.get_supplier, "suppliers.view_supplier"),
    Row("PATCH", f"{SUP}/{{supplier_id}}", supplier_cases.update_supplier,
        "suppliers.change_supplier"),
    Row("GET", f"{SUP}/{{supplier_id}}/items", supplier_cases.list_supplier_items,
        ("suppliers.view_supplier", "suppliers.view_supplieritem"),
        masks=(cost("*.unit_cost"),)),
    Row("PUT", f"{SUP}/{{supplier_id}}/items/{{sku_id}}", supplier_cases.save_supplier_item,
        ("suppliers.add_supplieritem", "suppliers.change_supplieritem")),
    Row("DELETE", f"{SUP}/{{supplier_id}}/items/{{sku_id}}", supplier_cases.delete_supplier_item,
        "suppliers.delete_supplieritem"),
    Row("GET", f"{SUP}/{{supplier_id}}/contacts", supplier_cases.list_supplier_contacts,
        ("suppliers.view_supplier", "suppliers.view_suppliercontact")),
    Row("POST", f"{SUP}/{{supplier_id}}/contacts", supplier_cases.add_supplier_contact,
        "suppliers.add_suppliercontact", 201),
    Row("PUT", f"{SUP}/{{supplier_id}}/contacts/{{contact_id}}",
        supplier_cases.update_supplier_contact, "suppliers.change_suppliercontact"),
    Row("DELETE", f"{SUP}/{{supplier_id}}/contacts/{{contact_id}}",
        supplier_cases.delete_supplier_contact, "suppliers.delete_suppliercontact"),
    Row("GET", f"{SUP}/{{supplier_id}}/messages", supplier_cases.list_supplier_messages,
        ("suppliers.view_supplier", "suppliers.view_suppliermessage")),
    Row("POST", f"{SUP}/{{supplier_id}}/messages", supplier_cases.record_supplier_message,
        "suppliers.add_suppliermessage", 201),
    # A/B tests (tests/marketing/matrix_cases_experiments.py).
    Row("GET", f"{V1}/marketing/experiments", experiment_cases.list_experiments,
        "marketing.view_experiment"),
    Row("GET", f"{V1}/marketing/experiments/{{experiment_id}}", experiment_cases.get_experiment,
        "marketing.view_experiment"),
    Row("POST", f"{V1}/marketing/experiments", experiment_cases.create_experiment,
        "marketing.add_experiment", 201),
    Row("POST", f"{V1}/marketing/experiments/{{experiment_id}}/start",
        experiment_cases.start_experiment, "marketing.change_experiment"),
    Row("POST", f"{V1}/marketing/experiments/{{experiment_id}}/stop",
        experiment_cases.stop_experiment, "marketing.change_experiment"),
    Row("GET", f"{V1}/marketing/experiments/{{experiment_id}}/results",
        experiment_cases.experiment_results, ("marketing.view_experiment", "analytics.view_reports")),
    # Membership: points and tiers (tests/customers/matrix_cases_points.py,
    # tests/pricing/matrix_cases_membership.py).
    Row("GET", f"{CUS}/{{customer_id}}/points", points_cases.get_points,
        "customers.view_pointsentry"),
    Row("POST", f"{CUS}/{{customer_id}}/points/adjust", points_cases.adjust_points,
        "customers.adjust_points"),
    Row("GET", f"{V1}/pricing/member-tiers", membership_cases.list_member_tiers,
        "pricing.view_membertier"),
    Row("POST", f"{V1}/pricing/coupon-templates/{{template_id}}/exchange",
        membership_cases.exchange_points, "pricing.add_coupon", 201),
]
# Service desk (tests/service/matrix_cases.py).
SVC = f"{V1}/service"
ROWS += [
    Row("GET", f"{SVC}/tickets", service_cases.list_tickets, "service.view_ticket"),
    Row("POST", f"{SVC}/tickets", service_cases.open_ticket,
        ("service.add_ticket", "service.add_ticketmessage"), 201),
    Row("GET", f"{SVC}/tickets/{{ticket_id}}", service_cases.get_ticket,
        ("service.view_ticket", "service.view_ticketmessage")),
    Row("POST", f"{SVC}/tickets/{{ticket_id}}/reply", service_cases.reply_ticket,
        "service.reply_ticket", 201),
    Row("POST", f"{SVC}/tickets/{{ticket_id}}/notes", service_cases.add_note,
        "service.add_ticketmessage", 201),
    Row("POST", f"{SVC}/tickets/{{ticket_id}}/assign", service_cases.assign_ticket,
        "service.assign_ticket"),
    Row("POST", f"{SVC}/tickets/{{ticket_id}}/pending", service_cases.set_pending,
        "service.reply_ticket"),
    Row("POST", f"{SVC}/tickets/{{ticket_id}}/resolve", service_cases.resolve_ticket,
        "service.reply_ticket"),
    Row("POST", f"{SVC}/tickets/{{ticket_id}}/close", service_cases.close_ticket,
        "service.reply_ticket"),
    Row("POST", f"{SVC}/conversations", service_cases.import_conversation,
        ("service.add_ticket", "service.add_ticketmessage"), 201),
    Row("POST", f"{SVC}/inbound-mail", service_cases.inbound_mail,
        ("service.add_ticket", "service.add_ticketmessage")),
    Row("GET", f"{SVC}/canned-replies", service_cases.list_canned_replies,
        "service.view_cannedreply"),
]
# Campaigns and unsubscriptions (tests/marketing/matrix_cases_campaigns.py).
MKT = f"{V1}/marketing"
ROWS += [
    Row("GET", f"{MKT}/campaigns", campaign_cases.list_campaigns, "marketing.view_campaign"),
    Row("GET", f"{MKT}/campaigns/{{campaign_id}}", campaign_cases.get_campaign,
        "marketing.view_campaign", masks=(cost("results.*.gross_profit_amount"),)),
    Row("POST", f"{MKT}/campaigns", campaign_cases.create_campaign, "marketing.add_campaign", 201),
    Row("PATCH", f"{MKT}/campaigns/{{campaign_id}}", campaign_cases.update_campaign,
        "marketing.change_campaign"),
    Row("POST", f"{MKT}/campaigns/{{campaign_id}}/prepare", campaign_cases.prepare_campaign,
        "marketing.change_campaign"),
    Row("POST", f"{MKT}/campaigns/{{campaign_id}}/send", campaign_cases.send_campaign,
        "marketing.send_campaign"),
    Row("POST", f"{MKT}/campaigns/{{campaign_id}}/cancel", campaign_cases.cancel_campaign,
        "marketing.change_campaign"),
    Row("GET", f"{MKT}/campaigns/{{campaign_id}}/messages",
        campaign_cases.list_campaign_messages, "marketing.view_message"),
    Row("POST", f"{MKT}/unsubscribes", campaign_cases.create_unsubscribe,
        "marketing.add_unsubscribe", 201),
]
# Segments (tests/customers/matrix_cases_segments.py).
SEG = f"{CUS}/segments"
ROWS += [
    Row("GET", SEG, segment_cases.list_segments, "customers.view_segment"),
    Row("GET", f"{SEG}/fields", segment_cases.list_fields, "customers.view_segment"),
    Row("POST", f"{SEG}/preview", segment_cases.preview_segment,
        ("customers.view_segment", "customers.view_customer"), masks=(
            personal("customers.*.name", mask_name), personal("customers.*.phone", mask_phone),
            personal("customers.*.email", mask_email))),
    Row("GET", f"{SEG}/{{segment_id}}", segment_cases.get_segment, "customers.view_segment"),
    Row("POST", SEG, segment_cases.create_segment, "customers.add_segment", 201),
    Row("PATCH", f"{SEG}/{{segment_id}}", segment_cases.update_segment, "customers.change_segment"),
    Row("POST", f"{SEG}/{{segment_id}}/deactivate", segment_cases.deactivate_segment,
        "customers.change_segment"),
    Row("GET", f"{SEG}/{{segment_id}}/members", segment_cases.list_members,
        ("customers.view_segmentmember", "customers.view_customer"), masks=(
            personal("items.*.name", mask_name), personal("items.*.phone", mask_phone),
            personal("items.*.email", mask_email))),
]
# Recommendations for the storefront (tests/insights/matrix_cases_recommend.py).
REC = f"{V1}/insights/recommendations"
ROWS += [
    Row("GET", f"{REC}/products/{{product_id}}/bought-together", recommend_cases.bought_together,
        "catalog.view_productaffinity"),
    Row("GET", f"{REC}/customers/{{customer_id}}", recommend_cases.for_you,
        "customers.view_customerrecommendation"),
]
# Promotion simulations (tests/insights/matrix_cases_simulation.py).
SIM = f"{V1}/insights/promotions/{{promotion_id}}/simulations"
ROWS += [
    Row("POST", SIM, simulation_cases.create, "insights.add_promotionsimulation", status=201,
        masks=(cost("margin_before"), cost("margin_after"))),
    Row("GET", SIM, simulation_cases.list_, "insights.view_promotionsimulation",
        masks=(cost("items.*.margin_before"), cost("items.*.margin_after"))),
]
# Basket analysis (tests/insights/matrix_cases_basket.py).
BSK = f"{V1}/insights/basket"
ROWS += [
    Row("GET", f"{BSK}/rules", basket_cases.latest_rules, "insights.view_associationrule"),
    Row("GET", f"{BSK}/bundles", basket_cases.latest_bundles, "insights.view_associationrule"),
    Row("POST", f"{BSK}/runs", basket_cases.create_run, "insights.add_basketrun", 201),
]
# The daily briefing and the KPI anomalies (tests/insights/matrix_cases_briefing.py).
BRF = f"{V1}/insights/briefings"
ROWS += [
    Row("GET", f"{BRF}/latest", briefing_cases.latest, "insights.view_briefing"),
    Row("GET", f"{BRF}/{{day}}", briefing_cases.of_day, "insights.view_briefing"),
    Row("GET", f"{V1}/insights/anomalies", briefing_cases.anomalies, "insights.view_anomaly"),
    Row("GET", f"{V1}/insights/anomalies/{{anomaly_id}}", briefing_cases.anomaly,
        "insights.view_anomaly"),
]
# Channels, their stock sync, team KPIs, live sessions (issue 18).
ROWS += matrix_rows_channels_live_team.rows(Row, V1)
# Webhook endpoints, their delivery log and replay (tests/integrations/matrix_cases.py).
ROWS += matrix_rows_integrations.rows(Row, V1)
