"""Pure rules of the console's one search box: what a typed query may be, and where a
result's matched text lies. No database access; each app's ``queries.search`` uses these to
decide which of its indexed lookups to run, and returns ``Hit``s.

What a query can be is decided cheaply and never narrowly: a value that could be a phone
number is also tried as a code, and any query is tried as a title or nickname. Only lookups
that could not match are skipped (a phone lookup for text with letters; a code lookup for
text with spaces inside), and prefix lookups on the large tables wait for a prefix long
enough to be selective (``LONG_PREFIX``), so every lookup stays an index probe.
"""

import re
from dataclasses import dataclass

from django.db.models import Q

from zhanggui.core.crypto import normalise_phone

MIN_LENGTH = 2       # shorter queries are not searched
MAX_LENGTH = 100     # longer ones are cut (no field searched is longer)
LONG_PREFIX = 6      # on tables of millions of rows a code is matched by prefix from here
PHONE_DIGITS = (5, 15)  # a phone number, once normalised, has this many digits
PHONE_CHARACTERS = re.compile(r"^[\d\s+\-().\uff10-\uff19]+$")


@dataclass(frozen=True)
class SearchQuery:
    """A query from the search box, read for each kind of lookup.

    Attributes:
        text: the query, trimmed (titles and nicknames are matched against it).
        code: the query when it could be a code (no space inside), else "".
        phone: the query when it could be a phone number, else "" (the blind index is
            computed from it; the original formatting does not matter).
    """

    text: str
    code: str
    phone: str

    @property
    def is_searchable(self) -> bool:
        return len(self.text) >= MIN_LENGTH


def parse_query(raw: str) -> SearchQuery:
    """Read the search box's value: ``138 0013 8000`` is a phone (and not a code, it has
    spaces); ``SF1234567890123`` a code; ``红色 连衣裙`` only text."""
    text = " ".join((raw or "").split())[:MAX_LENGTH]
    code = text if " " not in text else ""
    phone = ""
    if PHONE_CHARACTERS.match(text):
        digits = normalise_phone(text)
        if digits.isdigit() and PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
            phone = text
    return SearchQuery(text=text, code=code, phone=phone)


@dataclass(frozen=True)
class Hit:
    """One search result: an object, the field that matched and how to show it.

    Attributes:
        model: ``"app_label.model_name"`` (the console links it to its change page).
        pk: the object's primary key.
        label: what the object is called (order number, product title, …).
        detail: a short second line (status, product, order …), may be empty.
        field: the name of the matched field, as the user sees it.
        value: the matched field's value as this viewer may see it (masked if need be).
        needle: the part of ``value`` to highlight; "" highlights the whole value (a phone
            number matched through its blind index, perhaps masked).
    """

    model: str
    pk: int
    label: str
    detail: str
    field: str
    value: str
    needle: str = ""


def highlight(value: str, needle: str) -> list[tuple[str, bool]]:
    """``value`` cut into (text, is_match) parts, every case-insensitive occurrence of
    ``needle`` a match; the whole value is the match when ``needle`` is empty. The parts are
    plain text: whoever shows them escapes them."""
    if not value:
        return []
    if not needle:
        return [(value, True)]
    parts, start = [], 0
    folded, folded_needle = value.casefold(), needle.casefold()
    if len(folded) != len(value) or len(folded_needle) != len(needle):
        # casefold changed a length (ß → ss): positions would not line up, match as typed
        folded, folded_needle = value, needle
    while (found := folded.find(folded_needle, start)) != -1:
        if found > start:
            parts.append((value[start:found], False))
        parts.append((value[found:found + len(needle)], True))
        start = found + len(needle)
    if start < len(value):
        parts.append((value[start:], False))
    return parts


@dataclass(frozen=True)
class Found:
    """One kind's results: the first hits, and whether there were more."""

    hits: tuple[Hit, ...] = ()
    has_more: bool = False

    @classmethod
    def from_rows(cls, rows: list, limit: int, make_hit) -> "Found":
        """``rows`` fetched with ``limit + 1`` as their slice: the extra row only says there
        are more."""
        return cls(tuple(make_hit(row) for row in rows[:limit]), len(rows) > limit)


def code_variants(code: str) -> list[str]:
    """The code as typed and upper-cased (codes are stored upper-case; an exact or prefix
    match on each keeps to the column's index, unlike a case-insensitive match)."""
    return list(dict.fromkeys([code, code.upper()])) if code else []


def code_condition(field: str, query: SearchQuery, *, prefix_from: int = LONG_PREFIX) -> Q:
    """Rows whose ``field`` (an indexed code) starts with the query's code, once it has
    ``prefix_from`` characters, or equals it before; an empty condition if it is no code."""
    condition = Q()
    lookup = f"{field}__startswith" if len(query.code) >= prefix_from else field
    for variant in code_variants(query.code):
        condition |= Q(**{lookup: variant})
    return condition


def may_view(user, model_label: str) -> bool:
    """Whether ``user`` may open objects of ``"app_label.model_name"`` (view or change)."""
    app_label, model_name = model_label.split(".")
    return bool(user and user.is_active and (user.has_perm(f"{app_label}.view_{model_name}")
                                              or user.has_perm(f"{app_label}.change_{model_name}")))
