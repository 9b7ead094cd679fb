"""Permission-matrix cases of the pricing API (rows in ``tests/api/matrix.py``, which imports
this module, hence ``Case`` is looked up when a case is built)."""

from decimal import Decimal

from tests import factories
from tests.api.case import Case
from zhanggui.pricing.models import Coupon, CouponTemplate, Promotion, ShippingTemplate


def _listed(data: dict) -> None:
    assert data["count"] >= 1 and len(data["items"]) >= 1, data


def list_promotions():
    factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"))
    return Case(check=lambda data, staff: _listed(data))


def create_promotion():
    body = {"name": "满200减20", "kind": "threshold", "tiers": [{"threshold": "200", "amount": "20"}],
            "budget_amount": "5000.00"}

    def check(data, staff):
        promotion = Promotion.objects.get(pk=data["id"])
        assert promotion.tiers == [{"threshold": "200", "amount": "20"}]
        assert promotion.budget_amount == Decimal("5000.00")
    return Case(body=body, check=check)


def get_promotion():
    promotion = factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"))
    return Case(path={"promotion_id": promotion.pk},
                check=lambda data, staff: data["id"] == promotion.pk and data["kind"] == "item_fixed")


def update_promotion():
    promotion = factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"))
    return Case(path={"promotion_id": promotion.pk}, body={"is_active": False, "budget_uses": 10},
                target=promotion,
                check=lambda data, staff: not Promotion.objects.get(pk=promotion.pk).is_active)


def list_coupon_templates():
    factories.make_coupon()
    return Case(check=lambda data, staff: _listed(data))


def create_coupon_template():
    body = {"name": "5 折回归券", "kind": "percent", "discount_rate": "0.5",
            "max_discount_amount": "50.00", "valid_days": 7}
    return Case(body=body,
                check=lambda data, staff: CouponTemplate.objects.get(pk=data["id"]).kind == "percent")


def issue_coupons():
    template = factories.make_coupon().template
    customer = factories.make_customer()

    def check(data, staff):
        assert len(data) == 3 and Coupon.objects.filter(template=template).count() == 4
        assert Coupon.objects.filter(template=template, customer=customer).exists()
    return Case(path={"template_id": template.pk}, body={"customer_ids": [customer.pk], "count": 2},
                target=template, check=check)


def list_shipping_templates():
    ShippingTemplate.objects.create(name="默认", first_fee_amount=Decimal("5"))
    return Case(check=lambda data, staff: _listed(data))


def create_shipping_template():
    body = {"name": "按重量", "basis": "weight", "first_fee_amount": "5.00", "additional_fee_amount": "1.00",
            "is_remote_excluded": True, "is_default": True,
            "rules": [{"province_codes": ["650000", "540000"], "first_fee_amount": "20.00",
                       "additional_fee_amount": "8.00"}]}

    def check(data, staff):
        assert data["is_default"] and data["rules"][0]["province_codes"] == ["650000", "540000"]
    return Case(body=body, check=check)


def price_cart():
    sku = factories.make_listed_sku(price="120.00")
    factories.make_promotion("threshold", tiers=[{"threshold": "200", "amount": "25"}])
    body = {"lines": [{"sku_id": sku.pk, "quantity": 1}, {"sku_id": sku.pk, "quantity": 1}],
            "province_code": "330000"}

    def check(data, staff):
        assert data["total"] == "215.00" and data["discounts"][0]["kind"] == "threshold"
        assert data["lines"][0]["allocations"]
    return Case(body=body, check=check)
