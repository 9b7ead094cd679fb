"""A carrier's tracking file (CSV): one event per line, recorded through
``tracking.record_tracking_events`` — all or nothing, like every import: any bad line and
nothing is recorded, and the result names every bad line by its line number.

Columns (header names in English or Chinese, any order; extra columns are ignored)::

    carrier         快递公司 / 物流公司 / 承运商   sf, zto, … or 顺丰, 中通, …
    tracking_number 运单号 / 快递单号 / 物流单号
    event_id        事件编号 / 事件ID
    kind            事件类型 / 状态                 collected, … or 揽收, 运输中, 派送中, 签收, …
    occurred_at     时间 / 发生时间                 ISO 8601; without a zone: the shop's time
    location        地点 / 位置                     (optional)
    description     描述 / 说明                     (optional)

The file is UTF-8 (with or without BOM) or GB18030 (Excel's "CSV" on a Chinese Windows).
This lives in fulfillment rather than as a profile of the imports app: imports' kinds
(products, customers, orders) are built into its pipeline and models, and a tracking file
is one flat record per line with nothing to group.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhanggui.accounts.models import Staff
from zhanggui.fulfillment import tracking
from zhanggui.fulfillment.errors import InvalidTrackingEvents
from zhanggui.fulfillment.models import TrackingSource
from zhanggui.fulfillment.rules_tracking import event_problems

MAX_LINES = 50_000
MAX_BYTES = 20 * 1024 * 1024
COLUMNS = {
    "carrier": ("carrier", "快递公司", "物流公司", "承运商", "快递"),
    "tracking_number": ("tracking_number", "tracking number", "运单号", "快递单号", "物流单号"),
    "event_id": ("event_id", "event id", "事件编号", "事件id", "事件ID"),
    "kind": ("kind", "event", "事件类型", "状态", "轨迹状态"),
    "occurred_at": ("occurred_at", "time", "时间", "发生时间", "轨迹时间"),
    "location": ("location", "地点", "位置", "网点"),
    "description": ("description", "描述", "说明", "轨迹描述"),
}
REQUIRED = ("carrier", "tracking_number", "event_id", "kind", "occurred_at")
CARRIER_NAMES = {"顺丰": "sf", "顺丰速运": "sf", "中通": "zto", "中通快递": "zto", "圆通": "yto",
                 "圆通速递": "yto", "申通": "sto", "申通快递": "sto", "韵达": "yunda",
                 "韵达快递": "yunda", "京东": "jd", "京东物流": "jd", "京东快递": "jd",
                 "ems": "ems", "中国邮政": "ems", "邮政": "ems", "极兔": "jt", "极兔速递": "jt"}
KIND_NAMES = {"揽收": "collected", "已揽收": "collected", "揽件": "collected",
              "运输中": "in_transit", "在途": "in_transit", "派送中": "out_for_delivery",
              "派件": "out_for_delivery", "签收": "delivered", "已签收": "delivered",
              "派送失败": "failed", "投递失败": "failed", "拒收": "failed", "破损": "damaged",
              "丢失": "lost", "遗失": "lost", "退回": "returned", "退件": "returned"}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


@dataclass
class FileResult:
    lines: int = 0
    recorded: int = 0
    duplicates: int = 0
    unknown: int = 0
    unknown_lines: list[int] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, message)
    fatal: str = ""
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.fatal


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _columns(header: list[str]) -> dict[str, int]:
    wanted = {name.strip().lower(): key for key, names in COLUMNS.items() for name in names}
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = wanted.get(name.strip().lower())
        if key is not None and key not in found:
            found[key] = index
    return found


def parse_time(text: str) -> datetime | None:
    """ISO 8601 (a zone or not) or the usual Chinese spreadsheet forms; a time without a
    zone is the shop's local time. None when unreadable."""
    text = text.strip()
    value = None
    try:
        value = parse_datetime(text.replace("/", "-"))
    except ValueError:
        value = None
    if value is None:
        for pattern in TIME_FORMATS:
            try:
                value = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if value is None or not 1000 <= value.year <= 9000:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _value(row: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return row[index].strip() if index is not None and index < len(row) else ""


def read_events(data: bytes, result: FileResult) -> list[tuple[int, tracking.TrackingEventIn]]:
    """The file's events with their line numbers; problems go to ``result``."""
    if len(data) > MAX_BYTES:
        result.fatal = _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}
        return []
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        result.fatal = _("The file is neither UTF-8 nor GB18030 text.")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    columns = _columns(header or [])
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        result.fatal = _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        return []
    events = []
    now = timezone.now()
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        result.lines += 1
        if result.lines > MAX_LINES:
            result.fatal = _("The file has more than %(max)d lines; split it.") % {"max": MAX_LINES}
            return []
        carrier = _value(row, columns, "carrier")
        kind = _value(row, columns, "kind")
        event = tracking.TrackingEventIn(
            carrier=CARRIER_NAMES.get(carrier.lower(), carrier.lower()),
            tracking_number=_value(row, columns, "tracking_number"),
            event_id=_value(row, columns, "event_id"), kind=KIND_NAMES.get(kind, kind.lower()),
            occurred_at=parse_time(_value(row, columns, "occurred_at")),
            location=_value(row, columns, "location"),
            description=_value(row, columns, "description"))
        result.errors += [(line, code, message)
                          for code, message in event_problems(event, now=now)]
        events.append((line, event))
    return events


def import_tracking_file(data: bytes, *, actor: Staff | None, dry_run: bool = False) -> FileResult:
    """Read a carrier's tracking file and record its events (not on a dry run, nor when any
    line is bad). Never raises for a bad file: the result says what is wrong, line by line."""
    result = FileResult()
    events = read_events(data, result)
    if not result.ok:
        return result
    lines = [line for line, _event in events]
    try:
        with transaction.atomic():
            outcome = tracking.record_tracking_events(
                [event for _line, event in events], source=TrackingSource.FILE, actor=actor)
            if dry_run:
                transaction.set_rollback(True)
    except InvalidTrackingEvents as refused:  # checked above; kept for safety
        result.errors = [(lines[index], code, message) for index, code, message in refused.rows]
        return result
    result.recorded, result.duplicates, result.unknown = (
        outcome.recorded, outcome.duplicates, outcome.unknown)
    result.unknown_lines = [lines[index] for index in outcome.unknown_rows]
    result.applied = not dry_run
    return result
