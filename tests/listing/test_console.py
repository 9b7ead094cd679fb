"""The console: the report page (worst first, filter by rule, Excel export, bulk audit
button), findings on the product page, checks on save, the gated "list" operation, and the
owner-only word list."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.listing.support import clean_product
from zhanggui.accounts.models import OperationLog
from zhanggui.listing import actions
from zhanggui.listing.models import AuditRun, Finding, ProductScore, WordListEntry

REPORT = "admin:listing_productscore_changelist"


@pytest.fixture
def audited(db):
    good = clean_product()
    bad = clean_product(title="全网第一 国家级 连衣裙", description="")
    for product in (good, bad):
        actions.audit_product(product, actor=None)
    return good, bad


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_report_lists_the_worst_first_and_filters_by_rule(login, audited):
    good, bad = audited
    client = login("operator")
    page = client.get(reverse(REPORT))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(bad.code) < html.index(good.code)
    filtered = client.get(reverse(REPORT), {"rule": "ad_absolute_term"}).content.decode()
    assert bad.code in filtered and good.code not in filtered
    by_severity = client.get(reverse(REPORT), {"severity": "blocking"}).content.decode()
    assert bad.code in by_severity and good.code not in by_severity


def test_the_report_exports_to_excel(login, audited):
    good, bad = audited
    client = login("designer")
    selected = ProductScore.objects.values_list("pk", flat=True)
    response = client.post(reverse(REPORT), {"action": "export_excel",
                                             "_selected_action": list(selected)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("商品编码", "标题", "类目", "质量分")
    bad_rows = [r for r in rows[1:] if r[0] == bad.code]
    assert {r[5] for r in bad_rows} >= {"ad_absolute_term", "description_missing"}
    assert any(r[8] and r[8].startswith("使用了绝对化用语") and r[6] == "绝对化用语"
               for r in bad_rows)
    good_score = ProductScore.objects.get(product=good).score
    assert {r[3] for r in rows[1:] if r[0] == good.code} == {good_score}


def test_the_run_audit_button_starts_a_bulk_audit(login, audited,
                                                  django_capture_on_commit_callbacks):
    client = login("operator")
    url = reverse("admin:listing_productscore_run_audit")
    confirm = client.get(url)
    assert confirm.status_code == 200 and not AuditRun.objects.exists()  # GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {}, follow=True)
    assert response.status_code == 200
    assert any("报告" in m for m in _messages(response))
    run = AuditRun.objects.get()
    assert run.actor == client.staff and run.status == "done" and run.product_count == 2


def test_roles_without_listing_permissions_cannot_open_the_report(login, audited):
    assert login("service").get(reverse(REPORT)).status_code == 403
    assert login("warehouse").get(reverse("admin:listing_productscore_run_audit")).status_code \
        in (302, 403)
    assert not AuditRun.objects.exists()


def test_the_product_page_shows_its_findings(login, audited):
    _good, bad = audited
    html = login("operator").get(reverse("admin:catalog_product_change", args=[bad.pk])).content
    text = html.decode()
    assert "商品质量问题" in text and "使用了绝对化用语“全网第一”" in text
    assert "修改建议" in text


def test_saving_a_product_in_the_console_runs_the_checks(login, db):
    product = clean_product()
    client = login("operator")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    from tests.console.test_other_actions import inline_management_data

    response = client.post(url, {
        "title": "纯棉T恤 绝对不起球 连衣裙", "category": product.category_id, "brand": "",
        "description": "纯棉面料", "attributes": "{}", "option_names": '["颜色"]',
        **inline_management_data(client, url)})
    assert response.status_code == 302, response.content.decode()[:2000]
    finding = Finding.objects.get(product=product, rule="ad_absolute_term")
    assert finding.params["term"] == "绝对"


def test_the_console_list_operation_refuses_and_shows_the_findings(login, audited):
    _good, bad = audited
    client = login("operator")
    url = reverse("admin:catalog_product_list_one", args=[bad.pk])
    response = client.post(url, {"reason": "new"}, follow=True)
    bad.refresh_from_db()
    assert bad.status == "draft"
    assert any("全网第一" in m and "不能上架" in m for m in _messages(response))


def test_the_owner_overrides_in_the_console_with_a_reason(login, audited):
    _good, bad = audited
    client = login("owner")
    url = reverse("admin:catalog_product_list_one", args=[bad.pk])
    client.post(url, {"reason": "new", "override_reason": "已取得检测报告"}, follow=True)
    bad.refresh_from_db()
    assert bad.status == "listed"
    assert OperationLog.objects.get(action="listing.override_listing_block").note == "已取得检测报告"


def test_an_operator_override_in_the_console_is_refused(login, audited):
    _good, bad = audited
    client = login("operator")
    url = reverse("admin:catalog_product_list_one", args=[bad.pk])
    response = client.post(url, {"reason": "new", "override_reason": "赶时间"}, follow=True)
    bad.refresh_from_db()
    assert bad.status == "draft"
    assert any("只有店长" in m for m in _messages(response))


def test_only_the_owner_edits_the_word_list(login, db):
    add = reverse("admin:listing_wordlistentry_add")
    data = {"kind": "banned", "term": "秒发", "category": "shop", "severity": "warning",
            "legal_basis": "发货承诺需可兑现", "is_active": "on"}
    assert login("operator").post(add, data).status_code == 403
    assert not WordListEntry.objects.exists()
    response = login("owner").post(add, data)
    assert response.status_code == 302
    assert WordListEntry.objects.get().term == "秒发"
    assert OperationLog.objects.filter(action__startswith="listing.").exists()


def test_operators_and_designers_see_the_listing_section(login, db):
    for role in ("operator", "designer", "owner"):
        html = login(role).get(reverse("admin:index")).content.decode()
        assert "商品质量" in html and reverse(REPORT) in html, role
    html = login("service").get(reverse("admin:index")).content.decode()
    assert reverse(REPORT) not in html


def test_adding_media_in_the_console_refreshes_the_image_checks(login, db, media_root):
    from tests.listing.support import image_bytes

    product = clean_product()
    actions.audit_product(product, actor=None)
    (media_root / "main.bmp").write_bytes(image_bytes("BMP"))
    client = login("designer")
    response = client.post(reverse("admin:catalog_productmedia_add"), {
        "product": product.pk, "kind": "image", "url": "main.bmp", "file_format": "jpg",
        "size_bytes": "0", "width": "0", "height": "0", "duration_seconds": "0",
        "is_main": "on", "sort_order": "0", "alt_text": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    finding = Finding.objects.get(product=product, rule="image_format_not_allowed")
    assert finding.params["format"] == "BMP"
