"""Pure validation of incoming events: each rule, its reason, and normalisation."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.traffic.support import BAD_VALUES, raw_event
from zhanggui.traffic.rules import (
    FUTURE_SKEW,
    CleanEvent,
    Problem,
    normalise_event,
    split_duplicates,
)

# One clock for the module: an event's time is set relative to it (not to the wall clock when
# the event is built, which a slow run leaves minutes past NOW: "in the future").
NOW = datetime.now(UTC)


def _event(**fields) -> dict:
    return raw_event(**{"occurred_at": (NOW - timedelta(minutes=1)).isoformat(), **fields})


def _check(raw) -> CleanEvent | list[Problem]:
    return normalise_event(raw, index=3, now=NOW)


def _fields(result) -> set[str]:
    assert isinstance(result, list), result
    assert all(p.index == 3 and p.reason for p in result)
    return {p.field for p in result}


def test_a_valid_page_view_is_normalised_with_defaults():
    clean = _check(_event(occurred_at="2026-06-18T19:30:00+08:00", source=None,
                             visitor_id="  v-1 ", url="https://x/" + "a" * 600))
    assert isinstance(clean, CleanEvent)
    assert clean.source == "direct" and clean.channel == "own" and clean.visitor_id == "v-1"
    assert clean.occurred_at == datetime(2026, 6, 18, 11, 30, tzinfo=UTC)
    assert len(clean.url) == 500 and clean.refs == {}


@pytest.mark.parametrize("name", ["event_id", "kind", "visitor_id", "session_id", "device",
                                  "occurred_at"])
def test_each_required_field_is_reported_when_missing(name):
    assert name in _fields(_check(_event(**{name: None})))


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_bad_values_are_reported_with_their_field(field, value):
    reported = _fields(_check(_event(**{field: value})))
    assert reported == {field}


def test_a_time_beyond_the_clock_skew_is_refused_but_within_it_is_accepted():
    assert "occurred_at" in _fields(_check(_event(
        occurred_at=(NOW + FUTURE_SKEW + timedelta(seconds=1)).isoformat())))
    assert isinstance(_check(_event(occurred_at=(NOW + FUTURE_SKEW).isoformat())), CleanEvent)


def test_search_needs_a_term_and_a_result_count_and_zero_results_are_valid():
    assert _fields(_check(_event(kind="search"))) == {"search_term", "result_count"}
    assert _fields(_check(_event(kind="search", search_term="  ", result_count=-1))) == {
        "search_term", "result_count"}
    clean = _check(_event(kind="search", search_term=" 羽绒服 ", result_count=0))
    assert clean.search_term == "羽绒服" and clean.result_count == 0


def test_search_fields_on_other_kinds_are_refused():
    assert _fields(_check(_event(search_term="x", result_count=1))) == {
        "search_term", "result_count"}


@pytest.mark.parametrize("kind", ["product_view", "favorite", "add_to_cart"])
def test_product_events_need_a_product(kind):
    assert _fields(_check(_event(kind=kind))) == {"product"}
    assert _check(_event(kind=kind, product_code="SPU1")).refs == {"product": ("code", "SPU1")}
    assert _check(_event(kind=kind, product_id=7)).refs == {"product": ("id", 7)}


@pytest.mark.parametrize("kind", ["order", "payment"])
def test_order_and_payment_events_need_an_order(kind):
    assert _fields(_check(_event(kind=kind))) == {"order"}
    clean = _check(_event(kind=kind, order_number="ZG1", customer_id=4))
    assert clean.refs == {"order": ("code", "ZG1"), "customer": ("id", 4)}


def test_a_reference_by_both_id_and_key_is_refused():
    assert _fields(_check(_event(kind="product_view", product_id=1,
                                    product_code="SPU1"))) == {"product"}


def test_an_event_that_is_not_an_object_is_refused():
    assert _fields(_check(["page_view"])) == {""}


def test_every_problem_of_an_event_is_reported_at_once():
    assert _fields(_check({"kind": "search"})) >= {
        "event_id", "visitor_id", "session_id", "device", "occurred_at", "search_term",
        "result_count"}


@given(st.lists(st.integers(0, 6), max_size=30), st.sets(st.integers(0, 6)))
def test_split_duplicates_keeps_each_new_id_once(positions, stored_positions):
    ids = [uuid.UUID(int=n) for n in range(7)]
    events = [CleanEvent(index=i, event_id=ids[n], kind="page_view", visitor_id="v",
                         session_id="s", device="app", occurred_at=NOW)
              for i, n in enumerate(positions)]
    stored = {ids[n] for n in stored_positions}
    fresh, duplicates = split_duplicates(events, stored)
    assert len({e.event_id for e in fresh}) == len(fresh)
    assert {e.event_id for e in fresh} == {ids[n] for n in positions} - stored
    assert duplicates + len(fresh) == len(events)
    assert [e.index for e in fresh] == sorted(e.index for e in fresh)


@given(st.integers(-10**6, 10**6))
def test_times_up_to_the_clock_skew_ahead_are_accepted_and_later_ones_refused(seconds):
    moment = NOW + timedelta(seconds=seconds)
    result = _check(_event(occurred_at=moment.isoformat()))
    if moment <= NOW + FUTURE_SKEW:
        assert isinstance(result, CleanEvent) and result.occurred_at == moment
    else:
        assert _fields(result) == {"occurred_at"}


@given(st.integers(-5, 10**7))
def test_result_counts_of_zero_or_more_are_accepted(count):
    result = _check(_event(kind="search", search_term="鞋", result_count=count))
    if count >= 0:
        assert isinstance(result, CleanEvent) and result.result_count == count
    else:
        assert _fields(result) == {"result_count"}
