"""Each role sees in the sidebar exactly the pages it may open, and nothing else opens."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from zhanggui.console.navigation import SECTIONS, Page


def _changelist(model_label: "str | Page") -> str:
    """The entry's link: a model's list, or a custom page."""
    if isinstance(model_label, Page):
        return reverse(model_label.url_name, args=model_label.args)
    app_label, model_name = model_label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


ALL_PAGES = {label for _title, entries in SECTIONS for _t, _i, label in entries}
CATALOG = {"catalog.product", "catalog.sku", "catalog.category", "catalog.attributedefinition",
           "catalog.tag", "catalog.productmedia"}
STOCK = {"inventory.stock", "inventory.stockmovement", "inventory.reservation",
         "inventory.warehouse"}
ORDERS = {"orders.order", "orders.orderline", "orders.payment", "fulfillment.shipment"}
AFTERSALES = {"aftersales.aftersalesrequest", "aftersales.aftersalesline", "aftersales.refund"}
CUSTOMERS = {"customers.customer", "customers.address", "customers.customertag"}
PRICING = {"pricing.promotion", "pricing.coupontemplate", "pricing.coupon", "pricing.shippingtemplate",
           "pricing.pricelist", "pricing.membertier"}
LISTING = {"listing.productscore", "listing.auditrun", "listing.wordlistentry",
           "listing.declaredbrand", "listing.channeltitlelimit", "listing.categorycheck",
           "listing.listingpolicy"}
TRAFFIC = {"traffic.event"}
MY_EXPORTS = Page("admin:exports_exportjob_changelist")  # every staff member's own
PACKING_BENCH = Page("admin:fulfillment_packing_bench", permission="fulfillment.pack_shipment")
TEAM_DASHBOARD = Page("admin:team_dashboard", permission="team.view_kpitarget")  # the owner's
ANALYTICS = {label for _title, entries in SECTIONS for _t, _i, label in entries
             if isinstance(label, Page)
             and label not in (MY_EXPORTS, PACKING_BENCH, TEAM_DASHBOARD)} | {
    "analytics.warehouserun"}
TEAM = {"accounts.staff", "auth.group", "accounts.apitoken", "accounts.staffsession",
        "accounts.operationlog"}

VISIBLE = {
    "owner": ALL_PAGES,
    "operator": CATALOG | STOCK | ORDERS | AFTERSALES | CUSTOMERS | LISTING | PRICING | TRAFFIC
                | ANALYTICS,
    "service": CATALOG | {"inventory.stock"} | ORDERS | AFTERSALES | CUSTOMERS,
    "warehouse": CATALOG | STOCK | {"orders.order", "orders.orderline", "fulfillment.shipment",
                                    "aftersales.aftersalesrequest", "aftersales.aftersalesline"},
    "finance": CATALOG | STOCK | ORDERS | AFTERSALES | {"customers.customer"} | PRICING,
    "designer": CATALOG | LISTING,
    "analyst": CATALOG | STOCK | ORDERS | AFTERSALES | {"customers.customer",
                                                       "customers.customertag"} | TRAFFIC
               | ANALYTICS,
}
VISIBLE = {role: pages | {MY_EXPORTS} for role, pages in VISIBLE.items()}
TASKS = {"tasks.task"}  # every role but the designer; the routes are the owner's
VISIBLE = {role: pages | (TASKS if role not in ("owner", "designer") else set())
           for role, pages in VISIBLE.items()}
# Carrier services and tracking events: every role that sees the orders' parcels.
FULFILLMENT = {"fulfillment.trackingevent", "fulfillment.carrierservice"}
VISIBLE = {role: pages | (FULFILLMENT if "fulfillment.shipment" in pages else set())
           for role, pages in VISIBLE.items()}
# Waves: every role that sees the parcels; the packing bench: who packs.
VISIBLE = {role: pages | ({"fulfillment.wave"} if "fulfillment.shipment" in pages else set())
           | ({PACKING_BENCH} if role == "warehouse" else set()) for role, pages in VISIBLE.items()}


# Automatic review: rules and holds for the roles that see orders (the warehouse excepted), the
# block list for the operator and service, payment callbacks for finance.
REVIEW = {"orders.reviewrule", "orders.orderhold"}
REVIEW_EXTRA = {"operator": {"orders.blockedbuyer"}, "service": {"orders.blockedbuyer"},
                "finance": {"orders.paymentcallback"}}
VISIBLE = {role: pages | (REVIEW if role in ("operator", "service", "finance", "analyst") else set())
           | REVIEW_EXTRA.get(role, set()) for role, pages in VISIBLE.items()}


# Supply: supplier records, cost history and the supply policy for finance; purchase orders
# for finance and the warehouse (which receives them).
SUPPLY = {"suppliers.supplier", "suppliers.purchaseorder", "inventory.costchange",
          "suppliers.supplypolicy"}
VISIBLE = {role: pages | (SUPPLY if role == "finance" else set())
           | ({"suppliers.purchaseorder"} if role == "warehouse" else set())
           for role, pages in VISIBLE.items()}


# Drop-shipping and marketing: supplier orders for the roles that follow them, the stock feed
# for the warehouse and finance, ad spend for the operator (who enters it), finance and the
# analyst. A supplier's account sees its orders and its stock feed, nothing else.
DROP_SHIP = {"operator": {"fulfillment.supplierorder", "marketing.adspend"},
             "warehouse": {"fulfillment.supplierorder", "inventory.stockfeedrun"},
             "finance": {"fulfillment.supplierorder", "inventory.stockfeedrun",
                         "marketing.adspend"},
             "analyst": {"marketing.adspend"}}
VISIBLE = {role: pages | DROP_SHIP.get(role, set()) for role, pages in VISIBLE.items()}
VISIBLE["supplier"] = {"fulfillment.supplierorder", "inventory.stockfeedrun"}
# Its own (empty) export list still opens by its address; the sidebar leaves it out.
OPEN_UNLISTED = {"supplier": {MY_EXPORTS}}

# Replenishment: the reorder list for finance (supplier records and creating purchase orders;
# a custom page, so not one of the reports above), the stored forecasts for every role that
# may see them.
REORDER_TODAY = Page("admin:suppliers_reorder_today", permission="suppliers.add_purchaseorder")
FORECASTS = {"operator", "warehouse", "finance", "analyst"}
VISIBLE = {role: (pages - {REORDER_TODAY})
           | ({REORDER_TODAY} if role in ("owner", "finance") else set())
           | ({"inventory.forecastfit"} if role in FORECASTS else set())
           for role, pages in VISIBLE.items()}

# Finance reads the reports (not the warehouse runs).
REPORTS = {page for page in ANALYTICS
           if isinstance(page, Page) and page.permission == "analytics.view_reports"}
VISIBLE["finance"] |= REPORTS


# Service desk: tickets for the roles that read them; the desk's rules for the service role.
DESK = {"service.ticket"}
DESK_RULES = {"service.cannedreply", "service.autoreplyrule", "service.assignmentrule",
              "service.servicepolicy"}
VISIBLE = {role: pages | (DESK if role in ("operator", "analyst") else set())
           | (DESK | DESK_RULES if role == "service" else set())
           for role, pages in VISIBLE.items()}


# Customers for life (issue 16): points and tiers for every role that follows customers or
# money, segments for the roles that target customers, campaigns and A/B tests for marketing,
# finance (spend) and the analyst; member tiers and memberships for the service desk too.
POINTS = {"customers.pointsaccount", "customers.pointsentry", "customers.pointspolicy",
          "pricing.tierpolicy"}
SEGMENTS = {"customers.segment"}
CAMPAIGNS = {"marketing.campaign", "marketing.experiment", "marketing.message",
             "marketing.unsubscribe", "marketing.contactpolicy"}
MEMBERS = {"pricing.membertier", "pricing.customermembership"}
VISIBLE = {role: pages
           | (POINTS if role in ("operator", "service", "finance", "analyst") else set())
           | (SEGMENTS if role in ("operator", "service", "analyst") else set())
           | (CAMPAIGNS if role in ("operator", "finance", "analyst") else set())
           | (MEMBERS if role in ("operator", "service", "finance") else set())
           for role, pages in VISIBLE.items()}

# Operations intelligence (issue 17): the daily briefing for the roles that run the shop on
# numbers (finance too), the anomalies and the basket analysis for the operator and analyst.
BRIEFING = Page("admin:insights_briefing_latest", permission="insights.view_briefing")
BASKET = Page("admin:insights_basket", permission="insights.view_associationrule")
VISIBLE = {role: pages
           | ({BRIEFING} if role in ("operator", "finance", "analyst") else set())
           | ({"insights.anomaly", BASKET} if role in ("operator", "analyst") else set())
           for role, pages in VISIBLE.items()}


# Channels and livestream (issue 18): the operator runs them, the analyst reads everything,
# finance the channels, their listings and price conflicts (commission is money) and the
# sessions, the warehouse the stock sync (what each channel may sell). Team targets and
# reviews are the owner's.
CONFLICTS = Page("admin:channels_price_conflicts", permission="channels.view_channellisting")
LISTINGS = {"channels.channel", "channels.channellisting", CONFLICTS}
STOCK_SYNC = {"channels.syncrule", "channels.publishedquantity", "channels.publishrun"}
VISIBLE = {role: pages
           | (LISTINGS | STOCK_SYNC | {"live.livesession"} if role in ("operator", "analyst")
              else set())
           | (LISTINGS | {"live.livesession"} if role == "finance" else set())
           | ({"channels.channel"} | STOCK_SYNC if role == "warehouse" else set())
           for role, pages in VISIBLE.items()}

@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_each_role_sees_only_its_menu_entries(login, role):
    html = login(role).get(reverse("admin:index")).content.decode()
    sidebar = html[html.index('id="nav-sidebar-apps"'):]
    for label in ALL_PAGES:
        link = f'href="{_changelist(label)}"'
        assert (link in sidebar) == (label in VISIBLE[role]), label


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_menu_entries_open_and_forbidden_changelists_answer_403(login, role):
    client = login(role)
    for label in ALL_PAGES:
        status = client.get(_changelist(label)).status_code
        opens = label in VISIBLE[role] or label in OPEN_UNLISTED.get(role, set())
        assert status == (200 if opens else 403), label


def test_the_sidebar_groups_pages_by_domain_in_chinese(login):
    html = login("owner").get(reverse("admin:index")).content.decode()
    sidebar = html[html.index('id="nav-sidebar-apps"'):]
    groups = re.findall(r"<h2[^>]*>\s*([^<\s]+)", sidebar)
    assert groups == [
        "数据分析", "智能洞察", "商品", "商品质量", "库存", "营销价格", "渠道与直播", "订单",
        _chinese("Supply"),
        _chinese("Fulfillment"), _chinese("Drop-shipping"), _chinese("Marketing"), _chinese("Tasks"),
        _chinese("Customer service"),
        "售后", "客户", "流量", "数据导入", "团队与审计", _chinese("Integrations"),
        _chinese("Exports")]


def _chinese(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def test_the_english_console_is_one_click_away(login):
    client = login("owner")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert "Team and audit" in html and "团队与审计" not in html
    assert 'name="language" type="hidden" value="zh-hans"' in html  # the switcher offers 中文


def test_logged_out_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("admin:orders_order_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
