"""Streaming writers: CSV through ``csv.writer`` and Excel through openpyxl's write-only
mode, both row by row, calling ``progress(rows_written)`` every ``every`` rows."""

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from zhanggui.exports.sources import Export

Progress = Callable[[int], None]
FORMATS = {"money": "#,##0.00", "rate": "0.00%"}


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return str(value)
    return value


def write_csv(export: Export, stream: IO[str], *, progress: Progress | None = None,
              every: int = 1000) -> int:
    """Write ``export`` as UTF-8 CSV with a BOM (so Excel opens it as UTF-8). Several tables
    follow each other, each after its title; one table is written without a title row."""
    writer = csv.writer(stream)
    stream.write("\ufeff")
    written = 0
    several = len(export.tables) > 1
    for table in export.tables:
        if several:
            writer.writerow([table.title])
        writer.writerow([column.label for column in table.columns])
        for row in table.rows:
            writer.writerow([_text(value) for value in row])
            written += 1
            if progress and written % every == 0:
                progress(written)
        if several:
            writer.writerow([])
    return written


def write_xlsx(export: Export, target: IO[bytes] | str, *, progress: Progress | None = None,
               every: int = 1000) -> int:
    """Write ``export`` as an Excel workbook, one sheet per table; numbers stay numbers,
    money and rates get their number formats."""
    book = Workbook(write_only=True)
    written = 0
    for index, table in enumerate(export.tables):
        sheet = book.create_sheet(title=(str(table.title)[:31] or f"sheet{index + 1}"))
        sheet.append([column.label for column in table.columns])
        formats = [FORMATS.get(column.unit) for column in table.columns]
        for row in table.rows:
            sheet.append([_cell(sheet, value, fmt) for value, fmt in zip(row, formats, strict=False)])
            written += 1
            if progress and written % every == 0:
                progress(written)
    book.save(target)
    return written


def _cell(sheet, value: Any, number_format: str | None):
    value = value if isinstance(value, Decimal | int | float) or value is None else _text(value)
    if number_format is None or not isinstance(value, Decimal | int | float):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def to_bytes(export: Export, file_format: str) -> bytes:
    """The whole file in memory: for the small exports answered right away."""
    if file_format == "csv":
        out = io.StringIO()
        write_csv(export, out)
        return out.getvalue().encode("utf-8")
    buffer = io.BytesIO()
    write_xlsx(export, buffer)
    return buffer.getvalue()
