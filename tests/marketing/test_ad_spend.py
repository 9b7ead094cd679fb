"""Ad spend entry: recorded, changed and deleted through logged actions; one entry per day,
channel and product (the shop-wide entry too); amounts from 0 with two decimals."""

from datetime import date
from decimal import Decimal

import pytest

from tests import factories
from tests.api.support import ApiClient
from zhanggui.accounts.models import OperationLog
from zhanggui.marketing import actions
from zhanggui.marketing.errors import AdSpendExists, InvalidAdSpend
from zhanggui.marketing.models import AdSpend

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 11)
URL = "/api/v1/marketing/ad-spend"


def test_record_update_delete_are_logged():
    operator = factories.make_staff("operator")
    spend = actions.record_ad_spend(day=DAY, channel="zhitongche", amount=Decimal("100.00"),
                                    actor=operator)
    actions.update_ad_spend(spend, amount=Decimal("80.50"), note=" 调价 ", actor=operator)
    spend.refresh_from_db()
    assert (spend.amount, spend.note, spend.created_by) == (Decimal("80.50"), "调价", operator)
    actions.delete_ad_spend(spend, actor=operator)
    assert not AdSpend.objects.exists()
    assert list(OperationLog.objects.filter(object_type="marketing.adspend")
                .order_by("pk").values_list("action", flat=True)) == [
        "marketing.record_ad_spend", "marketing.update_ad_spend", "marketing.delete_ad_spend"]


def test_one_entry_per_day_channel_and_product_shop_wide_too():
    product = factories.make_product()
    actions.record_ad_spend(day=DAY, channel="douyin", amount=Decimal("1"), actor=None)
    actions.record_ad_spend(day=DAY, channel="douyin", product=product, amount=Decimal("1"),
                            actor=None)
    with pytest.raises(AdSpendExists):
        actions.record_ad_spend(day=DAY, channel="douyin", amount=Decimal("2"), actor=None)
    with pytest.raises(AdSpendExists):
        actions.record_ad_spend(day=DAY, channel="douyin", product=product, amount=Decimal("2"),
                                actor=None)
    assert AdSpend.objects.count() == 2


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("1.005"), Decimal("NaN")])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(InvalidAdSpend):
        actions.record_ad_spend(day=DAY, channel="other", amount=amount, actor=None)
    assert not AdSpend.objects.exists()


def test_the_api_lists_a_day_range_and_refuses_a_duplicate():
    client = ApiClient(factories.make_staff("operator"))
    for day in ("2026-11-10", "2026-11-11", "2026-11-12"):
        assert client.post(URL, {"day": day, "channel": "wanxiangtai",
                                 "amount": "10.00"}).status_code == 201
    listed = client.get(URL, day_from="2026-11-11", day_to="2026-11-12").json()["items"]
    assert [s["day"] for s in listed] == ["2026-11-12", "2026-11-11"]
    duplicate = client.post(URL, {"day": "2026-11-11", "channel": "wanxiangtai", "amount": "5"})
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "ad_spend_exists"
    negative = client.post(URL, {"day": "2026-11-13", "channel": "wanxiangtai", "amount": "-1"})
    assert negative.status_code == 422


def test_a_patch_with_nulls_changes_only_what_it_names():
    client = ApiClient(factories.make_staff("operator"))
    created = client.post(URL, {"day": "2026-11-10", "channel": "wanxiangtai",
                                "amount": "10.00", "note": "双11 预热"}).json()
    patched = client.patch(f"{URL}/{created['id']}", {"day": "2026-11-09", "channel": None,
                                                      "amount": None, "note": None})
    assert patched.status_code == 200, patched.json()
    spend = AdSpend.objects.get(pk=created["id"])
    assert (spend.day, spend.channel, spend.amount, spend.note) == (
        date(2026, 11, 9), "wanxiangtai", Decimal("10.00"), "双11 预热")


def test_the_analyst_reads_but_cannot_write():
    client = ApiClient(factories.make_staff("analyst"))
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"day": "2026-11-11", "channel": "other", "amount": "1"})
    assert response.status_code == 403 and not AdSpend.objects.exists()
