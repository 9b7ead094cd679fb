import codecs
import gzip

import pytest

from tests.imports.conftest import write_csv, write_xlsx
from zhanggui.imports.readers import FileUnreadable, detect_encoding, open_table

ROWS = [["订单编号", "买家会员名", "金额"], ["1001", "小明", "12.50"], ["1002", "小红", "8.00"]]


def _read(path, **kwargs):
    with open_table(path, **kwargs) as table:
        return table.header, list(table.rows), table.encoding


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_common_encodings_reads_the_same(tmp_path, encoding):
    path = write_csv(tmp_path / f"{encoding}.csv", ROWS, encoding=encoding)

    header, rows, _detected = _read(path)

    assert header == ROWS[0]
    assert rows == [(2, ROWS[1]), (3, ROWS[2])]


def test_encoding_is_detected_from_bom_or_strict_utf8():
    assert detect_encoding(codecs.BOM_UTF8 + "订单".encode()) == "utf-8-sig"
    assert detect_encoding("订单".encode()) == "utf-8"
    assert detect_encoding("订单".encode("gbk")) == "gb18030"
    # a multi-byte character cut at the end of the sniffed block is still UTF-8
    assert detect_encoding("订单".encode()[:-1]) == "utf-8"


def test_semicolon_and_tab_delimiters_are_detected(tmp_path):
    semicolon = write_csv(tmp_path / "a.csv", ROWS, delimiter=";")
    tab = write_csv(tmp_path / "b.tsv", ROWS, delimiter="\t")

    assert _read(semicolon)[0] == ROWS[0]
    assert _read(tab)[0] == ROWS[0]


def test_gzip_csv_is_streamed(tmp_path):
    path = tmp_path / "rows.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,2\n\n3,4\n"))

    header, rows, _encoding = _read(path)

    assert header == ["a", "b"]
    assert rows == [(2, ["1", "2"]), (4, ["3", "4"])]  # blank line skipped, numbering kept


def test_xlsx_rows_keep_spreadsheet_line_numbers(tmp_path):
    path = write_xlsx(tmp_path / "rows.xlsx", [[None], ["a", "b"], [1, 2.5], [None, None], ["x", "y"]])

    header, rows, encoding = _read(path)

    assert (header, encoding) == (["a", "b"], "xlsx")
    assert rows == [(3, [1, 2.5]), (5, ["x", "y"])]


def test_empty_file_is_reported(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(FileUnreadable):
        _read(path)


def test_wrong_explicit_encoding_is_reported_with_a_line(tmp_path):
    rows = [["a"], *[["x" * 10]] * 3000, ["订单"]]
    path = write_csv(tmp_path / "gbk.csv", rows, encoding="gbk")

    with pytest.raises(FileUnreadable, match=r"not valid utf-8 near line \d+"):
        _read(path, encoding="utf-8")


def test_wrong_explicit_encoding_of_a_small_file_is_reported(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [["a"], ["订单"]], encoding="gbk")

    with pytest.raises(FileUnreadable, match="utf-8"):
        _read(path, encoding="utf-8")
