"""Shared API schema pieces: the error body, integer bounds, pagination."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


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


class BoundedPagination(PageNumberPagination):
    """Ninja's page-number pagination (``page``, ``page_size`` capped at 100) with the page
    number bounded: the database's OFFSET is a 64-bit integer."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, description="at most 100 items are returned")
