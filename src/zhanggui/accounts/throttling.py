"""Login and API-token throttling on top of django-axes.

Axes counts failed attempts in the database (so every web process sees them) per account
and per client address, and refuses attempts while either is locked out. This module is the
explicit glue the console login and the token authentication call: count a failure, notice
the failure that locks, answer failures more slowly each time.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest

from zhanggui.accounts import actions
from zhanggui.accounts.errors import TooManyAttempts
from zhanggui.accounts.rules import login_delay


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def is_locked(request: HttpRequest, username: str) -> bool:
    """Whether ``username`` or the request's client address is locked out now."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def record_failure(request: HttpRequest, username: str) -> None:
    """Count a failed attempt that did not go through Django's ``authenticate`` (a wrong
    second-factor code, a wrong API token), then ``after_failure``."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    after_failure(request, username)


def after_failure(request: HttpRequest, username: str) -> None:
    """After a counted failure: log and alert once when it was the one that locked, and hold
    the answer a little longer for each failure in a row."""
    failures = getattr(request, "axes_failures_since_start", None) or 0
    if getattr(request, "axes_locked_out", False) and failures == settings.AXES_FAILURE_LIMIT:
        actions.record_lockout(username=username,
                               ip_address=getattr(request, "axes_ip_address", "") or "")
    delay = login_delay(failures, base_seconds=settings.ZHANGGUI_LOGIN_DELAY_SECONDS)
    if delay:
        time.sleep(delay)


def check_token_attempt(request: HttpRequest, label: str) -> None:
    """Refuse an API-token attempt while its label or the client address is locked.

    Raises:
        TooManyAttempts: while locked out.
    """
    if is_locked(request, label):
        raise TooManyAttempts(minutes=lockout_minutes())


def token_failed(request: HttpRequest, label: str) -> None:
    """Count a wrong API token; raises ``TooManyAttempts`` when this failure locked."""
    record_failure(request, label)
    if getattr(request, "axes_locked_out", False):
        raise TooManyAttempts(minutes=lockout_minutes())
