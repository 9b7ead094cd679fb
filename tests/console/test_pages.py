"""Every console page renders for the owner, who may open everything."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse

from tests import factories
from tests.console.page_store import customers_for_life_rows, insights_rows
from tests.fulfillment.dropship_support import drop_ship_order, drop_ship_supplier
from tests.orders.review_matrix_cases import review_objects
from tests.suppliers.replenishment_support import make_fit
from zhanggui.accounts.actions import raise_alert
from zhanggui.accounts.models import AlertKind
from zhanggui.fulfillment import waves
from zhanggui.inventory.costs import record_landed_cost
from zhanggui.inventory.feed import sync_stock_feed
from zhanggui.marketing.models import AdSpend
from zhanggui.suppliers.models import SupplierMessage, SupplyPolicy

CONSOLE_APPS = {"auth", "accounts", "catalog", "inventory", "customers", "orders",
                "fulfillment", "aftersales", "suppliers", "marketing", "service", "insights"}


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.usefixtures("store")
def test_every_changelist_and_change_page_renders_for_the_owner(login):
    client = login("owner")
    assert not client.staff.is_superuser
    raise_alert(AlertKind.REFUND, message="a large refund", actor=client.staff)
    review_objects()  # a hold, a block-list entry, a payment callback
    factories.make_order(status="reviewed")
    waves.build_waves(actor=None, max_parcels=1)  # a wave of that order's parcel
    _supply_objects()
    customers_for_life_rows(client.staff, factories.make_order(status="paid").customer)
    insights_rows()
    # The security policy is one page, its list: its change page leads there.
    pages_checked = {"accounts.securitypolicy"}
    for model, model_admin in admin.site._registry.items():
        response = client.get(_admin_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is None or model_admin.get_list_display_links(response.wsgi_request, []) is None:
            continue  # no row in the fixture, or no page per row (a session's key is secret)
        response = client.get(_admin_url(model, "change", quote(obj.pk)))
        assert response.status_code == 200, model
        pages_checked.add(model._meta.label_lower)
    console_models = {f"{m._meta.label_lower}" for m in admin.site._registry
                      if m._meta.app_label in CONSOLE_APPS} - {"accounts.staffsession"}
    assert console_models <= pages_checked, console_models - pages_checked


def _supply_objects() -> None:
    """A drop-ship supplier order and its feed run, a cost change, a stored forecast, a
    purchase order, the supply policy, a supplier message and ad spend."""
    supplier = drop_ship_supplier()
    drop_ship_order(supplier)
    sync_stock_feed(supplier.warehouse, rows={}, source="csv", actor=None)
    sku = factories.make_sku()
    record_landed_cost(sku, quantity=5, unit_landed_cost=Decimal("12.00"), reference="PO-T",
                       actor=None)
    make_fit(sku, None, d=2.0, sigma=1.0, days=3)
    factories.make_purchase_order(supplier=supplier)
    SupplyPolicy.objects.get_or_create(pk=1)  # (the PO above made it, under its lock)
    SupplierMessage.objects.create(supplier=supplier, direction="out", sent_at=date.today(),
                                   body="请确认到货时间")
    AdSpend.objects.create(day=date.today(), channel="other", amount=Decimal("10.00"))


@pytest.mark.usefixtures("store")
def test_the_add_pages_of_writable_models_render_for_the_owner(login):
    client = login("owner")
    for model, model_admin in admin.site._registry.items():
        request = client.get("/").wsgi_request
        if model_admin.has_add_permission(request):
            assert client.get(_admin_url(model, "add"), follow=True).status_code == 200, model


def test_the_dashboard_and_login_page_render_in_chinese(db, client, login):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    response = login("owner").get(reverse("admin:index"))
    assert response.status_code == 200
