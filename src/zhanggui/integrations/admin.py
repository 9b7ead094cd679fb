"""Console of webhooks (the owner's: only the owner holds the integrations permissions).

Endpoints: the list (URL, event types, on/off, failures in a row, last success), a new endpoint
made by ``webhooks.create_endpoint`` whose signing secret is shown once, as a message on the
next page; on the endpoint's page its recent deliveries, "turn on", "turn off" and "replay a
time range". Deliveries: the read-only log with each attempt, and "replay" of the selected.
Every write goes through ``integrations.webhooks``, which writes the operation log; nothing
here edits or deletes a row directly. (The console package may not be imported from here:
``make lint`` keeps the two independent, so this admin stands on unfold alone.)
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from zhanggui.core.admin_log import OperationLogOnly
from zhanggui.core.errors import DomainError
from zhanggui.core.pagination import EstimatedCountPaginator
from zhanggui.integrations import queries, webhooks
from zhanggui.integrations.admin_forms import ConfirmForm, ReplayRangeForm, WebhookEndpointAddForm
from zhanggui.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

CHANGE_ENDPOINT = "integrations.change_webhookendpoint"
RECENT_DELIVERIES = 20
_SECRET_KEY = "integrations_webhook_secret_{pk}"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def _last_attempt(delivery: WebhookDelivery) -> str:
    attempts = list(delivery.log.all())  # prefetched, oldest first
    return _when(attempts[-1].attempted_at) if attempts else "—"


class _ActionsOnly(OperationLogOnly, ModelAdmin):
    """Rows change only through ``integrations.webhooks``: no Django admin log entries (the
    operation log is the audit trail), no deletes."""

    list_per_page = 50
    paginator = EstimatedCountPaginator  # the delivery log grows by one row per event sent
    show_full_result_count = False
    list_filter_submit = True

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_replay_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(CHANGE_ENDPOINT)

    def _form_page(self, request, obj, *, title, form, help_text=""):
        """The console's confirmation/input page (``console/operation_form.html``)."""
        opts = self.model._meta
        return TemplateResponse(request, "console/operation_form.html", {
            **self.admin_site.each_context(request), "title": title, "opts": opts,
            "operation": {"help_text": help_text}, "object": obj, "rows": [(obj, None)],
            "shared_form": form, "bulk": False,
            "cancel_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                  args=[quote(obj.pk)])})


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(_ActionsOnly):
    form = WebhookEndpointAddForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("url", "types_display", "is_active", "failure_streak", "last_success",
                    "description")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    readonly_fields = ("url", "description", "types_display", "is_active", "disabled_reason",
                       "failure_streak", "last_success", "created_at", "updated_at",
                       "recent_deliveries")
    actions = ["enable_selected", "disable_selected"]
    actions_detail = ["enable_one", "disable_one", "replay_range_one"]

    def get_queryset(self, request):
        return queries.list_endpoints()

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the page is read-only; switches and replays are its actions

    def has_toggle_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(CHANGE_ENDPOINT)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("url", "event_types", "description")
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @display(description=_("event types"))
    def types_display(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.event_types) or _("every type")

    @display(description=_("last success"), ordering="last_success_at")
    def last_success(self, endpoint: WebhookEndpoint) -> str:
        return _when(getattr(endpoint, "last_success_at", None))

    @display(description=_("recent deliveries"))
    def recent_deliveries(self, endpoint: WebhookEndpoint) -> str:
        rows = queries.list_deliveries(endpoint)[:RECENT_DELIVERIES]
        if not rows:
            return _("No deliveries yet.")
        link = "admin:integrations_webhookdelivery_change"
        return format_html(
            '<table class="w-full"><thead><tr><th class="text-left">{}</th>'
            '<th class="text-left">{}</th><th class="text-left">{}</th>'
            '<th class="text-left">{}</th><th class="text-left">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("event"), _("event type"), _("status"), _("attempts"), _("last attempt"),
            format_html_join("", '<tr><td><a class="text-primary-600" href="{}">{}</a></td>'
                                 "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
                (reverse(link, args=[d.pk]), d.event.event_id, d.event.type,
                 d.get_status_display(), d.attempts, _last_attempt(d)) for d in rows)))

    # ---- the new endpoint: created by the action, its secret shown once -------------------

    def save_model(self, request, obj, form, change) -> None:
        if change:  # never: the page is read-only
            return
        created = webhooks.create_endpoint(
            url=form.cleaned_data["url"], event_types=form.cleaned_data["event_types"],
            description=form.cleaned_data.get("description", ""), actor=request.user)
        obj.pk, obj.secret = created.pk, created.secret
        # Kept on the server (the session), not in a message cookie, until the next page shows it.
        request.session[_SECRET_KEY.format(pk=created.pk)] = created.secret

    def save_form(self, request, form, change):
        return form.save(commit=False)

    def save_related(self, request, form, formsets, change) -> None:
        return None

    def response_add(self, request, obj, post_url_continue=None):
        """To the new endpoint's page, which shows its secret."""
        return HttpResponseRedirect(reverse("admin:integrations_webhookendpoint_change",
                                            args=[quote(obj.pk)]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        secret = request.session.pop(_SECRET_KEY.format(pk=object_id), None)
        if secret:
            messages.warning(request, _("Signing secret of this endpoint: %(secret)s — copy it now: "
                                        "it is shown only this once.") % {"secret": secret})
        return super().change_view(request, object_id, form_url, extra_context)

    # ---- on/off -----------------------------------------------------------------------------

    def _switch(self, request, endpoints, *, active: bool) -> int:
        for endpoint in endpoints:
            webhooks.set_endpoint_active(endpoint, active=active, actor=request.user)
        return len(endpoints)

    @admin.action(description=_("Turn on selected endpoints"), permissions=["toggle"])
    def enable_selected(self, request, queryset):
        count = self._switch(request, list(queryset), active=True)
        self.message_user(request, _("%(count)d endpoint(s) turned on.") % {"count": count},
                          messages.SUCCESS)

    @admin.action(description=_("Turn off selected endpoints"), permissions=["toggle"])
    def disable_selected(self, request, queryset):
        count = self._switch(request, list(queryset), active=False)
        self.message_user(request, _("%(count)d endpoint(s) turned off.") % {"count": count},
                          messages.SUCCESS)

    def _single(self, request, object_id, *, title, perform, form_class=ConfirmForm,
                help_text=""):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("The object was not found."))
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                message = perform(obj, form.cleaned_data)
            except DomainError as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:integrations_webhookendpoint_change",
                                                    args=[quote(obj.pk)]))
        return self._form_page(request, obj, title=title, form=form, help_text=help_text)

    def _switch_one(self, request, object_id, *, active: bool):
        def perform(obj, data):
            webhooks.set_endpoint_active(obj, active=active, actor=request.user)
            return (_("The endpoint is on: its failures in a row start over.") if active
                    else _("The endpoint is off: nothing is sent to it."))
        return self._single(
            request, object_id, perform=perform,
            title=_("Turn on the endpoint") if active else _("Turn off the endpoint"),
            help_text=_("Deliveries that waited are sent, until their retry window ends.")
            if active else "")

    @action(description=_("Turn on"), permissions=["toggle"], icon="toggle_on", url_path="enable")
    def enable_one(self, request, object_id):
        return self._switch_one(request, object_id, active=True)

    @action(description=_("Turn off"), permissions=["toggle"], icon="toggle_off",
            url_path="disable")
    def disable_one(self, request, object_id):
        return self._switch_one(request, object_id, active=False)

    @action(description=_("Replay a time range"), permissions=["replay"], icon="replay",
            url_path="replay-range")
    def replay_range_one(self, request, object_id):
        def perform(obj, data):
            queued = webhooks.replay_range(obj, start=data["start"], end=data["end"],
                                           actor=request.user)
            return _("%(count)d event(s) queued to be sent again.") % {"count": queued}
        return self._single(request, object_id, title=_("Replay a time range"), perform=perform,
                            form_class=ReplayRangeForm,
                            help_text=_("The endpoint's events of this range (shop time) are sent "
                                        "again under their own ids; receivers drop those they "
                                        "already have."))


class WebhookAttemptInline(TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    hide_title = True  # the row's own columns say what it is
    fields = ("attempted_at", "status_code", "duration_ms", "response_excerpt", "error")
    readonly_fields = fields
    ordering = ("id",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ActionsOnly):
    list_display = ("id", "endpoint", "event_type", "event_uuid", "status", "attempts",
                    "next_attempt_at", "delivered_at", "created_at")
    list_filter = ("status", "endpoint", "event__type")
    list_select_related = ("endpoint", "event")
    search_fields = ("event__event_id",)
    fields = ("endpoint", "event_uuid", "event_type", "occurred_at", "status", "attempts",
              "first_attempt_at", "next_attempt_at", "delivered_at", "created_at")
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["replay_selected"]
    ordering = ("-id",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @display(description=_("event type"), ordering="event__type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.type

    @display(description=_("event id"))
    def event_uuid(self, delivery: WebhookDelivery) -> str:
        return str(delivery.event.event_id)

    @display(description=_("occurred at"))
    def occurred_at(self, delivery: WebhookDelivery) -> str:
        return _when(delivery.event.occurred_at)

    @admin.action(description=_("Replay selected deliveries"), permissions=["replay"])
    def replay_selected(self, request, queryset):
        by_endpoint = defaultdict(list)
        for delivery in queryset.select_related("endpoint", "event"):
            by_endpoint[delivery.endpoint].append(delivery.event)
        queued = sum(webhooks.replay(endpoint, events, actor=request.user)
                     for endpoint, events in by_endpoint.items())
        self.message_user(request, _("%(count)d event(s) queued to be sent again.")
                          % {"count": queued}, messages.SUCCESS)
