"""``zhanggui clv-fit``: fit BG/NBD (and Gamma-Gamma with an amount column) on a CSV of
transactions and print ONE JSON line::

    {"bgnbd": {"r": …, "alpha": …, "a": …, "b": …, "log_likelihood": …},
     "gamma_gamma": {"p": …, "q": …, "v": …} | null, "customers": …}

Transactions up to and including ``--calibration-end`` count; ages are measured to it, in
``--time-unit`` (days or weeks). Purchases are aggregated per customer and day
(``insights.clv_data``). ``gamma_gamma`` is null without ``--amount-col`` or with fewer than
``clv.MIN_REPEATERS`` customers with a repeat purchase (or a spend fit without a
finite mean). Bad input (a missing column, an
unparsable date, no rows) → a message on stderr and exit code 2, nothing on stdout.
The CSV is read with pandas (``.gz`` too).
"""

import json

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from zhanggui.insights import clv
from zhanggui.insights.clv_data import UNIT_DAYS, summarise
from zhanggui.insights.contract import ModelInputError


def bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Fit BG/NBD and Gamma-Gamma on a CSV of transactions; print one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("--transactions", required=True, help="CSV file (may be .gz)")
        parser.add_argument("--customer-col", required=True)
        parser.add_argument("--date-col", required=True)
        parser.add_argument("--amount-col", default=None)
        parser.add_argument("--date-format", default=None, help="strftime format, e.g. %%Y%%m%%d")
        parser.add_argument("--time-unit", choices=sorted(UNIT_DAYS), default="days")
        parser.add_argument("--calibration-end", required=True, help="YYYY-MM-DD (included)")

    def handle(self, *args, **options):
        frame = read_transactions(options)
        try:
            end = pd.Timestamp(options["calibration_end"]).date()
        except ValueError:
            raise bad_input(f"--calibration-end {options['calibration_end']!r} is not a date") from None
        try:
            summary = summarise(frame, calibration_end=end, time_unit=options["time_unit"],
                                customer=options["customer_col"], day=options["date_col"],
                                amount=options["amount_col"])
            result = fit_report(summary, with_spend=options["amount_col"] is not None)
        except ModelInputError as error:
            raise bad_input(str(error)) from None
        except clv.FitFailed as error:
            raise CommandError(f"the fit failed: {error}") from None
        self.stdout.write(json.dumps(result))


def read_transactions(options: dict) -> pd.DataFrame:
    columns = [options["customer_col"], options["date_col"]]
    if options["amount_col"]:
        columns.append(options["amount_col"])
    try:
        frame = pd.read_csv(options["transactions"], dtype={options["date_col"]: str})
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise bad_input(f"cannot read {options['transactions']}: {error}") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise bad_input(f"the file has no column {', '.join(missing)} "
                        f"(it has {', '.join(map(str, frame.columns))})")
    if frame.empty:
        raise bad_input("the file has no rows")
    try:
        frame[options["date_col"]] = pd.to_datetime(frame[options["date_col"]],
                                                    format=options["date_format"])
    except (ValueError, TypeError) as error:
        raise bad_input(f"unparsable date in {options['date_col']}: {error}") from None
    if frame[options["date_col"]].isna().any():
        raise bad_input(f"{options['date_col']} has empty dates")
    if options["amount_col"]:
        amounts = pd.to_numeric(frame[options["amount_col"]], errors="coerce")
        if amounts.isna().any():
            raise bad_input(f"{options['amount_col']} has values that are not numbers")
        frame[options["amount_col"]] = amounts
    return frame


def fit_report(summary: pd.DataFrame, *, with_spend: bool) -> dict:
    bgnbd = clv.BgNbd().fit(summary).params
    spend = None
    if with_spend and (summary["frequency"] > 0).sum() >= clv.MIN_REPEATERS:
        try:
            gg = clv.GammaGamma().fit(summary).params
            spend = {"p": gg.p, "q": gg.q, "v": gg.v}
        except clv.FitFailed:
            spend = None  # q ≤ 1: no finite mean spend; the purchase model still stands
    return {"bgnbd": {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b,
                      "log_likelihood": bgnbd.log_likelihood},
            "gamma_gamma": spend, "customers": len(summary)}
