"""The pure transition of a parcel by tracking events: table cases and order independence."""

from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.fulfillment.rules_tracking import Track, apply_event, event_problems, fold, issue_of
from zhanggui.fulfillment.tracking import TrackingEventIn

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


SHIPPED = Track(status="shipped")

# events (kind, hour, description) applied in the given order → status, issue
TABLE = [
    ([("collected", 1, "")], "in_transit", ""),
    ([("in_transit", 5, ""), ("collected", 1, "")], "in_transit", ""),
    ([("collected", 1, ""), ("delivered", 30, "")], "delivered", ""),
    ([("delivered", 30, ""), ("in_transit", 40, "")], "delivered", ""),  # late scan ignored
    ([("delivered", 30, ""), ("returned", 50, "")], "failed", "returned"),  # later outcome
    ([("returned", 50, ""), ("delivered", 30, "")], "failed", "returned"),  # arrives late
    ([("failed", 20, "收件人拒收"), ("delivered", 44, "")], "delivered", ""),  # second attempt
    ([("delivered", 44, ""), ("failed", 20, "收件人拒收")], "delivered", ""),
    ([("failed", 20, "收件人拒收")], "failed", "refused"),
    ([("failed", 20, "地址不详")], "failed", "address"),
    ([("failed", 20, "")], "failed", ""),
    ([("lost", 20, "")], "failed", "lost"),
    ([("damaged", 20, "")], "failed", "damaged"),
    ([("delivered", 20, ""), ("damaged", 20, "")], "failed", "damaged"),  # same moment: worse
    ([("damaged", 20, ""), ("delivered", 20, "")], "failed", "damaged"),
    ([("failed", 20, ""), ("out_for_delivery", 21, "")], "failed", ""),  # scans never reopen
]


@pytest.mark.parametrize(("events", "status", "issue"), TABLE)
def test_transitions(events, status, issue):
    track = fold(SHIPPED, [(kind, at(hour), text) for kind, hour, text in events])
    assert (track.status, track.issue) == (status, issue)
    hours = [at(hour) for _kind, hour, _text in events]
    assert track.collected_at == min(hours) and track.last_event_at == max(hours)
    if status == "delivered":
        assert track.delivered_at is not None and track.failed_at is None
    if status == "failed":
        assert track.failed_at is not None and track.delivered_at is None


@pytest.mark.parametrize("status", ["pending", "picking", "packed", "cancelled"])
def test_parcels_not_handed_over_only_record(status):
    track = apply_event(Track(status=status), "delivered", at(1))
    assert track.status == status and track.last_event_at == at(1)


KINDS = ["collected", "in_transit", "out_for_delivery", "delivered", "failed", "damaged",
         "lost", "returned"]
events_strategy = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 200).map(at),
              st.sampled_from(["", "拒收", "地址错误"])),
    min_size=1, max_size=6)


@given(events=events_strategy, start=st.sampled_from(["shipped", "in_transit"]))
def test_any_order_gives_the_same_parcel(events, start):
    results = {fold(Track(status=start), order) for order in permutations(events)}
    assert len(results) == 1


@given(events=events_strategy)
def test_outcome_is_the_latest_outcome(events):
    track = fold(SHIPPED, events)
    outcomes = [e for e in events if e[0] not in ("collected", "in_transit", "out_for_delivery")]
    if not outcomes:
        assert track.status == "in_transit"
        return
    latest = max(e[1] for e in outcomes)
    assert (track.delivered_at or track.failed_at) == latest
    if all(e[0] == "delivered" for e in outcomes if e[1] == latest):
        assert track.status == "delivered"
    else:
        assert track.status == "failed"


def test_issue_of():
    assert issue_of("returned") == "returned" and issue_of("delivered") == ""
    assert issue_of("failed", "Recipient refused") == "refused"


def test_event_problems():
    good = TrackingEventIn("zto", "ZT1", "e1", "collected", T0)
    assert event_problems(good, now=T0) == []
    bad = TrackingEventIn("dhl", "", "", "teleported", datetime(2026, 1, 1))
    codes = [code for code, _message in event_problems(bad, now=T0)]
    assert codes == ["unknown_carrier", "tracking_number_required", "event_id_required",
                     "unknown_event_kind", "invalid_event_time"]
    future = TrackingEventIn("zto", "ZT1", "e" * 65, "collected", T0 + timedelta(days=2))
    assert [c for c, _m in event_problems(future, now=T0)] == ["event_in_future", "text_too_long"]
