"""API authentication (session or bearer token) and permission checks.

Every endpoint is authenticated (the NinjaAPI's default ``auth``) and must call
``require_perm`` before doing anything; a missing permission is a 403 and nothing runs.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from zhanggui.accounts import throttling
from zhanggui.accounts.queries import get_staff_for_token
from zhanggui.accounts.rules import credential_label


class TokenAuth(HttpBearer):
    """``Authorization: Bearer zg_…`` with an API token of an active staff member.

    Wrong tokens count as failed logins (per token prefix and per client address): after
    too many, the address gets 429 ``too_many_attempts`` for a while, even with a right token.
    """

    def authenticate(self, request: HttpRequest, token: str):
        label = credential_label(token)
        throttling.check_token_attempt(request, label)
        staff = get_staff_for_token(token)
        if staff is None:
            throttling.token_failed(request, label)
            return None
        request.user = staff
        return staff


class StaffSessionAuth(APIKeyCookie):
    """The console's login session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def require_perm(request: HttpRequest, *permissions: str) -> None:
    """Raise ``PermissionDenied`` unless the caller holds every one of ``permissions``."""
    if not request.user.has_perms(permissions):
        raise PermissionDenied(", ".join(permissions))
