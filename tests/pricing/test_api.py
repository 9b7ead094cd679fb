"""The pricing API beyond the permission matrix: bad input gets a JSON error and changes
nothing; the storefront price-cart explains the price and refuses what it cannot price."""

from decimal import Decimal

from tests import factories
from tests.api.support import ApiClient, assert_error, row_counts
from zhanggui.pricing import actions
from zhanggui.pricing.models import Promotion, ShippingTemplate

PRICING = "/api/v1/pricing"


def test_a_promotion_that_makes_no_sense_is_refused_with_nothing_saved(db):
    client = ApiClient(factories.make_staff("operator"))
    before = row_counts()

    response = client.post(f"{PRICING}/promotions",
                           {"name": "满100减150", "kind": "threshold",
                            "tiers": [{"threshold": "100", "amount": "150"}]})

    assert_error(response, 422, "invalid_offer")
    assert row_counts() == before and not Promotion.objects.exists()


def test_malformed_input_is_a_422_with_field_errors(db):
    client = ApiClient(factories.make_staff("operator"))

    response = client.post(f"{PRICING}/price-cart", {"lines": []})

    assert_error(response, 422, "invalid_input")


def test_price_cart_explains_coupons_and_shipping(db):
    sku = factories.make_listed_sku(price="80.00")
    coupon = factories.make_coupon(discount_amount=Decimal("10.00"), min_amount=Decimal("100"))
    actions.save_shipping_template(ShippingTemplate(name="默认", basis="piece", first_fee_amount=Decimal("6"),
                                                    is_default=True), actor=None)
    client = ApiClient(factories.make_staff("operator"))

    data = client.post(f"{PRICING}/price-cart", {"lines": [{"sku_id": sku.pk, "quantity": 2}],
                                                 "coupon_codes": [coupon.code.lower()],
                                                 "province_code": "310000"}).json()

    assert data["total"] == "156.00" and data["shipping_fee"] == "6.00"
    assert [d["stage"] for d in data["discounts"]] == ["coupon"]
    assert sum(Decimal(line["allocations"][f"coupon:{coupon.code}"]) for line in data["lines"]) == 10


def test_price_cart_refuses_unknown_coupons_and_excluded_regions(db):
    sku = factories.make_listed_sku()
    actions.save_shipping_template(ShippingTemplate(name="默认", is_default=True, is_remote_excluded=True),
                                   actor=None)
    client = ApiClient(factories.make_staff("operator"))
    lines = [{"sku_id": sku.pk, "quantity": 1}]

    assert_error(client.post(f"{PRICING}/price-cart", {"lines": lines, "coupon_codes": ["NOPE"]}), 404,
                 "coupon_not_found")
    tibet = assert_error(client.post(f"{PRICING}/price-cart", {"lines": lines, "province_code": "540000"}),
                         409, "region_not_shipped")
    assert "西藏" in tibet["message"]
