"""Audits, the listing gate and its override, bulk audits, the CLI and the task."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests import factories
from tests.listing.support import clean_product, image_bytes, require_attribute
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog import actions as catalog_actions
from zhanggui.catalog.errors import ListingNotAllowed
from zhanggui.catalog.models import ListingStatus, ProductMedia
from zhanggui.listing import actions, queries, tasks
from zhanggui.listing.errors import ListingBlocked, OverrideNotAllowed
from zhanggui.listing.models import (
    AuditRun,
    CategoryCheck,
    ChannelTitleLimit,
    DeclaredBrand,
    EntryKind,
    Finding,
    ListingPolicy,
    ProductScore,
    WordListEntry,
)


def _rules(product) -> set[str]:
    return set(Finding.objects.filter(product=product).values_list("rule", flat=True))


def test_audit_stores_findings_and_score_and_logs(db):
    product = clean_product(description="")
    score = actions.audit_product(product, actor=None)
    assert "description_missing" in _rules(product)
    assert score.score < 100 and score.warning_count >= 1 and score.blocking_count == 0
    entry = OperationLog.objects.get(action="listing.audit_product")
    assert entry.after["score"] == score.score


def test_a_new_audit_replaces_the_old_findings(db):
    product = clean_product(description="")
    actions.audit_product(product, actor=None)
    catalog_actions.update_product(product, description="真丝面料，手洗。", actor=None)
    actions.audit_product(product, actor=None)
    assert "description_missing" not in _rules(product)
    assert ProductScore.objects.filter(product=product).count() == 1


def test_stored_facts_reach_the_checks(db):
    product = clean_product(title="连衣裙 国家级 品质")
    require_attribute(product)
    sku = product.skus.first()
    catalog_actions.update_sku(sku, weight_grams=0, actor=None)
    actions.audit_product(product, actor=None)
    assert {"ad_absolute_term", "required_attribute_missing", "sku_weight_missing",
            "cheapest_sku_out_of_stock", "too_few_images"} <= _rules(product)


def test_stock_clears_the_cheapest_sku_out_of_stock_finding(db):
    product = clean_product(skus=1)
    factories.stock_up(product.skus.get(), factories.make_warehouse(), 5)
    actions.audit_product(product, actor=None)
    assert "cheapest_sku_out_of_stock" not in _rules(product)


def test_cosmetics_categories_get_the_stricter_list(db):
    beauty = factories.make_category("美妆")
    serum = factories.make_category("精华", parent=beauty)
    product = clean_product(title="玻尿酸精华液 祛痘 淡化痘印 补水保湿 30ml", category=serum)
    actions.audit_product(product, actor=None)
    assert "ad_medical_claim" in _rules(product)
    CategoryCheck.objects.create(category=beauty, goods_kind="general")
    actions.audit_product(product, actor=None)
    assert "ad_medical_claim" in _rules(product)  # "general" falls back to the category name


def test_the_shops_word_list_and_declared_brands_apply_at_once(db):
    product = clean_product(description="永久牌自行车同款配色，客服秒回")
    actions.audit_product(product, actor=None)
    assert "ad_absolute_term" in _rules(product)  # 永久 is an absolute term …
    DeclaredBrand.objects.create(name="永久")  # … unless it is the shop's registered brand
    WordListEntry.objects.create(term="秒回", kind=EntryKind.BANNED, severity="warning",
                                 legal_basis="平台客服规范")
    actions.audit_product(product, actor=None)
    assert "ad_absolute_term" not in _rules(product)
    assert Finding.objects.get(product=product, rule="ad_shop_term").params["term"] == "秒回"
    WordListEntry.objects.create(term="同款配色", kind=EntryKind.EXEMPT)
    WordListEntry.objects.filter(term="秒回").update(is_active=False)
    actions.audit_product(product, actor=None)
    assert "ad_shop_term" not in _rules(product)


def test_policy_and_channel_limits_are_read_from_the_database(db):
    assert queries.policy().channels == (("taobao", "淘宝", 60),)
    ChannelTitleLimit.objects.create(channel="jd", name="京东", max_bytes=20)
    ListingPolicy.objects.create(min_image_count=5)
    policy = queries.policy()
    assert policy.channels == (("jd", "京东", 20),) and policy.min_image_count == 5
    product = clean_product()
    actions.audit_product(product, actor=None)
    finding = Finding.objects.get(product=product, rule="title_too_long")
    assert finding.params["channel"] == "京东"


def test_images_are_measured_from_their_real_bytes(db, media_root):
    product = clean_product()
    (media_root / "p").mkdir()
    (media_root / "p" / "big.png").write_bytes(image_bytes("PNG", size=(400, 400), noisy=True))
    (media_root / "p" / "main.bmp").write_bytes(image_bytes("BMP"))
    (media_root / "p" / "broken.webp").write_bytes(b"not an image at all")
    for n, url in enumerate(["/media/p/big.png", "p/main.bmp", "p/broken.webp",
                             "https://img.example/remote.webp"]):
        # Stored metadata says small WebP: the bytes say otherwise.
        ProductMedia.objects.create(product=product, kind="image", url=url, file_format="webp",
                                    size_bytes=10_000, sort_order=n, is_main=n == 0)
    actions.audit_product(product, actor=None)
    findings = {(f.rule, f.params.get("url")) for f in Finding.objects.filter(product=product)}
    assert ("image_too_large", "/media/p/big.png") in findings
    assert ("image_format_not_allowed", "p/main.bmp") in findings
    assert ("image_unreadable", "p/broken.webp") in findings
    assert Finding.objects.get(product=product, rule="image_not_verified").params["count"] == 1


def test_listing_is_refused_while_a_blocking_finding_stands(db):
    product = clean_product(title="全网第一 法式碎花连衣裙")
    operator = factories.make_staff("operator")
    with pytest.raises(ListingBlocked) as refused:
        actions.list_product(product, actor=operator)
    assert "全网第一" in str(refused.value)
    product.refresh_from_db()
    assert product.status == ListingStatus.DRAFT
    assert not OperationLog.objects.filter(action="catalog.set_listing_status").exists()


def test_only_the_owner_may_override_and_the_reason_is_logged(db):
    product = clean_product(title="全网第一 法式碎花连衣裙")
    with pytest.raises(OverrideNotAllowed):
        actions.list_product(product, actor=factories.make_staff("operator"),
                             override_reason="老板说可以")
    owner = factories.make_staff("owner")
    with pytest.raises(ListingBlocked):
        actions.list_product(product, actor=owner, override_reason="   ")
    listed = actions.list_product(product, actor=owner,
                                  override_reason="品牌方提供第三方销量证明，已存档")
    assert listed.status == ListingStatus.LISTED
    entry = OperationLog.objects.get(action="listing.override_listing_block")
    assert entry.actor == owner and entry.note == "品牌方提供第三方销量证明，已存档"
    assert entry.after["rules"] == ["ad_absolute_term"]


def test_a_clean_product_is_listed_and_catalog_rules_still_apply(db):
    product = clean_product()
    listed = actions.list_product(product, actor=factories.make_staff("operator"))
    assert (listed.status, listed.status_reason) == ("listed", "new")
    assert ProductScore.objects.get(product=product).blocking_count == 0
    bare = factories.make_product(listed=False)
    with pytest.raises(ListingBlocked):  # no active SKU is a blocking finding first
        actions.list_product(bare, actor=None)
    owner = factories.make_staff("owner")
    with pytest.raises(ListingNotAllowed):  # and the catalog still refuses it
        actions.list_product(bare, actor=owner, override_reason="测试")


def test_bulk_audit_records_its_totals(db):
    clean_product()
    clean_product(title="最好的 连衣裙")
    run = actions.audit_catalog(actor=None, batch_size=1)
    assert (run.status, run.product_count, run.blocked_count) == ("done", 2, 1)
    assert run.average_score is not None
    assert ProductScore.objects.count() == 2
    assert OperationLog.objects.filter(action="listing.audit_catalog", object_id=str(run.pk)).exists()


def test_the_cli_audits_the_catalog(db):
    clean_product(title="最好的 连衣裙")
    out = StringIO()
    call_command("audit-listings", stdout=out)
    assert "1 products, 1 with blocking findings" in out.getvalue()
    assert "ad_absolute_term" in out.getvalue()


def test_the_background_task_runs_a_queued_audit(db, django_capture_on_commit_callbacks):
    clean_product()
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.queue_audit_run(actor=None)
        tasks.launch(run)
    run = AuditRun.objects.get(pk=run.pk)
    assert (run.status, run.product_count) == ("done", 1)


def test_demo_like_products_with_external_media_can_be_audited(db):
    product = clean_product()
    ProductMedia.objects.create(product=product, kind="video", url="https://v.example/1.mp4",
                                duration_seconds=42, width=1080, height=1920, is_main=True)
    run = actions.audit_catalog(actor=None)
    assert run.product_count == 1
    assert Finding.objects.get(product=product, rule="video_duration_out_of_range").params[
        "seconds"] == 42
