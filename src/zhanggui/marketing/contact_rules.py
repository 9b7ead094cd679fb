"""Pure rules of contacting customers: quiet hours, the frequency cap, message templates.

No database here: ``campaigns`` and ``outbox`` pass in what they read.
"""

import string
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

# The variables a campaign's subject and body may use (docs/campaigns.md);
# {recommended_products}: the titles of the recipient's three best "for you" products.
VARIABLES = ("nickname", "coupon_code", "coupon_value", "valid_until", "unsubscribe_url",
             "recommended_products")
RECOMMENDED_IN_MESSAGE = 3


def template_variables(text: str) -> set[str]:
    """The ``{name}`` fields of ``text``; ``{{`` and ``}}`` are literal braces.

    Raises:
        ValueError: unbalanced braces.
    """
    return {field for _literal, field, _spec, _conv in string.Formatter().parse(text)
            if field is not None}


def unknown_variables(text: str) -> list[str]:
    """Fields of ``text`` that are not one of ``VARIABLES`` (``{nickname.x}`` is unknown too);
    ``["{"]`` when the braces do not balance."""
    try:
        fields = template_variables(text)
    except ValueError:
        return ["{"]
    return sorted(field or "{}" for field in fields if field not in VARIABLES)


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known variable replaced by ``values`` (missing ones: empty)."""
    return text.format_map({name: str(values.get(name, "")) for name in VARIABLES})


def coupon_value(kind: str, *, discount_rate: Decimal | None,
                 discount_amount: Decimal | None) -> str:
    """How a coupon reads in a message: a rate of 0.5 off is "5 折", 0.15 off "8.5 折";
    an amount off is "¥20" (cents only when there are any)."""
    if kind == "percent" and discount_rate is not None:
        fold = (Decimal(10) * (1 - discount_rate)).normalize()
        return _("%(fold)s-fold") % {"fold": f"{fold:f}"}
    if discount_amount is not None:
        amount = discount_amount.quantize(Decimal("0.01"))
        text = f"{amount:f}".removesuffix(".00")
        return f"¥{text}"
    return ""


def in_quiet_hours(moment: time, quiet_start: time, quiet_end: time) -> bool:
    """Whether a local time of day falls in the quiet hours [start, end); a window may cross
    midnight (21:00–09:00); start == end means no quiet hours."""
    if quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:
        return quiet_start <= moment < quiet_end
    return moment >= quiet_start or moment < quiet_end


def next_send_time(now: datetime, *, quiet_start: time, quiet_end: time,
                   tz: ZoneInfo) -> datetime:
    """``now`` when it is outside the quiet hours (in the shop's time zone ``tz``), else the
    next end of the quiet hours."""
    local = now.astimezone(tz)
    if not in_quiet_hours(local.timetz().replace(tzinfo=None), quiet_start, quiet_end):
        return now
    day: date = local.date()
    if local.time() >= quiet_end:  # evening part of a window crossing midnight
        day += timedelta(days=1)
    return datetime.combine(day, quiet_end, tzinfo=tz)


def messages_allowed(sent_in_window: int, max_messages: int) -> int:
    """How many more marketing messages a customer may get within the cap window."""
    return max(0, max_messages - sent_in_window)


def retry_delay(attempts: int, *, base_seconds: int = 60, cap_seconds: int = 3600) -> int:
    """Seconds before the next try after ``attempts`` failed ones: 60, 120, 240, … at most
    an hour."""
    return min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1))
