"""Stock, after-sales, catalog, master-data and staff writes from the console go through
the actions, land in the operation log and report refusals as messages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zhanggui.accounts.actions import delete_record
from zhanggui.accounts.models import ApiToken, OperationLog, Staff
from zhanggui.accounts.rules import token_digest
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.catalog.models import Category, Product
from zhanggui.core.errors import Conflict
from zhanggui.inventory.models import Stock, StockMovement


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def inline_management_data(client, url: str) -> dict:
    """The inline formsets' management fields a browser posts along with a change form."""
    page = client.get(url)
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        form = inline.formset.management_form
        data.update({form[name].html_name: form[name].value() for name in form.fields})
    return data


def post_action(client, changelist: str, action: str, objects, **data):
    payload = {"action": action, "_selected_action": [o.pk for o in objects], **data}
    return client.post(reverse(changelist), payload, follow=True)


# Stock ------------------------------------------------------------------------------------

def test_receiving_stock_through_the_form_books_a_movement(login, sku):
    stock = Stock.objects.get(sku=sku)
    client = login("warehouse")
    post_action(client, "admin:inventory_stock_changelist", "receive_selected", [stock],
                apply="1", **{f"o{stock.pk}-quantity": "12", f"o{stock.pk}-reason": "采购入库",
                              f"o{stock.pk}-reference": "PO-1"})
    stock.refresh_from_db()
    assert stock.on_hand == 62
    movement = StockMovement.objects.filter(stock=stock).latest("id")
    assert (movement.kind, movement.reference, movement.actor) == ("receive", "PO-1", client.staff)


def test_an_adjustment_below_what_is_reserved_is_refused(login, sku):
    factories.make_order(sku=sku, quantity=5)  # reserves 5 of the 50
    stock = Stock.objects.get(sku=sku)
    response = post_action(login("warehouse"), "admin:inventory_stock_changelist",
                           "adjust_selected", [stock], apply="1",
                           **{f"o{stock.pk}-delta": "-48", f"o{stock.pk}-kind": "count",
                              f"o{stock.pk}-reason": "盘点"})
    assert any("少于已预占数量" in m for m in messages_of(response))
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (50, 5)


def test_stock_of_a_new_sku_is_received_from_the_list_action(login, sku):
    new_sku = factories.make_sku(sku.product)
    warehouse = Stock.objects.get(sku=sku).warehouse
    client = login("warehouse")
    url = reverse("admin:inventory_stock_receive_new")
    client.post(url, {"sku_code": new_sku.code, "warehouse": warehouse.pk, "quantity": "7",
                      "reason": "首批入库", "reference": ""})
    assert Stock.objects.get(sku=new_sku, warehouse=warehouse).on_hand == 7
    response = client.post(url, {"sku_code": "NOPE", "warehouse": warehouse.pk, "quantity": "7",
                                 "reason": "x", "reference": ""})
    assert "找不到编码为 NOPE 的 SKU" in response.content.decode()


def test_stock_cannot_be_edited_in_a_plain_form(login, sku):
    stock = Stock.objects.get(sku=sku)
    client = login("owner")
    url = reverse("admin:inventory_stock_change", args=[stock.pk])
    client.post(url, {"on_hand": "999", "reserved": "0", "low_stock_threshold": "1"})
    stock.refresh_from_db()
    assert stock.on_hand == 50
    assert client.get(reverse("admin:inventory_stock_add")).status_code == 403


# After-sales -----------------------------------------------------------------------------

@pytest.fixture
def return_request(sku):
    order = factories.make_order(sku=sku, quantity=2, status="delivered")
    return aftersales_actions.request_aftersales(
        order, kind="return", reason_code="quality", lines={order.lines.get().pk: 1},
        requested_amount=Decimal("100.00"), actor=None)


def test_a_return_is_approved_received_and_refunded_by_the_right_roles(login, return_request):
    changelist = "admin:aftersales_aftersalesrequest_changelist"
    post_action(login("service"), changelist, "approve_selected", [return_request])
    line = return_request.lines.get()
    post_action(login("warehouse"), changelist, "receive_selected", [return_request],
                apply="1", **{f"o{return_request.pk}-line_{line.pk}": "restock"})
    post_action(login("finance"), changelist, "refund_selected", [return_request], apply="1",
                **{f"o{return_request.pk}-amount": "100.00",
                   f"o{return_request.pk}-reason": "质量问题退货"})
    return_request.refresh_from_db()
    assert return_request.status == "refunded"
    assert return_request.order.refunds.get().amount == Decimal("100.00")
    actions = set(OperationLog.objects.filter(object_type="aftersales.aftersalesrequest")
                  .values_list("action", flat=True))
    assert {"aftersales.approve", "aftersales.receive_return", "aftersales.refunded"} <= actions


def test_rejecting_needs_a_reason_and_a_role_that_decides(login, return_request):
    changelist = "admin:aftersales_aftersalesrequest_changelist"
    post_action(login("warehouse"), changelist, "reject_selected", [return_request],
                apply="1", reason="超过售后期")
    return_request.refresh_from_db()
    assert return_request.status == "requested"
    post_action(login("service"), changelist, "reject_selected", [return_request],
                apply="1", reason="超过售后期")
    return_request.refresh_from_db()
    assert (return_request.status, return_request.decision_note) == ("rejected", "超过售后期")


def test_refunding_a_request_that_is_not_ready_is_an_error_message(login, return_request):
    response = post_action(login("finance"), "admin:aftersales_aftersalesrequest_changelist",
                           "refund_selected", [return_request], apply="1",
                           **{f"o{return_request.pk}-amount": "100.00",
                              f"o{return_request.pk}-reason": "x"})
    assert any("不能执行此操作" in m for m in messages_of(response))
    assert not return_request.order.refunds.exists()


# Catalog ---------------------------------------------------------------------------------

def test_a_product_created_and_edited_in_the_form_goes_through_the_catalog_actions(login, db):
    category = factories.make_category("女装")
    client = login("operator")
    client.post(reverse("admin:catalog_product_add"), {
        "code": "SPU-NEW", "title": "真丝连衣裙", "category": category.pk, "brand": "",
        "description": "", "attributes": "{}", "option_names": '["颜色"]'})
    product = Product.objects.get(code="SPU-NEW")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    client.post(url, {"title": "真丝连衣裙 2026 新款", "category": category.pk, "brand": "掌柜",
                      "description": "", "attributes": "{}", "option_names": '["颜色"]',
                      **inline_management_data(client, url)})
    product.refresh_from_db()
    assert product.title == "真丝连衣裙 2026 新款" and product.brand == "掌柜"
    update = OperationLog.objects.get(action="catalog.update_product")
    assert update.before["title"] == "真丝连衣裙" and update.actor == client.staff
    assert OperationLog.objects.filter(action="catalog.create_product",
                                       object_id=str(product.pk)).exists()


def test_a_refused_product_edit_is_shown_on_the_form(login, sku):
    product = sku.product
    client = login("operator")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    response = client.post(url, {"title": product.title, "category": product.category_id,
                                 "brand": "", "description": "", "attributes": "{}",
                                 "option_names": '["尺码"]', **inline_management_data(client, url)})
    assert response.status_code == 200
    assert "SKU 有误" in response.content.decode()
    product.refresh_from_db()
    assert product.option_names == ["颜色"]


def test_delisting_asks_for_a_reason_and_logs_it(login, sku):
    product = sku.product
    client = login("operator")
    post_action(client, "admin:catalog_product_changelist", "delist_selected", [product],
                apply="1", reason="slow_seller")
    product.refresh_from_db()
    assert (product.status, product.status_reason) == ("delisted", "slow_seller")
    entry = OperationLog.objects.filter(action="catalog.set_listing_status").latest("id")
    assert entry.actor == client.staff and entry.after["status"] == "delisted"


def test_master_data_saves_and_deletes_write_before_and_after(login, db):
    client = login("owner")
    client.post(reverse("admin:catalog_category_add"), {"name": "男装", "sort_order": "1"})
    category = Category.objects.get(name="男装")
    client.post(reverse("admin:catalog_category_change", args=[category.pk]),
                {"name": "男士服装", "sort_order": "1"})
    update = OperationLog.objects.get(action="catalog.update_category")
    assert (update.before, update.after) == ({"name": "男装"}, {"name": "男士服装"})
    client.post(reverse("admin:catalog_category_delete", args=[category.pk]), {"post": "yes"})
    assert not Category.objects.filter(pk=category.pk).exists()
    deletion = OperationLog.objects.get(action="catalog.delete_category")
    assert deletion.before["name"] == "男士服装" and deletion.actor == client.staff


# Staff -----------------------------------------------------------------------------------

def test_the_owner_creates_staff_with_roles_through_the_form(login):
    client = login("owner")
    client.post(reverse("admin:accounts_staff_add"), {
        "username": "xiaowang", "display_name": "小王", "email": "", "password1": "Ops-Team-2026!",
        "password2": "Ops-Team-2026!", "roles": ["service"]})
    staff = Staff.objects.get(username="xiaowang")
    assert staff.is_staff and not staff.is_superuser
    assert list(staff.groups.values_list("name", flat=True)) == ["service"]
    entry = OperationLog.objects.get(action="accounts.create_staff", object_id=str(staff.pk))
    assert entry.actor == client.staff and entry.after["roles"] == ["service"]


def test_deactivating_staff_and_a_refusal_for_oneself(login):
    client = login("owner")
    leaver = factories.make_staff("service")
    post_action(client, "admin:accounts_staff_changelist", "deactivate_selected", [leaver])
    leaver.refresh_from_db()
    assert not leaver.is_active
    response = post_action(client, "admin:accounts_staff_changelist", "deactivate_selected",
                           [client.staff])
    assert any("不能停用自己的账号" in m for m in messages_of(response))


def test_an_api_token_secret_is_shown_once_and_only_its_digest_is_stored(login):
    client = login("owner")
    integration = factories.make_staff("warehouse")
    url = reverse("admin:accounts_staff_create_token", args=[integration.pk])
    response = client.post(url, {"name": "WMS"})
    secret = response.context["result"]["secret"]
    assert secret in response.content.decode() and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(staff=integration)
    assert token.key_digest == token_digest(secret)
    page = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert secret not in page.content.decode()


def test_the_operation_log_is_read_only_and_filterable(login, sku):
    client = login("owner")
    changelist = reverse("admin:accounts_operationlog_changelist")
    assert client.get(reverse("admin:accounts_operationlog_add")).status_code == 403

    def shown(**filters) -> set[str]:
        response = client.get(changelist, filters)
        return {entry.action for entry in response.context["cl"].result_list}

    assert shown(operation="catalog.create_sku") == {"catalog.create_sku"}
    assert shown(object_type="inventory.stock") == {"inventory.receive_stock"}
    assert shown(actor__id__exact=client.staff.pk) == set()  # the fixtures acted as the system
    today = timezone.localdate(OperationLog.objects.latest("id").created_at).isoformat()
    assert "catalog.create_sku" in shown(created_at_from=today, created_at_to=today)
    assert shown(created_at_from="2000-01-01", created_at_to="2000-01-02") == set()


def test_deleting_master_data_still_in_use_is_refused_and_changes_nothing(sku):
    category = sku.product.category
    with pytest.raises(Conflict, match="仍在使用中"):
        delete_record(category, actor=None)
    assert Category.objects.filter(pk=category.pk).exists()
    assert not OperationLog.objects.filter(action="catalog.delete_category").exists()
