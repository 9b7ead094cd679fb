"""The console's segment pages: an operator creates a segment, previews a definition (count
and customers, masked, nothing saved), sees its size trend after two evaluations; a role
without the permission cannot create one and nothing changes; a bad definition is refused
with the condition named."""

import json

import pytest
from django.urls import reverse

from tests import factories
from zhanggui.analytics import warehouse
from zhanggui.customers import segments
from zhanggui.customers.models_segments import Segment

pytestmark = pytest.mark.django_db
DEFINITION = {"match": "all", "conditions": [{"field": "paid_orders", "op": "gte", "value": 1}]}


def _post_create(client, definition) -> object:
    return client.post(reverse("admin:customers_segment_add"), {
        "code": "buyers", "name": "买过的客户", "description": "", "kind": "rule",
        "definition": json.dumps(definition)}, follow=True)


def test_operator_creates_a_segment_and_sees_its_trend(login):
    client = login("operator")
    response = _post_create(client, DEFINITION)
    assert response.status_code == 200
    segment = Segment.objects.get(code="buyers")
    assert segment.definition == DEFINITION and segment.created_by == client.staff
    customer = factories.make_customer()
    segments.replace_segment_members(segment, [])
    segments.replace_segment_members(segment, [customer.pk])
    page = client.get(reverse("admin:customers_segment_change", args=[segment.pk]))
    html = page.content.decode()
    assert 'id="segment-trend-chart"' in html and 'id="segment-change">+1<' in html
    members = client.get(reverse("admin:customers_segmentmember_changelist"),
                         {"segment__id__exact": segment.pk}).content.decode()
    assert customer.code in members and "张**" in members and "张三丰" not in members


def test_a_bad_definition_is_refused_naming_the_condition(login):
    client = login("operator")
    response = _post_create(client, {"match": "all", "conditions": [
        {"field": "age", "op": "gt", "value": 30}, {"field": "shoe_size", "op": "eq", "value": 40}]})
    assert "第 2 个条件（shoe_size）" in response.content.decode()  # the console speaks Chinese
    assert not Segment.objects.exists()


def test_analyst_cannot_create_a_segment(login):
    client = login("analyst")
    response = _post_create(client, DEFINITION)
    assert response.status_code == 403
    assert not Segment.objects.exists()


def test_preview_shows_the_count_and_masked_customers_without_saving(login):
    order = factories.make_order(status="paid")
    warehouse.rebuild()
    segment = segments.create_segment("buyers", name="买过的客户", definition=DEFINITION, actor=None)
    client = login("analyst")
    response = client.post(reverse("admin:customers_segment_preview_one", args=[segment.pk]),
                           {"definition": json.dumps(DEFINITION)})
    html = response.content.decode()
    assert 'id="segment-preview-count"' in html and "当前有 1 位客户满足该规则" in html
    assert order.customer.code in html and "张**" in html
    assert segment.members.count() == 0
