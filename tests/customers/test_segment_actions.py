"""Segment actions: definitions validated, members replaced by difference, scores upserted."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.customers import queries, segments
from zhanggui.customers.models import Customer
from zhanggui.customers.models_segments import CustomerScore, Segment, SegmentMember, SegmentSize
from zhanggui.customers.segment_errors import SegmentCodeTaken, SegmentInvalid

DORMANT = {"match": "all", "conditions": [{"field": "lifecycle_stage", "op": "eq", "value": "dormant"}]}

@pytest.fixture(autouse=True)
def _english():
    """The problems are matched in the source language (the shop's default is Chinese)."""
    with translation.override("en"):
        yield



def _customers(n: int) -> list[Customer]:
    return [Customer.objects.create(code=f"S{i:04d}", nickname=f"n{i}") for i in range(n)]


@pytest.mark.django_db
def test_create_segment_validates_and_logs():
    operator = factories.make_staff("operator")
    segment = segments.create_segment("dormant", name="沉睡客户", definition=DORMANT, actor=operator)
    assert segment.definition == DORMANT and segment.created_by == operator
    assert OperationLog.objects.filter(action="customers.create_segment", object_id=str(segment.pk)).exists()


@pytest.mark.django_db
def test_create_segment_refuses_bad_definition_naming_condition_and_field():
    bad = {"match": "all", "conditions": [DORMANT["conditions"][0],
                                          {"field": "age", "op": "contains_any", "value": [1]}]}
    with pytest.raises(SegmentInvalid) as caught:
        segments.create_segment("x", name="x", definition=bad, actor=None)
    assert caught.value.code == "segment_invalid"
    assert "condition 2" in str(caught.value) and "(age)" in str(caught.value)
    assert not Segment.objects.exists()


@pytest.mark.django_db
def test_create_segment_refuses_taken_code():
    segments.create_segment("dormant", name="a", definition=DORMANT, actor=None)
    with pytest.raises(SegmentCodeTaken):
        segments.create_segment("dormant", name="b", definition=DORMANT, actor=None)
    assert Segment.objects.count() == 1


@pytest.mark.django_db
def test_experiment_segment_has_no_definition():
    with pytest.raises(SegmentInvalid):
        segments.create_segment("arm-a", name="A", kind="experiment", definition=DORMANT, actor=None)
    assert segments.create_segment("arm-a", name="A", kind="experiment", definition=None,
                                   actor=None).definition == {}


@pytest.mark.django_db
def test_update_segment_keeps_old_definition_when_new_one_is_bad():
    segment = segments.create_segment("d", name="d", definition=DORMANT, actor=None)
    with pytest.raises(SegmentInvalid):
        segments.update_segment(segment, actor=None, definition={"match": "some", "conditions": []})
    segment.refresh_from_db()
    assert segment.definition == DORMANT
    segments.deactivate_segment(segment, actor=None)
    segment.refresh_from_db()
    assert segment.is_active is False


@pytest.mark.django_db
def test_replace_segment_members_writes_difference_and_size():
    people = _customers(5)
    guest = Customer.objects.create(code="G", is_guest=True)
    segment = segments.create_segment("d", name="d", definition=DORMANT, actor=None)
    first = timezone.now() - timedelta(hours=1)
    size = segments.replace_segment_members(segment, [p.pk for p in people[:3]] + [guest.pk],
                                            measured_at=first)
    assert (size.member_count, size.joined, size.left) == (3, 3, 0)
    second = timezone.now()
    size = segments.replace_segment_members(segment, [p.pk for p in people[1:5]], measured_at=second)
    assert (size.member_count, size.joined, size.left) == (4, 2, 1)
    members = dict(SegmentMember.objects.filter(segment=segment).values_list("customer_id", "since"))
    assert set(members) == {p.pk for p in people[1:5]}
    assert members[people[1].pk] == first and members[people[4].pk] == second
    segment.refresh_from_db()
    assert (segment.member_count, segment.evaluated_at) == (4, second)
    assert SegmentSize.objects.filter(segment=segment).count() == 2
    assert queries.segment_codes_of(people[4].pk) == frozenset({"d"})
    assert queries.segment_codes_of(people[0].pk) == frozenset()
    assert set(queries.segment_member_ids(segment)) == {p.pk for p in people[1:5]}


@pytest.mark.django_db
def test_replace_segment_members_in_batches(monkeypatch):
    monkeypatch.setattr(segments, "INSERT_BATCH", 7)
    monkeypatch.setattr(segments, "DELETE_BATCH", 3)
    people = _customers(30)
    segment = segments.create_segment("d", name="d", definition=DORMANT, actor=None)
    segments.replace_segment_members(segment, [p.pk for p in people[:20]])
    size = segments.replace_segment_members(segment, [p.pk for p in people[10:]])
    assert (size.member_count, size.joined, size.left) == (20, 10, 10)
    assert set(queries.segment_member_ids(segment)) == {p.pk for p in people[10:]}


@pytest.mark.django_db
def test_replace_customer_scores_writes_only_changes():
    a, b, c = _customers(3)
    t1 = timezone.now() - timedelta(days=1)
    paid = timezone.now() - timedelta(days=200)
    counts = segments.replace_customer_scores(
        [(a.pk, "dormant", "general_winback", "100", 2, paid), (b.pk, "prospect", None, None, 0, None)],
        computed_at=t1)
    assert counts == {"written": 2, "removed": 0, "customers": 2}
    t2 = timezone.now()
    counts = segments.replace_customer_scores(
        [(a.pk, "dormant", "general_winback", "100", 2, paid),
         (c.pk, "new", "general_development", "0", 1, t2)],
        computed_at=t2)
    assert counts == {"written": 1, "removed": 1, "customers": 2}
    scores = {s.customer_id: s for s in CustomerScore.objects.all()}
    assert set(scores) == {a.pk, c.pk}
    assert scores[a.pk].computed_at == t1 and scores[c.pk].lifecycle_stage == "new"
