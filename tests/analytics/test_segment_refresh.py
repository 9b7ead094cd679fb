"""Segments evaluated in the warehouse after a refresh: members, sizes and scores stored;
experiment arms left alone; guests never members; a draft previewed without saving."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from zhanggui.analytics import actions, segment_refresh, warehouse
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.customers import segments
from zhanggui.customers.models import Customer, CustomerTag
from zhanggui.customers.models_segments import CustomerScore, SegmentMember, SegmentSize
from zhanggui.orders.models import Order
from zhanggui.pricing.models import CustomerMembership, MemberTier
from zhanggui.traffic.models import Event

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)


def _paid(customer, when: str, sku) -> Order:
    order = factories.make_order(sku=sku, customer=customer, status="paid")
    Order.objects.filter(pk=order.pk).update(paid_at=datetime.fromisoformat(when).replace(tzinfo=SHANGHAI))
    return order


@pytest.fixture
def shop():
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    new, active, dormant, prospect = (factories.make_customer() for _ in range(4))
    _paid(new, "2026-11-20 10:00", sku)
    _paid(active, "2026-05-01 10:00", sku)
    _paid(active, "2026-10-01 10:00", sku)
    _paid(dormant, "2026-03-01 10:00", sku)
    Customer.objects.filter(pk=new.pk).update(gender="female", birthday=date(1990, 12, 24))
    Customer.objects.filter(pk=active.pk).update(gender="male", province_code="310000")
    vip = CustomerTag.objects.create(name="VIP")
    dormant.tags.add(vip)
    tier = MemberTier.objects.create(code="gold", name="金卡", rank=2)
    CustomerMembership.objects.create(customer=active, tier=tier)
    guest = Customer.objects.create(code="GUEST", is_guest=True)
    _paid(guest, "2026-03-01 10:00", sku)
    Event.objects.create(event_id="00000000-0000-0000-0000-000000000001", kind="add_to_cart",
                         visitor_id="v", session_id="s", customer=prospect, source="direct",
                         device="mobile", occurred_at=datetime(2026, 11, 25, tzinfo=SHANGHAI))
    warehouse.rebuild()
    return {"new": new, "active": active, "dormant": dormant, "prospect": prospect, "guest": guest}


def _segment(code, *conditions, match="all", **extra):
    return segments.create_segment(code, name=code, actor=None, **extra,
                                   definition={"match": match, "conditions": list(conditions)})


def _members(segment) -> set[int]:
    return set(SegmentMember.objects.filter(segment=segment).values_list("customer_id", flat=True))


def test_refresh_segments_stores_members_sizes_and_scores(shop):
    dormant = _segment("dormant", {"field": "lifecycle_stage", "op": "eq", "value": "dormant"})
    women = _segment("birthday", {"field": "gender", "op": "eq", "value": "female"},
                     {"field": "is_birthday_month", "op": "eq", "value": True})
    members = _segment("gold", {"field": "member_tier", "op": "eq", "value": "gold"},
                       {"field": "tags", "op": "contains_any", "value": ["VIP"]}, match="any")
    carts = _segment("carts", {"field": "carts_30d", "op": "gte", "value": 1},
                     {"field": "paid_orders", "op": "eq", "value": 0})
    everyone = _segment("everyone", {"field": "paid_orders", "op": "gte", "value": 0})
    arm = segments.create_segment("arm", name="arm", kind="experiment", definition=None, actor=None)
    segments.replace_segment_members(arm, [shop["new"].pk])

    run = segment_refresh.refresh_segments(now=NOW)

    assert _members(dormant) == {shop["dormant"].pk}
    assert _members(women) == {shop["new"].pk}
    assert _members(members) == {shop["active"].pk, shop["dormant"].pk}
    assert _members(carts) == {shop["prospect"].pk}
    assert shop["guest"].pk not in _members(everyone) and len(_members(everyone)) == 4
    assert _members(arm) == {shop["new"].pk}  # not evaluated
    assert "arm" not in run.segments and run.segments["dormant"] == 1
    size = SegmentSize.objects.get(segment=dormant)
    assert (size.member_count, size.joined, size.left, size.measured_at) == (1, 1, 0, NOW)
    scores = {s.customer_id: s for s in CustomerScore.objects.all()}
    assert {k: scores[shop[k].pk].lifecycle_stage for k in ("new", "active", "dormant", "prospect")} == {
        "new": "new", "active": "active", "dormant": "dormant", "prospect": "prospect"}
    assert shop["guest"].pk not in scores
    assert scores[shop["active"].pk].paid_orders == 2
    assert scores[shop["active"].pk].last_paid_at == datetime(2026, 10, 1, 10, tzinfo=SHANGHAI)
    assert scores[shop["prospect"].pk].rfm_segment == "" and scores[shop["new"].pk].spending_tier == "100"


def test_a_later_refresh_records_who_left(shop):
    dormant = _segment("dormant", {"field": "lifecycle_stage", "op": "eq", "value": "dormant"})
    segment_refresh.refresh_segments(now=NOW)
    segment_refresh.refresh_segments(now=datetime(2027, 5, 1, tzinfo=SHANGHAI))
    # By then the dormant customer is lost, the active one dormant.
    assert _members(dormant) == {shop["active"].pk}
    latest = SegmentSize.objects.filter(segment=dormant).order_by("-measured_at").first()
    assert (latest.member_count, latest.joined, latest.left) == (1, 1, 1)


def test_preview_counts_without_saving(shop):
    result = segment_refresh.preview(
        {"match": "all", "conditions": [{"field": "paid_orders", "op": "gte", "value": 1}]}, now=NOW)
    assert result.count == 3
    assert result.customer_ids == sorted([shop["new"].pk, shop["active"].pk, shop["dormant"].pk])
    assert not SegmentMember.objects.exists() and not CustomerScore.objects.exists()


def test_refresh_segments_without_warehouse_refuses(db, warehouse_dir):
    with pytest.raises(WarehouseEmpty):
        segment_refresh.refresh_segments(now=NOW)


def test_warehouse_refresh_runs_the_segments_after_commit(shop, django_capture_on_commit_callbacks):
    dormant = _segment("dormant", {"field": "lifecycle_stage", "op": "in", "value": ["dormant", "lost"]})
    with django_capture_on_commit_callbacks(execute=True):
        actions.refresh_warehouse(actor=None)
    assert shop["dormant"].pk in _members(dormant)
    assert CustomerScore.objects.count() == 4
