"""Console pages of live: sessions (list with their figures; the change page with the run
sheet's segments inline, saved through ``live.actions``; start, end and cancel as detail
actions) and the session's own pages in ``live_pages`` (run sheet, metrics, review) and the
live report."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from zhanggui.console import history
from zhanggui.console.admin.live_pages import live_page_urls
from zhanggui.console.formatting import badge, money
from zhanggui.console.mixins import ConsoleModelAdmin, adopt, permission_check
from zhanggui.console.operations import Operation, run_single
from zhanggui.live import actions, queries
from zhanggui.live.models import LiveSegment, LiveSession, SessionStatus

RUN = "live.run_session"


def live_urls(site: admin.AdminSite) -> list:
    """The app's own pages, put in front of the admin site's URLs (``zhanggui.urls``)."""
    return live_page_urls(site)


class SegmentForm(forms.ModelForm):
    place = forms.IntegerField(label=_("place in the run sheet"), min_value=1, required=False,
                               help_text=_("empty: after the others"))

    class Meta:
        model = LiveSegment
        fields = ("product", "sku", "start_minute", "minutes", "talking_points",
                  "flash_price_amount", "flash_cap", "coupon_template")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["place"] = self.instance.position


class LiveSegmentInline(TabularInline):
    model = LiveSegment
    form = SegmentForm
    extra = 0
    fields = ("place", "product", "sku", "start_minute", "minutes", "talking_points",
              "flash_price_amount", "flash_cap", "coupon_template")
    autocomplete_fields = ("product", "sku")
    ordering = ("position",)
    hide_title = True

    def _plannable(self, obj) -> bool:
        return obj is None or obj.status in actions.PLANNABLE

    def has_add_permission(self, request, obj=None) -> bool:
        return self._plannable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._plannable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._plannable(obj) and super().has_delete_permission(request, obj)


def _step(title, perform, done):
    return Operation(title=title, perform=lambda session, data, actor: perform(session, actor=actor),
                     done_message=done)


START = _step(_("Start the session"), actions.start_session, _("The session is live."))
END = _step(_("End the session"), actions.end_session, _("The session has ended."))
CANCEL = _step(_("Cancel the session"), actions.cancel_session, _("The session was cancelled."))
SEGMENT_VALUES = [f for f in actions.SEGMENT_FIELDS if f != "position"]


@admin.register(LiveSession)
class LiveSessionAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("scheduled_at", "title", "host_display", "channel", "status_badge",
                    "gmv_display", "viewers_display", "gpm_display", "pages")
    list_filter = (("status", ChoicesDropdownFilter), ("channel", RelatedDropdownFilter))
    search_fields = ("title", "host_name", "host__username", "host__display_name")
    date_hierarchy = "scheduled_at"
    fields = ("title", "channel", "host", "host_name", "scheduled_at", "planned_minutes",
              "gmv_target_amount", "script", "status", "started_at", "ended_at", "pages")
    readonly_fields = ("status", "started_at", "ended_at", "pages")
    inlines = (LiveSegmentInline,)
    actions_detail = ["start_one", "end_one", "cancel_one"]

    has_run_session_permission = permission_check(RUN)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a session is cancelled, never deleted (its history stays)

    def get_queryset(self, request):
        return queries.with_plan(super().get_queryset(request))

    @staticmethod
    def _figures(session: LiveSession):
        """The session's totals, computed once per row (the list prefetches the figures)."""
        if not hasattr(session, "_live_totals"):
            session._live_totals = queries.session_figures(session).total
        return session._live_totals

    @display(description=_("host"))
    def host_display(self, session: LiveSession) -> str:
        return str(session.host or session.host_name or "—")

    @display(description=_("status"), ordering="status")
    def status_badge(self, session: LiveSession) -> str:
        return badge(session.status, session.get_status_display())

    @display(description=_("GMV"))
    def gmv_display(self, session: LiveSession) -> str:
        return money(self._figures(session).figures.gmv)

    @display(description=_("viewers"))
    def viewers_display(self, session: LiveSession) -> int:
        return self._figures(session).figures.viewers

    @display(description=_("GPM"))
    def gpm_display(self, session: LiveSession) -> str:
        return money(self._figures(session).gpm)

    @display(description=_("pages"))
    def pages(self, session: LiveSession) -> str:
        if session.pk is None:
            return "—"
        return format_html(
            '<a class="text-primary-600 underline" href="{}">{}</a> · '
            '<a class="text-primary-600 underline" href="{}">{}</a> · '
            '<a class="text-primary-600 underline" href="{}">{}</a>',
            reverse("admin:live_run_sheet", args=[session.pk]), _("run sheet"),
            reverse("admin:live_metrics", args=[session.pk]), _("metrics"),
            reverse("admin:live_review", args=[session.pk]), _("review"))

    def save_model(self, request, obj: LiveSession, form, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in actions.SESSION_FIELDS
                if name in form.cleaned_data}
        if change:
            saved = actions.update_session(obj, actor=request.user, **{
                name: data[name] for name in form.changed_data if name in data})
        else:
            saved = actions.create_session(actor=request.user, **data)
        adopt(obj, saved)

    def save_formset(self, request, form, formset, change) -> None:
        session = form.instance
        for row in formset.deleted_forms:
            if row.instance.pk is not None:
                actions.remove_segment(row.instance, actor=request.user)
        wanted: list[tuple[int, int, int]] = []  # (place asked, current position, id)
        for row in formset.forms:
            if row in formset.deleted_forms or (not row.has_changed() and not row.instance.pk):
                continue
            segment = row.instance
            values = {name: row.cleaned_data.get(name) for name in SEGMENT_VALUES}
            values["talking_points"] = values["talking_points"] or ""
            if segment.pk is None:
                if values["start_minute"] is None or "start_minute" not in row.changed_data:
                    values["start_minute"] = None
                segment = actions.add_segment(session, actor=request.user, **values)
            elif row.has_changed():
                segment = actions.update_segment(segment, actor=request.user, **values)
            place = row.cleaned_data.get("place")
            wanted.append((place or 10_000, segment.position, segment.pk))
        self._reorder(request, session, wanted)
        # What the admin's change message reads (the operation log has the details).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _reorder(self, request, session: LiveSession, wanted: list) -> None:
        listed = {pk for _place, _pos, pk in wanted}
        others = [(pos, pos, pk) for pos, pk in session.segments.values_list("position", "pk")
                  if pk not in listed]
        order = [pk for _place, _pos, pk in sorted(wanted + others)]
        current = list(session.segments.order_by("position").values_list("pk", flat=True))
        if order != current:
            actions.reorder_segments(session, order, actor=request.user)

    def detail_action_possible(self, obj: LiveSession, action_name: str) -> bool:
        allowed = {"start_one": SessionStatus.PLANNED, "end_one": SessionStatus.LIVE,
                   "cancel_one": SessionStatus.PLANNED}
        return obj.status == allowed.get(action_name, obj.status)

    @action(description=_("Start the session"), permissions=["run_session"], icon="play_arrow",
            url_path="start")
    def start_one(self, request, object_id):
        return run_single(self, request, object_id, START)

    @action(description=_("End the session"), permissions=["run_session"], icon="stop",
            url_path="end")
    def end_one(self, request, object_id):
        return run_single(self, request, object_id, END)

    @action(description=_("Cancel the session"), permissions=["run_session"], icon="cancel",
            url_path="cancel")
    def cancel_one(self, request, object_id):
        return run_single(self, request, object_id, CANCEL)
