"""``zhanggui clv-fit`` and the transaction summary it fits (``insights.clv_data``)."""

import gzip
import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from django.utils import translation

from zhanggui.cli import main
from zhanggui.insights.clv_data import summarise
from zhanggui.insights.contract import ModelInputError


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_summary_counts_purchase_days_after_the_first_and_spends_of_repeats_only():
    # c's second purchase is after the calibration end.
    rows = pd.DataFrame({
        "customer": ["a", "a", "a", "a", "b", "c", "c"],
        "day": pd.to_datetime(["2026-01-01 09:00", "2026-01-01 18:00", "2026-01-08", "2026-01-15",
                               "2026-01-10", "2026-01-03", "2026-02-20"], format="ISO8601"),
        "amount": [10.0, 5.0, 30.0, 50.0, 99.0, 20.0, 70.0]})
    summary = summarise(rows, calibration_end=date(2026, 1, 29), time_unit="weeks")
    a, b, c = (summary.loc[k] for k in "abc")
    assert (a["frequency"], a["recency"], a["T"]) == (2, 2.0, 4.0)
    assert a["monetary_value"] == 40.0  # the repeats (30, 50), not the first day's 15
    assert a["average_order_value"] == pytest.approx(95 / 4)  # four orders
    assert (b["frequency"], b["recency"], b["monetary_value"]) == (0, 0.0, 0.0)
    assert b["T"] == pytest.approx(19 / 7)
    assert (c["frequency"], c["T"]) == (0, 26 / 7)


def test_the_summary_refuses_what_it_cannot_use():
    rows = pd.DataFrame({"customer": [1], "day": ["2026-03-01"], "amount": [1.0]})
    with pytest.raises(ModelInputError, match="no transaction up to the calibration end"):
        summarise(rows, calibration_end=date(2026, 2, 1))
    with pytest.raises(ModelInputError, match="lack the columns amount"):
        summarise(rows.drop(columns="amount"), calibration_end=date(2026, 4, 1))
    with pytest.raises(ModelInputError, match="dates cannot be read"):
        summarise(rows.assign(day=["yesterday"]), calibration_end=date(2026, 4, 1))
    with pytest.raises(ModelInputError, match="time unit"):
        summarise(rows, calibration_end=date(2026, 4, 1), time_unit="months")


def _shop_csv(path, *, customers=60, seed=1):
    """A small shop: each customer buys every few days for a while, with amounts."""
    rng = np.random.default_rng(seed)
    start, rows = date(2025, 1, 1), []
    for customer in range(customers):
        day = start + timedelta(days=int(rng.integers(0, 60)))
        for _ in range(int(rng.integers(1, 8))):
            rows.append({"cust": f"C{customer:03d}", "when": day.strftime("%Y%m%d"),
                         "paid": round(float(rng.gamma(3, 20)), 2)})
            day += timedelta(days=int(rng.integers(3, 40)))
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _run(capsys, *args):
    code = 0
    try:
        main(["clv-fit", *args])
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_clv_fit_prints_one_json_line_with_both_fits(tmp_path, capsys):
    path = _shop_csv(tmp_path / "t.csv")
    code, out, err = _run(capsys, "--transactions", str(path), "--customer-col", "cust",
                          "--date-col", "when", "--amount-col", "paid", "--date-format", "%Y%m%d",
                          "--calibration-end", "2025-06-30")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["customers"] == 60
    assert set(result["bgnbd"]) == {"r", "alpha", "a", "b", "log_likelihood"}
    assert all(v > 0 for k, v in result["bgnbd"].items() if k != "log_likelihood")
    assert result["bgnbd"]["log_likelihood"] < 0
    assert set(result["gamma_gamma"]) == {"p", "q", "v"}


def test_clv_fit_reads_gzip_and_gives_null_spend_without_an_amount(tmp_path, capsys):
    plain = _shop_csv(tmp_path / "t.csv")
    packed = tmp_path / "t.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    code, out, err = _run(capsys, "--transactions", str(packed), "--customer-col", "cust",
                          "--date-col", "when", "--date-format", "%Y%m%d", "--time-unit", "weeks",
                          "--calibration-end", "2025-06-30")
    assert code == 0, err
    result = json.loads(out)
    assert result["gamma_gamma"] is None and result["customers"] == 60


@pytest.mark.parametrize(("args", "message"), [
    (["--customer-col", "nobody", "--date-col", "when"], "no column nobody"),
    (["--customer-col", "cust", "--date-col", "when", "--date-format", "%d/%m/%Y"], "unparsable date"),
    (["--customer-col", "cust", "--date-col", "when", "--date-format", "%Y%m%d",
      "--calibration-end", "1999-01-01"], "no transaction up to the calibration end"),
    (["--customer-col", "cust", "--date-col", "when", "--calibration-end", "not-a-date"], "is not a date"),
    (["--customer-col", "cust", "--date-col", "when", "--amount-col", "cust"], "not numbers"),
])
def test_bad_input_exits_2_with_a_message_and_prints_nothing(tmp_path, capsys, args, message):
    path = _shop_csv(tmp_path / "t.csv", customers=25)
    if "--calibration-end" not in args:
        args = [*args, "--calibration-end", "2025-06-30"]
    code, out, err = _run(capsys, "--transactions", str(path), *args)
    assert code == 2
    assert out == ""
    assert message in err


def test_a_file_without_rows_or_missing_exits_2(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("cust,when\n")
    for path, message in ((empty, "no rows"), (tmp_path / "missing.csv", "cannot read")):
        code, out, err = _run(capsys, "--transactions", str(path), "--customer-col", "cust",
                              "--date-col", "when", "--calibration-end", "2025-06-30")
        assert (code, out) == (2, "") and message in err
