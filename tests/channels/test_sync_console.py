"""The stock sync's console pages: rules entered in percent, the quantities list with its
POST buttons, the publish log's CSV download, and a SKU's sellable-per-channel panel."""

import pytest
from django.urls import reverse

from tests.channels.sync_factories import (
    channel_export_dir,  # noqa: F401 (fixture)
    make_channel,
    make_listing,
    make_rule,
    stocked_sku,
)
from zhanggui.channels import actions_sync
from zhanggui.channels.models import PublishedQuantity, PublishRun, SyncRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced():
    taobao, jd = make_channel("taobao", name="淘宝"), make_channel("jd", name="京东")
    make_rule(taobao, percent="0.6")
    make_rule(jd, percent="0", fixed=10, pool="reserved")
    sku = stocked_sku(50)
    make_listing(taobao, sku)
    make_listing(jd, sku)
    actions_sync.recompute()
    return taobao, jd, sku


def test_a_rule_is_entered_in_percent_and_recomputes_its_sku(login, synced):
    taobao, _jd, sku = synced
    client = login("operator")
    response = client.post(reverse("admin:channels_syncrule_add"), {
        "channel": taobao.pk, "sku": sku.pk, "pool": "shared", "percent": "20", "fixed": "1",
        "min_quantity": "0", "max_quantity": "", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = SyncRule.objects.get(sku=sku)
    assert str(rule.percent) == "0.2000"
    assert PublishedQuantity.objects.get(channel=taobao, sku=sku).quantity == 9  # 20 % of 40 + 1
    page = client.get(reverse("admin:channels_syncrule_changelist")).content.decode()
    assert "20 %" in page and "60 %" in page


def test_buttons_are_post_only_and_publish_writes_a_downloadable_file(login, synced):
    taobao, _jd, sku = synced
    client = login("operator")
    listing = client.get(reverse("admin:channels_publishedquantity_changelist")).content.decode()
    assert 'id="sync-recompute"' in listing and 'data-publish="taobao"' in listing
    publish = reverse("admin:channels_sync_publish", args=[taobao.pk])
    assert client.get(publish).status_code == 405
    response = client.post(publish)
    run = PublishRun.objects.get()
    assert response.url == reverse("admin:channels_publishrun_change", args=[run.pk])
    download = client.get(reverse("admin:channels_publishrun_file", args=[run.pk]))
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert body.splitlines() == ["宝贝ID,商家编码,库存", f",{sku.code},24"]
    assert client.post(reverse("admin:channels_sync_recompute")).status_code == 302


def test_the_warehouse_sees_quantities_but_may_not_publish(login, synced):
    taobao, _jd, _sku = synced
    client = login("warehouse")
    listing = client.get(reverse("admin:channels_publishedquantity_changelist")).content.decode()
    assert 'id="sync-recompute"' not in listing
    assert client.post(reverse("admin:channels_sync_publish", args=[taobao.pk])).status_code == 403
    assert client.post(reverse("admin:channels_sync_recompute")).status_code == 403
    assert not PublishRun.objects.exists()


def test_the_sku_panel_shows_each_channels_rule_and_quantity(login, synced):
    _taobao, _jd, sku = synced
    client = login("operator")
    page = client.get(reverse("admin:channels_sku_quantities", args=[sku.pk])).content.decode()
    assert "50" in page and "60 %" in page and ">24<" in page and ">10<" in page
    link = client.get(f"/catalog/sku/{sku.pk}/channels-link/")
    assert link.url == reverse("admin:channels_sku_quantities", args=[sku.pk])
    assert login("service").get(reverse("admin:channels_sku_quantities", args=[sku.pk])).status_code == 403
