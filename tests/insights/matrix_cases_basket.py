"""Setups of the basket analysis API rows of the permission matrix (``tests/api/matrix.py``):

    # Basket analysis (tests/insights/matrix_cases_basket.py).
    BSK = f"{V1}/insights/basket"
    ROWS += [
        Row("GET", f"{BSK}/rules", basket_cases.latest_rules, "insights.view_associationrule"),
        Row("GET", f"{BSK}/bundles", basket_cases.latest_bundles, "insights.view_associationrule"),
        Row("POST", f"{BSK}/runs", basket_cases.create_run, "insights.add_basketrun", 201),
    ]
"""

from datetime import date
from decimal import Decimal

from tests.api.case import Case
from tests.insights.basket_store import build_basket_store
from zhanggui.insights import actions_basket
from zhanggui.insights.models import BasketRun


def _mined() -> tuple[dict, BasketRun]:
    shop = build_basket_store()
    run = actions_basket.mine_baskets(date(2026, 11, 1), date(2026, 11, 30),
                                      min_support=Decimal("0.2"), min_confidence=Decimal("0"),
                                      actor=None)
    return shop, run


def latest_rules() -> Case:
    shop, run = _mined()
    return Case(query={"min_lift": "1"}, check=lambda data, staff: data["run"]["id"] == run.pk
                and [shop["a"].pk] in [r["antecedent"] for r in data["rules"]])


def latest_bundles() -> Case:
    shop, _run = _mined()
    pair = sorted([shop["a"].pk, shop["b"].pk])
    return Case(query={"min_support": "0.2"},
                check=lambda data, staff: data[0]["product_ids"] == pair
                and data[0]["set_price"] == "90.00")


def create_run() -> Case:
    shop = build_basket_store()

    def check_tea(data, staff):
        run = BasketRun.objects.get(pk=data["id"])
        return run.actor == staff and run.baskets == 7 and run.category == shop["tea"]

    return Case(body={"period_start": "2026-11-01", "period_end": "2026-11-30",
                      "category_id": shop["tea"].pk, "min_support": "0.2"}, check=check_tea)
