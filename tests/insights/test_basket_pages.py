"""Basket analysis API and console page: who may do what, the rules and bundles shown, and
the pre-filled bundle promotion a suggestion opens."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tests.insights.basket_store import build_basket_store
from zhanggui.insights import actions_basket
from zhanggui.insights.models import BasketRun
from zhanggui.pricing.models import Promotion

BASE = "/api/v1/insights/basket"
NOV = {"period_start": "2026-11-01", "period_end": "2026-11-30", "min_support": "0.2",
       "min_confidence": "0"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def shop(db):
    return build_basket_store()


def _mine(**kwargs):
    return actions_basket.mine_baskets(date(2026, 11, 1), date(2026, 11, 30),
                                       min_support=Decimal("0.2"), min_confidence=Decimal("0"),
                                       actor=None, **kwargs)


def test_api_runs_then_answers_rules_and_bundles(shop, login):
    client = login("analyst")
    assert client.get(f"{BASE}/rules").json() == {"run": None, "rules": []}
    response = client.post(f"{BASE}/runs", NOV, content_type="application/json")
    assert response.status_code == 201, response.content
    run = response.json()
    assert (run["baskets"], run["itemsets"], Decimal(run["min_support"])) == (9, 7, Decimal("0.2"))
    body = client.get(f"{BASE}/rules", {"min_lift": "1"}).json()
    assert body["run"]["id"] == run["id"]
    a, b = shop["a"].pk, shop["b"].pk
    pairs = {(tuple(r["antecedent"]), r["consequent"]) for r in body["rules"]}
    assert ((a,), b) in pairs and all(Decimal(r["lift"]) >= 1 for r in body["rules"])
    about_c = client.get(f"{BASE}/rules", {"product": shop["c"].pk}).json()["rules"]
    assert about_c and all(shop["c"].pk in [*r["antecedent"], r["consequent"]] for r in about_c)
    found = client.get(f"{BASE}/bundles", {"min_support": "0.2"}).json()
    assert found[0]["product_ids"] == sorted([a, b]) and found[0]["set_price"] == "90.00"
    assert found[0]["promotion_url"].startswith(reverse("admin:pricing_promotion_add"))


def test_api_within_a_category(shop, login):
    client = login("operator")
    body = {**NOV, "category_id": shop["tea"].pk}
    assert client.post(f"{BASE}/runs", body, content_type="application/json").status_code == 201
    tea = client.get(f"{BASE}/rules", {"category": shop["tea"].pk}).json()
    assert tea["run"]["baskets"] == 7 and tea["run"]["category_id"] == shop["tea"].pk
    assert client.get(f"{BASE}/rules").json()["run"] is None  # no shop-wide run yet


def test_api_wrong_role_gets_403_and_nothing_changes(shop, login):
    _mine()
    service = login("service")
    for response in (service.get(f"{BASE}/rules"), service.get(f"{BASE}/bundles"),
                     service.post(f"{BASE}/runs", NOV, content_type="application/json")):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert BasketRun.objects.count() == 1


@pytest.mark.parametrize(("body", "status", "code"), [
    ({**NOV, "period_end": "2026-10-01"}, 422, "basket_period_invalid"),
    ({**NOV, "period_start": "2026-09-01", "period_end": "2026-09-30"}, 409, "basket_no_baskets"),
    ({**NOV, "category_id": 999999}, 404, "not_found"),
])
def test_api_refusals_have_stable_codes(shop, login, body, status, code):
    response = login("owner").post(f"{BASE}/runs", body, content_type="application/json")
    assert response.status_code == status and response.json()["code"] == code
    assert not BasketRun.objects.exists()


def test_console_page_shows_rules_with_titles_and_bundle_links(shop, login):
    _mine()
    client = login("analyst")
    response = client.get(reverse("admin:insights_basket"))
    assert response.status_code == 200
    page = response.content.decode()
    assert shop["a"].title in page and shop["b"].title in page
    assert "66.67%" in page  # support of A ⇒ B
    assert "85.7%" in page  # its confidence
    assert 'id="basket-mine"' in page and 'id="basket-bundles"' in page
    # The analyst may not create promotions: the bundle has no link for them, the owner's has.
    assert reverse("admin:pricing_promotion_add") + "?" not in page
    owner_page = login("owner").get(reverse("admin:insights_basket")).content.decode()
    assert reverse("admin:pricing_promotion_add") + "?" in owner_page


def test_console_mine_now_needs_its_permission(shop, login, settings):
    client = login("service")
    assert client.get(reverse("admin:insights_basket")).status_code == 403
    assert client.post(reverse("admin:insights_basket_mine"), {}).status_code == 403
    assert not BasketRun.objects.exists()


def test_console_mine_now_stores_a_run(shop, login):
    client = login("analyst")
    response = client.post(reverse("admin:insights_basket_mine"), {
        "period_start": "2026-11-01", "period_end": "2026-11-30", "min_support_percent": "20",
        "min_confidence_percent": "0", "category": shop["tea"].pk})
    run = BasketRun.objects.get()
    assert response.status_code == 302 and f"run={run.pk}" in response["Location"]
    assert (run.baskets, run.category, run.min_support) == (9 - 2, shop["tea"], Decimal("0.2"))
    refused = client.post(reverse("admin:insights_basket_mine"), {
        "period_start": "2026-09-01", "period_end": "2026-09-30"}, follow=True)
    assert "没有已付款订单" in refused.content.decode()
    assert BasketRun.objects.count() == 1


def test_a_bundle_link_opens_the_promotion_form_pre_filled(shop, login):
    from zhanggui.insights import bundles

    run = _mine()
    pair = bundles.suggest_bundles(run, min_support=Decimal("0.2"))[0]
    client = login("owner")
    response = client.get(pair.promotion_url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["kind"] == "bundle" and form.initial["scope"] == "skus"
    assert form.initial["scope_ids"] == [i.sku_id for i in pair.items]
    assert Decimal(form.initial["special_price_amount"]) == Decimal("90.00")
    assert form["scope_ids"].value() in ([i.sku_id for i in pair.items],
                                         str([i.sku_id for i in pair.items]))
    html = response.content.decode()
    assert str([i.sku_id for i in pair.items]) in html  # the JSON list, not a quoted string
    assert not Promotion.objects.exists()  # opening the form saves nothing
