"""Console pages of access security: the alerts under the bell, the shop's security policy,
failed logins and lockouts (with unlock), and each staff member's two-step verification."""

import base64

import segno
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from unfold.decorators import display
from unfold.widgets import UnfoldAdminTextInputWidget, UnfoldBooleanSwitchWidget

from zhanggui.accounts import actions
from zhanggui.accounts.models import Alert, SecurityPolicy
from zhanggui.accounts.queries import (
    get_security_policy,
    has_second_factor,
    second_factor_required,
)
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin, permission_check
from zhanggui.console.operations import Operation, run_bulk
from zhanggui.core.errors import DomainError

# django-otp registers its device models in the admin; their pages would show the secrets.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

MARK_READ = Operation(
    title=_("Mark alerts as read"),
    perform=lambda alert, data, actor: actions.mark_alerts_read([alert], actor=actor),
    done_message=_("%(count)d alert(s) marked as read."),
)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("created_at", "kind", "message", "actor", "read_display")
    list_filter = (("read_at", admin.EmptyFieldListFilter), "kind",
                   ("created_at", DateRangeFilter))
    list_select_related = ("actor",)
    search_fields = ("message",)
    fields = ("created_at", "kind", "message", "object_type", "object_id", "actor", "read_at",
              "read_by")
    actions = ["mark_read"]

    has_mark_read_permission = permission_check("accounts.view_alert")

    @display(description=_("read"), boolean=True)
    def read_display(self, alert: Alert) -> bool:
        return alert.is_read

    @admin.action(description=_("Mark selected alerts as read"), permissions=["mark_read"])
    def mark_read(self, request, queryset):
        return run_bulk(self, request, queryset, MARK_READ)


class SecurityPolicyForm(forms.Form):
    owner_requires_second_factor = forms.BooleanField(
        label=_("owner must use two-step verification"), required=False,
        widget=UnfoldBooleanSwitchWidget(),
        help_text=_("Staff with the owner role must set up an authenticator app before they "
                    "can use the console; sessions opened without a code are ended."))


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(ConsoleModelAdmin):
    """One page: the policy's form. GET only reads; saving is a POST through the action."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        policy = get_security_policy()
        form = SecurityPolicyForm(request.POST if request.method == "POST" else None, initial={
            "owner_requires_second_factor": policy.owner_requires_second_factor})
        if request.method == "POST" and form.is_valid():
            actions.set_security_policy(actor=request.user, **form.cleaned_data)
            self.message_user(request, _("Security policy saved."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return TemplateResponse(request, "console/security_policy.html", {
            **self.admin_site.each_context(request), "title": _("Security policy"),
            "opts": self.model._meta, "form": form,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        })

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:accounts_securitypolicy_changelist"))


UNLOCK = Operation(
    title=_("Unlock"),
    perform=lambda attempt, data, actor: actions.unlock_login(
        username=attempt.username or "", ip_address=attempt.ip_address or "", actor=actor),
    done_message=_("%(count)d lockout(s) lifted: the account and the address may sign in "
                   "again."),
)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """Failed sign-ins (console and API tokens) per account and address, as django-axes
    counts them; the owner lifts a lockout here."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start",
                    "locked_display", "path_info")
    list_filter = (("attempt_time", DateRangeFilter),)
    search_fields = ("username", "=ip_address")
    fields = ("attempt_time", "username", "ip_address", "user_agent", "path_info",
              "failures_since_start")
    actions = ["unlock_selected"]
    ordering = ("-attempt_time",)

    has_unlock_permission = permission_check("axes.delete_accessattempt")

    @display(description=_("locked"), boolean=True)
    def locked_display(self, attempt: AccessAttempt) -> bool:
        return (attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
                and attempt.attempt_time > timezone.now() - settings.AXES_COOLOFF_TIME)

    @admin.action(description=_("Unlock the selected accounts and addresses"),
                  permissions=["unlock"])
    def unlock_selected(self, request, queryset):
        return run_bulk(self, request, queryset, UNLOCK)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=16, widget=UnfoldAdminTextInputWidget(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#111827", light="#ffffff")


def _two_factor_step(request: HttpRequest, staff) -> dict:
    """Run one POSTed step of the two-factor page; returns what the page shows next."""
    step = request.POST.get("step")
    form = CodeForm(request.POST) if step in ("confirm", "disable") else CodeForm()
    try:
        if step == "start":
            return {"form": form, "pending": actions.start_totp_setup(staff)}
        if step == "confirm" and form.is_valid():
            return {"form": form, "codes": actions.confirm_totp_device(
                staff, code=form.cleaned_data["code"], actor=staff)}
        if step == "recovery" and has_second_factor(staff):
            return {"form": form, "codes": actions.regenerate_recovery_codes(staff, actor=staff)}
        if step == "disable" and has_second_factor(staff) and form.is_valid():
            if _code_matches(staff, form.cleaned_data["code"]):
                actions.disable_second_factor(staff, actor=staff)
                messages.success(request, _("Two-step verification is off."))
                return {"redirect": True}
            form.add_error("code", _("The verification code is not valid."))
    except DomainError as exc:
        form.add_error(None, str(exc))
    return {"form": form}


def two_factor_view(request: HttpRequest, site):
    """The signed-in staff member's own two-step verification: set up (scan the QR code,
    confirm a code, get recovery codes), new recovery codes, or turn it off."""
    staff = request.user
    state = _two_factor_step(request, staff) if request.method == "POST" else {"form": CodeForm()}
    if state.get("redirect"):
        return HttpResponseRedirect(request.path)
    codes, pending = state.get("codes"), state.get("pending")
    if pending is None and codes is None:
        pending = TOTPDevice.objects.filter(user=staff, confirmed=False).last()
    context = {
        **site.each_context(request), "title": _("Two-step verification"),
        "form": state["form"], "recovery_codes": codes, "enabled": has_second_factor(staff),
        "required": second_factor_required(staff),
    }
    if pending is not None and codes is None:
        context.update(pending=True, qr_svg=_qr_svg(pending.config_url),
                       secret=base64.b32encode(pending.bin_key).decode())
    response = TemplateResponse(request, "console/two_factor.html", context)
    response["Cache-Control"] = "no-store"  # the secret and recovery codes are shown once
    return response


def _code_matches(staff, code: str) -> bool:
    from django_otp import match_token

    return match_token(staff, code.replace(" ", "")) is not None


def two_factor_urls(site) -> list:
    return [path("two-factor/", site.admin_view(lambda r: two_factor_view(r, site)),
                 name="accounts_two_factor")]
