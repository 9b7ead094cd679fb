"""The listing API: draft checks without saving, findings and scores, re-audits, bulk runs,
and listing through the gate (409 while blocked, 403 override for a non-owner)."""

import base64

import pytest

from tests.api.support import ApiClient, assert_error, fingerprint, staff_of
from tests.listing.support import GOOD_TITLE, clean_product, image_bytes
from zhanggui.catalog.models import Product
from zhanggui.listing import actions
from zhanggui.listing.models import AuditRun, Finding

LISTING = "/api/v1/listing"


@pytest.fixture
def as_role(db):
    def build(role: str, *, language: str | None = None) -> ApiClient:
        return ApiClient(staff_of(role), language=language)
    return build


def _draft(**overrides) -> dict:
    body = {"title": GOOD_TITLE, "description": "雪纺面料，轻薄透气。",
            "skus": [{"code": "D-S", "price_amount": "199.00", "weight_grams": 300},
                     {"code": "D-M", "price_amount": "219.00", "weight_grams": 320}],
            "media": [{"url": f"{n}.webp", "file_format": "webp", "size_bytes": 80_000}
                      for n in range(3)]}
    body.update(overrides)
    return body


def test_a_draft_is_checked_without_saving_anything(as_role):
    designer = as_role("designer")
    products = Product.objects.count()

    response = designer.post(f"{LISTING}/check", _draft(
        title="國家級 ＮＯ．１ 連衣裙", description="最 佳 面料，最佳食用期不适用，第一次穿就爱上"))

    assert response.status_code == 200, response.content
    data = response.json()
    wording = {(f["field"], f["params"]["listed"]) for f in data["findings"]
               if f["rule"].startswith("ad_")}
    assert wording == {("title", "国家级"), ("title", "NO.1"), ("description", "最佳")}
    assert data["can_list"] is False and data["score"] < 100
    first = next(f for f in data["findings"] if f["rule"] == "ad_absolute_term")
    assert first["message"].startswith("使用了绝对化用语") and first["suggestion"]
    assert Product.objects.count() == products and Finding.objects.count() == 0


def test_draft_messages_follow_the_request_language(as_role):
    english = as_role("operator", language="en")
    data = english.post(f"{LISTING}/check", _draft(title="最好的连衣裙")).json()
    messages = {f["rule"]: f["message"] for f in data["findings"]}
    assert messages["ad_absolute_term"].startswith("Absolute term “最好”")


def test_a_clean_draft_can_be_listed_and_the_title_is_analysed(as_role):
    data = as_role("operator").post(f"{LISTING}/check", _draft()).json()
    assert data["can_list"] is True
    assert data["title_analysis"]["bytes"] == 60
    assert "连衣裙" in data["title_analysis"]["words"]


def test_draft_images_are_read_from_their_bytes(as_role):
    bmp = base64.b64encode(image_bytes("BMP")).decode()
    big = base64.b64encode(image_bytes("PNG", size=(400, 400), noisy=True)).decode()
    media = [{"url": "a.bmp", "content_base64": bmp}, {"url": "b.png", "content_base64": big},
             {"url": "c.webp", "content_base64": base64.b64encode(image_bytes()).decode()}]
    data = as_role("designer").post(f"{LISTING}/check", _draft(media=media)).json()
    rules = {(f["rule"], f["params"].get("url")) for f in data["findings"]}
    assert ("image_format_not_allowed", "a.bmp") in rules and ("image_too_large", "b.png") in rules
    assert not any(rule == "image_not_verified" for rule, _url in rules)


def test_bad_draft_input_is_a_json_error(as_role):
    designer = as_role("designer")
    assert_error(designer.post(f"{LISTING}/check", {"title": ""}), 422, "invalid_input")
    response = designer.post(f"{LISTING}/check", _draft(media=[{"content_base64": "%%%"}]))
    assert_error(response, 422, "invalid_draft")
    assert_error(designer.post(f"{LISTING}/check", _draft(category_id=987654)), 404, "not_found")


def test_scores_worst_first_filtered_by_rule(as_role):
    good = clean_product()
    bad = clean_product(title="全网第一 连衣裙", description="")
    for product in (good, bad):
        actions.audit_product(product, actor=None)
    reader = as_role("designer")

    everything = reader.get(f"{LISTING}/scores").json()
    only_absolute = reader.get(f"{LISTING}/scores", rule="ad_absolute_term").json()

    assert [s["product_id"] for s in everything["items"]] == [bad.pk, good.pk]
    assert [s["product_id"] for s in only_absolute["items"]] == [bad.pk]
    detail = reader.get(f"{LISTING}/products/{bad.pk}").json()
    assert detail["blocking_count"] >= 1 and detail["is_stale"] is False
    assert {"ad_absolute_term", "description_missing"} <= {f["rule"] for f in detail["findings"]}


def test_a_product_not_yet_audited_is_404_until_audited(as_role):
    product = clean_product()
    designer = as_role("designer")
    assert_error(designer.get(f"{LISTING}/products/{product.pk}"), 404, "not_found")
    response = designer.post(f"{LISTING}/products/{product.pk}/audit")
    assert response.status_code == 200 and response.json()["score"] <= 100


def test_listing_through_the_api_is_refused_while_blocked(as_role):
    product = clean_product(title="国家级非遗工艺 连衣裙")
    operator = as_role("operator")
    before = fingerprint(product)

    response = operator.post(f"{LISTING}/products/{product.pk}/list", {"reason": "new"})

    assert_error(response, 409, "listing_blocked")
    assert "国家级" in response.json()["message"]
    assert fingerprint(product) == before


def test_an_override_from_a_non_owner_is_403_and_from_the_owner_lists(as_role):
    product = clean_product(title="国家级非遗工艺 连衣裙")
    denied = as_role("operator").post(f"{LISTING}/products/{product.pk}/list",
                                      {"override_reason": "我觉得没问题"})
    assert_error(denied, 403, "override_not_allowed")
    product.refresh_from_db()
    assert product.status == "draft"

    allowed = as_role("owner").post(f"{LISTING}/products/{product.pk}/list",
                                    {"override_reason": "非遗证书编号 2026-001 已核实"})

    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["status"] == "listed"


def test_a_clean_product_lists_through_the_api(as_role):
    product = clean_product()
    response = as_role("operator").post(f"{LISTING}/products/{product.pk}/list", {})
    assert response.status_code == 200 and response.json()["status"] == "listed"


def test_a_bulk_run_started_through_the_api_runs_after_commit(as_role,
                                                              django_capture_on_commit_callbacks):
    clean_product()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_role("designer").post(f"{LISTING}/audit-runs")
    assert response.status_code == 201
    run = AuditRun.objects.get(pk=response.json()["id"])
    assert (run.status, run.product_count) == ("done", 1)


def test_roles_without_listing_permissions_get_403(as_role):
    product = clean_product()
    for role, method, path in [("service", "post", "/check"), ("warehouse", "get", "/scores"),
                               ("analyst", "post", f"/products/{product.pk}/audit"),
                               ("service", "post", f"/products/{product.pk}/list"),
                               ("finance", "post", "/audit-runs")]:
        client = as_role(role)
        if method == "get":
            response = client.get(f"{LISTING}{path}")
        else:
            response = client.post(f"{LISTING}{path}", _draft() if path == "/check" else {})
        assert_error(response, 403, "permission_denied")
