"""The console's review pages: the order list's "held" filter and hold reasons, the order
page's Release / Recheck / Fix address / Seller note, the rules page's per-kind parameter
form, holds released in bulk, the block list."""

import pytest
from django.urls import reverse

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.orders import actions, review
from zhanggui.orders.models import BlockedBuyer, OrderHold, ReviewRule


@pytest.fixture
def held_order(sku):
    order = factories.make_order(sku=sku, status="paid")
    review.update_seller_note(order, note="改成蓝色", actor=None)
    review.auto_review_order(order)
    order.refresh_from_db()
    assert order.is_held
    return order


def test_the_order_list_filters_held_orders_and_shows_why(login, held_order, sku):
    other = factories.make_order(sku=sku, status="paid")
    client = login("service")
    response = client.get(reverse("admin:orders_order_changelist"), {"is_held__exact": "1"})
    page = response.content.decode()
    assert held_order.number in page and other.number not in page
    assert "改成蓝色" in page


def test_release_on_the_order_page_reviews_the_order(login, held_order):
    client = login("service")
    url = reverse("admin:orders_order_release_holds_one", args=[held_order.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "已和买家确认"}, follow=True)
    held_order.refresh_from_db()
    assert held_order.status == "reviewed" and not held_order.is_held
    assert OrderHold.objects.get(order=held_order).released_by == client.staff
    assert response.status_code == 200


def test_fixing_the_address_keeps_blank_personal_fields_and_recheck_reviews(login, sku):
    order = factories.make_order(sku=sku, status="paid")
    review.update_recipient(order, actor=None, recipient=actions.Recipient(
        name="张三丰", phone="13800000000", province_code="330000", city="杭州", district="",
        address_detail="丰巢自提柜 8 号"))
    review.auto_review_order(order)
    client = login("service")
    fix = reverse("admin:orders_order_fix_recipient_one", args=[order.pk])
    form = client.get(fix).content.decode()
    assert "13800000000" not in form and "自提柜" not in form  # service may not see them
    client.post(fix, {"name": "", "phone": "", "province_code": "330000", "city": "杭州",
                      "district": "西湖区", "address_detail": "文三路 100 号"})
    order.refresh_from_db()
    assert (order.recipient_phone, order.district, order.address_detail) == (
        "13800000000", "西湖区", "文三路 100 号")
    client.post(reverse("admin:orders_order_recheck_one", args=[order.pk]), {})
    order.refresh_from_db()
    assert order.status == "reviewed" and not order.holds.filter(released_at=None).exists()


def test_a_role_without_the_permission_cannot_release(login, held_order):
    url = reverse("admin:orders_order_release_holds_one", args=[held_order.pk])
    assert login("warehouse").post(url, {"note": ""}).status_code == 403
    held_order.refresh_from_db()
    assert held_order.is_held and held_order.status == "paid"


def test_holds_released_in_bulk_from_the_holds_list(login, held_order):
    client = login("service")
    hold = held_order.holds.get()
    client.post(reverse("admin:orders_orderhold_changelist"),
                {"action": "release_selected", "_selected_action": [hold.pk], "apply": "1",
                 "note": "批量放行"})
    hold.refresh_from_db()
    assert hold.release_note == "批量放行"


def test_the_rules_page_edits_parameters_per_kind_with_validation(login):
    rule = ReviewRule.objects.get(kind="price_anomaly")
    client = login("operator")
    url = reverse("admin:orders_reviewrule_change", args=[rule.pk])
    page = client.get(url).content.decode()
    assert 'name="param_fraction"' in page and 'value="50"' in page  # percent on screen
    data = {"name": rule.name, "position": rule.position, "is_active": "on", "param_fraction": "30"}
    client.post(url, data)
    rule.refresh_from_db()
    assert rule.params == {"fraction": "0.3"}
    assert OperationLog.objects.filter(action="orders.update_review_rule").exists()
    client.post(url, {**data, "param_fraction": "0"})
    rule.refresh_from_db()
    assert rule.params == {"fraction": "0.3"}  # refused, unchanged


def test_rules_switched_off_from_the_list(login):
    rule = ReviewRule.objects.get(kind="buyer_note")
    rows = list(ReviewRule.objects.order_by("position", "id"))
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "1"}
    for index, row in enumerate(rows):
        data[f"form-{index}-id"] = row.pk
        data[f"form-{index}-position"] = row.position
        if row.is_active and row.pk != rule.pk:
            data[f"form-{index}-is_active"] = "on"
    login("operator").post(reverse("admin:orders_reviewrule_changelist"), data)
    rule.refresh_from_db()
    assert not rule.is_active
    assert ReviewRule.objects.filter(is_active=True).count() == 8


def test_the_block_list_adds_and_removes_entries(login):
    client = login("service")
    client.post(reverse("admin:orders_blockedbuyer_add"), {"phone": "13711112222", "reason": "刷单"})
    entry = BlockedBuyer.objects.get()
    assert entry.created_by == client.staff and entry.phone == "13711112222"
    client.post(reverse("admin:orders_blockedbuyer_delete", args=[entry.pk]), {"post": "yes"})
    assert not BlockedBuyer.objects.exists()
    assert OperationLog.objects.filter(action="orders.unblock_buyer").exists()
