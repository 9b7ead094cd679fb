"""A carrier's tracking file: Chinese or English headers, per-line errors with line numbers,
nothing half-applied, duplicates and unknown parcels counted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.fulfillment.support import shipped_parcels
from zhanggui.fulfillment.models import TrackingEvent
from zhanggui.fulfillment.tracking_file import import_tracking_file, parse_time


@pytest.fixture
def parcel(db):
    return shipped_parcels(1, shipped_at=timezone.now() - timedelta(days=2))[0]


def local(parcel, hours: float) -> str:
    return timezone.localtime(parcel.shipped_at + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")


def chinese_file(parcel, *extra: str, encoding="utf-8-sig") -> bytes:
    lines = ["快递公司,运单号,事件编号,事件类型,时间,地点,描述",
             f"中通,{parcel.tracking_number},E1,揽收,{local(parcel, 1)},杭州,快件已揽收",
             f"中通,{parcel.tracking_number},E2,运输中,{local(parcel, 6)},上海,发往上海",
             *extra]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_chinese_file_in_gb18030_is_recorded(parcel, owner):
    result = import_tracking_file(chinese_file(parcel, encoding="gb18030"), actor=owner)
    assert result.ok and result.applied
    assert (result.lines, result.recorded, result.duplicates, result.unknown) == (2, 2, 0, 0)
    events = list(TrackingEvent.objects.filter(shipment=parcel).order_by("occurred_at"))
    assert [(e.kind, e.source, e.location) for e in events] == [
        ("collected", "file", "杭州"), ("in_transit", "file", "上海")]
    assert events[0].occurred_at == (parcel.shipped_at + timedelta(hours=1)).replace(microsecond=0)
    parcel.refresh_from_db()
    assert parcel.status == "in_transit"


def test_same_file_twice_counts_duplicates(parcel):
    import_tracking_file(chinese_file(parcel), actor=None)
    again = import_tracking_file(chinese_file(parcel), actor=None)
    assert (again.recorded, again.duplicates) == (0, 2)
    assert TrackingEvent.objects.count() == 2


def test_bad_lines_are_named_and_nothing_is_applied(parcel):
    data = chinese_file(parcel,
                        f"中通,{parcel.tracking_number},E3,瞬移,{local(parcel, 7)},,",
                        f"中通,{parcel.tracking_number},,签收,{local(parcel, 8)},,",
                        f"中通,{parcel.tracking_number},E5,签收,明天,,",
                        f"联邦,{parcel.tracking_number},E6,签收,{local(parcel, 9)},,")
    result = import_tracking_file(data, actor=None)
    assert not result.ok and not result.applied
    assert [(line, code) for line, code, _message in result.errors] == [
        (4, "unknown_event_kind"), (5, "event_id_required"), (6, "invalid_event_time"),
        (7, "unknown_carrier")]
    assert not TrackingEvent.objects.exists()
    parcel.refresh_from_db()
    assert parcel.status == "shipped"


def test_unknown_parcels_are_listed_by_line(parcel):
    data = chinese_file(parcel, f"中通,ZT404,E9,揽收,{local(parcel, 1)},,")
    result = import_tracking_file(data, actor=None)
    assert result.ok and (result.recorded, result.unknown, result.unknown_lines) == (2, 1, [4])


def test_dry_run_records_nothing(parcel):
    result = import_tracking_file(chinese_file(parcel), actor=None, dry_run=True)
    assert result.ok and result.recorded == 2 and not result.applied
    assert not TrackingEvent.objects.exists()


def test_english_headers_iso_times_and_extra_columns(parcel):
    at = (parcel.shipped_at + timedelta(hours=3)).isoformat()
    data = (f"note,tracking_number,carrier,event_id,kind,occurred_at\n"
            f"x,{parcel.tracking_number},zto,A1,delivered,{at}\n").encode()
    result = import_tracking_file(data, actor=None)
    assert result.ok and result.recorded == 1
    parcel.refresh_from_db()
    assert parcel.status == "delivered"


@pytest.mark.parametrize(("data", "problem"), [
    (b"carrier,tracking_number\nzto,1\n", "event_id"),
    (b"\xff\xfe\x00\x00garbage", ""),
])
def test_unreadable_files_are_refused_whole(db, data, problem):
    result = import_tracking_file(data, actor=None)
    assert result.fatal and not result.applied and problem in result.fatal


def test_parse_time():
    assert parse_time("2026-12-01 10:00").tzinfo is not None
    assert parse_time("2026/12/01 10:00:05").second == 5
    assert parse_time("2026-12-01T02:00:00+00:00").hour == 2
    assert parse_time("yesterday") is None and parse_time("2026-13-01 10:00") is None
    assert parse_time("0001-01-01 00:00") is None
