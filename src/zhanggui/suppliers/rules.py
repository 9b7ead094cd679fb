"""Pure calculations of the suppliers app (no database)."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal


def po_number_prefix(day: date) -> str:
    return f"PO-{day:%Y%m%d}-"


def po_number(day: date, sequence: int) -> str:
    """PO- + yyyymmdd + - + a four-digit sequence of the day: PO-20261206-0001."""
    return f"{po_number_prefix(day)}{sequence:04d}"


def next_po_sequence(numbers: Iterable[str], day: date) -> int:
    """The next sequence of the day after the PO numbers already given that day."""
    prefix = po_number_prefix(day)
    used = [int(number[len(prefix):]) for number in numbers
            if number.startswith(prefix) and number[len(prefix):].isdigit()]
    return max(used, default=0) + 1


def receipt_number(po_number_text: str, sequence: int) -> str:
    """The receipt's number: the PO number + -R + its sequence on the PO (PO-20261206-0001-R1)."""
    return f"{po_number_text}-R{sequence}"


def expected_on(sent_day: date, lead_times_days: Iterable[Decimal]) -> date:
    """The day the goods are expected: the day sent + the longest lead time of the lines
    (whole days, rounded up); the day sent when there are no lead times."""
    longest = max(lead_times_days, default=Decimal(0))
    days = int(Decimal(longest).to_integral_value(rounding=ROUND_CEILING))
    return sent_day + timedelta(days=max(days, 0))


def observed_lead_time_days(sent_at: datetime, received_at: datetime) -> Decimal:
    """Days between sending a PO and a receipt, to 0.1 day (never negative)."""
    seconds = max((received_at - sent_at).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(86400)).quantize(Decimal("0.1"))
