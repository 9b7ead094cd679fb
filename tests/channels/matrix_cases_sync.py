"""Setups of the permission matrix's rows for the channel stock sync
(``/api/v1/channels/published-quantities``, ``publish-runs``, ``sync/recompute``,
``{channel_id}/publish``, ``sync-rules``): Taobao shares 60 % of a SKU's 50 units."""

from decimal import Decimal

from tests.api.case import Case
from tests.channels.sync_factories import make_channel, make_listing, make_rule, stocked_sku
from zhanggui.channels import actions_sync
from zhanggui.channels.models import PublishedQuantity, SyncRule


def _synced(*, recompute: bool = True):
    channel = make_channel("taobao")
    rule = make_rule(channel, percent="0.6")
    sku = stocked_sku(50)
    make_listing(channel, sku)
    if recompute:
        actions_sync.recompute()
    return channel, sku, rule


def quantities() -> Case:
    channel, sku, _rule = _synced()
    return Case(query={"channel_id": channel.pk, "differs": True}, check=lambda data, staff: [
        (i["sku_code"], i["quantity"], i["published_quantity"]) for i in data["items"]]
        == [(sku.code, 30, None)])


def runs() -> Case:
    channel, _sku, _rule = _synced()
    run = actions_sync.publish(channel)
    return Case(check=lambda data, staff: [(i["id"], i["status"], i["line_count"])
                                           for i in data["items"]] == [(run.pk, "ok", 1)])


def run() -> Case:
    channel, sku, _rule = _synced()
    published = actions_sync.publish(channel)
    return Case(path={"run_id": published.pk}, check=lambda data, staff: [
        (line["sku_id"], line["quantity"], line["ok"]) for line in data["lines"]] == [(sku.pk, 30, True)])


def recompute() -> Case:
    _channel, sku, _rule = _synced(recompute=False)
    return Case(body={"sku_ids": [sku.pk]}, check=lambda data, staff: data == {"skus": 1, "changed": 1}
                and PublishedQuantity.objects.get(sku=sku).quantity == 30)


def publish() -> Case:
    channel, sku, _rule = _synced()
    return Case(path={"channel_id": channel.pk}, check=lambda data, staff: data["published"]
                and data["run"]["actor"] == staff.username
                and PublishedQuantity.objects.get(sku=sku).published_quantity == 30)


def rules() -> Case:
    _channel, _sku, rule = _synced(recompute=False)
    return Case(check=lambda data, staff: [(i["id"], i["percent"]) for i in data["items"]]
                == [(rule.pk, "0.6000")])


def create_rule() -> Case:
    channel, sku, _rule = _synced()
    return Case(body={"channel_id": channel.pk, "sku_id": sku.pk, "percent": "0.2", "max_quantity": 8},
                check=lambda data, staff: SyncRule.objects.get(pk=data["id"]).percent == Decimal("0.2")
                and PublishedQuantity.objects.get(sku=sku).quantity == 8)


def update_rule() -> Case:
    _channel, sku, rule = _synced()
    return Case(path={"rule_id": rule.pk}, body={"percent": "0.5"}, target=rule,
                check=lambda data, staff: data["percent"] == "0.5000"
                and PublishedQuantity.objects.get(sku=sku).quantity == 25)


def delete_rule() -> Case:
    _channel, sku, rule = _synced()
    return Case(path={"rule_id": rule.pk}, target=rule,
                check=lambda data, staff: not SyncRule.objects.filter(pk=rule.pk).exists()
                and PublishedQuantity.objects.get(sku=sku).quantity == 0)
