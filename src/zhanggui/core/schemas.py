"""Shared API schema pieces: the error body, bounds of integers, ids and dates, pagination."""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import QuerySet
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


class Presented(Sequence):
    """A queryset whose items come out through a ``present`` function, lazily: the paginator
    slices it (or, for incremental sync, filters it), so only the page shown is loaded and
    presented."""

    def __init__(self, queryset: QuerySet, present: Callable[[Any], dict]):
        self.queryset, self.present = queryset, present

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.present(obj) for obj in self.queryset[index]]
        return self.present(self.queryset[index])


class BoundedPagination(PageNumberPagination):
    """Every list of the API. By page number: ninja's page-number pagination (``page``,
    ``page_size`` capped at 100) with the page number bounded (the database's OFFSET is a
    64-bit integer). For incremental sync: ``updated_after`` and then ``cursor``, the rows
    changed after a point, oldest change first (``core.sync``, docs/api-sync.md)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, description="at most 100 items are returned")
        updated_after: Moment | None = Field(
            None, description="incremental sync: only rows changed after this time, oldest "
                              "change first, with a next_cursor (page is then ignored)")
        cursor: str | None = Field(
            None, max_length=120, pattern=r"^[A-Za-z0-9_-]*$",
            description="incremental sync: the next_cursor of the previous answer "
                        "(updated_after is then ignored)")

    class Output(Schema):
        items: list[Any]
        count: int | None = Field(None, description="every matching row (by page number only)")
        next_cursor: str | None = Field(
            None, description="incremental sync: where the next page starts; kept after the last "
                              "page to ask later for what changed since")
        has_more: bool | None = Field(None, description="incremental sync: another page follows")

    def paginate_queryset(self, queryset, pagination, request, **params):
        if pagination.cursor is None and pagination.updated_after is None:
            return super().paginate_queryset(queryset, pagination, request, **params)
        from zhanggui.core.sync import sync_page  # reads the database's open transactions

        rows = queryset.queryset if isinstance(queryset, Presented) else queryset
        page = sync_page(rows, updated_after=pagination.updated_after, cursor=pagination.cursor,
                         size=self._get_page_size(pagination.page_size))
        if isinstance(queryset, Presented):
            page["items"] = [queryset.present(row) for row in page["items"]]
        return page
