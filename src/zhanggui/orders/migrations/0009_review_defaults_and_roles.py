"""Automatic review: the default rules (a sensible ordered set, some active), the address
blind index of existing orders, and the role groups' new order permissions."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles

# (kind, name, active, params) in order; names are the shop's data (Chinese, the default
# language), editable in the console.
DEFAULT_RULES = [
    ("blocked_buyer", "黑名单买家", True, {}),
    ("buyer_note", "买家留言", True, {}),
    ("seller_note", "卖家备注", True, {}),
    ("address_incomplete", "地址不完整", True, {"min_length": 5}),
    ("address_suspicious", "可疑地址", True,
     {"words": ["信箱", "邮政信箱", "PO Box", "P.O. Box", "自提柜", "快递柜"]}),
    ("amount_above", "大额订单", True, {"threshold": "5000.00"}),
    ("price_anomaly", "价格异常", True, {"fraction": "0.5"}),
    ("stock_short", "库存不足", True, {}),
    ("repeat_address", "同地址/电话多单（防刷单）", True, {"max_orders": 3, "hours": 24}),
    ("quantity_above", "单品数量过多", False, {"max_units": 20}),
    ("new_buyer_amount", "新买家大额首单", False, {"threshold": "2000.00"}),
    ("remote_region", "偏远地区", False, {"province_codes": []}),
]


def seed_rules(apps, schema_editor):
    rule_model = apps.get_model("orders", "ReviewRule")
    if rule_model.objects.exists():
        return
    rule_model.objects.bulk_create([
        rule_model(kind=kind, name=name, position=(index + 1) * 10, is_active=active,
                   params=params)
        for index, (kind, name, active, params) in enumerate(DEFAULT_RULES)])


def index_addresses(apps, schema_editor):
    """Fill the address index of the orders placed before it existed, in batches."""
    from zhanggui.orders.fields import AddressIndexField, address_key

    order_model = apps.get_model("orders", "Order")
    digest = AddressIndexField(source="address_key").digest
    fields = ("province_code", "city", "district", "address_detail")
    last = 0
    while True:
        batch = list(order_model.objects.filter(pk__gt=last).order_by("pk").only(*fields)[:2000])
        if not batch:
            return
        last = batch[-1].pk
        for order in batch:
            order.recipient_address_index = digest(address_key(
                order.province_code, order.city, order.district, order.address_detail))
        order_model.objects.bulk_update(batch, ["recipient_address_index"])


def grant_roles(apps, schema_editor):
    create_app_permissions(apps, "orders")
    sync_roles(apps, app_labels=["orders"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_review_holds_block_list_callbacks"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
        migrations.RunPython(index_addresses, migrations.RunPython.noop),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
