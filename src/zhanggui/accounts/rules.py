"""Pure helpers of the accounts app: token digests and JSON-safe snapshots."""

import hashlib
import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

TOKEN_PREFIX_LENGTH = 8


def new_token_secret() -> str:
    """A fresh API token: ``zg_`` plus 40 URL-safe random characters."""
    return "zg_" + secrets.token_urlsafe(30)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def json_value(value: Any) -> Any:
    """``value`` as something JSON can hold exactly (Decimal and dates become strings)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


def login_delay(failures: int, *, base_seconds: float, cap_seconds: float = 4.0) -> float:
    """How long to hold the answer to a failed login: nothing for the first failure, then
    ``base_seconds`` doubling with each further failure, at most ``cap_seconds``.

    >>> [login_delay(n, base_seconds=0.5) for n in range(1, 6)]
    [0.0, 0.5, 1.0, 2.0, 4.0]
    """
    if failures <= 1 or base_seconds <= 0:
        return 0.0
    return min(base_seconds * 2 ** (failures - 2), cap_seconds)


def credential_label(presented_token: str) -> str:
    """The name an API-token attempt is counted under: its prefix, never the whole secret."""
    return "api-token:" + presented_token[:TOKEN_PREFIX_LENGTH]

