"""The seven roles of GLOSSARY.md as permission groups, each least-privilege.

Permissions are listed as ``app_label.codename``. ``sync_roles`` makes the groups in
the database match this table exactly; migrations call it, and so can an operator
(``zhanggui manage sync_roles``) after a permission is added in code.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    OPERATOR = "operator", _("Operator")
    SERVICE = "service", _("Customer service")
    WAREHOUSE = "warehouse", _("Warehouse")
    FINANCE = "finance", _("Finance")
    DESIGNER = "designer", _("Designer")
    ANALYST = "analyst", _("Analyst")
    # A drop-ship supplier's own staff: sees and ships that supplier's orders, uploads its
    # stock feed; nothing else (docs/supply.md).
    SUPPLIER = "supplier", _("Supplier")


def _view(*models_: str) -> list[str]:
    return [f"{label.split('.')[0]}.view_{label.split('.')[1]}" for label in models_]


def _crud(label: str) -> list[str]:
    app, model = label.split(".")
    return [f"{app}.{verb}_{model}" for verb in ("add", "change", "delete", "view")]


CATALOG_MODELS = ("catalog.category", "catalog.attributedefinition", "catalog.tag",
                  "catalog.product", "catalog.sku", "catalog.productmedia")
FULFILLMENT_MODELS = ("fulfillment.shipment", "fulfillment.shipmentline", "fulfillment.wave",
                      "fulfillment.packscan", "fulfillment.trackingevent",
                      "fulfillment.carrierservice", "fulfillment.ratecardrow")
ORDER_MODELS = ("orders.order", "orders.orderline", "orders.payment", *FULFILLMENT_MODELS,
                "aftersales.aftersalesrequest", "aftersales.aftersalesline", "aftersales.refund")
STOCK_MODELS = ("inventory.warehouse", "inventory.stock", "inventory.stockmovement",
                "inventory.reservation")
CUSTOMER_MODELS = ("customers.customer", "customers.address", "customers.customertag")
PRICING_MODELS = ("pricing.promotion", "pricing.coupontemplate", "pricing.coupon",
                  "pricing.shippingtemplate", "pricing.shippingregionrule", "pricing.pricelist",
                  "pricing.pricelistentry", "pricing.membertier", "pricing.customermembership",
                  "pricing.skushippingsize")

# Run listing checks and read findings, scores, the word list and the check settings
# (only the owner edits the word list and may override a blocking finding).
LISTING_CHECKS = ["listing.run_audit", *_view(
    "listing.productscore", "listing.finding", "listing.auditrun", "listing.wordlistentry",
    "listing.declaredbrand", "listing.channeltitlelimit", "listing.categorycheck",
    "listing.listingpolicy")]

# Follow up tasks (zhanggui.tasks): see them, and assign, comment on and resolve them
# (anyone may also comment on and resolve the tasks assigned to them).
TASKS_VIEW = ["tasks.view_task"]
TASKS_WORK = ["tasks.view_task", "tasks.change_task"]

# Supply (zhanggui.suppliers): supplier records and costs are for finance and the owner;
# the warehouse receives purchase orders without seeing costs.
SUPPLIER_MODELS = ("suppliers.supplier", "suppliers.suppliercontact", "suppliers.supplieritem",
                   "suppliers.suppliermessage")
PURCHASE_MODELS = ("suppliers.purchaseorder", "suppliers.purchaseorderline", "suppliers.receipt",
                   "suppliers.receiptline")
FORECAST_VIEW = _view("inventory.forecastfit", "inventory.demandforecast")
RECEIVING = [*_view(*PURCHASE_MODELS), "suppliers.receive_purchaseorder", "suppliers.add_receipt",
             "inventory.sync_stock_feed", "inventory.view_stockfeedrun",
             "fulfillment.view_supplierorder"]

# The service desk (zhanggui.service): tickets, their messages and the desk's rules.
TICKET_MODELS = ("service.ticket", "service.ticketmessage")
SERVICE_DESK_RULES = ("service.cannedreply", "service.autoreplyrule", "service.assignmentrule")
TICKETS_WORK = [*_view(*TICKET_MODELS, *SERVICE_DESK_RULES, "service.servicepolicy"),
                "service.add_ticket", "service.change_ticket", "service.reply_ticket",
                "service.assign_ticket", "service.add_ticketmessage"]
# Membership (points in customers, tiers in pricing) and segments (customers).
POINTS_VIEW = _view("customers.pointsaccount", "customers.pointsentry", "customers.pointspolicy",
                    "pricing.tierpolicy")
SEGMENTS_VIEW = _view("customers.segment", "customers.segmentmember", "customers.segmentsize",
                      "customers.customerscore")
# Campaigns and A/B tests (marketing).
CAMPAIGN_MODELS = ("marketing.campaign", "marketing.experiment", "marketing.experimentarm")
CAMPAIGNS_VIEW = _view(*CAMPAIGN_MODELS, "marketing.recipient", "marketing.message",
                       "marketing.unsubscribe", "marketing.campaignresult",
                       "marketing.contactpolicy", "marketing.assignment")

# Operations intelligence (insights): basket rules, anomalies, the briefing, simulations; and
# what it writes below (customer value and recommendations, "bought together").
INSIGHTS_VIEW = _view("insights.basketrun", "insights.associationrule", "insights.anomaly",
                      "insights.briefing", "insights.briefingaction",
                      "insights.promotionsimulation", "customers.customervalue",
                      "customers.customerrecommendation", "catalog.productaffinity")
INSIGHTS_RUN = ["insights.add_basketrun", "insights.add_promotionsimulation"]

# Automatic order review (orders.review): see the rules and the holds.
REVIEW_VIEW = ["orders.view_reviewrule", "orders.view_orderhold"]

# Sales channels (channels): listings, prices and stock sync rules are the operator's; the
# quantities and the publish log are read by whoever watches stock.
CHANNEL_MODELS = ("channels.channel", "channels.channellisting", "channels.syncrule")
CHANNEL_SYNC_VIEW = _view("channels.publishedquantity", "channels.publishrun",
                          "channels.publishline", "channels.syncmark")
CHANNELS_VIEW = [*_view(*CHANNEL_MODELS), *CHANNEL_SYNC_VIEW]
# Livestream selling (live): planned, run and reviewed by the operator.
LIVE_MODELS = ("live.livesession", "live.livesegment", "live.livemetric", "live.livereview")
LIVE_VIEW = _view(*LIVE_MODELS)
# Team targets and reviews (team) are the owner's; everyone sees their own numbers.

# The owner gets every permission; the other roles get exactly these.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OPERATOR: [
        *[p for m in CATALOG_MODELS for p in _crud(m) if not p.startswith("catalog.delete_")],
        *_view(*STOCK_MODELS, *ORDER_MODELS, *CUSTOMER_MODELS),
        "customers.change_customer", "customers.add_customertag", "customers.change_customertag",
        "traffic.view_event",
        "analytics.view_reports", "analytics.view_warehouserun", "analytics.refresh_warehouse",
        *[p for m in PRICING_MODELS for p in _crud(m)],
        *_view("pricing.pricehistory", "pricing.offerusage"), "pricing.price_cart",
        *LISTING_CHECKS,
        *REVIEW_VIEW, "orders.change_reviewrule", "orders.view_blockedbuyer",
        *TASKS_WORK,
        *FORECAST_VIEW, "fulfillment.view_supplierorder", *_crud("marketing.adspend"),
        *POINTS_VIEW, *SEGMENTS_VIEW, *_crud("customers.segment"),
        *CAMPAIGNS_VIEW, *[p for m in CAMPAIGN_MODELS for p in _crud(m)],
        "marketing.send_campaign", *_view(*TICKET_MODELS),
        # The operator records a customer's "stop messaging me" and sets the contact policy.
        "marketing.add_unsubscribe", "marketing.change_contactpolicy",
        *INSIGHTS_VIEW, *INSIGHTS_RUN,
        *[p for m in CHANNEL_MODELS for p in _crud(m)], *CHANNEL_SYNC_VIEW,
        "channels.publish_stock",
        *[p for m in LIVE_MODELS for p in _crud(m)], "live.run_session", "live.review_session",
    ],
    Role.SERVICE: [
        *_view(*CATALOG_MODELS, "inventory.stock", *ORDER_MODELS, *CUSTOMER_MODELS),
        "orders.review_order", "orders.cancel_order", "orders.change_order",
        "aftersales.add_aftersalesrequest", "aftersales.change_aftersalesrequest",
        "aftersales.decide_request",
        "customers.change_customer", "customers.add_address", "customers.change_address",
        *REVIEW_VIEW, "orders.release_hold", *_crud("orders.blockedbuyer"),
        *TASKS_WORK,
        *TICKETS_WORK, *_crud("service.cannedreply"),
        *POINTS_VIEW, "customers.adjust_points", *SEGMENTS_VIEW,
        *_view("pricing.membertier", "pricing.customermembership"),
        *_view("customers.customervalue", "customers.customerrecommendation"),
    ],
    Role.WAREHOUSE: [
        *_view(*CATALOG_MODELS, *STOCK_MODELS, "orders.order", "orders.orderline",
               *FULFILLMENT_MODELS, "fulfillment.fulfillmentpolicy",
               "aftersales.aftersalesrequest", "aftersales.aftersalesline"),
        "inventory.receive_stock", "inventory.adjust_stock", "inventory.add_warehouse",
        "inventory.change_warehouse", "inventory.change_stock",
        "fulfillment.ship_order", "fulfillment.mark_delivered", "fulfillment.add_shipment",
        "fulfillment.build_waves", "fulfillment.pack_shipment", "fulfillment.plan_shipments",
        "fulfillment.record_tracking", "fulfillment.manage_carriers", "fulfillment.print_labels",
        "aftersales.receive_return",
        *TASKS_WORK,
        *RECEIVING, *FORECAST_VIEW,
        *_view("channels.channel", "channels.syncrule"), *CHANNEL_SYNC_VIEW,
    ],
    Role.FINANCE: [
        *_view(*CATALOG_MODELS, *STOCK_MODELS, *ORDER_MODELS, "customers.customer"),
        "catalog.view_cost", "orders.record_payment", "orders.complete_order",
        "aftersales.issue_refund", "aftersales.add_refund",
        *REVIEW_VIEW, "orders.view_paymentcallback",
        *_view(*PRICING_MODELS, "pricing.pricehistory", "pricing.offerusage"),
        *TASKS_WORK,
        *[p for m in SUPPLIER_MODELS for p in _crud(m)],
        *[p for m in ("suppliers.purchaseorder", "suppliers.purchaseorderline") for p in _crud(m)],
        *_view("suppliers.receipt", "suppliers.receiptline", "suppliers.supplypolicy",
               "inventory.costchange", "inventory.stockfeedrun", "fulfillment.supplierorder",
               "marketing.adspend"),
        "suppliers.send_purchaseorder", "suppliers.close_purchaseorder", *FORECAST_VIEW,
        # The reports (the guides give finance the profit and supplier figures).
        "analytics.view_reports",
        # Finance decides on an over-delivery (pays for the extra units) and books it.
        "suppliers.receive_purchaseorder", "suppliers.add_receipt",
        "suppliers.accept_over_receipt",
        # Points are a liability; campaigns and their results are spend.
        *POINTS_VIEW, *CAMPAIGNS_VIEW,
        *_view("insights.briefing", "insights.briefingaction", "insights.promotionsimulation"),
        *_view("channels.channel", "channels.channellisting"), *LIVE_VIEW,
    ],
    Role.DESIGNER: [
        *_view("catalog.category", "catalog.attributedefinition", "catalog.tag",
               "catalog.product", "catalog.sku", "catalog.productmedia"),
        "catalog.change_product", *_crud("catalog.productmedia"),
        *LISTING_CHECKS,
    ],
    Role.ANALYST: [
        *_view(*CATALOG_MODELS, *STOCK_MODELS, *ORDER_MODELS, "customers.customer",
               "customers.customertag"),
        "traffic.view_event", *REVIEW_VIEW,
        "analytics.view_reports", "analytics.view_warehouserun",
        *TASKS_VIEW,
        *FORECAST_VIEW, "marketing.view_adspend",
        *POINTS_VIEW, *SEGMENTS_VIEW, *CAMPAIGNS_VIEW, *_view(*TICKET_MODELS),
        *INSIGHTS_VIEW, "insights.add_basketrun",
        *CHANNELS_VIEW, *LIVE_VIEW,
    ],
    Role.SUPPLIER: [
        "fulfillment.view_supplierorder", "fulfillment.ship_supplierorder",
        "inventory.sync_stock_feed", "inventory.view_stockfeedrun",
    ],
}


def create_app_permissions(apps, *app_labels: str) -> None:
    """Create the permissions of these apps now, inside a migration.

    Django creates permissions after all migrations have run; a migration that grants them
    to the role groups needs them earlier.
    """
    from django.contrib.auth.management import create_permissions

    for label in app_labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def sync_roles(apps=None, *, app_labels: Iterable[str] | None = None) -> None:
    """Create or update the role groups so their permissions match ``ROLE_PERMISSIONS``.

    Args:
        apps: the app registry; a migration passes its historical one.
        app_labels: only touch the permissions of these apps. Each app's migration passes its
            own label, so the migrations of different apps may run in any order; ``None``
            syncs everything (the demo, ``zhanggui manage sync_roles``).

    Raises:
        LookupError: when a listed permission does not exist (a typo in the table).
    """
    # In a migration the table above may name permissions of models a later migration
    # creates: those are skipped there (that later migration syncs its app again). Outside
    # migrations every listed permission must exist, so a typo fails loudly.
    strict = apps is None
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    scope = None if app_labels is None else set(app_labels)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    permissions = permission_model.objects.select_related("content_type")
    if scope is not None:
        permissions = permissions.filter(content_type__app_label__in=scope)
    by_label = {f"{p.content_type.app_label}.{p.codename}": p for p in permissions}
    for role in Role:
        group, _created = group_model.objects.get_or_create(name=role.value)
        if role == Role.OWNER:
            wanted = list(by_label.values())
        else:
            labels = [label for label in ROLE_PERMISSIONS[role]
                      if scope is None or label.split(".")[0] in scope]
            missing = [label for label in labels if label not in by_label]
            if missing and strict:
                raise LookupError(f"unknown permissions for role {role}: {missing}")
            wanted = [by_label[label] for label in labels if label in by_label]
        if scope is None:
            group.permissions.set(wanted)
        else:
            group.permissions.remove(*[p for p in by_label.values() if p not in wanted])
            group.permissions.add(*wanted)
