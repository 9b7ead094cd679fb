"""The console's page matrix: every URL pattern of the site, who may open it, and how.

``console_patterns()`` walks the URL resolver (the admin site's URLs included); ``PAGES``
declares, for each pattern, the roles that may open it and how to fill its URL.
``test_page_matrix.py`` opens every pattern as every role and fails when a pattern has no
row. ``every_kind()`` builds one object of every model the console shows, so that each
object page has an object to open.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests import factories
from tests.console.conftest import build_store
from tests.traffic.support import raw_event
from zhanggui.accounts.roles import Role

ROLES = [role.value for role in Role]


# ---- the walk ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    key: str  # the pattern's name with its namespace, or its route when it has no name
    route: str
    pattern: URLPattern

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry, route, inner)
        else:
            key = f"{namespace}{entry.name}" if entry.name else route
            yield Pattern(key, route, entry)


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver()))


def is_api(pattern: Pattern) -> bool:
    return pattern.route.startswith("api/")


def console_patterns() -> list[Pattern]:
    """Every pattern outside the API (the API's operations are walked through its schema)."""
    return [p for p in all_patterns() if not is_api(p)]


def fill(pattern: Pattern, values: dict[str, Any]) -> str:
    """The URL of a route pattern with its parameters filled in."""
    assert isinstance(pattern.pattern.pattern, RoutePattern) or not pattern.parameters
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern.route)


# ---- one object of every kind ----------------------------------------------------------

def every_kind(sku, tmp_path: Path) -> dict[str, Any]:
    """``build_store`` plus one object of every other model the console registers."""
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhanggui.accounts import actions as account_actions
    from zhanggui.analytics import actions as warehouse_actions
    from zhanggui.imports import actions as import_actions
    from zhanggui.imports import queries as import_queries
    from zhanggui.imports.examples import example_csv
    from zhanggui.listing import actions as listing_actions
    from zhanggui.listing.models import (
        CategoryCheck,
        ChannelTitleLimit,
        DeclaredBrand,
        ListingPolicy,
        WordListEntry,
    )
    from zhanggui.pricing import actions as pricing_actions
    from zhanggui.pricing.models import MemberTier, PriceList, ShippingTemplate, SkuShippingSize
    from zhanggui.traffic import actions as traffic_actions

    store = build_store(sku)
    owner = store["owner"]
    product = store["product"]
    # pricing: a promotion that the next order uses (an offer usage), a coupon, templates
    factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"))
    factories.make_coupon()
    factories.make_order(sku=sku, customer=store["customer"], status="paid")
    ShippingTemplate.objects.create(name="默认运费", first_fee_amount=Decimal("5"))
    tier = MemberTier.objects.create(code="gold", name="金卡", rank=1)
    pricing_actions.set_member_tier(store["customer"], tier=tier, actor=None)
    PriceList.objects.create(name="金卡价", kind="member", tier=tier)
    SkuShippingSize.objects.create(sku=sku, volume_cm3=1000)
    pricing_actions.set_sku_price(sku, price=Decimal("100.00"), actor=None)
    # listing: a score, a run, and a row of each settings table
    listing_actions.audit_product(product, actor=None)
    listing_actions.queue_audit_run(actor=None)
    WordListEntry.objects.get_or_create(term="测试禁词", defaults={"category": "absolute"})
    DeclaredBrand.objects.get_or_create(name="掌柜牌")
    ChannelTitleLimit.objects.get_or_create(channel="tmall", defaults={"name": "天猫"})
    CategoryCheck.objects.get_or_create(category=product.category)
    if not ListingPolicy.objects.exists():
        ListingPolicy.objects.create()
    # traffic, analytics, imports
    traffic_actions.ingest_events([raw_event()], actor=None)
    warehouse_actions.refresh_warehouse(actor=None)
    source = tmp_path / "orders.csv"
    source.write_bytes(example_csv("orders"))
    profile, _saved = import_queries.resolve_profile("orders", "zhanggui")
    run = import_actions.create_import_run(source, kind="orders", profile=profile, actor=owner,
                                           dry_run=True)
    import_actions.execute_import_run(run)
    import_actions.save_import_profile(
        "erp", kind="orders", actor=owner,
        columns={"单号": "order_id", "时间": "placed_at", "商品": "sku_code", "数量": "quantity",
                 "单价": "unit_price"})
    # a finished export of the owner's (the order list)
    from zhanggui.exports import actions as export_actions

    export_job = export_actions.request_export("orders", file_format="csv",
                                               parameters={"query": ""}, title="订单",
                                               total_rows=0, actor=owner)
    export_actions.run_export(export_job)
    # second factor devices (django-otp)
    TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    StaticDevice.objects.create(user=owner, name="recovery", confirmed=True)
    # login attempts (django-axes)
    attempt = {"user_agent": "tests", "ip_address": "127.0.0.1", "username": "someone",
               "http_accept": "*/*", "path_info": "/login/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    # automatic review: a held order, a block-list entry, a refused payment callback
    from zhanggui.orders import callbacks, review, review_config

    held = factories.make_order(sku=sku, customer=store["customer"], status="paid")
    review.update_seller_note(held, note="改地址", actor=None)
    review.auto_review_order(held)
    review_config.block_buyer(phone="13700009999", reason="刷单", actor=None)
    callbacks.receive_payment_callback(transaction_id="T-page", order_number="NONE",
                                       amount=Decimal("1.00"), method="alipay", succeeded=True,
                                       actor=None)
    Client().force_login(owner)  # a login session (accounts.StaffSession)
    # a tracking event on the delivered order's parcel, and a carrier service (the seeded
    # ones may have been flushed by a transactional test)
    from django.utils import timezone

    from zhanggui.fulfillment import carriers, tracking
    from zhanggui.fulfillment.models import CarrierService

    tracking.record_console_event(store["delivered"].shipments.first(), kind="collected",
                                  occurred_at=timezone.now(), actor=None)
    if not CarrierService.objects.filter(carrier="sto", level="standard").exists():
        carriers.create_carrier_service(carrier="sto", level="standard", name="申通快递",
                                        promised_days=3, actor=None)
    # a wave of one parcel of a reviewed order, with an accepted and a refused scan
    from zhanggui.fulfillment import packing, waves

    factories.make_order(sku=sku, customer=store["customer"], status="reviewed")
    wave = waves.build_waves(actor=None, max_parcels=1)[0]
    packing.scan(wave.shipments.get(), sku.code, actor=None)
    packing.scan(wave.shipments.get(), "NOT-IN-PARCEL", actor=None)
    # the owner's alerts and the security policy
    account_actions.raise_alert("refund", message="大额退款", obj=store["delivered"], actor=None)
    account_actions.set_security_policy(owner_requires_second_factor=False, actor=owner)
    # a task (of the tests' own kind) with a comment, and a task route
    from tests.tasks.support import test_kinds
    from zhanggui.tasks import actions as task_actions

    test_kinds()
    task = task_actions.open_task("test_followup", subject=store["delivered"], title="跟进")
    task_actions.comment_task(task, text="已联系买家", actor=owner)
    task_actions.save_task_route("test_followup", role="service", actor=owner)
    # a stored demand forecast of the SKU (the forecast list and the SKU's forecast page)
    from tests.suppliers.replenishment_support import make_fit
    from zhanggui.inventory.models import Stock

    make_fit(sku, None, d=2, sigma=1, days=3)
    stock = Stock.objects.filter(sku=sku).select_related("warehouse").first()
    if stock is not None:
        make_fit(sku, stock.warehouse, d=2, sigma=1, days=3)
    from tests.fulfillment.dropship_support import drop_ship_order, drop_ship_supplier, supplied_sku
    from zhanggui.inventory.feed import sync_stock_feed
    from zhanggui.marketing.actions import record_ad_spend

    supplier = drop_ship_supplier()  # a supplier order, a feed run, an ad spend entry
    drop_ship_order(supplier, sku=supplied_sku(supplier))
    sync_stock_feed(supplier.warehouse, rows={sku.code: 3}, actor=None)
    record_ad_spend(day=timezone.localdate(), channel="zhitongche", product=product,
                    amount=Decimal("50.00"), actor=owner)
    # purchasing: a supplier with a contact, an item and a message; a PO partly received
    # with a rejected unit (a receipt, a cost change, a task); the supply policy row
    from zhanggui.suppliers import actions as supplier_actions
    from zhanggui.suppliers.queries import get_policy

    get_policy()
    buyer = factories.make_supplier(name="义乌百货")
    supplier_actions.save_supplier_contact(buyer, name="王经理", is_primary=True, actor=None)
    supplier_actions.record_supplier_message(buyer, direction="out", body="请确认交期",
                                             actor=None)
    po = factories.make_purchase_order(supplier=buyer, lines=[(sku, 10)], sent=True)
    supplier_actions.receive_purchase_order(po, actor=None, lines={po.lines.get().pk: (
        supplier_actions.ReceiptLineInput(accepted=4, rejected=1, reject_reason="damaged"))})
    return {**store, "import_run": run}


def first_pk(model: type[models.Model]) -> Any:
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} to open: every_kind() must make one"
    return obj.pk


# ---- the table --------------------------------------------------------------------------

NOBODY = "nobody"  # a signed-in staff member without any role
ANONYMOUS = "anonymous"
EVERYONE = frozenset([*ROLES, NOBODY])  # every signed-in staff member
LOGIN = "login"  # anonymous visitors are sent to the login page, ?next= this page


def roles(*names: str) -> frozenset[str]:
    return frozenset(("owner", *names))


OWNER = roles()
# Every role of the shop's staff: a supplier's account (role "supplier") sees its orders only.
ALL_ROLES = frozenset(ROLES) - {"supplier"}
STORE_VIEW = roles("operator", "service", "warehouse", "finance", "analyst")  # orders & co.
STOCK_VIEW = roles("operator", "warehouse", "finance", "analyst")
CUSTOMER_VIEW = roles("operator", "service", "finance", "analyst")
PRICING_VIEW = roles("operator", "finance")
LISTING_VIEW = roles("operator", "designer")
REPORTS_VIEW = roles("operator", "analyst")
REPORTS_READ = roles("operator", "analyst", "finance")  # the report pages themselves


@dataclass(frozen=True)
class Page:
    """How a URL pattern answers a GET.

    Attributes:
        roles: who may open it; every other signed-in staff member gets ``denied``.
        params: the URL's parameters, from the store ``every_kind()`` built.
        url: the whole URL, for a regular-expression pattern.
        redirect: where it sends those who may open it (a 302), instead of a 200.
        denied: what the others get (the admin answers 403; 404 for an app index).
        anonymous: ``LOGIN``, or the status/redirect a visitor who is not signed in gets.
        post_only: it changes something, so a GET is refused (405) for everyone signed in.
    """

    roles: frozenset[str]
    params: Callable[[dict], dict] = lambda store: {}
    url: Callable[[dict], str] | None = None
    redirect: Callable[[dict], str] | None = None
    denied: int = 403
    anonymous: Any = LOGIN
    post_only: bool = False


def _pk(model_label: str) -> Callable[[dict], dict]:
    def params(store: dict) -> dict:
        return {"object_id": first_pk(admin_model(model_label))}
    return params


def admin_model(model_label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(model_label)


def model_pages(model_label: str, view: frozenset[str], add: frozenset[str] = frozenset(),
                delete: frozenset[str] = frozenset()) -> dict[str, Page]:
    """The admin's pages of a model: list, add, change (read-only for viewers), delete,
    history, and the old ``<id>/`` URL that redirects to the change page."""
    app_label, model_name = model_label.split(".")
    name = f"admin:{app_label}_{model_name}"
    obj = _pk(model_label)
    return {
        f"{name}_changelist": Page(view),
        f"{name}_add": Page(add),
        f"{name}_change": Page(view, obj),
        f"{name}_delete": Page(delete, obj),
        f"{name}_history": Page(view, obj),
        f"{app_label}/{model_name}/<path:object_id>/": Page(
            EVERYONE, obj, redirect=lambda store: f"/{app_label}/{model_name}/"
                                                  f"{obj(store)['object_id']}/change/"),
    }


MODELS: dict[str, dict[str, frozenset[str]]] = {
    # model: view (list, change page read-only, history), add, delete
    "accounts.staff": {"view": OWNER, "add": OWNER},
    "auth.group": {"view": OWNER},
    "accounts.apitoken": {"view": OWNER},
    "accounts.staffsession": {"view": OWNER},
    "accounts.operationlog": {"view": OWNER},
    "axes.accessattempt": {"view": OWNER},
    "accounts.alert": {"view": OWNER},
    "accounts.securitypolicy": {"view": OWNER},
    "catalog.product": {"view": ALL_ROLES, "add": roles("operator")},
    "catalog.sku": {"view": ALL_ROLES, "add": roles("operator")},
    "catalog.category": {"view": ALL_ROLES, "add": roles("operator"), "delete": OWNER},
    "catalog.attributedefinition": {"view": ALL_ROLES, "add": roles("operator"),
                                    "delete": OWNER},
    "catalog.tag": {"view": ALL_ROLES, "add": roles("operator"), "delete": OWNER},
    "catalog.productmedia": {"view": ALL_ROLES, "add": roles("operator", "designer"),
                             "delete": roles("designer")},
    "listing.productscore": {"view": LISTING_VIEW},
    "listing.auditrun": {"view": LISTING_VIEW},
    "listing.wordlistentry": {"view": LISTING_VIEW, "add": OWNER, "delete": OWNER},
    "listing.declaredbrand": {"view": LISTING_VIEW, "add": OWNER, "delete": OWNER},
    "listing.channeltitlelimit": {"view": LISTING_VIEW, "add": OWNER, "delete": OWNER},
    "listing.categorycheck": {"view": LISTING_VIEW, "add": OWNER, "delete": OWNER},
    "listing.listingpolicy": {"view": LISTING_VIEW, "delete": OWNER},  # one row, made once
    "inventory.stock": {"view": STOCK_VIEW | {"service"}},
    "inventory.stockmovement": {"view": STOCK_VIEW},
    "inventory.reservation": {"view": STOCK_VIEW},
    "inventory.warehouse": {"view": STOCK_VIEW, "add": roles("warehouse"), "delete": OWNER},
    "pricing.promotion": {"view": PRICING_VIEW, "add": roles("operator"),
                          "delete": roles("operator")},
    "pricing.coupontemplate": {"view": PRICING_VIEW, "add": roles("operator"),
                               "delete": roles("operator")},
    "pricing.coupon": {"view": PRICING_VIEW},
    "pricing.shippingtemplate": {"view": PRICING_VIEW, "add": roles("operator"),
                                 "delete": roles("operator")},
    "pricing.pricelist": {"view": PRICING_VIEW, "add": roles("operator"),
                          "delete": roles("operator")},
    "pricing.skushippingsize": {"view": PRICING_VIEW, "add": roles("operator"),
                                "delete": roles("operator")},
    "pricing.membertier": {"view": PRICING_VIEW, "add": roles("operator"),
                           "delete": roles("operator")},
    "pricing.customermembership": {"view": PRICING_VIEW, "add": roles("operator"),
                                   "delete": roles("operator")},
    "pricing.pricehistory": {"view": PRICING_VIEW},
    "pricing.offerusage": {"view": PRICING_VIEW},
    "orders.order": {"view": STORE_VIEW},
    "orders.orderline": {"view": STORE_VIEW},
    "orders.payment": {"view": CUSTOMER_VIEW},
    "orders.reviewrule": {"view": roles("operator", "service", "finance", "analyst"), "add": OWNER},
    "orders.orderhold": {"view": roles("operator", "service", "finance", "analyst")},
    "orders.blockedbuyer": {"view": roles("operator", "service"), "add": roles("service"),
                            "delete": roles("service")},
    "orders.paymentcallback": {"view": roles("finance")},
    "fulfillment.shipment": {"view": STORE_VIEW},
    "fulfillment.carrierservice": {"view": STORE_VIEW, "add": roles("warehouse")},
    "fulfillment.trackingevent": {"view": STORE_VIEW},
    "fulfillment.wave": {"view": STORE_VIEW},
    "aftersales.aftersalesrequest": {"view": STORE_VIEW},
    "aftersales.aftersalesline": {"view": STORE_VIEW},
    "aftersales.refund": {"view": CUSTOMER_VIEW},
    "customers.customer": {"view": CUSTOMER_VIEW, "add": OWNER},
    "customers.address": {"view": roles("operator", "service"), "add": roles("service")},
    "customers.customertag": {"view": roles("operator", "service", "analyst"),
                              "add": roles("operator"), "delete": OWNER},
    "traffic.event": {"view": REPORTS_VIEW},
    "analytics.warehouserun": {"view": REPORTS_VIEW},
    "imports.importrun": {"view": OWNER},
    "imports.importprofile": {"view": OWNER, "delete": OWNER},
    "tasks.task": {"view": STORE_VIEW},
    "tasks.taskroute": {"view": OWNER, "add": OWNER},
    "fulfillment.supplierorder": {"view": roles("operator", "warehouse", "finance")},
    "inventory.stockfeedrun": {"view": roles("warehouse", "finance")},
    "marketing.adspend": {"view": roles("operator", "finance", "analyst"),
                          "add": roles("operator"), "delete": roles("operator")},
    "inventory.forecastfit": {"view": roles("operator", "warehouse", "finance", "analyst")},
    "suppliers.supplier": {"view": roles("finance"), "add": roles("finance"),
                           "delete": roles("finance")},
    "suppliers.purchaseorder": {"view": roles("warehouse", "finance"), "add": roles("finance")},
    "suppliers.supplypolicy": {"view": roles("finance")},
    "inventory.costchange": {"view": roles("finance")},
}


def _run(store: dict) -> dict:
    return {"run_id": store["import_run"].pk}


def _object(key: str, field_name: str = "object_id") -> Callable[[dict], dict]:
    return lambda store: {field_name: store[key].pk}


PAGES: dict[str, Page] = {
    **{key: page for label, access in MODELS.items()
       for key, page in model_pages(label, **access).items()},
    # The admin site's own pages
    "admin:login": Page(EVERYONE, redirect=lambda store: "/", anonymous=200),
    "admin:logout": Page(EVERYONE, post_only=True, anonymous="/"),
    "admin:index": Page(EVERYONE),
    "admin:search": Page(EVERYONE),
    "admin:jsi18n": Page(EVERYONE),
    "admin:password_change": Page(EVERYONE),
    "admin:password_change_done": Page(EVERYONE),
    "admin:autocomplete": Page(ALL_ROLES, url=lambda store: (
        "/autocomplete/?app_label=catalog&model_name=productmedia&field_name=product&term=")),
    "admin:view_on_site": Page(frozenset(), denied=404, params=lambda store: {
        "content_type_id": _content_type_id("catalog.product"),
        "object_id": store["product"].pk}),  # no model has a public page
    "admin:app_list": Page(STORE_VIEW, url=lambda store: "/orders/", denied=404),
    "(?P<url>.*)$": Page(frozenset(), url=lambda store: "/no-such-page/", denied=404),
    "set_language": Page(EVERYONE, redirect=lambda store: "/", anonymous="/"),  # sets on POST
    # Staff and their second factor
    "admin:accounts_two_factor": Page(EVERYONE),
    "admin:console_search": Page(EVERYONE),  # each role sees only the kinds it may view
    "admin:accounts_staff_deactivate_one": Page(OWNER, _object("owner")),
    "admin:accounts_staff_change_roles": Page(OWNER, _object("owner")),
    "admin:accounts_staff_create_token": Page(OWNER, _object("owner")),
    "admin:accounts_staff_set_lead": Page(OWNER, _object("owner")),
    # Operations: GET shows the form, POST runs it
    "admin:catalog_product_list_one": Page(roles("operator", "designer"), _object("product")),
    "admin:catalog_product_delist_one": Page(roles("operator", "designer"), _object("product")),
    "admin:listing_productscore_run_audit": Page(roles("operator", "designer")),
    "admin:inventory_stock_receive_new": Page(roles("warehouse")),
    "admin:inventory_stock_receive_one": Page(roles("warehouse"), _pk("inventory.stock")),
    "admin:inventory_stock_adjust_one": Page(roles("warehouse"), _pk("inventory.stock")),
    "admin:orders_order_review_one": Page(roles("service"), _object("pending")),
    "admin:orders_order_release_holds_one": Page(roles("service"), _object("pending")),
    "admin:orders_order_recheck_one": Page(roles("service"), _object("pending")),
    "admin:orders_order_fix_recipient_one": Page(roles("service"), _object("pending")),
    "admin:orders_order_seller_note_one": Page(roles("service"), _object("pending")),
    "admin:orders_order_cancel_one": Page(roles("service"), _object("pending")),
    "admin:orders_order_open_aftersales_one": Page(roles("service"), _object("delivered")),
    "admin:orders_order_ship_one": Page(roles("warehouse"), _object("pending")),
    "admin:orders_order_mark_delivered_one": Page(roles("warehouse"), _object("pending")),
    "admin:orders_order_complete_one": Page(roles("finance"), _object("delivered")),
    "admin:orders_order_refund_one": Page(roles("finance"), _object("delivered")),
    "admin:fulfillment_shipment_mark_delivered_one": Page(roles("warehouse"),
                                                          _pk("fulfillment.shipment")),
    "admin:fulfillment_shipment_record_event_one": Page(roles("warehouse"),
                                                        _pk("fulfillment.shipment")),
    "admin:fulfillment_shipment_split_one": Page(roles("warehouse"), _pk("fulfillment.shipment")),
    "admin:fulfillment_shipment_ship_one": Page(roles("warehouse"), _pk("fulfillment.shipment")),
    "admin:fulfillment_shipment_allocate_orders": Page(roles("warehouse")),
    "admin:fulfillment_carrierservice_load_waybill_range_one": Page(
        roles("warehouse"), _pk("fulfillment.carrierservice")),
    "admin:fulfillment_trackingevent_import_file": Page(roles("warehouse")),
    "admin:fulfillment_wave_build_waves": Page(roles("warehouse")),
    "admin:fulfillment_wave_confirm_picked_one": Page(roles("warehouse"), _pk("fulfillment.wave")),
    "admin:fulfillment_wave_remove_parcel_one": Page(roles("warehouse"), _pk("fulfillment.wave")),
    "admin:fulfillment_wave_cancel_one": Page(roles("warehouse"), _pk("fulfillment.wave")),
    "admin:fulfillment_wave_pick_list_pdf": Page(STORE_VIEW, _pk("fulfillment.wave")),
    "admin:fulfillment_packing_bench": Page(roles("warehouse")),
    "admin:aftersales_aftersalesrequest_approve_one": Page(roles("service"), _object("request")),
    "admin:aftersales_aftersalesrequest_reject_one": Page(roles("service"), _object("request")),
    "admin:aftersales_aftersalesrequest_receive_one": Page(roles("warehouse"),
                                                           _object("request")),
    "admin:aftersales_aftersalesrequest_refund_one": Page(roles("finance"), _object("request")),
    "admin:pricing_coupontemplate_issue_codes": Page(roles("operator"),
                                                     _pk("pricing.coupontemplate")),
    "admin:pricing_try_cart": Page(roles("operator")),
    "admin:pricing_promotion_try_cart": Page(
        roles("operator"), redirect=lambda store: "/pricing/promotion/try-cart/"),
    "admin:pricing_eligibility": Page(roles("operator", "finance")),
    # a link that forwards to the page above, which checks
    "admin:pricing_promotion_eligibility_check": Page(
        EVERYONE, redirect=lambda store: "/pricing/promotion/eligibility/"),
    # Analytics
    "admin:analytics_report": Page(REPORTS_READ, lambda store: {"name": "overview"}),
    # the reports' first address forwards to the page above, which checks
    "admin:analytics_report_moved": Page(EVERYONE, lambda store: {"name": "overview"},
                                         redirect=lambda store: "/reports/overview/"),
    "admin:analytics_warehouserun_refresh_now": Page(REPORTS_VIEW, post_only=True),
    # Imports (the owner's)
    "admin:imports_importrun_new": Page(OWNER),
    "admin:imports_importrun_page": Page(OWNER, _run),
    "admin:imports_importrun_status": Page(OWNER, _run),
    "admin:imports_importrun_errors": Page(OWNER, _run),
    "admin:imports_importrun_confirm": Page(OWNER, _run, post_only=True),
    "admin:imports_importrun_template": Page(OWNER, lambda store: {"kind": "orders"}),
    # links that forward to the owner's pages, which check
    "admin:imports_importrun_new_import": Page(OWNER, redirect=lambda store: "/imports/importrun/new/"),
    "admin:imports_importrun_custom_profiles": Page(
        EVERYONE, redirect=lambda store: "/imports/importprofile/"),
    "admin:imports_importprofile_editor": Page(OWNER),
}
# Exports: everyone lists their own; a job's pages are its requester's (here the owner's)
_job = _pk("exports.exportjob")
PAGES.update({
    "admin:exports_exportjob_changelist": Page(EVERYONE),
    "admin:exports_exportjob_add": Page(frozenset()),
    "admin:exports_exportjob_change": Page(OWNER, _job),
    "admin:exports_exportjob_delete": Page(frozenset(), _job),
    "admin:exports_exportjob_history": Page(OWNER, _job),
    "exports/exportjob/<path:object_id>/": Page(
        EVERYONE, _job, redirect=lambda store: f"/exports/exportjob/{_job(store)['object_id']}/change/"),
    "admin:exports_exportjob_page": Page(OWNER, lambda store: {"job_id": _job(store)["object_id"]}),
    "admin:exports_exportjob_status": Page(OWNER, lambda store: {"job_id": _job(store)["object_id"]}),
    "admin:exports_exportjob_download": Page(OWNER, lambda store: {"job_id": _job(store)["object_id"]}),
    "admin:orders_order_export": Page(STORE_VIEW, post_only=True),
    # the task page's forms (each checks who may do it on POST)
    "admin:tasks_task_assign": Page(STORE_VIEW, _pk("tasks.task"), post_only=True),
    "admin:tasks_task_comment": Page(STORE_VIEW, _pk("tasks.task"), post_only=True),
    "admin:tasks_task_resolve": Page(STORE_VIEW, _pk("tasks.task"), post_only=True),
})
# Pages that forward to another page, which checks.
# Replenishment: the reorder list (supplier records + creating POs: finance), the SKU
# forecast page (the forecast viewers) and the SKU page's link to it.
_FORECAST_VIEW = roles("operator", "warehouse", "finance", "analyst")
PAGES.update({
    "admin:suppliers_reorder_today": Page(roles("finance")),
    "admin:inventory_sku_forecast": Page(_FORECAST_VIEW, lambda store: {
        "sku_id": first_pk(admin_model("catalog.sku"))}),
    "admin:catalog_sku_open_forecast": Page(
        _FORECAST_VIEW, _pk("catalog.sku"),
        redirect=lambda store: f"/supply/skus/{first_pk(admin_model('catalog.sku'))}/forecast/"),
})
# Purchasing: the steps of a purchase order (finance sends, closes, cancels; the warehouse
# and finance receive; whoever sees the order prints it) and a supplier's message form.
_PO = _pk("suppliers.purchaseorder")
PAGES.update({
    "admin:suppliers_purchaseorder_send": Page(roles("finance"), _PO),
    "admin:suppliers_purchaseorder_receive": Page(roles("warehouse", "finance"), _PO),
    "admin:suppliers_purchaseorder_close": Page(roles("finance"), _PO),
    "admin:suppliers_purchaseorder_cancel": Page(roles("finance"), _PO),
    "admin:suppliers_purchaseorder_pdf": Page(roles("warehouse", "finance"), _PO),
    "admin:suppliers_supplier_record_message": Page(roles("finance"), _pk("suppliers.supplier")),
    # the SKU page's link to its cost history (finance), which checks
    "admin:catalog_sku_open_cost_history": Page(
        roles("finance"), _pk("catalog.sku"), redirect=lambda store: (
            f"/inventory/costchange/?sku__id__exact={first_pk(admin_model('catalog.sku'))}")),
})
PAGES["admin:imports_importprofile_add"] = Page(
    EVERYONE, redirect=lambda store: "/imports/importprofile/editor/")
PAGES["admin:accounts_securitypolicy_change"] = Page(  # the policy is edited on its list page
    EVERYONE, _pk("accounts.securitypolicy"), redirect=lambda store: "/accounts/securitypolicy/")


# GETs with a query string that once triggered (or could trigger) a write, opened by the
# owner in the no-GET-writes test after every pattern's plain URL.
QUERY_GETS: list[Callable[[dict], str]] = [
    lambda store: "/reports/customers/?export=csv",  # exports are POSTs
    lambda store: "/reports/overview/?export=xlsx",
    lambda store: "/reports/suppliers/?export=csv",  # the supply reports
    lambda store: "/reports/stock/?export=xlsx",
    lambda store: "/reports/dropship/?export=csv",
    lambda store: "/analytics/warehouserun/?action=refresh_now",
    lambda store: f"/customers/customer/?q={store['customer'].code}",
    lambda store: f"/search/?q={store['customer'].code}",
    lambda store: f"/imports/importprofile/editor/?profile={first_pk(admin_model('imports.importprofile'))}",
    lambda store: f"/orders/order/{store['pending'].pk}/review/?apply=1&note=ok",
]


def _content_type_id(model_label: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(admin_model(model_label)).pk


# Drop-shipping: a supplier's account opens the lists (its own rows only) and the feed upload;
# another supplier's order or feed run — here, any: the caller is no supplier's account — is 403.
_SUPPLIER_ORDER = _pk("fulfillment.supplierorder")
PAGES.update({
    "admin:fulfillment_supplierorder_changelist": Page(roles("operator", "warehouse", "finance",
                                                             "supplier")),
    "admin:inventory_stockfeedrun_changelist": Page(roles("warehouse", "finance", "supplier")),
    "admin:fulfillment_supplierorder_accept_one": Page(OWNER, _SUPPLIER_ORDER),
    "admin:fulfillment_supplierorder_enter_tracking_one": Page(OWNER, _SUPPLIER_ORDER),
    "admin:fulfillment_supplierorder_recipient_one": Page(OWNER, _SUPPLIER_ORDER),
    "admin:inventory_stockfeedrun_upload_feed": Page(roles("warehouse", "supplier")),
})
