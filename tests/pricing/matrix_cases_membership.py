"""Permission-matrix cases of the membership API under /pricing (rows in
``tests/api/matrix.py``)."""

from decimal import Decimal

from tests import factories
from tests.api.case import Case
from zhanggui.customers import points
from zhanggui.customers.models_points import PointsAccount
from zhanggui.pricing import actions
from zhanggui.pricing.models import Coupon, MemberTier


def list_member_tiers():
    MemberTier.objects.create(code="gold", name="金卡", rank=2, min_spend_amount=Decimal("2000"),
                              points_multiplier=Decimal("1.5"))

    def check(data, staff):
        assert data[-1]["code"] == "gold" and data[-1]["points_multiplier"] == "1.50"
    return Case(check=check)


def exchange_points():
    customer = factories.make_customer()
    points.earn_points(customer, points=1000, reason="order paid", reference="O-1",
                       basis_amount=Decimal("1000"), actor=None, expires_at=None)
    template = actions.create_coupon_template("积分换券", kind="fixed", discount_amount=Decimal("10"),
                                              points_price=600, actor=None)
    account = PointsAccount.objects.get(customer=customer)

    def check(data, staff):
        assert data["balance"] == 400 and data["points_spent"] == 600
        assert Coupon.objects.filter(template=template, customer=customer).count() == 1
    return Case(path={"template_id": template.pk}, body={"customer_id": customer.pk},
                target=account, check=check)
