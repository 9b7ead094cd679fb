"""The setup of an API call in the permission matrix (``tests/api/matrix.py``)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from zhanggui.accounts.models import Staff


@dataclass
class Case:
    path: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    query: dict[str, Any] | None = None  # the query string of a GET
    target: models.Model | None = None
    # Asserts the expected effect of an allowed call, given the response body and the caller;
    # it may also just return a bool (False fails the test).
    check: Callable[[Any, Staff], bool | None] = lambda data, staff: None
    # Prepares an allowed caller before the call (e.g. makes a supplier-role caller an account
    # of the setup's supplier: supplier accounts see their own supplier's objects only).
    prepare: Callable[[Staff], None] = lambda staff: None
