from decimal import Decimal

from tests import factories
from tests.api.support import assert_error, fingerprint, row_counts
from zhanggui.catalog.models import AttributeDefinition, Sku
from zhanggui.events.models import Event
from zhanggui.pricing.models import PriceHistory

PRODUCTS = "/api/v1/catalog/products"


def test_products_filter_by_status_category_and_search(as_role):
    service = as_role("service")
    category = factories.make_category()
    listed = factories.make_product(category=category)
    draft = factories.make_product(category=category, listed=False)
    elsewhere = factories.make_product()

    def codes(**query):
        return [p["code"] for p in service.get(PRODUCTS, **query).json()["items"]]

    assert codes(category_id=category.pk) == [draft.code, listed.code]
    assert codes(category_id=category.pk, status="listed") == [listed.code]
    assert codes(search=elsewhere.title) == [elsewhere.code]
    assert codes(search=draft.code.lower()) == [draft.code]
    assert_error(service.get(PRODUCTS, status="sold"), 422, "invalid_input")


def test_products_paginate(as_role):
    analyst = as_role("analyst")
    products = [factories.make_product(listed=False) for _ in range(5)]

    first = analyst.get(PRODUCTS, page_size=2).json()
    last = analyst.get(PRODUCTS, page_size=2, page=3).json()

    assert first["count"] == 5 and len(first["items"]) == 2
    assert [p["id"] for p in first["items"]] == [products[4].pk, products[3].pk]
    assert [p["id"] for p in last["items"]] == [products[0].pk]


def test_cost_is_hidden_from_operator_and_shown_to_finance(as_role):
    product = factories.make_product()
    sku = product.skus.get()
    path = f"{PRODUCTS}/{product.pk}"

    operator_sku = as_role("operator").get(path).json()["skus"][0]
    finance_sku = as_role("finance").get(path).json()["skus"][0]

    assert operator_sku["cost_amount"] is None
    assert finance_sku["cost_amount"] == "40.00" == str(sku.cost_amount)
    assert operator_sku["price_amount"] == finance_sku["price_amount"] == "99.00"


def test_operator_may_not_set_cost_and_nothing_is_written(as_role):
    operator = as_role("operator")
    sku = factories.make_sku()
    before = fingerprint(sku)

    patched = operator.patch(f"/api/v1/catalog/skus/{sku.pk}", {"cost_amount": "1.00"})
    created = operator.post(f"{PRODUCTS}/{sku.product_id}/skus",
                            {"code": "X1", "option_values": {"颜色": "黑"},
                             "price_amount": "10.00", "cost_amount": "1.00"})

    assert_error(patched, 403, "permission_denied")
    assert_error(created, 403, "permission_denied")
    assert fingerprint(sku) == before


def test_owner_sets_cost_and_money_stays_exact(as_role):
    owner = as_role("owner")
    sku = factories.make_sku()

    response = owner.patch(f"/api/v1/catalog/skus/{sku.pk}",
                           {"cost_amount": "33.33", "price_amount": "0.10"})

    assert response.status_code == 200
    assert response.json()["cost_amount"] == "33.33"
    assert response.json()["price_amount"] == "0.10"
    sku.refresh_from_db()
    assert (sku.cost_amount, sku.price_amount) == (Decimal("33.33"), Decimal("0.10"))


def test_sku_with_more_than_two_decimals_is_invalid_input(as_role):
    operator = as_role("operator")
    sku = factories.make_sku()
    before = fingerprint(sku)

    response = operator.patch(f"/api/v1/catalog/skus/{sku.pk}", {"price_amount": "9.999"})

    assert_error(response, 422, "invalid_input")
    assert fingerprint(sku) == before


def test_sku_with_wrong_options_is_refused(as_role):
    operator = as_role("operator")
    product = factories.make_product(listed=False)
    before = row_counts()

    response = operator.post(f"{PRODUCTS}/{product.pk}/skus",
                             {"code": "X2", "option_values": {"尺码": "M"},
                              "price_amount": "10.00"})

    assert_error(response, 422, "invalid_sku")
    assert row_counts() == before
    assert not Sku.objects.filter(code="X2").exists()


def test_create_product_and_duplicate_code(as_role):
    operator = as_role("operator")
    category = factories.make_category()
    body = {"code": "SPU-1", "title": "真丝围巾", "category_id": category.pk}

    created = operator.post(PRODUCTS, body)
    again = operator.post(PRODUCTS, {**body, "title": "另一条"})

    assert created.status_code == 201
    assert created.json()["status"] == "draft" and created.json()["skus"] == []
    assert_error(again, 409, "duplicate_code")


def test_invalid_product_input_writes_nothing(as_role):
    operator = as_role("operator")
    product = factories.make_product(listed=False)
    before = fingerprint(product)

    empty_title = operator.patch(f"{PRODUCTS}/{product.pk}", {"title": ""})
    null_title = operator.patch(f"{PRODUCTS}/{product.pk}", {"title": None})
    missing = operator.post(PRODUCTS, {"title": "无编码"})

    for response in (empty_title, null_title, missing):
        data = assert_error(response, 422, "invalid_input")
        assert data["errors"]
    assert fingerprint(product) == before


def test_patch_changes_only_the_fields_sent(as_role):
    designer = as_role("designer")
    product = factories.make_product(listed=False)

    response = designer.patch(f"{PRODUCTS}/{product.pk}", {"description": "手工缝制"})

    assert response.status_code == 200
    product.refresh_from_db()
    assert product.description == "手工缝制" and product.title.startswith("测试商品")


def test_listing_through_the_catalog_endpoint_points_to_the_checked_listing_endpoint(as_role):
    # Listing goes through the quality gate (tests/listing/test_api.py covers it there).
    operator = as_role("operator")
    product = factories.make_product(listed=False)
    factories.make_sku(product)
    before = fingerprint(product)

    response = operator.post(f"{PRODUCTS}/{product.pk}/listing", {"status": "listed"})

    assert_error(response, 409, "listing_requires_checks")
    assert f"/api/v1/listing/products/{product.pk}/list" in response.json()["message"]
    assert fingerprint(product) == before


def test_category_detail_includes_inherited_attributes(as_role):
    designer = as_role("designer")
    root = factories.make_category("服装")
    child = factories.make_category("连衣裙", parent=root)
    AttributeDefinition.objects.create(category=root, code="material", name="材质",
                                       is_required=True)
    AttributeDefinition.objects.create(category=child, code="length", name="裙长",
                                       value_type="choice", choices=["短", "长"])

    detail = designer.get(f"/api/v1/catalog/categories/{child.pk}").json()
    children = designer.get("/api/v1/catalog/categories", parent_id=root.pk).json()
    roots = designer.get("/api/v1/catalog/categories", roots_only="true").json()

    assert detail["full_name"] == "服装 / 连衣裙" and detail["parent_id"] == root.pk
    assert [(a["code"], a["is_required"]) for a in detail["attribute_definitions"]] == [
        ("material", True), ("length", False)]
    assert [c["id"] for c in children["items"]] == [child.pk]
    assert [c["id"] for c in roots["items"]] == [root.pk]


def test_missing_product_is_404(as_role):
    assert_error(as_role("service").get(f"{PRODUCTS}/424242"), 404, "not_found")


def test_a_price_edit_goes_through_the_price_engine(as_role):
    """PATCH of a SKU's price keeps the price history (the 30-day lowest price reads it) and
    writes price.changed; a PATCH that also breaks a rule changes nothing at all."""
    owner = as_role("owner")
    sku = factories.make_listed_sku(price="50.00", cost="20.00")

    assert owner.patch(f"/api/v1/catalog/skus/{sku.pk}",
                       {"price_amount": "45.00", "weight_grams": 250}).status_code == 200
    refused = owner.patch(f"/api/v1/catalog/skus/{sku.pk}",
                          {"price_amount": "40.00", "option_values": {"no such option": "x"}})

    assert_error(refused, 422, "invalid_sku")
    sku.refresh_from_db()
    assert (sku.price_amount, sku.weight_grams, sku.cost_amount) == (
        Decimal("45.00"), 250, Decimal("20.00"))
    assert [h.price_amount for h in PriceHistory.objects.filter(sku=sku)] == [Decimal("45.00")]
    changed = Event.objects.filter(type="price.changed")
    assert [(e.data["previous_price_amount"], e.data["price_amount"]) for e in changed] == [
        ("50.00", "45.00")]
