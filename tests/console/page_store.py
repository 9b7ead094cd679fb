"""One object of every model the console shows (``every_kind``), so that each object page of
the page matrix (``page_matrix.PAGES``) has an object to open."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.test import Client

from tests import factories
from tests.console.conftest import build_store
from tests.traffic.support import raw_event


def every_kind(sku, tmp_path: Path) -> dict[str, Any]:
    """``build_store`` plus one object of every other model the console registers."""
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhanggui.accounts import actions as account_actions
    from zhanggui.analytics import actions as warehouse_actions
    from zhanggui.imports import actions as import_actions
    from zhanggui.imports import queries as import_queries
    from zhanggui.imports.examples import example_csv
    from zhanggui.listing import actions as listing_actions
    from zhanggui.listing.models import (
        CategoryCheck,
        ChannelTitleLimit,
        DeclaredBrand,
        ListingPolicy,
        WordListEntry,
    )
    from zhanggui.pricing import actions as pricing_actions
    from zhanggui.pricing.models import MemberTier, PriceList, ShippingTemplate, SkuShippingSize
    from zhanggui.traffic import actions as traffic_actions

    store = build_store(sku)
    owner = store["owner"]
    product = store["product"]
    # pricing: a promotion that the next order uses (an offer usage), a coupon, templates
    factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"))
    factories.make_coupon()
    factories.make_order(sku=sku, customer=store["customer"], status="paid")
    ShippingTemplate.objects.create(name="默认运费", first_fee_amount=Decimal("5"))
    tier = MemberTier.objects.create(code="gold", name="金卡", rank=1)
    pricing_actions.set_member_tier(store["customer"], tier=tier, actor=None)
    PriceList.objects.create(name="金卡价", kind="member", tier=tier)
    SkuShippingSize.objects.create(sku=sku, volume_cm3=1000)
    pricing_actions.set_sku_price(sku, price=Decimal("100.00"), actor=None)
    # listing: a score, a run, and a row of each settings table
    listing_actions.audit_product(product, actor=None)
    listing_actions.queue_audit_run(actor=None)
    WordListEntry.objects.get_or_create(term="测试禁词", defaults={"category": "absolute"})
    DeclaredBrand.objects.get_or_create(name="掌柜牌")
    ChannelTitleLimit.objects.get_or_create(channel="tmall", defaults={"name": "天猫"})
    CategoryCheck.objects.get_or_create(category=product.category)
    if not ListingPolicy.objects.exists():
        ListingPolicy.objects.create()
    # traffic, analytics, imports
    traffic_actions.ingest_events([raw_event()], actor=None)
    warehouse_actions.refresh_warehouse(actor=None)
    source = tmp_path / "orders.csv"
    source.write_bytes(example_csv("orders"))
    profile, _saved = import_queries.resolve_profile("orders", "zhanggui")
    run = import_actions.create_import_run(source, kind="orders", profile=profile, actor=owner,
                                           dry_run=True)
    import_actions.execute_import_run(run)
    import_actions.save_import_profile(
        "erp", kind="orders", actor=owner,
        columns={"单号": "order_id", "时间": "placed_at", "商品": "sku_code", "数量": "quantity",
                 "单价": "unit_price"})
    # a finished export of the owner's (the order list)
    from zhanggui.exports import actions as export_actions

    export_job = export_actions.request_export("orders", file_format="csv",
                                               parameters={"query": ""}, title="订单",
                                               total_rows=0, actor=owner)
    export_actions.run_export(export_job)
    # second factor devices (django-otp)
    TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    StaticDevice.objects.create(user=owner, name="recovery", confirmed=True)
    # login attempts (django-axes)
    attempt = {"user_agent": "tests", "ip_address": "127.0.0.1", "username": "someone",
               "http_accept": "*/*", "path_info": "/login/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    # automatic review: a held order, a block-list entry, a refused payment callback
    from zhanggui.orders import callbacks, review, review_config

    held = factories.make_order(sku=sku, customer=store["customer"], status="paid")
    review.update_seller_note(held, note="改地址", actor=None)
    review.auto_review_order(held)
    review_config.block_buyer(phone="13700009999", reason="刷单", actor=None)
    callbacks.receive_payment_callback(transaction_id="T-page", order_number="NONE",
                                       amount=Decimal("1.00"), method="alipay", succeeded=True,
                                       actor=None)
    Client().force_login(owner)  # a login session (accounts.StaffSession)
    # a tracking event on the delivered order's parcel, and a carrier service (the seeded
    # ones may have been flushed by a transactional test)
    from django.utils import timezone

    from zhanggui.fulfillment import carriers, tracking
    from zhanggui.fulfillment.models import CarrierService

    tracking.record_console_event(store["delivered"].shipments.first(), kind="collected",
                                  occurred_at=timezone.now(), actor=None)
    if not CarrierService.objects.filter(carrier="sto", level="standard").exists():
        carriers.create_carrier_service(carrier="sto", level="standard", name="申通快递",
                                        promised_days=3, actor=None)
    # a wave of one parcel of a reviewed order, with an accepted and a refused scan
    from zhanggui.fulfillment import packing, waves

    factories.make_order(sku=sku, customer=store["customer"], status="reviewed")
    wave = waves.build_waves(actor=None, max_parcels=1)[0]
    packing.scan(wave.shipments.get(), sku.code, actor=None)
    packing.scan(wave.shipments.get(), "NOT-IN-PARCEL", actor=None)
    # the owner's alerts and the security policy
    account_actions.raise_alert("refund", message="大额退款", obj=store["delivered"], actor=None)
    account_actions.set_security_policy(owner_requires_second_factor=False, actor=owner)
    # a task (of the tests' own kind) with a comment, and a task route
    from tests.tasks.support import test_kinds
    from zhanggui.tasks import actions as task_actions

    test_kinds()
    task = task_actions.open_task("test_followup", subject=store["delivered"], title="跟进")
    task_actions.comment_task(task, text="已联系买家", actor=owner)
    task_actions.save_task_route("test_followup", role="service", actor=owner)
    # a stored demand forecast of the SKU (the forecast list and the SKU's forecast page)
    from tests.suppliers.replenishment_support import make_fit
    from zhanggui.inventory.models import Stock

    make_fit(sku, None, d=2, sigma=1, days=3)
    stock = Stock.objects.filter(sku=sku).select_related("warehouse").first()
    if stock is not None:
        make_fit(sku, stock.warehouse, d=2, sigma=1, days=3)
    from tests.fulfillment.dropship_support import drop_ship_order, drop_ship_supplier, supplied_sku
    from zhanggui.inventory.feed import sync_stock_feed
    from zhanggui.marketing.actions import record_ad_spend

    supplier = drop_ship_supplier()  # a supplier order, a feed run, an ad spend entry
    drop_ship_order(supplier, sku=supplied_sku(supplier))
    sync_stock_feed(supplier.warehouse, rows={sku.code: 3}, actor=None)
    record_ad_spend(day=timezone.localdate(), channel="zhitongche", product=product,
                    amount=Decimal("50.00"), actor=owner)
    # purchasing: a supplier with a contact, an item and a message; a PO partly received
    # with a rejected unit (a receipt, a cost change, a task); the supply policy row
    from zhanggui.suppliers import actions as supplier_actions
    from zhanggui.suppliers.queries import get_policy

    get_policy()
    buyer = factories.make_supplier(name="义乌百货")
    supplier_actions.save_supplier_contact(buyer, name="王经理", is_primary=True, actor=None)
    supplier_actions.record_supplier_message(buyer, direction="out", body="请确认交期",
                                             actor=None)
    po = factories.make_purchase_order(supplier=buyer, lines=[(sku, 10)], sent=True)
    supplier_actions.receive_purchase_order(po, actor=None, lines={po.lines.get().pk: (
        supplier_actions.ReceiptLineInput(accepted=4, rejected=1, reject_reason="damaged"))})
    customers_for_life_rows(owner, store["customer"])
    insights_rows()
    channels_live_team_rows(store)
    make_integrations_objects(store)
    return {**store, "import_run": run}


def make_integrations_objects(store: dict) -> None:
    """A webhook endpoint and a delivery with its attempt (``page_rows_integrations``)."""
    from tests.console.page_rows_integrations import make_integrations_objects as make

    make(store)


def channels_live_team_rows(store: dict) -> None:
    """One object of every kind of issue 18: a channel with a listing and its stock sync
    (rule, quantity, a publish run), a live session that ran, a KPI target and a review."""
    from tests.console.page_rows_channel_sync import make_channel_sync_objects
    from tests.console.page_rows_channels import make_channel_objects
    from tests.console.page_rows_live import live_rows
    from tests.console.page_rows_team import make_team_objects

    make_channel_objects(store)
    make_channel_sync_objects(store)  # after the channel and its listing
    live_rows()
    make_team_objects(store)


def customers_for_life_rows(owner, customer) -> None:
    """One object of every kind of issue 16: an A/B test, points entries and the points and
    tier policies, the service desk's rows, a sent campaign with the contact policy and an
    unsubscription."""
    # an A/B test of a promotion, started, with its results page (tests/marketing)
    from tests.marketing.experiment_factories import make_population, make_promotion_experiment
    from zhanggui.marketing import experiments

    experiments.start_experiment(make_promotion_experiment(make_population([customer])),
                                 actor=None)
    # membership: points entries (the paid orders above earned some), an adjustment, and
    # the points and tier policy rows
    from zhanggui.customers import points
    from zhanggui.pricing import membership

    points.adjust_points(customer, points=50, reason="补偿", actor=owner)
    membership.save_points_policy(actor=owner)
    membership.save_tier_policy(actor=owner)
    # the service desk: a closed, rated chat ticket with a reply and a note, a canned reply,
    # an auto-reply rule, an assignment rule and the policy row
    from tests.service.page_support import service_desk_rows

    service_desk_rows(owner, customer)
    # campaigns: one prepared and sent (recipients, a queued message), the contact policy
    # row and an unsubscription (tests/marketing)
    from tests.marketing.campaign_factories import make_campaign, make_contact, make_segment
    from zhanggui.marketing import campaigns
    from zhanggui.marketing.unsubscribe import record_unsubscribe

    campaigns.save_contact_policy(actor=owner)
    campaign = make_campaign(make_segment([make_contact(), customer]))
    campaigns.prepare_campaign(campaign, actor=owner)
    campaigns.send_campaign(campaign, actor=owner)
    record_unsubscribe(make_contact(), channel="sms", source="staff", actor=owner)


def insights_rows() -> None:
    """One object of every kind of issue 17 the console shows: an anomaly with its task, and
    a daily briefing."""
    from tests.insights.insights_factories import make_anomaly, make_briefing

    make_anomaly()
    make_briefing()
