"""Transactions → the per-customer summary the customer-value models take (``insights.clv``).

As the literature does (Fader, Hardie & Lee 2005; the CDNOW summaries): purchases are
aggregated per customer and DAY (two orders on one day are one purchase, their amounts
added); the first purchase day starts the customer's clock and is not a repeat:

- ``frequency`` x: purchase days after the first;
- ``recency`` t_x: from the first purchase day to the last, in the time unit;
- ``T``: from the first purchase day to the calibration end, in the time unit;
- ``monetary_value`` m̄: the mean amount of the REPEAT purchase days (0 without a repeat);
- ``average_order_value``: the mean amount over all purchase days (for display).

Transactions after the calibration end (a date, included) are left out.
"""

from datetime import date

import numpy as np
import pandas as pd

from zhanggui.insights.contract import ModelInputError

UNIT_DAYS = {"days": 1.0, "weeks": 7.0}
SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value", "average_order_value", "orders")


def summarise(transactions: pd.DataFrame, *, calibration_end: date, time_unit: str = "days",
              customer: str = "customer", day: str = "day", amount: str | None = "amount",
              orders: str | None = None) -> pd.DataFrame:
    """One row per customer (index: the customer) with ``SUMMARY_COLUMNS``.

    ``transactions`` has a customer, a date (``day``: dates or datetimes, only the date
    counts), optionally an amount and a count of orders per row (default: one order a row).

    Raises:
        ModelInputError: unknown time unit, missing column, no transaction up to the end.
    """
    if time_unit not in UNIT_DAYS:
        raise ModelInputError(f"the time unit must be one of {', '.join(UNIT_DAYS)}")
    needed = [customer, day, *([amount] if amount else []), *([orders] if orders else [])]
    missing = [c for c in needed if c not in transactions.columns]
    if missing:
        raise ModelInputError(f"the transactions lack the columns {', '.join(missing)}")
    try:
        days = pd.to_datetime(transactions[day]).dt.normalize()
    except (ValueError, TypeError) as error:
        raise ModelInputError(f"the dates cannot be read: {error}") from None
    end = pd.Timestamp(calibration_end)
    frame = pd.DataFrame({
        "customer": transactions[customer].to_numpy(), "day": days.to_numpy(),
        "amount": (pd.to_numeric(transactions[amount]).to_numpy(dtype=float) if amount
                   else np.zeros(len(transactions))),
        "orders": transactions[orders].to_numpy() if orders else np.ones(len(transactions), dtype=int),
    })
    frame = frame[frame["day"] <= end]
    if frame.empty:
        raise ModelInputError("no transaction up to the calibration end")
    if frame["amount"].isna().any():
        raise ModelInputError("the amounts have missing values")
    daily = frame.groupby(["customer", "day"], sort=True).agg(amount=("amount", "sum"),
                                                             orders=("orders", "sum")).reset_index()
    return _per_customer(daily, end, UNIT_DAYS[time_unit])


def _per_customer(daily: pd.DataFrame, end: pd.Timestamp, unit: float) -> pd.DataFrame:
    grouped = daily.groupby("customer", sort=True)
    first, last = grouped["day"].min(), grouped["day"].max()
    purchase_days = grouped.size()
    total = grouped["amount"].sum()
    first_amount = daily.drop_duplicates("customer", keep="first").set_index("customer")["amount"]
    repeats = purchase_days - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = ((total - first_amount) / repeats).where(repeats > 0, 0.0)
    day = pd.Timedelta(days=1)
    return pd.DataFrame({
        "frequency": repeats.astype(int),
        "recency": ((last - first) / day) / unit,
        "T": ((end - first) / day) / unit,
        "monetary_value": monetary.astype(float),
        "average_order_value": (total / grouped["orders"].sum()).astype(float),
        "orders": grouped["orders"].sum().astype(int),
    })
