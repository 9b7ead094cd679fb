"""Pure calculations of the service desk (no database): working-time clocks, ticket numbers,
canned-reply variables, keyword matching of auto-replies and assignment rules, and the mask
of a ticket's contact."""

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import rjieba

from zhanggui.customers.rules import mask_email, mask_name, mask_phone

# ---- working time -------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingHours:
    """When the desk works: ISO weekdays (1 = Monday) and the daily hours [start, end) in the
    shop's time zone ``tz``."""

    days: frozenset[int]
    start: time
    end: time
    tz: tzinfo

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(range(1, 8)):
            raise ValueError("working days must be ISO weekdays 1 to 7, at least one")
        if not self.start < self.end:
            raise ValueError("working hours must end after they start")


def parse_working_days(text: str) -> frozenset[int]:
    """"12345" → {1, 2, 3, 4, 5}. Raises ValueError for anything but digits 1 to 7."""
    if not text or any(char not in "1234567" for char in text):
        raise ValueError("working days are digits 1 (Monday) to 7 (Sunday)")
    return frozenset(int(char) for char in text)


def _local(moment: datetime, tz: tzinfo) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(tz).replace(tzinfo=None)


def _aware(local: datetime, tz: tzinfo) -> datetime:
    return local.replace(tzinfo=tz)


def _opening(day: date, hours: WorkingHours) -> datetime:
    return datetime.combine(day, hours.start)


def _next_opening_local(local: datetime, hours: WorkingHours) -> datetime:
    """``local`` itself inside working hours, else the next moment the desk opens."""
    day = local.date()
    if day.isoweekday() in hours.days:
        if hours.start <= local.time() < hours.end:
            return local
        if local.time() < hours.start:
            return _opening(day, hours)
    for ahead in range(1, 8):
        candidate = day + timedelta(days=ahead)
        if candidate.isoweekday() in hours.days:
            return _opening(candidate, hours)
    raise AssertionError("unreachable: at least one working day")  # pragma: no cover


def next_opening(moment: datetime, hours: WorkingHours) -> datetime:
    """``moment`` if the desk is working then, else when it next opens (aware)."""
    local = _local(moment, hours.tz)
    opening = _next_opening_local(local, hours)
    return moment if opening == local else _aware(opening, hours.tz)


def add_working_minutes(moment: datetime, minutes: float, hours: WorkingHours) -> datetime:
    """``moment`` plus ``minutes`` of working time: the clock runs only on working days
    between the daily start and end; a moment outside them starts at the next opening.

    Raises:
        ValueError: negative minutes, or a naive datetime.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    remaining = timedelta(minutes=minutes)
    current = _next_opening_local(_local(moment, hours.tz), hours)
    while True:
        closing = datetime.combine(current.date(), hours.end)
        available = closing - current
        if remaining <= available:
            result = current + remaining
            return moment if result == _local(moment, hours.tz) else _aware(result, hours.tz)
        remaining -= available
        current = _next_opening_local(closing, hours)


def working_seconds_between(start: datetime, end: datetime, hours: WorkingHours) -> float:
    """Working time from ``start`` to ``end`` in seconds (0 when ``end`` is not later)."""
    if end <= start:
        return 0.0
    local_start, local_end = _local(start, hours.tz), _local(end, hours.tz)
    total = timedelta()
    day = local_start.date()
    while day <= local_end.date():
        if day.isoweekday() in hours.days:
            begin = max(datetime.combine(day, hours.start), local_start)
            finish = min(datetime.combine(day, hours.end), local_end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total.total_seconds()


def is_working_time(moment: datetime, hours: WorkingHours) -> bool:
    local = _local(moment, hours.tz)
    return (local.isoweekday() in hours.days
            and hours.start <= local.time() <= hours.end)


# ---- ticket numbers -----------------------------------------------------------------------

def ticket_number_prefix(day: date) -> str:
    return f"TK-{day:%Y%m%d}-"


def ticket_number(day: date, sequence: int) -> str:
    """TK- + yyyymmdd + - + a four-digit sequence of the day: TK-20261206-0001."""
    return f"{ticket_number_prefix(day)}{sequence:04d}"


def next_ticket_sequence(numbers: Iterable[str], day: date) -> int:
    prefix = ticket_number_prefix(day)
    used = [int(number[len(prefix):]) for number in numbers
            if number.startswith(prefix) and number[len(prefix):].isdigit()]
    return max(used, default=0) + 1


# ---- canned replies -----------------------------------------------------------------------

CANNED_VARIABLES = ("nickname", "order_number", "order_status", "tracking_number", "agent")


def canned_variables(body: str) -> list[str]:
    """The variable names ``body`` uses, in order. Raises ValueError when its braces are
    malformed (an unmatched ``{`` or ``}``; write ``{{`` for a literal brace)."""
    return [field for _text, field, _spec, _conv in string.Formatter().parse(body)
            if field is not None]


def unknown_canned_variables(body: str) -> list[str]:
    """The variables of ``body`` that are not one of ``CANNED_VARIABLES`` (positional,
    attribute or index forms included); ``["{"]`` when its braces are malformed."""
    try:
        used = canned_variables(body)
    except ValueError:
        return ["{"]
    return sorted({name or "{}" for name in used if name not in CANNED_VARIABLES})


class _Filler(string.Formatter):
    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values

    def get_field(self, field_name, args, kwargs):
        return self.values.get(field_name, "") or "", field_name

    def format_field(self, value, format_spec):
        return str(value)

    def convert_field(self, value, conversion):
        return value


def render_canned(body: str, values: Mapping[str, str | None]) -> str:
    """``body`` with its variables filled from ``values``; a missing or unknown variable
    renders empty (never as ``{…}``). A body with malformed braces is returned as written."""
    try:
        return _Filler({key: value or "" for key, value in values.items()}).format(body)
    except (ValueError, IndexError):
        return body


# ---- keywords -----------------------------------------------------------------------------

def words_of(text: str) -> set[str]:
    """The words of ``text``: Chinese segmentation by rjieba in precise and full mode (every
    dictionary word the text can be read as, so 退货运费 gives 退货 and 运费 although the
    precise cut reads 退 / 货运费), lower-cased, punctuation and spaces dropped."""
    lowered = (text or "").lower()
    words = set(rjieba.cut(lowered)) | set(rjieba.cut_all(lowered))
    return {word.strip() for word in words if word.strip() and any(c.isalnum() for c in word)}


def clean_keywords(keywords: Iterable[str]) -> list[str]:
    return [str(k).strip().lower() for k in keywords if str(k).strip()]


def keywords_all_found(keywords: Sequence[str], words: set[str]) -> bool:
    wanted = clean_keywords(keywords)
    return bool(wanted) and all(keyword in words for keyword in wanted)


@dataclass(frozen=True)
class AutoReplyCandidate:
    rule_id: int
    keywords: tuple[str, ...]
    channels: tuple[str, ...]
    reply: str


def choose_auto_reply(rules: Sequence[AutoReplyCandidate], *, text: str,
                      channel: str) -> AutoReplyCandidate | None:
    """The first rule (in the given order) for this channel whose keywords are all among the
    words of ``text``."""
    words = words_of(text)
    for rule in rules:
        if rule.channels and channel not in rule.channels:
            continue
        if keywords_all_found(rule.keywords, words):
            return rule
    return None


SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}


@dataclass(frozen=True)
class AssignmentCandidate:
    rule_id: int
    channel: str
    kind: str
    min_severity: str
    keywords: tuple[str, ...]


def assignment_rule_matches(rule: AssignmentCandidate, *, channel: str, kind: str,
                            severity: str, text: str) -> bool:
    """Blank conditions match anything; keywords match when any of them is in ``text``."""
    if rule.channel and rule.channel != channel:
        return False
    if rule.kind and rule.kind != kind:
        return False
    if rule.min_severity and SEVERITY_RANK.get(severity, 0) < SEVERITY_RANK[rule.min_severity]:
        return False
    wanted = clean_keywords(rule.keywords)
    lowered = (text or "").lower()
    return not wanted or any(keyword in lowered for keyword in wanted)


def least_loaded(loads: Mapping[int, int]) -> int | None:
    """The agent id with the fewest open tickets (ties: the lowest id)."""
    if not loads:
        return None
    return min(loads, key=lambda agent_id: (loads[agent_id], agent_id))


# ---- personal data ------------------------------------------------------------------------

def mask_contact(contact: str) -> str:
    """An e-mail address, a phone number or a nickname, masked as customers' data is."""
    if not contact:
        return ""
    if "@" in contact:
        return mask_email(contact)
    digits = contact.replace(" ", "").replace("-", "").lstrip("+")
    if digits.isdigit():
        return mask_phone(contact)
    return mask_name(contact)
