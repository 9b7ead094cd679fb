"""Console pages of team: KPI targets (the owner sets them; saved through ``team.actions``),
performance reviews (the staff member's targets vs actuals beside the form; "finalise" stores
them in the review, which is read-only from then on), and the team dashboard
(``team_dashboard``)."""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from zhanggui.accounts.models import Staff
from zhanggui.console.admin.team_dashboard import dashboard_urls
from zhanggui.console.admin.team_view import present_all, present_snapshot, value
from zhanggui.console.mixins import ConsoleModelAdmin, adopt, permission_check
from zhanggui.console.operations import Operation, run_single
from zhanggui.team import actions, queries
from zhanggui.team.kpis import KPIS, kpi_choices
from zhanggui.team.models import KpiTarget, PerformanceReview, ReviewStatus

TARGET_EDITABLE = ("kpi", "scope_kind", "scope_value", "period_start", "period_end",
                   "target_value", "note")
REVIEW_EDITABLE = ("period_start", "period_end", "score", "comments", "goals_next")


def team_urls(site: admin.AdminSite) -> list:
    """The app's own pages, put in front of the admin site's URLs (``zhanggui.urls``)."""
    return dashboard_urls(site)


class KpiTargetForm(forms.ModelForm):
    kpi = forms.ChoiceField(label=_("KPI"), choices=kpi_choices)

    class Meta:
        model = KpiTarget
        fields = ("staff", *TARGET_EDITABLE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "staff" in self.fields:
            self.fields["staff"].queryset = Staff.objects.filter(is_active=True).order_by("username")


@admin.register(KpiTarget)
class KpiTargetAdmin(ConsoleModelAdmin):
    """Targets per staff member, KPI, scope and period. The actual is computed on top (the
    dashboard); a change is validated as a new target is."""

    form = KpiTargetForm
    list_display = ("staff", "kpi_label", "scope_kind", "scope_value", "period_start",
                    "period_end", "target_display")
    list_filter = ("kpi", "period_start")
    search_fields = ("staff__username", "staff__display_name")
    list_select_related = ("staff",)
    date_hierarchy = "period_start"

    def get_readonly_fields(self, request, obj=None):
        return ("staff",) if obj is not None else ()

    @display(description=_("KPI"), ordering="kpi")
    def kpi_label(self, obj: KpiTarget) -> str:
        kpi = KPIS.get(obj.kpi)
        return str(kpi.label) if kpi else obj.kpi

    @display(description=_("target"), ordering="target_value")
    def target_display(self, obj: KpiTarget) -> str:
        kpi = KPIS.get(obj.kpi)
        return value(obj.target_value, kpi.unit) if kpi else str(obj.target_value)

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data[name] for name in TARGET_EDITABLE if name in form.cleaned_data}
        if change:
            current = queries.get_target(obj.pk)
            saved = actions.change_target(current, actor=request.user, **{
                name: data[name] for name in form.changed_data if name in data})
        else:
            saved = actions.set_target(form.cleaned_data["staff"], actor=request.user, **data)
        adopt(obj, saved)

    def delete_model(self, request, obj) -> None:
        actions.delete_target(obj, actor=request.user)


FINALISE = Operation(
    title=_("Finalise the review"),
    done_message=_("The review is final: its KPIs are stored as they stand."),
    perform=lambda review, data, actor: actions.finalise_review(review, actor=actor),
    help_text=_("A final review keeps the staff member's targets and actuals of the period as "
                "they stand now and can no longer be changed."))


@admin.register(PerformanceReview)
class PerformanceReviewAdmin(ConsoleModelAdmin):
    """Periodic reviews (考核): score 0–100, comments, goals for the next period; the staff
    member's KPIs of the period are shown beside the form."""

    list_display = ("staff", "period_start", "period_end", "score", "status", "reviewer")
    list_filter = ("status",)
    search_fields = ("staff__username", "staff__display_name")
    list_select_related = ("staff", "reviewer")
    actions_detail = ["finalise"]
    has_finalise_permission = permission_check("team.change_performancereview")

    def get_fields(self, request, obj=None):
        return ("staff", *REVIEW_EDITABLE, "status", "reviewer", "kpis")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("status", "reviewer", "kpis")
        if obj.status == ReviewStatus.FINAL:
            return ("staff", *REVIEW_EDITABLE, "status", "reviewer", "kpis")
        return ("staff", "status", "reviewer", "kpis")

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status == ReviewStatus.FINAL:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status == ReviewStatus.FINAL:
            return False
        return super().has_delete_permission(request, obj)

    def detail_action_possible(self, obj, action_name: str) -> bool:
        if action_name == "finalise":
            return obj.status == ReviewStatus.DRAFT
        return super().detail_action_possible(obj, action_name)

    @display(description=_("KPIs of the period"))
    def kpis(self, obj: PerformanceReview) -> str:
        if obj is None or obj.pk is None:
            return _("Save the review to see the staff member's targets against their actuals.")
        if obj.status == ReviewStatus.FINAL:
            return render_to_string("console/team/snapshot.html",
                                    {"rows": present_snapshot(obj.kpi_snapshot)})
        rows = queries.figures(list(queries.list_targets(staff_id=obj.staff_id, start=obj.period_start,
                                                         end=obj.period_end)))
        return render_to_string("console/team/_figures.html", {"rows": present_all(rows)})

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data.get(name, getattr(obj, name)) for name in REVIEW_EDITABLE}
        data["goals_next"] = data["goals_next"] or ""
        staff = obj.staff if change else form.cleaned_data["staff"]
        current = queries.get_review(obj.pk) if change else None
        saved = actions.write_review(staff, review=current, actor=request.user, **data)
        adopt(obj, saved)

    def delete_model(self, request, obj) -> None:
        actions.delete_review(obj, actor=request.user)

    @action(description=_("Finalise"), permissions=["finalise"], icon="verified",
            url_path="finalise")
    def finalise(self, request, object_id):
        return run_single(self, request, object_id, FINALISE)
