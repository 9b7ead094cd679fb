"""Console pages of pricing: lists and forms open for the operator, saves go through actions,
the try-a-cart preview explains the price and warns about missed thresholds, and the
eligibility pre-check applies the settings' thresholds."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.pricing.models import Coupon, Promotion

PAGES = ["pricing_promotion", "pricing_coupontemplate", "pricing_coupon", "pricing_shippingtemplate",
         "pricing_pricelist", "pricing_membertier", "pricing_customermembership", "pricing_pricehistory",
         "pricing_offerusage", "pricing_skushippingsize"]


@pytest.mark.parametrize("page", PAGES)
def test_operator_and_finance_open_every_pricing_list(login, page):
    factories.make_promotion("threshold", tiers=[{"threshold": "200", "amount": "20"}], budget_uses=100)
    factories.make_coupon()

    assert login("operator").get(reverse(f"admin:{page}_changelist")).status_code == 200
    assert login("finance").get(reverse(f"admin:{page}_changelist")).status_code == 200


def test_warehouse_cannot_open_promotions_or_the_preview(login):
    client = login("warehouse")

    assert client.get(reverse("admin:pricing_promotion_changelist")).status_code == 403
    assert client.get(reverse("admin:pricing_try_cart")).status_code == 403


def test_promotion_list_shows_state_and_budget_used(login):
    factories.make_promotion("item_fixed", name="双十一立减", discount_amount=Decimal("5"), budget_uses=100)

    url = reverse("admin:pricing_promotion_changelist") + "?state=live"
    html = login("operator").get(url).content.decode()

    assert "双十一立减" in html and "0 / 100" in html


def test_operator_creates_a_promotion_through_the_action(login):
    client = login("operator")
    data = {"name": "满300减40", "kind": "threshold", "is_active": "on", "priority": "100", "scope": "all",
            "scope_ids": "[]", "member_tiers": "[]", "customer_tags": "[]", "channels": "[]",
            "tiers": '[{"threshold": "300", "amount": "40"}]', "min_amount": "0", "gift_quantity": "1",
            "is_coupon_allowed": "on"}

    response = client.post(reverse("admin:pricing_promotion_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    promotion = Promotion.objects.get(name="满300减40")
    assert OperationLog.objects.filter(action="pricing.create_promotion", object_id=str(promotion.pk),
                                       actor=client.staff).exists()


def test_invalid_promotion_form_shows_the_reason_and_saves_nothing(login):
    data = {"name": "坏的", "kind": "item_percent", "is_active": "on", "priority": "100", "scope": "all",
            "scope_ids": "[]", "member_tiers": "[]", "customer_tags": "[]", "channels": "[]",
            "tiers": "[]", "min_amount": "0", "gift_quantity": "1"}

    response = login("operator").post(reverse("admin:pricing_promotion_add"), data)

    assert response.status_code == 200 and not Promotion.objects.exists()


def test_try_a_cart_shows_the_breakdown_and_warns_about_a_missed_threshold(login):
    sku = factories.make_listed_sku(price="210.00")
    factories.make_promotion("item_percent", name="新品九折", discount_rate=Decimal("0.10"))
    factories.make_promotion("threshold", name="满200减20", tiers=[{"threshold": "200", "amount": "20"}])

    response = login("operator").post(reverse("admin:pricing_try_cart"),
                                        {"lines": f"{sku.code} 1", "channel": "own",
                                         "province_code": "330000"})

    html = response.content.decode()
    assert response.status_code == 200 and 'id="breakdown-total">189.00<' in html
    assert "threshold-warning" in html and "满200减20" in html and "新品九折" in html


def test_try_a_cart_reports_unknown_skus_and_unusable_coupons(login):
    sku = factories.make_listed_sku()
    client = login("operator")

    unknown = client.post(reverse("admin:pricing_try_cart"), {"lines": "NOPE 1", "channel": "own"})
    bad_coupon = client.post(reverse("admin:pricing_try_cart"),
                             {"lines": f"{sku.code} 1", "channel": "own", "coupon_codes": "XXXXXXXX"})

    assert "NOPE" in unknown.content.decode() and "breakdown-total" not in unknown.content.decode()
    assert 'id="price-error"' in bad_coupon.content.decode()


def test_issue_codes_from_a_template(login):
    template = factories.make_coupon().template
    customer = factories.make_customer()

    response = login("operator").post(
        reverse("admin:pricing_coupontemplate_issue_codes", args=[template.pk]),
        {"count": "2", "customer_codes": customer.code})

    assert response.status_code == 302
    assert Coupon.objects.filter(template=template).count() == 4
    assert Coupon.objects.filter(template=template, customer=customer).exists()


@pytest.mark.parametrize(("event_price", "units", "eligible"), [("90.00", 50, True), ("95.00", 50, False),
                                                                  ("90.00", 49, False)])
def test_eligibility_check_needs_the_30_day_lowest_price_and_50_sales(login, event_price, units, eligible):
    sku = factories.make_listed_sku(price="90.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    factories.make_order(sku=sku, quantity=units, status="paid")

    html = login("operator").post(reverse("admin:pricing_eligibility"),
                                    {"sku_code": sku.code, "event_price": event_price}).content.decode()

    assert "eligibility-result" in html
    assert ("不符合" not in html and "not eligible" not in html) == eligible
