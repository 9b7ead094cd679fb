"""The console's door: the login form (password, then the authenticator's code for staff
who have one), the lockout page, and the middleware that sends an owner without two-step
verification to its setup page when the shop requires it."""

from django import forms
from django.contrib import admin
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from unfold.forms import AuthenticationForm
from unfold.widgets import UnfoldAdminTextInputWidget

from zhanggui.accounts import throttling
from zhanggui.accounts.queries import has_second_factor, second_factor_required


class ConsoleLoginForm(AuthenticationForm):
    """Username and password, plus the current code of the authenticator app (or a recovery
    code) for staff who turned two-step verification on. A wrong code counts as a failed
    login, like a wrong password."""

    otp_token = forms.CharField(
        label=_("Verification code"), required=False, max_length=16, strip=True,
        widget=UnfoldAdminTextInputWidget(attrs={"autocomplete": "one-time-code",
                                                 "inputmode": "numeric"}),
        help_text=_("Only if you turned on two-step verification: the 6-digit code of your "
                    "authenticator app, or one of your recovery codes."))

    error_messages = {
        **AuthenticationForm.error_messages,
        "otp_required": _("Enter the current code of your authenticator app, or a recovery "
                          "code: two-step verification is on for this account."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        try:
            super().clean()
        except ValidationError:
            throttling.after_failure(self.request, username)
            raise
        user = self.get_user()
        if user is not None and has_second_factor(user):
            code = (self.cleaned_data.get("otp_token") or "").replace(" ", "")
            device = match_token(user, code) if code else None
            if device is None:
                throttling.record_failure(self.request, username)
                raise ValidationError(self.error_messages["otp_required"], code="otp_required")
            user.otp_device = device  # django-otp marks the session verified at login
        return self.cleaned_data


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the login page with the lockout message (HTTP 429). API
    requests keep their own JSON answer (``too_many_attempts``)."""
    if request.path.startswith("/api/") and original_response is not None:
        return original_response
    site = admin.site
    context = {
        **site.each_context(request),
        "title": _("Log in"),
        "app_path": request.get_full_path(),
        "form": ConsoleLoginForm(request),
        "next": request.POST.get("next") or request.GET.get("next") or reverse("admin:index"),
        "locked_out": True,
        "lockout_minutes": throttling.lockout_minutes(),
    }
    return TemplateResponse(request, site.login_template, context, status=429).render()


SETUP_URL_NAME = "admin:accounts_two_factor"
# What an owner who must still set up two-step verification may open.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/login/", "/logout/")


class SecondFactorRequiredMiddleware:
    """When the shop requires two-step verification for the owner: an owner without an
    authenticator is sent to its setup page; a session not verified by a code (opened
    before the rule was on) is ended and must log in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        setup = reverse(SETUP_URL_NAME)
        if request.path == setup or request.path.startswith(_OPEN_PREFIXES):
            return self.get_response(request)
        if not second_factor_required(user):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "second_factor_required", "message": str(_(
                "Two-step verification is required for this account: set it up in the "
                "console."))}, status=403)
        if has_second_factor(user):
            logout(request)
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        return redirect(setup)
