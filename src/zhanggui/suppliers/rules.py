"""Pure calculations of the suppliers app (no database)."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from zhanggui.core.money import to_money
from zhanggui.suppliers.models import PurchaseOrderStatus


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
    return (Decimal(seconds) / Decimal(86400)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def spread_landed_costs(lines: Mapping[int, tuple[int, Decimal]], freight: Decimal,
                        ) -> dict[int, Decimal]:
    """Landed unit cost per line: its unit cost + its share of ``freight``.

    Args:
        lines: key → (accepted units, unit cost); lines with no accepted units are ignored.
        freight: the delivery's freight and other landed costs (≥ 0).

    The freight is spread by value (accepted × unit cost); when every unit cost is 0, by
    units. Each line's share is divided over its accepted units and the result rounded to the
    cent (ROUND_HALF_UP), so the landed total can differ from cost + freight by rounding only.

    Raises:
        ValueError: freight is negative, or positive with no accepted units to carry it.
    """
    if freight < 0:
        raise ValueError("freight is never negative")
    received = {key: (units, cost) for key, (units, cost) in lines.items() if units > 0}
    if not received:
        if freight > 0:
            raise ValueError("no accepted units to carry the freight")
        return {}
    values = {key: Decimal(units) * cost for key, (units, cost) in received.items()}
    total = sum(values.values(), Decimal(0))
    if total == 0:
        values = {key: Decimal(units) for key, (units, _cost) in received.items()}
        total = sum(values.values(), Decimal(0))
    return {key: to_money(cost + freight * values[key] / total / Decimal(units))
            for key, (units, cost) in received.items()}


def lead_time_spread(observed_days: Sequence[Decimal]) -> Decimal | None:
    """The sample standard deviation of observed lead times (days, to 0.1 day); None with
    fewer than two observations (nothing to measure a spread from)."""
    if len(observed_days) < 2:
        return None
    mean = sum(observed_days, Decimal(0)) / len(observed_days)
    variance = sum(((d - mean) ** 2 for d in observed_days), Decimal(0)) / (len(observed_days) - 1)
    return variance.sqrt().quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def next_status(lines: Iterable[tuple[int, int]]) -> str:
    """The status of a sent PO after a receipt, from its lines' (ordered, accepted):
    received when every line has all its units, else partly received."""
    if all(accepted >= ordered for ordered, accepted in lines):
        return PurchaseOrderStatus.RECEIVED
    return PurchaseOrderStatus.PARTLY_RECEIVED
