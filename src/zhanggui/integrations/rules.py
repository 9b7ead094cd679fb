"""Pure rules of idempotent requests (the ``Idempotency-Key`` header)."""

import hashlib

KEY_LIMIT = 255
# Answers kept for a repeat: what the request itself decided (success, a refusal, invalid
# input). Not kept: 401/403 (credentials and permissions may change before the retry), 429
# (throttled before acting) and 5xx (the transaction is rolled back: a retry acts afresh).
NOT_KEPT = frozenset({401, 403, 429})


def parse_key(header: str | None) -> str | None:
    """The key of an ``Idempotency-Key`` header: None without one; the text of a quoted
    structured-field string (``"abc"``) or of a bare token.

    Raises:
        ValueError: empty, longer than ``KEY_LIMIT`` or not printable ASCII.
    """
    if header is None:
        return None
    key = header.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > KEY_LIMIT or any(not " " <= ch <= "~" for ch in key):
        raise ValueError(key)
    return key


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """A digest of what makes two requests the same request."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query.encode()):
        digest.update(part + b"\n")
    digest.update(body)
    return digest.hexdigest()


def scope(authorization: str | None, staff_id: int | None) -> str | None:
    """Whose key it is: the bearer token's digest (never the token itself), else the staff
    account of a console session; None for a caller that is neither (refused by the API)."""
    if authorization and authorization.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(authorization[7:].strip().encode()).hexdigest()
    if staff_id is not None:
        return f"staff:{staff_id}"
    return None


def is_kept(status_code: int) -> bool:
    return status_code < 500 and status_code not in NOT_KEPT
