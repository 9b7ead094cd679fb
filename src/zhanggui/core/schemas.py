"""Shared API schema pieces: the error body, bounds of integers, ids and dates, pagination."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator


class ErrorOut(Schema):
    code: str
    message: str


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: ErrorOut}

# The largest value of Django's IntegerField and PositiveIntegerField on PostgreSQL (4 bytes):
# an integer input stored in such a column is bounded by it, or by a tighter business limit,
# so a huge number is refused as invalid input instead of overflowing the column.
INT_MAX = 2**31 - 1
# Ids are 64-bit (BigAutoField): an id beyond that is refused, not passed on to a lookup the
# database cannot run.
ID_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
MAX_PAGE = 1_000_000
# Dates and times given to the API lie in the years 1000 to 9000: far inside what Python and
# the databases hold, so moving one to UTC, or a period back or forward, cannot overflow.
MIN_YEAR, MAX_YEAR = 1000, 9000


def _in_year_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"the year must be from {MIN_YEAR} to {MAX_YEAR}")
    return value


Day = Annotated[date, AfterValidator(_in_year_range)]
Moment = Annotated[datetime, AfterValidator(_in_year_range)]


class BoundedPagination(PageNumberPagination):
    """Ninja's page-number pagination (``page``, ``page_size`` capped at 100) with the page
    number bounded: the database's OFFSET is a 64-bit integer."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, description="at most 100 items are returned")
