"""The demo store's pricing: member tiers, the default shipping template (first kg 5 yuan,
each further kg 1 yuan, remote regions priced separately, free from 99), a tiered 满减, a
flash sale on one SKU, a new-customer first-order offer and two coupon templates with codes.

Written through ``pricing.actions`` (so they are logged); the seeded orders themselves were
priced at list price and are not re-priced.
"""

from datetime import timedelta
from decimal import Decimal

from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.demo.context import Clock
from zhanggui.pricing import actions
from zhanggui.pricing.models import MemberTier, ShippingTemplate

REMOTE = ["650000", "540000", "630000", "150000", "620000", "640000"]  # 新疆 西藏 青海 内蒙古 甘肃 宁夏


def seed_pricing(clock: Clock, staff: dict[str, Staff]) -> int:
    """Write the demo offers; returns how many offers and templates were created."""
    operator = staff.get("operator")
    tiers = [("regular", "普通会员"), ("silver", "银卡会员"), ("gold", "金卡会员")]
    for rank, (code, name) in enumerate(tiers):
        MemberTier.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})
    actions.save_shipping_template(
        ShippingTemplate(name="默认运费（按重量）", basis="weight", first_units=Decimal(1),
                         first_fee_amount=Decimal("5.00"), additional_units=Decimal(1),
                         additional_fee_amount=Decimal("1.00"), free_over_amount=Decimal("99.00"),
                         is_default=True),
        actor=operator, region_rules=[{"province_codes": REMOTE, "first_fee_amount": "15.00",
                                       "additional_fee_amount": "8.00"}])
    start, end = clock.now - timedelta(days=3), clock.now + timedelta(days=11)
    actions.create_promotion("满200减20 / 满300减40", kind="threshold", actor=operator,
                             tiers=[{"threshold": "200", "amount": "20"},
                                    {"threshold": "300", "amount": "40"}],
                             starts_at=start, ends_at=end, exclusion_group="store",
                             budget_amount=Decimal("50000.00"))
    actions.create_promotion("新客首单立减 10 元", kind="first_order", actor=operator,
                             discount_amount=Decimal("10.00"), min_amount=Decimal("59.00"),
                             per_customer_limit=1)
    flash_sku = Sku.objects.filter(is_active=True, product__status="listed").order_by("-price_amount").first()
    created = 4
    if flash_sku is not None:
        actions.create_promotion(
            f"限时秒杀 {flash_sku.code}", kind="flash_sale", actor=operator, scope="skus",
            scope_ids=[flash_sku.pk],
            special_price_amount=(flash_sku.price_amount * Decimal("0.7")).quantize(Decimal("0.01")),
            stock_cap=100, per_buyer_limit=2, starts_at=clock.now + timedelta(days=1),
            ends_at=clock.now + timedelta(days=1, hours=2), is_coupon_allowed=False)
        created += 1
    welcome = actions.create_coupon_template("满99减10 店铺券", kind="fixed", actor=operator,
                                             discount_amount=Decimal("10.00"), min_amount=Decimal("99.00"),
                                             valid_days=30, per_customer_limit=1)
    actions.issue_coupons(welcome, count=20, actor=operator)
    actions.create_coupon_template("沉睡客户回归 5 折券", kind="percent", actor=operator,
                                   discount_rate=Decimal("0.5"), max_discount_amount=Decimal("50.00"),
                                   valid_days=14, per_customer_limit=1)
    return created + 2
