"""Open an import file and stream its rows: CSV (plain or gzip) in any common encoding,
or Excel ``.xlsx`` through openpyxl's read-only mode. Memory stays bounded: rows are
read one at a time and never collected.

Encodings: a BOM decides (UTF-8 or UTF-16); otherwise the first 256 KB are tried as
strict UTF-8, and GB18030 (a superset of GBK and GB2312, what Chinese platforms and
Excel on Chinese Windows write) is used when that fails. A profile or the caller may
name the encoding instead.

Line numbers are row numbers as a spreadsheet shows them: the header is line 1.
"""

import codecs
import csv
import gzip
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from zhanggui.core.errors import InvalidInput

SNIFF_BYTES = 256 * 1024
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t", "|")
csv.field_size_limit(16 * 1024 * 1024)


class FileUnreadable(InvalidInput):
    code = "file_unreadable"
    default_message = _("The file cannot be read.")


@dataclass
class Table:
    """An open file: its header and a one-pass iterator of ``(line, values)``."""

    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""
    delimiter: str = ""
    _progress: Any = field(default=None, repr=False)
    _closers: list[Any] = field(default_factory=list, repr=False)

    def progress(self) -> float:
        """Share of the file read so far, 0.0 … 1.0."""
        return min(1.0, self._progress()) if self._progress else 0.0

    def close(self) -> None:
        for closer in self._closers:
            closer.close()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def detect_encoding(head: bytes) -> str:
    """The encoding of a file that starts with ``head`` (see the module docstring)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def clean_header(header: list[Any]) -> list[str]:
    """Header cells as text, without BOMs, zero-width spaces or surrounding blanks."""
    return [str(h or "").replace("\ufeff", "").replace("\u200b", "").strip() for h in header]


def _is_blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def open_table(path: str | os.PathLike, *, encoding: str = "", delimiter: str = "",
               sheet: str = "") -> Table:
    """Open ``path`` as CSV (optionally gzip) or ``.xlsx``, recognised by content.

    Raises:
        FileUnreadable: the file is empty, not a table, or its encoding is not usable.
    """
    path = Path(path)
    with path.open("rb") as probe:
        magic = probe.read(4)
    if magic.startswith(ZIP_MAGIC):
        return _open_xlsx(path, sheet)
    return _open_csv(path, encoding=encoding, delimiter=delimiter,
                     compressed=magic.startswith(GZIP_MAGIC))


def _binary_stream(path: Path, compressed: bool) -> tuple[BinaryIO, BinaryIO]:
    raw = path.open("rb")
    return raw, (gzip.GzipFile(fileobj=raw) if compressed else raw)


def _open_csv(path: Path, *, encoding: str, delimiter: str, compressed: bool) -> Table:
    raw, stream = _binary_stream(path, compressed)
    try:
        head = stream.read(SNIFF_BYTES)
    except (OSError, EOFError) as error:
        raw.close()
        raise FileUnreadable(_("The file cannot be read: %(error)s"), error=str(error)) from None
    stream.seek(0)
    encoding = encoding or detect_encoding(head)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raw.close()
        raise FileUnreadable(_("Unknown encoding %(encoding)s."), encoding=encoding) from None
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    first_line = head.decode(encoding, errors="ignore").lstrip("\ufeff").split("\n", 1)[0]
    delimiter = delimiter or detect_delimiter(first_line)
    reader = csv.reader(text, delimiter=delimiter)
    size = max(1, path.stat().st_size)
    try:
        header = clean_header(next(reader))
    except StopIteration:
        text.close()
        raise FileUnreadable(_("The file is empty.")) from None
    except UnicodeDecodeError:
        text.close()
        raise FileUnreadable(_("The file is not in %(encoding)s."), encoding=encoding) from None
    return Table(header=header, rows=_csv_rows(reader, encoding), encoding=encoding,
                 delimiter=delimiter, _progress=lambda: raw.tell() / size, _closers=[text, raw])


def _csv_rows(reader, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    line = 1
    try:
        for values in reader:
            line += 1
            if "".join(values).strip():
                yield line, values
    except UnicodeDecodeError:
        # Text is decoded in blocks of a few KB, so the line is where the bad block starts.
        raise FileUnreadable(_("The file is not valid %(encoding)s near line %(line)d; "
                               "save it as UTF-8."), line=line + 1, encoding=encoding) from None
    except csv.Error as error:
        raise FileUnreadable(_("Line %(line)d is not valid CSV: %(error)s"),
                             line=line + 1, error=str(error)) from None


def _open_xlsx(path: Path, sheet: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken zip or xml
        raise FileUnreadable(_("The Excel file cannot be read: %(error)s"), error=str(error)) from None
    if sheet and sheet not in workbook.sheetnames:
        workbook.close()
        raise FileUnreadable(_("The workbook has no sheet %(sheet)s."), sheet=sheet)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    header, line = None, 0
    for values in rows:
        line += 1
        if not _is_blank(list(values)):
            header = clean_header(list(values))
            break
    if header is None:
        workbook.close()
        raise FileUnreadable(_("The file is empty."))
    total = max(1, worksheet.max_row or 1)
    state = {"line": line}

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        for values in rows:
            state["line"] += 1
            if not _is_blank(list(values)):
                yield state["line"], list(values)

    return Table(header=header, rows=data_rows(), encoding="xlsx",
                 _progress=lambda: state["line"] / total, _closers=[workbook])
