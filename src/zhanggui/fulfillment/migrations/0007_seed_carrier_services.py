"""Example carrier services: the common carriers' usual service with a published-style rate
card (first kg + each additional kg; remote provinces dearer; promised days per zone). The
names say they are examples: the shop edits the fees to its own contract (console:
Fulfillment → Carrier services). Services the shop already has are left alone."""

from decimal import Decimal

from django.db import migrations

REMOTE = ["150000", "460000", "620000", "630000", "640000"]  # 内蒙古 海南 甘肃 青海 宁夏
FAR = ["540000", "650000", "710000", "810000", "820000"]  # 西藏 新疆 台湾 香港 澳门

# carrier, level, name, promised days, (first fee, additional fee, days) default/remote/far
SERVICES = [
    ("sf", "express", "顺丰标快（示例运价）", 2, ("13", "4", 2), ("18", "8", 3), ("23", "15", 4)),
    ("jd", "express", "京东快递（示例运价）", 2, ("12", "4", 2), ("18", "8", 3), ("22", "14", 5)),
    ("zto", "standard", "中通快递（示例运价）", 3, ("5", "2", 3), ("9", "6", 5), ("15", "12", 6)),
    ("yto", "standard", "圆通速递（示例运价）", 3, ("5", "2.5", 3), ("9", "6", 5), ("15", "12", 6)),
    ("yunda", "standard", "韵达快递（示例运价）", 3, ("4.8", "2", 3), ("9", "6", 5),
     ("16", "12", 6)),
    ("jt", "standard", "极兔速递（示例运价）", 4, ("4.5", "2", 4), ("9", "6", 5), ("16", "13", 7)),
    ("ems", "standard", "EMS 标准快递（示例运价）", 4, ("8", "3", 4), ("12", "6", 5),
     ("18", "10", 6)),
]
DEFAULT = ("zto", "standard")


def forwards(apps, schema_editor):
    CarrierService = apps.get_model("fulfillment", "CarrierService")
    RateCardRow = apps.get_model("fulfillment", "RateCardRow")
    has_default = CarrierService.objects.filter(is_default=True).exists()
    for carrier, level, name, days, default, remote, far in SERVICES:
        if CarrierService.objects.filter(carrier=carrier, level=level).exists():
            continue
        service = CarrierService.objects.create(
            carrier=carrier, level=level, name=name, promised_days=days, is_active=True,
            is_default=not has_default and (carrier, level) == DEFAULT)
        for provinces, (first, additional, row_days) in (([], default), (REMOTE, remote),
                                                        (FAR, far)):
            RateCardRow.objects.create(
                service=service, province_codes=provinces, first_weight_grams=1000,
                first_fee_amount=Decimal(first), additional_weight_grams=1000,
                additional_fee_amount=Decimal(additional), promised_days=row_days)


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0006_routing_reason_choices")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
