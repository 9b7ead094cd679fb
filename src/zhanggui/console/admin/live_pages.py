"""A live session's own pages: the printable run sheet, the metrics (the platform's CSV
uploaded, figures entered, each segment's conversion), the review (lessons and actions that
become tasks), and the first address of the live report (``/live/report/``), which now
redirects to the analytics report ``live`` (``analytics.live_report``). Pages that change
something take POST only (CSRF)."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhanggui.accounts.models import Staff
from zhanggui.console.admin.analytics import report_moved
from zhanggui.console.formatting import money, percent
from zhanggui.core.errors import DomainError
from zhanggui.live import actions_metrics, actions_review, queries
from zhanggui.live.models import LiveSession
from zhanggui.live.rules import Figures

VIEW = "live.view_livesession"
RUN = "live.run_session"
REVIEW = "live.review_session"
REPORT = "analytics.view_reports"
ACTION_ROWS = 3


def live_page_urls(site: admin.AdminSite) -> list:
    def page(view, post_only: bool = False):
        def wrapped(request, *args, **kwargs):
            return view(request, site, *args, **kwargs)
        return site.admin_view(require_POST(wrapped) if post_only else wrapped)

    return [
        path("live/sessions/<int:pk>/run-sheet/", page(run_sheet_view), name="live_run_sheet"),
        path("live/sessions/<int:pk>/metrics/", page(metrics_view), name="live_metrics"),
        path("live/sessions/<int:pk>/metrics/import/", page(import_view, post_only=True),
             name="live_metrics_import"),
        path("live/sessions/<int:pk>/metrics/enter/", page(enter_view, post_only=True),
             name="live_metrics_enter"),
        path("live/sessions/<int:pk>/review/", page(review_view), name="live_review"),
        path("live/report/", page(report_view), name="live_report"),
    ]


def _session(request: HttpRequest, pk: int, *perms: str) -> LiveSession:
    if not request.user.has_perms([VIEW, *perms]):
        raise PermissionDenied
    return get_object_or_404(LiveSession.objects.select_related("channel", "host"), pk=pk)


def _context(request, site, session: LiveSession, title) -> dict:
    return {**site.each_context(request), "title": title, "session": session,
            "session_url": reverse("admin:live_livesession_change", args=[session.pk]),
            "opts": LiveSession._meta}


def _figure(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "money":
        return money(value)
    if unit == "rate":
        return percent(value)
    return f"{value:,}"


def _conversion_row(c, **label) -> dict:
    f = c.figures
    return {**label, "viewers": _figure(f.viewers, "count"),
            "clicks": _figure(f.product_clicks, "count"), "orders": _figure(f.orders, "count"),
            "gmv": money(f.gmv), "gpm": _figure(c.gpm, "money"),
            "click_to_order": _figure(c.click_to_order_rate, "rate"),
            "interaction_rate": _figure(c.interaction_rate, "rate")}


def _figures_context(figures: queries.SessionFigures) -> dict:
    rows = [_conversion_row(c, position=s.position, name=s.product.title,
                            window=f"{s.start_minute}–{s.start_minute + s.minutes}")
            for s, c in figures.segments]
    rows.append(_conversion_row(figures.total, position="", name=_("Whole session"), window="",
                                total=True))
    t = figures.total
    kpis = [(_("viewers"), _figure(t.figures.viewers, "count")),
            (_("peak concurrent viewers"), _figure(t.figures.peak_concurrent, "count")),
            (_("average watch time (s)"), _figure(t.figures.avg_watch_seconds, "count")),
            (_("interactions"), _figure(t.figures.interactions, "count")),
            (_("new followers"), _figure(t.figures.new_followers, "count")),
            (_("orders"), _figure(t.figures.orders, "count")),
            (_("GMV"), money(t.figures.gmv)), (_("GPM"), _figure(t.gpm, "money")),
            (_("click-to-order"), _figure(t.click_to_order_rate, "rate")),
            (_("interaction rate"), _figure(t.interaction_rate, "rate")),
            (_("follower conversion"), _figure(t.follow_rate, "rate")),
            (_("GMV vs target"), _figure(t.target_attainment, "rate"))]
    return {"figures": figures, "conversion_rows": rows, "kpis": kpis}


def run_sheet_view(request: HttpRequest, site, pk: int) -> HttpResponse:
    session = _session(request, pk)
    figures = queries.session_figures(queries.with_plan(LiveSession.objects).get(pk=pk))
    return TemplateResponse(request, "console/live/run_sheet.html", {
        **_context(request, site, session, _("Run sheet")),
        "rows": queries.run_sheet(session), "issues": figures.issues})


class EntryForm(forms.Form):
    minute = forms.IntegerField(label=_("minute"), min_value=0, required=False)
    segment = forms.IntegerField(label=_("segment (place)"), min_value=1, required=False)
    viewers = forms.IntegerField(label=_("viewers"), min_value=0, initial=0)
    peak_concurrent = forms.IntegerField(label=_("peak concurrent viewers"), min_value=0, initial=0)
    avg_watch_seconds = forms.IntegerField(label=_("average watch time (s)"), min_value=0, initial=0)
    interactions = forms.IntegerField(label=_("interactions"), min_value=0, initial=0)
    new_followers = forms.IntegerField(label=_("new followers"), min_value=0, initial=0)
    product_clicks = forms.IntegerField(label=_("product clicks"), min_value=0, initial=0)
    orders = forms.IntegerField(label=_("orders"), min_value=0, initial=0)
    gmv = forms.DecimalField(label=_("GMV"), min_value=Decimal(0), decimal_places=2, initial=0)


def metrics_view(request: HttpRequest, site, pk: int) -> HttpResponse:
    session = _session(request, pk)
    figures = queries.session_figures(queries.with_plan(LiveSession.objects).get(pk=pk))
    return TemplateResponse(request, "console/live/metrics.html", {
        **_context(request, site, session, _("Live metrics")), **_figures_context(figures),
        "can_run": request.user.has_perm(RUN), "entry_form": EntryForm(),
        "rows": session.metrics.select_related("segment").order_by("minute", "segment__position"),
        "can_take_figures": session.status in actions_metrics.WITH_FIGURES})


def _back(session: LiveSession, name: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"admin:{name}", args=[session.pk]))


def import_view(request: HttpRequest, site, pk: int) -> HttpResponse:
    session = _session(request, pk, RUN)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the platform's CSV export to upload."))
        return _back(session, "live_metrics")
    try:
        count = actions_metrics.import_metrics(session, upload.read(), actor=request.user)
    except DomainError as error:
        for line in [str(error.message), *getattr(error, "errors", [])]:
            messages.error(request, line)
        return _back(session, "live_metrics")
    messages.success(request, _("%(count)d rows imported.") % {"count": count})
    return _back(session, "live_metrics")


def enter_view(request: HttpRequest, site, pk: int) -> HttpResponse:
    session = _session(request, pk, RUN)
    form = EntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the figures entered."))
        return _back(session, "live_metrics")
    data = dict(form.cleaned_data)
    minute, place = data.pop("minute"), data.pop("segment")
    segment = session.segments.filter(position=place).first() if place else None
    try:
        if place and segment is None:
            raise DomainError(_("There is no segment at that place."))
        actions_metrics.enter_metrics(session, Figures(**data), minute=minute, segment=segment,
                                      actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Figures saved."))
    return _back(session, "live_metrics")


class ReviewForm(forms.Form):
    summary = forms.CharField(label=_("summary"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    lessons = forms.CharField(label=_("lessons"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(ACTION_ROWS):
            self.fields[f"action_{index}"] = forms.CharField(
                label=_("action"), max_length=200, required=False)
            self.fields[f"assignee_{index}"] = forms.ModelChoiceField(
                label=_("assignee"), queryset=assignees, required=False,
                empty_label=_("by the task route"))

    def actions(self) -> list[tuple[str, Staff | None]]:
        data = self.cleaned_data
        return [(data[f"action_{i}"], data[f"assignee_{i}"]) for i in range(ACTION_ROWS)
                if data.get(f"action_{i}", "").strip()]


def review_view(request: HttpRequest, site, pk: int) -> HttpResponse:
    session = _session(request, pk)
    review = queries.review_of(session)
    assignees = queries.task_assignees()
    if request.method == "POST":
        if not request.user.has_perm(REVIEW):
            raise PermissionDenied
        form = ReviewForm(request.POST, assignees=assignees)
        if form.is_valid():
            try:
                actions_review.write_review(
                    session, summary=form.cleaned_data["summary"],
                    lessons=form.cleaned_data["lessons"], actions=form.actions(),
                    actor=request.user)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Review saved."))
                return _back(session, "live_review")
    else:
        initial = {"summary": review.summary, "lessons": review.lessons} if review else {}
        form = ReviewForm(initial=initial, assignees=assignees)
    figures = queries.session_figures(queries.with_plan(LiveSession.objects).get(pk=pk))
    return TemplateResponse(request, "console/live/review.html", {
        **_context(request, site, session, _("Live review")), "form": form, "review": review,
        **_figures_context(figures), "can_review": request.user.has_perm(REVIEW),
        "action_rows": range(ACTION_ROWS), "assignees": assignees,
        "actions": review.actions.select_related("assignee", "task") if review else []})


def report_view(request: HttpRequest, site) -> HttpResponse:
    """The live report's first address: a redirect to the analytics report ``live``
    (``/reports/live/``), with the same query string (period and channel)."""
    if not request.user.has_perm(REPORT):
        raise PermissionDenied
    return report_moved(request, "live")
