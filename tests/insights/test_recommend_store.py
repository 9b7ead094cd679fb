"""Recommendations computed from the warehouse and stored (``insights.recommend_run``), the
bulk writes with their log entries, the after-refresh job, the storefront API and the
campaign variable ``{recommended_products}``.

The shop (orders paid today): customers 1–3 buy {A, B}; 4 buys {A, C}; 5 buys {D}; a guest
buys {B, C}; customer 1 has a cancelled {C, D} and an unpaid {A, D}, which teach nothing.
Orders holding both: AB 3, AC 1, BC 1 — held by A 4, B 4, C 2, D 1. "Bought together" of
A: B (3 / √(4·4) · 3 / (3 + 5) = 0.28125), then C (1 / √(4·2) · 1 / 6 = 0.058926).
"""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests import factories
from tests.marketing.campaign_factories import make_campaign, make_segment
from zhanggui.accounts.actions import create_api_token
from zhanggui.accounts.models import OperationLog
from zhanggui.analytics import after_refresh, warehouse
from zhanggui.catalog.actions_affinity import AffinityRow, replace_product_affinities, stored_score
from zhanggui.catalog.models import ProductAffinity
from zhanggui.customers.actions_recommendations import RecommendationRow, replace_recommendations
from zhanggui.customers.models import Customer
from zhanggui.customers.models_value import CustomerRecommendation
from zhanggui.insights import recommend_run
from zhanggui.insights.tasks_recommend import recommendations_after_refresh, recommendations_task
from zhanggui.marketing.campaign_render import render_message
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_job(settings):
    settings.ZHANGGUI_RECOMMEND_AFTER_REFRESH = False


def _order(customer, skus, *, paid: bool = True, cancelled: bool = False) -> Order:
    order = order_actions.place_order(customer, lines=[order_actions.LineRequest(s.pk, 1) for s in skus],
                                      recipient=factories.recipient(), actor=None)
    if paid:
        factories._advance(order, "paid")
    if cancelled:
        Order.objects.filter(pk=order.pk).update(status="cancelled")
    return order


@pytest.fixture
def shop() -> dict:
    products = [factories.make_product() for _ in range(4)]
    skus = [p.skus.get() for p in products]
    stock = factories.make_warehouse()
    for sku in skus:
        factories.stock_up(sku, stock, 100)
    a, b, c, d = skus
    customers = [factories.make_customer() for _ in range(5)]
    for customer in customers[:3]:
        _order(customer, [a, b])
    _order(customers[3], [a, c])
    _order(customers[4], [d])
    guest = factories.make_customer()
    _order(guest, [b, c])
    Customer.objects.filter(pk=guest.pk).update(is_guest=True)
    _order(customers[0], [c, d], cancelled=True)
    _order(customers[0], [a, d], paid=False)
    warehouse.rebuild()
    return {"products": products, "customers": customers, "guest": guest}


def _together(product) -> list[tuple[int, Decimal, int]]:
    return [(r.related_id, r.score, r.baskets) for r in ProductAffinity.objects.filter(product=product)]


def _for_you(customer) -> list[int]:
    return list(CustomerRecommendation.objects.filter(customer=customer).order_by("rank")
                .values_list("product_id", flat=True))


# ---- computed from the warehouse ------------------------------------------------------------

def test_run_stores_bought_together_worked_by_hand(shop):
    a, b, c, d = shop["products"]
    run = recommend_run.run_recommendations(now=timezone.now() + timedelta(minutes=1))
    assert run.purchases == 11  # 5 paid member orders + the guest's, line by line
    assert _together(a) == [(b.pk, Decimal("0.281250"), 3), (c.pk, stored_score(1 / math.sqrt(8) / 6), 1)]
    assert [r[0] for r in _together(b)] == [a.pk, c.pk]
    assert _together(d) == []  # only ever bought alone (its cancelled order does not count)


def test_run_stores_for_you_for_members_without_what_they_just_bought(shop):
    a, b, c, d = shop["products"]
    first, _second, _third, fourth, fifth = shop["customers"]
    recommend_run.run_recommendations(now=timezone.now() + timedelta(minutes=1))
    # Customer 1 bought A and B today: C (bought by A's and B's buyers), then D, the filler.
    assert _for_you(first) == [c.pk, d.pk]
    assert _for_you(fourth) == [b.pk, d.pk]
    # D has no neighbours: the popular products (A and B, 4 buyers each; then C).
    assert _for_you(fifth) == [a.pk, b.pk, c.pk]
    assert _for_you(shop["guest"]) == []
    assert CustomerRecommendation.objects.values("customer").distinct().count() == 5


def test_a_second_run_replaces_the_first_and_each_is_logged(shop):
    now = timezone.now() + timedelta(minutes=1)
    recommend_run.run_recommendations(now=now)
    counts = (ProductAffinity.objects.count(), CustomerRecommendation.objects.count())
    recommend_run.run_recommendations(now=now + timedelta(minutes=1))
    assert (ProductAffinity.objects.count(), CustomerRecommendation.objects.count()) == counts
    assert set(ProductAffinity.objects.values_list("computed_at", flat=True)) == {now + timedelta(minutes=1)}
    entries = OperationLog.objects.filter(action="catalog.replace_product_affinities").order_by("pk")
    assert [e.after["replaced"] for e in entries] == [0, counts[0]]
    assert entries.last().after["rows"] == counts[0]
    assert OperationLog.objects.filter(action="customers.replace_recommendations").count() == 2


def test_purchases_older_than_the_period_are_forgotten(shop, settings):
    settings.ZHANGGUI_RECOMMEND_DAYS = 30
    run = recommend_run.run_recommendations(now=timezone.now() + timedelta(days=40))
    assert run.purchases == 0
    assert not ProductAffinity.objects.exists() and not CustomerRecommendation.objects.exists()


def test_the_job_runs_after_a_refresh_when_switched_on(shop, settings):
    assert after_refresh.JOBS["insights.recommendations"] is recommendations_after_refresh
    recommendations_after_refresh(None)
    assert not ProductAffinity.objects.exists()
    settings.ZHANGGUI_RECOMMEND_AFTER_REFRESH = True
    recommendations_after_refresh(None)
    assert ProductAffinity.objects.exists() and CustomerRecommendation.objects.exists()


def test_the_task_without_a_warehouse_does_nothing(db, settings, tmp_path):
    settings.ZHANGGUI_WAREHOUSE_DIR = tmp_path / "none"
    assert recommendations_task() == {}


# ---- the writes -------------------------------------------------------------------------------

def test_writes_skip_vanished_rows_and_refuse_contradictions(db):
    a, b = factories.make_product(), factories.make_product()
    customer = factories.make_customer()
    now = timezone.now()
    counts = replace_product_affinities([AffinityRow(a.pk, b.pk, 1, 0.5, 2),
                                         AffinityRow(a.pk, 999_999, 2, 0.4, 1)], computed_at=now)
    assert counts == {"rows": 1, "products": 1, "replaced": 0, "skipped": 1}
    with pytest.raises(ValueError):
        replace_product_affinities([AffinityRow(a.pk, a.pk, 1, 0.5, 2)], computed_at=now)
    with pytest.raises(ValueError):
        replace_recommendations([RecommendationRow(customer.pk, a.pk, 1, 1),
                                 RecommendationRow(customer.pk, a.pk, 2, 1)], computed_at=now)
    assert ProductAffinity.objects.count() == 1  # the refused calls changed nothing
    counts = replace_recommendations([RecommendationRow(customer.pk, a.pk, 1, 2e9)], computed_at=now)
    assert counts["rows"] == 1
    assert CustomerRecommendation.objects.get().score == Decimal("999999.999999")


# ---- the storefront API -------------------------------------------------------------------

def _token(role: str) -> dict:
    _token_row, secret = create_api_token(factories.make_staff(role), name="storefront", actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_bought_together_with_a_staff_token(shop, client):
    a, b, c, _d = shop["products"]
    recommend_run.run_recommendations(now=timezone.now() + timedelta(minutes=1))
    response = client.get(f"/api/v1/insights/recommendations/products/{a.pk}/bought-together",
                          **_token("owner"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["product_id"] == a.pk and body["computed_at"]
    assert [(i["product_id"], i["code"], i["title"], i["rank"], i["baskets"]) for i in body["items"]] == [
        (b.pk, b.code, b.title, 1, 3), (c.pk, c.code, c.title, 2, 1)]
    assert Decimal(body["items"][0]["score"]) == Decimal("0.281250")
    limited = client.get(f"/api/v1/insights/recommendations/products/{a.pk}/bought-together?limit=1",
                         **_token("owner"))
    assert len(limited.json()["items"]) == 1


def test_api_for_you(shop, client):
    _a, _b, c, d = shop["products"]
    first = shop["customers"][0]
    before = client.get(f"/api/v1/insights/recommendations/customers/{first.pk}", **_token("service"))
    assert before.json() == {"customer_id": first.pk, "computed_at": None, "items": []}
    recommend_run.run_recommendations(now=timezone.now() + timedelta(minutes=1))
    response = client.get(f"/api/v1/insights/recommendations/customers/{first.pk}", **_token("service"))
    assert response.status_code == 200
    assert [(i["product_id"], i["rank"]) for i in response.json()["items"]] == [(c.pk, 1), (d.pk, 2)]


@pytest.mark.parametrize(("role", "path"), [
    ("warehouse", "products/{product}/bought-together"),
    ("service", "products/{product}/bought-together"),  # service sees recommendations only
    ("warehouse", "customers/{customer}"),
])
def test_api_refuses_a_role_without_the_permission(shop, client, role, path):
    url = "/api/v1/insights/recommendations/" + path.format(
        product=shop["products"][0].pk, customer=shop["customers"][0].pk)
    response = client.get(url, **_token(role))
    assert response.status_code == 403
    assert client.get(url).status_code == 401


@pytest.mark.parametrize(("path", "code"), [
    ("products/999999/bought-together", "recommend_product_not_found"),
    ("customers/999999", "recommend_customer_not_found"),
])
def test_api_unknown_ids_are_404_with_a_stable_code(db, client, path, code):
    response = client.get(f"/api/v1/insights/recommendations/{path}", **_token("owner"))
    assert response.status_code == 404
    assert response.json()["code"] == code


# ---- campaigns ------------------------------------------------------------------------------

def test_a_campaign_message_names_the_recipients_recommended_products(shop):
    _a, _b, c, d = shop["products"]
    first, fifth = shop["customers"][0], shop["customers"][4]
    recommend_run.run_recommendations(now=timezone.now() + timedelta(minutes=1))
    campaign = make_campaign(make_segment([first, fifth]), coupon=False,
                             body="{nickname}，猜你喜欢：{recommended_products}",
                             subject="为你推荐 {recommended_products}")
    rendered = render_message(campaign, first, None, "sms")
    assert rendered.body == f"{first.nickname}，猜你喜欢：{c.title}、{d.title}"
    assert rendered.subject == f"为你推荐 {c.title}、{d.title}"
    a, b = shop["products"][:2]
    assert render_message(campaign, fifth, None, "sms").body.endswith(f"{a.title}、{b.title}、{c.title}")
    # Nobody without recommendations: the variable is empty.
    assert render_message(campaign, factories.make_customer(), None, "sms").body.endswith("猜你喜欢：")


# ---- the console pages -----------------------------------------------------------------------

def test_product_and_customer_pages_show_the_lists_to_who_may_see_them(shop, client, login):
    from django.urls import reverse

    a, b, c, d = shop["products"]
    first = shop["customers"][0]
    recommend_run.run_recommendations(now=timezone.now() + timedelta(minutes=1))
    owner = login("owner")
    product_page = owner.get(reverse("admin:catalog_product_change", args=[a.pk]))
    assert product_page.status_code == 200
    html = product_page.content.decode()
    assert "常一起购买" in html
    assert f"{b.code} {b.title}" in html and f"{c.code} {c.title}" in html
    customer_page = owner.get(reverse("admin:customers_customer_change", args=[first.pk]))
    assert customer_page.status_code == 200
    html = customer_page.content.decode()
    assert f"{c.code} {c.title}" in html and f"{d.code} {d.title}" in html
    # The warehouse sees products but not what is bought with them.
    client.logout()
    html = login("warehouse").get(reverse("admin:catalog_product_change", args=[a.pk])).content.decode()
    assert a.title in html and f"{b.code} {b.title}" not in html
