"""Reading a live platform's metrics export (pure): a CSV with one row per minute (or per
segment), as 抖音/巨量百应's 直播数据 export gives it.

Columns (the first header naming one of the aliases wins; English names work too):

- the row's place: 分钟/时间/minute (a minute number from the start, ``HH:MM`` or
  ``YYYY-MM-DD HH:MM[:SS]`` clock time, counted from the session's start), or
  环节/讲解序号/segment (a segment's place in the run sheet) for per-segment rows;
- 观看人数, 在线人数(峰值), 平均观看时长 (seconds, ``1分20秒`` or ``00:01:20``),
  评论/互动次数, 新增粉丝, 商品点击, 成交订单数, 成交金额 (元; ``¥`` and thousands commas
  allowed). A figure left out is 0.

Each bad row is reported with its line number (the header is line 1).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _g

from zhanggui.core.money import to_money
from zhanggui.live.rules import Figures

ALIASES: dict[str, tuple[str, ...]] = {
    "minute": ("分钟", "时间", "时间点", "minute", "time"),
    "segment": ("环节", "讲解序号", "讲解商品序号", "segment"),
    "viewers": ("观看人数", "进入直播间人数", "观看人次", "viewers"),
    "peak_concurrent": ("在线人数(峰值)", "在线人数（峰值）", "最高在线人数", "在线人数峰值",
                        "在线人数", "peak_concurrent"),
    "avg_watch_seconds": ("平均观看时长", "人均观看时长", "平均观看时长(秒)", "avg_watch_seconds"),
    "interactions": ("评论/互动次数", "互动次数", "评论次数", "interactions"),
    "new_followers": ("新增粉丝", "新增粉丝数", "new_followers"),
    "product_clicks": ("商品点击", "商品点击次数", "商品点击人数", "product_clicks"),
    "orders": ("成交订单数", "成交订单", "orders"),
    "gmv": ("成交金额", "成交金额(元)", "成交金额（元）", "gmv"),
}
COUNT_COLUMNS = ("viewers", "peak_concurrent", "interactions", "new_followers",
                 "product_clicks", "orders")
_DURATION = re.compile(r"^(?:(\d+)\s*(?:小时|时|h))?\s*(?:(\d+)\s*(?:分钟|分|m))?\s*"
                       r"(?:(\d+)\s*(?:秒|s))?$")


@dataclass(frozen=True)
class MetricRow:
    line: int
    figures: Figures
    minute: int | None = None
    segment_position: int | None = None


class MetricsFileError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def _columns(header: list[str]) -> dict[str, int]:
    wanted = {alias.strip().lower(): key for key, names in ALIASES.items() for alias in names}
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = wanted.get(name.strip().lower())
        if key is not None and key not in found:
            found[key] = index
    return found


def parse_count(text: str) -> int:
    text = text.strip().replace(",", "")
    if not text:
        return 0
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def parse_seconds(text: str) -> int:
    """``35``, ``35秒``, ``1分20秒``, ``00:01:20`` or ``1:20`` → seconds."""
    text = text.strip()
    if not text:
        return 0
    if text.isdigit():
        return int(text)
    if ":" in text:
        parts = [int(p) for p in text.split(":")]
        if len(parts) > 3 or any(p < 0 for p in parts):
            raise ValueError(text)
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + part
        return seconds
    found = _DURATION.match(text)
    if not found or not any(found.groups()):
        raise ValueError(text)
    hours, minutes, seconds = (int(g or 0) for g in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_amount(text: str) -> Decimal:
    text = text.strip().replace(",", "").replace("¥", "").replace("￥", "").replace("元", "")
    if not text:
        return to_money(0)
    value = to_money(Decimal(text))
    if value < 0:
        raise ValueError(text)
    return value


def parse_minute(text: str, start: datetime) -> int:
    """A minute number, or a clock time counted from ``start`` (aware, shop-local)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            at = datetime.strptime(text, pattern).replace(tzinfo=start.tzinfo)
            break
        except ValueError:
            continue
    else:
        clock = datetime.strptime(text, "%H:%M:%S" if text.count(":") == 2 else "%H:%M")
        at = start.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
        if at < start.replace(second=0, microsecond=0):
            at += timedelta(days=1)  # past midnight
    minute = int((at - start.replace(second=0, microsecond=0)).total_seconds() // 60)
    if minute < 0:
        raise ValueError(text)
    return minute


def _figures(cells: list[str], columns: dict[str, int]) -> Figures:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    return Figures(**{key: parse_count(cell(key)) for key in COUNT_COLUMNS},
                   avg_watch_seconds=parse_seconds(cell("avg_watch_seconds")),
                   gmv=parse_amount(cell("gmv")))


def _place(cells: list[str], columns: dict[str, int], start: datetime,
           positions: set[int]) -> tuple[int | None, int | None]:
    if "minute" in columns:
        return parse_minute(cells[columns["minute"]], start), None
    position = parse_count(cells[columns["segment"]])
    if position not in positions:
        raise LookupError(position)
    return None, position


def parse_metrics_csv(text: str, *, start: datetime, positions: set[int]) -> list[MetricRow]:
    """The rows of an export. ``start``: the session's start (clock times count from it);
    ``positions``: the session's segment places (per-segment rows must name one).

    Raises:
        MetricsFileError: with one message per bad line (or one for a bad header).
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = _columns(header or [])
    if not header or ("minute" not in columns and "segment" not in columns):
        raise MetricsFileError([_g("line 1: no minute (分钟/时间) or segment (环节) column")])
    rows: list[MetricRow] = []
    errors: list[str] = []
    seen: set = set()
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        try:
            minute, position = _place(cells, columns, start, positions)
            figures = _figures(cells, columns)
        except LookupError as exc:
            errors.append(_g("line %(line)d: there is no segment %(position)s")
                          % {"line": line, "position": exc.args[0]})
            continue
        except (ValueError, InvalidOperation, IndexError):
            errors.append(_g("line %(line)d: a value is not a number, a time or a duration")
                          % {"line": line})
            continue
        key = minute if minute is not None else ("segment", position)
        if key in seen:
            errors.append(_g("line %(line)d: the same minute or segment appears twice")
                          % {"line": line})
            continue
        seen.add(key)
        rows.append(MetricRow(line, figures, minute, position))
    if errors:
        raise MetricsFileError(errors)
    if not rows:
        raise MetricsFileError([_g("the file has no rows")])
    return rows
