from decimal import Decimal

import pytest

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog import actions
from zhanggui.catalog.errors import DuplicateCode, InvalidAttributes, InvalidSku, ListingNotAllowed
from zhanggui.catalog.models import AttributeDefinition, Product
from zhanggui.catalog.rules import attribute_problems, empty_attribute_share


@pytest.fixture
def dress_category(db):
    root = factories.make_category("服装")
    leaf = factories.make_category("连衣裙", parent=factories.make_category("女装", parent=root))
    AttributeDefinition.objects.create(category=root, code="material", name="材质",
                                       is_required=True)
    AttributeDefinition.objects.create(category=leaf, code="length", name="裙长",
                                       value_type="choice", choices=["短裙", "中长裙", "长裙"])
    return leaf


def test_create_product_checks_inherited_attributes(dress_category):
    with pytest.raises(InvalidAttributes):
        actions.create_product("D1", title="连衣裙", category=dress_category, actor=None,
                               attributes={"length": "短裙"})
    with pytest.raises(InvalidAttributes):
        actions.create_product("D1", title="连衣裙", category=dress_category, actor=None,
                               attributes={"material": "棉", "length": "超长"})
    assert not Product.objects.exists()
    product = actions.create_product("D1", title="连衣裙", category=dress_category, actor=None,
                                     attributes={"material": "棉", "length": "长裙"})
    assert product.status == "draft"
    assert OperationLog.objects.filter(action="catalog.create_product",
                                       object_id=str(product.pk)).exists()


def test_create_product_rejects_duplicate_code(dress_category):
    actions.create_product("D1", title="a", category=dress_category, actor=None,
                           attributes={"material": "棉"})
    with pytest.raises(DuplicateCode):
        actions.create_product("D1", title="b", category=dress_category, actor=None,
                               attributes={"material": "棉"})


def test_create_sku_requires_matching_options_and_non_negative_amounts(db):
    product = factories.make_product(listed=False, option_names=["颜色", "尺码"])
    with pytest.raises(InvalidSku):
        actions.create_sku(product, code="S1", option_values={"颜色": "红"},
                           price_amount=Decimal("10"), cost_amount=Decimal("5"), actor=None)
    with pytest.raises(InvalidSku):
        actions.create_sku(product, code="S1", option_values={"颜色": "红", "尺码": "M"},
                           price_amount=Decimal("-1"), cost_amount=Decimal("5"), actor=None)
    sku = actions.create_sku(product, code="S1", option_values={"颜色": "红", "尺码": "M"},
                             price_amount=Decimal("10.005"), cost_amount=Decimal("5"), actor=None)
    assert sku.price_amount == Decimal("10.01")
    with pytest.raises(DuplicateCode):
        actions.create_sku(product, code="S1", option_values={"颜色": "蓝", "尺码": "M"},
                           price_amount=Decimal("10"), cost_amount=Decimal("5"), actor=None)


def test_update_sku_logs_before_and_after(db):
    sku = factories.make_listed_sku(price="99.00")
    actions.update_sku(sku, price_amount=Decimal("89.00"), actor=None)
    entry = OperationLog.objects.filter(action="catalog.update_sku").latest("id")
    assert entry.before["price_amount"] == "99.00" and entry.after["price_amount"] == "89.00"
    with pytest.raises(ValueError):
        actions.update_sku(sku, code="other", actor=None)


def test_update_product_refuses_option_names_that_break_skus(db):
    product = factories.make_product(listed=True)
    with pytest.raises(InvalidSku):
        actions.update_product(product, option_names=["尺码"], actor=None)
    product.refresh_from_db()
    assert product.option_names == ["颜色"]


def test_listing_needs_an_active_sku_and_delisting_needs_a_reason(db):
    product = factories.make_product(listed=False)
    with pytest.raises(ListingNotAllowed):
        actions.set_listing_status(product, status="listed", reason="new", actor=None)
    factories.make_sku(product)
    product = actions.set_listing_status(product, status="listed", reason="new", actor=None)
    assert product.status == "listed" and product.status_changed_at is not None
    with pytest.raises(ListingNotAllowed):
        actions.set_listing_status(product, status="delisted", reason="", actor=None)
    product = actions.set_listing_status(product, status="delisted", reason="slow_seller",
                                         actor=None)
    assert product.get_status_reason_display()


def test_empty_attribute_share():
    definitions = [{"code": c, "name": c, "value_type": "text", "choices": [],
                    "is_required": False} for c in "abcde"]
    assert empty_attribute_share(definitions, {"a": "x"}) == 0.8
    assert attribute_problems(definitions, {"z": 1}) == ["unknown attribute 'z'"]
