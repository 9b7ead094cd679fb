"""Setups of the segments API rows in ``tests/api/matrix.py`` (a dormant-customers segment
with one member and two evaluations; the preview over a warehouse built from one buyer)."""

from datetime import timedelta

from django.utils import timezone

from tests import factories
from tests.api.case import Case
from zhanggui.analytics import warehouse
from zhanggui.customers import segments
from zhanggui.customers.models_segments import Segment
from zhanggui.customers.rules import PERSONAL_DATA_PERMISSION

DORMANT = {"match": "all", "conditions": [{"field": "lifecycle_stage", "op": "eq", "value": "dormant"}]}


def _segment() -> tuple[Segment, object]:
    segment = segments.create_segment("dormant", name="沉睡客户", definition=DORMANT, actor=None)
    customer = factories.make_customer()
    customer.email = "buyer@example.com"
    customer.save()
    segments.replace_segment_members(segment, [], measured_at=timezone.now() - timedelta(days=1))
    segments.replace_segment_members(segment, [customer.pk])
    return Segment.objects.get(pk=segment.pk), customer


def _fresh(segment: Segment) -> Segment:
    return Segment.objects.get(pk=segment.pk)


def list_segments() -> Case:
    segment, _customer = _segment()
    return Case(check=lambda data, staff: [(i["code"], i["member_count"], i["change"])
                                           for i in data["items"]] == [(segment.code, 1, 1)])


def list_fields() -> Case:
    return Case(check=lambda data, staff: "lifecycle_stage" in [f["name"] for f in data])


def get_segment() -> Case:
    segment, _customer = _segment()
    return Case(path={"segment_id": segment.pk},
                check=lambda data, staff: [p["member_count"] for p in data["trend"]] == [0, 1])


def create_segment() -> Case:
    body = {"code": "women-zj", "name": "江浙沪女性", "definition": {"match": "all", "conditions": [
        {"field": "gender", "op": "eq", "value": "female"},
        {"field": "province_code", "op": "in", "value": ["330000", "320000", "310000"]}]}}
    return Case(body=body, check=lambda data, staff: Segment.objects.get(code="women-zj").created_by == staff)


def update_segment() -> Case:
    segment, _customer = _segment()
    return Case(path={"segment_id": segment.pk}, body={"name": "沉睡老客"}, target=segment,
                check=lambda data, staff: _fresh(segment).name == "沉睡老客")


def deactivate_segment() -> Case:
    segment, _customer = _segment()
    return Case(path={"segment_id": segment.pk}, target=segment,
                check=lambda data, staff: _fresh(segment).is_active is False)


def list_members() -> Case:
    segment, customer = _segment()

    def check(data, staff):
        assert [i["id"] for i in data["items"]] == [customer.pk]
        assert data["items"][0]["is_masked"] == (not staff.has_perm(PERSONAL_DATA_PERMISSION))
    return Case(path={"segment_id": segment.pk}, check=check)


def preview_segment() -> Case:
    order = factories.make_order(status="paid")
    warehouse.rebuild()
    body = {"match": "all", "conditions": [{"field": "paid_orders", "op": "gte", "value": 1}]}
    return Case(body=body, check=lambda data, staff: data["count"] == 1
                and [c["id"] for c in data["customers"]] == [order.customer_id])
