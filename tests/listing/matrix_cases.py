"""Permission-matrix cases of the listing API (rows in ``tests/api/matrix.py``, which
imports this module, hence ``Case`` is looked up when a case is built)."""

from tests import factories
from tests.api.case import Case
from zhanggui.catalog.models import Product
from zhanggui.listing import actions
from zhanggui.listing.models import AuditRun, ProductScore


def _listed(data: dict) -> None:
    assert data["count"] >= 1 and len(data["items"]) >= 1, data


def check_draft():
    body = {"title": "全网最低价 纯棉短袖T恤 男 夏季", "description": "舒适透气",
            "skus": [{"code": "D-1", "price_amount": "59.00", "weight_grams": 200}]}

    def check(data, staff):
        assert data["can_list"] is False
        assert "ad_absolute_term" in {f["rule"] for f in data["findings"]}
    return Case(body=body, check=check)


def _audited_product():
    product = factories.make_product(listed=False)
    factories.make_sku(product)
    actions.audit_product(product, actor=None)
    return product


def list_scores() :
    _audited_product()
    return Case(check=lambda data, staff: _listed(data))


def get_product_audit() :
    product = _audited_product()
    return Case(path={"product_id": product.pk},
                check=lambda data, staff: data["product_id"] == product.pk
                and isinstance(data["findings"], list))


def audit_product() :
    product = factories.make_product(listed=False)
    factories.make_sku(product)
    return Case(path={"product_id": product.pk}, target=product,
                check=lambda data, staff: ProductScore.objects.filter(product=product).exists())


def list_product() :
    product = factories.make_product(listed=False)
    factories.make_sku(product)
    return Case(path={"product_id": product.pk}, body={"reason": "new"}, target=product,
                check=lambda data, staff: Product.objects.get(pk=product.pk).status == "listed")


def start_audit_run() :
    return Case(check=lambda data, staff: AuditRun.objects.filter(pk=data["id"],
                                                                  actor=staff).exists())
