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
