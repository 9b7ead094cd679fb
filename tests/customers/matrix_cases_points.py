"""Permission-matrix cases of the points API (rows in ``tests/api/matrix.py``)."""

from decimal import Decimal

from tests import factories
from tests.api.case import Case
from zhanggui.customers import points
from zhanggui.customers.models_points import PointsAccount


def _customer_with_points(n: int = 300):
    customer = factories.make_customer()
    points.earn_points(customer, points=n, reason="order paid", reference="O-1",
                       basis_amount=Decimal("300.00"), actor=None, expires_at=None)
    return customer


def get_points():
    customer = _customer_with_points()

    def check(data, staff):
        assert data["balance"] == 300 and data["count"] == 1
        assert data["entries"][0]["kind"] == "earn" and data["entries"][0]["reference"] == "O-1"
    return Case(path={"customer_id": customer.pk}, query={"page_size": 10}, check=check)


def adjust_points():
    customer = _customer_with_points()
    account = PointsAccount.objects.get(customer=customer)

    def check(data, staff):
        assert data["balance"] == 250 and data["entry"]["points"] == -50
        assert points.get_balance(customer) == 250
    return Case(path={"customer_id": customer.pk}, body={"points": -50, "reason": "补录错误"},
                target=account, check=check)
