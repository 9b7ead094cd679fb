"""The console's page matrix: every URL pattern of the site, who may open it, and how.

``console_patterns()`` walks the URL resolver (the admin site's URLs included); ``PAGES``
declares, for each pattern, the roles that may open it and how to fill its URL
(the vocabulary is in ``page_kinds``; the rows of later areas in ``page_rows_*``).
``test_page_matrix.py`` opens every pattern as every role and fails when a pattern has no
row. ``every_kind()`` (in ``page_store``) builds one object of every model the console shows,
so that each object page has an object to open.
"""

from collections.abc import Callable

from tests.console import (
    page_rows_channel_sync,
    page_rows_channels,
    page_rows_insights,
    page_rows_integrations,
    page_rows_life,
    page_rows_live,
    page_rows_team,
)
from tests.console.page_kinds import (  # noqa: F401  (re-exported for test_page_matrix)
    ALL_ROLES,
    ANONYMOUS,
    CUSTOMER_VIEW,
    EVERYONE,
    LISTING_VIEW,
    LOGIN,
    NOBODY,
    OWNER,
    PRICING_VIEW,
    REPORTS_READ,
    REPORTS_VIEW,
    ROLES,
    STOCK_VIEW,
    STORE_VIEW,
    Page,
    Pattern,
    _object,
    _pk,
    admin_model,
    all_patterns,
    console_patterns,
    fill,
    first_pk,
    is_api,
    model_pages,
    roles,
)
from tests.console.page_store import every_kind  # noqa: F401  (page_matrix.every_kind)

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
    # service sees tiers and memberships too (it answers members' questions)
    "pricing.membertier": {"view": PRICING_VIEW | {"service"}, "add": roles("operator"),
                           "delete": roles("operator")},
    "pricing.customermembership": {"view": PRICING_VIEW | {"service"}, "add": roles("operator"),
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
    "marketing.experiment": {"view": roles("operator", "finance", "analyst"),
                             "add": roles("operator")},  # A/B tests: never deleted
    # campaigns: cancelled, never deleted; the outbox is read-only; the one policy row
    # exists (no second is added); unsubscriptions are recorded by staff (the operator)
    "marketing.campaign": {"view": roles("operator", "finance", "analyst"),
                           "add": roles("operator")},
    "marketing.message": {"view": roles("operator", "finance", "analyst")},
    "marketing.contactpolicy": {"view": roles("operator", "finance", "analyst")},
    "marketing.unsubscribe": {"view": roles("operator", "finance", "analyst"),
                              "add": roles("operator")},
    "inventory.forecastfit": {"view": roles("operator", "warehouse", "finance", "analyst")},
    "suppliers.supplier": {"view": roles("finance"), "add": roles("finance"),
                           "delete": roles("finance")},
    "suppliers.purchaseorder": {"view": roles("warehouse", "finance"), "add": roles("finance")},
    "suppliers.supplypolicy": {"view": roles("finance")},
    "inventory.costchange": {"view": roles("finance")},
    # segments: operations create and change them; members are computed by the warehouse
    "customers.segment": {"view": roles("operator", "service", "analyst"), "add": roles("operator")},
    "customers.segmentmember": {"view": roles("operator", "service", "analyst")},
    # membership: the ledger and balances are read-only; the owner changes the policies
    "customers.pointsaccount": {"view": CUSTOMER_VIEW},
    "customers.pointsentry": {"view": CUSTOMER_VIEW},
    "customers.pointspolicy": {"view": CUSTOMER_VIEW},
    "pricing.tierpolicy": {"view": CUSTOMER_VIEW},
}


def _run(store: dict) -> dict:
    return {"run_id": store["import_run"].pk}


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

PAGES.update(page_rows_life.PAGES)
PAGES.update(page_rows_insights.PAGES)
PAGES.update(page_rows_channels.PAGES)
PAGES.update(page_rows_channel_sync.PAGES)
PAGES.update(page_rows_live.PAGES)
PAGES.update(page_rows_team.PAGES)
PAGES.update(page_rows_integrations.PAGES)
