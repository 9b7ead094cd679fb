"""The console sidebar: one group per business domain, each entry shown only to staff
who may open it. ``settings.UNFOLD["SIDEBAR"]["navigation"]`` points here, and
``settings.UNFOLD["STYLES"]`` to ``stylesheet``.
"""

from dataclasses import dataclass
from functools import partial

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Page:
    """A sidebar entry that is a custom page rather than a model's list."""

    url_name: str
    args: tuple = ()
    permission: str = ""


def _report(name: str) -> Page:
    return Page("admin:analytics_report", (name,), "analytics.view_reports")


# (group title, [(entry title, icon, "app_label.model_name" or a Page), …])
SECTIONS = [
    (_("Analytics"), [
        (_("Overview"), "monitoring", _report("overview")),
        (_("Traffic"), "travel_explore", _report("traffic")),
        (_("Sales"), "bar_chart", _report("sales")),
        (_("Customers"), "diversity_3", _report("customers")),
        (_("After-sales and payments"), "assignment_return", _report("aftersales")),
        (_("Logistics"), "local_shipping", _report("logistics")),
        (_("Suppliers"), "handshake", _report("suppliers")),
        (_("Stock health"), "inventory", _report("stock")),
        (_("Drop-ship profit"), "paid", _report("dropship")),
        (_("Service performance"), "support_agent", _report("service")),
        (_("Campaign results"), "campaign", _report("campaigns")),
        (_("Channel profit"), "storefront", _report("channel_profit")),
        (_("Live sessions compared"), "live_tv", _report("live")),
        (_("Metric glossary"), "function", Page("admin:analytics_metric_glossary",
                                                permission="analytics.view_reports")),
        (_("Warehouse runs"), "database", "analytics.warehouserun"),
    ]),
    (_("Insights"), [
        (_("Daily briefing"), "wb_sunny", Page("admin:insights_briefing_latest",
                                               permission="insights.view_briefing")),
        (_("KPI anomalies"), "crisis_alert", "insights.anomaly"),
        (_("Basket analysis"), "shopping_basket", Page("admin:insights_basket",
                                                       permission="insights.view_associationrule")),
    ]),
    (_("Products"), [
        (_("Products"), "inventory_2", "catalog.product"),
        (_("SKUs"), "style", "catalog.sku"),
        (_("Categories"), "account_tree", "catalog.category"),
        (_("Attribute definitions"), "tune", "catalog.attributedefinition"),
        (_("Product tags"), "sell", "catalog.tag"),
        (_("Product media"), "photo_library", "catalog.productmedia"),
    ]),
    (_("Listing quality"), [
        (_("Listing report"), "fact_check", "listing.productscore"),
        (_("Audit runs"), "playlist_add_check", "listing.auditrun"),
        (_("Word list"), "spellcheck", "listing.wordlistentry"),
        (_("Declared brands"), "verified", "listing.declaredbrand"),
        (_("Channel title limits"), "straighten", "listing.channeltitlelimit"),
        (_("Category check settings"), "rule", "listing.categorycheck"),
        (_("Check policy"), "tune", "listing.listingpolicy"),
    ]),
    (_("Inventory"), [
        (_("Stock"), "warehouse", "inventory.stock"),
        (_("Stock movements"), "swap_vert", "inventory.stockmovement"),
        (_("Reservations"), "lock_clock", "inventory.reservation"),
        (_("Warehouses"), "home_work", "inventory.warehouse"),
    ]),
    (_("Pricing"), [
        (_("Promotions"), "sell", "pricing.promotion"),
        (_("Coupon templates"), "local_activity", "pricing.coupontemplate"),
        (_("Coupons"), "confirmation_number", "pricing.coupon"),
        (_("Shipping templates"), "local_shipping", "pricing.shippingtemplate"),
        (_("Price lists"), "price_change", "pricing.pricelist"),
        (_("Member tiers"), "workspace_premium", "pricing.membertier"),
        (_("Memberships"), "card_membership", "pricing.customermembership"),
        (_("Tier policy"), "tune", "pricing.tierpolicy"),
    ]),
    (_("Channels and live"), [
        (_("Channels"), "storefront", "channels.channel"),
        (_("Channel listings"), "list_alt", "channels.channellisting"),
        (_("Price conflicts"), "price_change", Page("admin:channels_price_conflicts",
                                                    permission="channels.view_channellisting")),
        (_("Stock sync rules"), "sync_alt", "channels.syncrule"),
        (_("Sellable per channel"), "inventory", "channels.publishedquantity"),
        (_("Publish log"), "receipt_long", "channels.publishrun"),
        (_("Live sessions"), "live_tv", "live.livesession"),
    ]),
    (_("Orders"), [
        (_("Orders"), "receipt_long", "orders.order"),
        (_("Order lines"), "list_alt", "orders.orderline"),
        (_("Payments"), "payments", "orders.payment"),
        (_("Order holds"), "pending_actions", "orders.orderhold"),
        (_("Review rules"), "rule", "orders.reviewrule"),
        (_("Block list"), "block", "orders.blockedbuyer"),
        (_("Payment callbacks"), "webhook", "orders.paymentcallback"),
        (_("Shipments"), "local_shipping", "fulfillment.shipment"),
    ]),
    (_("Supply"), [
        (_("Reorder today"), "shopping_cart_checkout",
         Page("admin:suppliers_reorder_today", permission="suppliers.add_purchaseorder")),
        (_("Suppliers"), "handshake", "suppliers.supplier"),
        (_("Purchase orders"), "shopping_cart", "suppliers.purchaseorder"),
        (_("Cost history"), "price_change", "inventory.costchange"),
        (_("Supply policy"), "tune", "suppliers.supplypolicy"),
        (_("Demand forecasts"), "query_stats", "inventory.forecastfit"),
    ]),
    (_("Fulfillment"), [
        (_("Waves"), "waves", "fulfillment.wave"),
        (_("Packing bench"), "barcode_reader",
         Page("admin:fulfillment_packing_bench", permission="fulfillment.pack_shipment")),
        (_("Tracking events"), "route", "fulfillment.trackingevent"),
        (_("Carrier services"), "local_post_office", "fulfillment.carrierservice"),
    ]),
    (_("Drop-shipping"), [
        (_("Supplier orders"), "local_shipping", "fulfillment.supplierorder"),
        (_("Stock feed"), "sync", "inventory.stockfeedrun"),
    ]),
    (_("Marketing"), [
        (_("Ad spend"), "campaign", "marketing.adspend"),
        (_("Campaigns"), "campaign", "marketing.campaign"),
        (_("A/B tests"), "science", "marketing.experiment"),
        (_("Messages"), "outbox", "marketing.message"),
        (_("Unsubscriptions"), "unsubscribe", "marketing.unsubscribe"),
        (_("Contact policy"), "tune", "marketing.contactpolicy"),
    ]),
    (_("Tasks"), [
        (_("Tasks"), "task_alt", "tasks.task"),
        (_("Task routes"), "alt_route", "tasks.taskroute"),
    ]),
    (_("Customer service"), [
        (_("Tickets"), "support_agent", "service.ticket"),
        (_("Canned replies"), "quickreply", "service.cannedreply"),
        (_("Auto-reply rules"), "smart_toy", "service.autoreplyrule"),
        (_("Assignment rules"), "alt_route", "service.assignmentrule"),
        (_("Service policy"), "tune", "service.servicepolicy"),
    ]),
    (_("After-sales"), [
        (_("After-sales requests"), "assignment_return", "aftersales.aftersalesrequest"),
        (_("Returned lines"), "undo", "aftersales.aftersalesline"),
        (_("Refunds"), "currency_exchange", "aftersales.refund"),
    ]),
    (_("Customers"), [
        (_("Customers"), "group", "customers.customer"),
        (_("Addresses"), "home_pin", "customers.address"),
        (_("Customer tags"), "label", "customers.customertag"),
        (_("Segments"), "groups_3", "customers.segment"),
        (_("Points balances"), "toll", "customers.pointsaccount"),
        (_("Points ledger"), "receipt", "customers.pointsentry"),
        (_("Points policy"), "tune", "customers.pointspolicy"),
    ]),
    (_("Traffic"), [
        (_("Behaviour events"), "ads_click", "traffic.event"),
    ]),
    (_("Data imports"), [
        (_("Import runs"), "upload_file", "imports.importrun"),
        (_("Import profiles"), "table_view", "imports.importprofile"),
    ]),
    (_("Team and audit"), [
        (_("Team performance"), "leaderboard", Page("admin:team_dashboard",
                                                    permission="team.view_kpitarget")),
        (_("KPI targets"), "flag", "team.kpitarget"),
        (_("Performance reviews"), "rate_review", "team.performancereview"),
        (_("Staff"), "badge", "accounts.staff"),
        (_("Roles"), "admin_panel_settings", "auth.group"),
        (_("API tokens"), "key", "accounts.apitoken"),
        (_("Sessions"), "devices", "accounts.staffsession"),
        (_("Operation log"), "history", "accounts.operationlog"),
        (_("Alerts"), "notifications", "accounts.alert"),
        (_("Login attempts"), "lock_person", "axes.accessattempt"),
        (_("Security policy"), "shield_lock", "accounts.securitypolicy"),
    ]),
    (_("Integrations"), [  # the owner's: only the owner holds the integrations permissions
        (_("Webhook endpoints"), "webhook", "integrations.webhookendpoint"),
        (_("Webhook deliveries"), "outbox", "integrations.webhookdelivery"),
    ]),
    (_("Exports"), [
        (_("My exports"), "download", Page("admin:exports_exportjob_changelist")),  # everyone's own
    ]),
]


def can_open(model_label: "str | Page", request: HttpRequest) -> bool:
    """Whether the user may open the changelist of ``model_label`` (view or change), or the
    custom page."""
    user = request.user
    if isinstance(model_label, Page):
        return user.is_active and user.is_staff and (
            not model_label.permission or user.has_perm(model_label.permission))
    app_label, model_name = model_label.split(".")
    return user.is_active and user.is_staff and (
        user.has_perm(f"{app_label}.view_{model_name}")
        or user.has_perm(f"{app_label}.change_{model_name}"))


def _entry(title, icon: str, model_label: "str | Page") -> dict:
    if isinstance(model_label, Page):
        link = reverse(model_label.url_name, args=model_label.args)
    else:
        app_label, model_name = model_label.split(".")
        link = reverse(f"admin:{app_label}_{model_name}_changelist")
    return {
        "title": title,
        "icon": icon,
        "link": link,
        "permission": partial(can_open, model_label),
    }


# A supplier's account (role "supplier") sees its orders and its stock feed, nothing else.
SUPPLIER_ENTRIES = ("fulfillment.supplierorder", "inventory.stockfeedrun")


def _supplier_only(request: HttpRequest) -> bool:
    from zhanggui.suppliers.queries_dropship import is_supplier_account

    return is_supplier_account(request.user)


def sidebar_navigation(request: HttpRequest) -> list[dict]:
    """The sidebar groups with the entries ``request.user`` may open; empty groups are left out."""
    groups = []
    supplier = _supplier_only(request)
    for title, entries in SECTIONS:
        items = [_entry(*entry) for entry in entries if can_open(entry[2], request)
                 and (not supplier or entry[2] in SUPPLIER_ENTRIES)]
        if items:
            groups.append({"title": title, "separator": bool(groups), "collapsible": False,
                           "items": items})
    return groups


def dashboard(request: HttpRequest, context: dict) -> dict:
    """The workbench (``UNFOLD["DASHBOARD_CALLBACK"]``): the user's to-dos, today's key
    numbers and the latest alerts (``console.workbench``), and the pages the user may open,
    grouped by domain in the sidebar's order rather than by Django app."""
    from zhanggui.console.workbench.view import workbench_context

    context.update(workbench_context(request))
    pages = {f"{app['app_label']}.{page['object_name'].lower()}": page
             for app in context.get("app_list", []) for page in app["models"]}
    sections = []
    for title, entries in SECTIONS:
        shown = [{**pages[label], "name": entry_title}
                 for entry_title, _icon, label in entries if label in pages]
        if shown:
            sections.append({"name": title, "app_label": shown[0]["object_name"].lower(),
                             "app_url": shown[0]["admin_url"], "models": shown})
    context["app_list"] = sections
    return context


def stylesheet(request: HttpRequest) -> str:
    """The console's own styles, loaded after unfold's."""
    return static("console/console.css")


def account_links(request: HttpRequest) -> list[dict]:
    """The user menu (``UNFOLD["ACCOUNT"]["navigation"]``): own two-step verification and
    password."""
    return [
        {"title": _("Two-step verification"), "link": reverse("admin:accounts_two_factor")},
        {"title": _("Change password"), "link": reverse("admin:password_change")},
    ]


def unread_alerts(request: HttpRequest) -> dict:
    """Context processor: the number of unread alerts, for staff who may read them (the
    bell in the header). Counted once per request: a page renders several templates."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("accounts.view_alert"):
        return {}
    if "_zhanggui_alert_bell" not in request.__dict__:
        from zhanggui.accounts.queries import count_unread_alerts

        request.__dict__["_zhanggui_alert_bell"] = {
            "unread": count_unread_alerts(),
            "url": reverse("admin:accounts_alert_changelist") + "?read_at__isnull=True"}
    return {"alert_bell": request.__dict__["_zhanggui_alert_bell"]}
