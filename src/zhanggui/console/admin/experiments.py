"""Console pages of A/B tests: the list (status, progress to the planned sample) and each
test's page — its arms with their shares, the progress bar, and the results table with the
test named per metric and the warning banner while it is short of its planned sample. New
tests are created, started and stopped through ``marketing.experiments``."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display

from zhanggui.analytics import experiments_report
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.console import history
from zhanggui.console.formatting import badge, money, percent
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyTabularInline, permission_check
from zhanggui.console.operations import Operation, OperationForm, run_single, run_standalone
from zhanggui.customers.models_segments import Segment, SegmentKind
from zhanggui.marketing import experiments, queries_experiments
from zhanggui.marketing.experiments import ArmSpec
from zhanggui.marketing.models_campaigns import Campaign, CampaignStatus
from zhanggui.marketing.models_experiments import (
    Experiment,
    ExperimentArm,
    ExperimentMetric,
    ExperimentStatus,
)
from zhanggui.marketing.rules_ab import money as rules_money
from zhanggui.pricing.models import CouponTemplate, Promotion

CHANGE = "marketing.change_experiment"
ARMS_EXAMPLE = ("coupon-a | 五折券 | 0.45 | \ncoupon-b | 满100减20 | 0.45 | \n"
                "holdout | 对照组 | 0.10 | holdout")


def parse_arms(text: str) -> list[ArmSpec]:
    """One arm a line: ``code | name | share | holdout or coupon template id``.

    Raises:
        forms.ValidationError: a line that does not read so (naming its number).
    """
    arms = []
    for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 3:
            parts.append("")
        if len(parts) != 4:
            raise forms.ValidationError(_("Line %(n)d: write code | name | share | holdout or "
                                          "coupon template id."), params={"n": number})
        code, name, share_text, extra = parts
        try:
            share = Decimal(share_text)
        except InvalidOperation:
            raise forms.ValidationError(_("Line %(n)d: the share %(share)s is not a number."),
                                        params={"n": number, "share": share_text}) from None
        template = None
        if extra and extra.lower() != "holdout":
            template = CouponTemplate.objects.filter(pk=int(extra) if extra.isdigit() else 0).first()
            if template is None:
                raise forms.ValidationError(_("Line %(n)d: no coupon template %(id)s."),
                                            params={"n": number, "id": extra})
        arms.append(ArmSpec(code, name, share, extra.lower() == "holdout", template))
    return arms


class CreateExperimentForm(OperationForm):
    code = forms.SlugField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=80)
    hypothesis = forms.CharField(label=_("hypothesis"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))
    campaign = forms.ModelChoiceField(
        label=_("campaign"), required=False, help_text=_("a draft campaign not yet prepared"),
        queryset=Campaign.objects.filter(status__in=[CampaignStatus.DRAFT,
                                                     CampaignStatus.SCHEDULED],
                                         prepared_at__isnull=True, experiment__isnull=True))
    promotion = forms.ModelChoiceField(label=_("promotion"), required=False,
                                       queryset=Promotion.objects.filter(is_active=True))
    population = forms.ModelChoiceField(
        label=_("population"), required=False, help_text=_("who takes part (a promotion's test)"),
        queryset=Segment.objects.exclude(kind=SegmentKind.EXPERIMENT).filter(is_active=True))
    metric = forms.ChoiceField(label=_("primary metric"), choices=ExperimentMetric.choices)
    alpha = forms.DecimalField(label=_("significance level"), initial=Decimal("0.05"),
                               max_digits=4, decimal_places=3)
    power = forms.DecimalField(label=_("power"), initial=Decimal("0.8"), max_digits=4,
                               decimal_places=3)
    baseline_rate = forms.DecimalField(label=_("expected baseline conversion"),
                                       initial=Decimal("0.05"), max_digits=5, decimal_places=4)
    minimum_effect = forms.DecimalField(
        label=_("smallest effect worth finding"), initial=Decimal("0.02"), max_digits=5,
        decimal_places=4, help_text=_("absolute difference in conversion (0.02 = 2 points)"))
    arms = forms.CharField(
        label=_("arms"), initial=ARMS_EXAMPLE, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One arm a line: code | name | share | holdout, or the id of the arm's "
                    "coupon template. Shares add up to 1; at most one holdout."))

    def clean_arms(self) -> list[ArmSpec]:
        return parse_arms(self.cleaned_data["arms"])


def _create(obj, data: dict, actor) -> Experiment:
    return experiments.create_experiment(
        data["code"], name=data["name"], hypothesis=data["hypothesis"], arms=data["arms"],
        campaign=data["campaign"], promotion=data["promotion"], population=data["population"],
        metric=data["metric"], alpha=data["alpha"], power=data["power"],
        baseline_rate=data["baseline_rate"], minimum_effect=data["minimum_effect"], actor=actor)


CREATE = Operation(
    title=_("New A/B test"), perform=_create, done_message=_("A/B test created."),
    form_class=CreateExperimentForm,
    help_text=_("Test a campaign (its recipients are split when it is prepared; the holdout "
                "gets no message) or a promotion (one treated arm and a holdout drawn from "
                "the population). The planned sample per arm follows from the baseline, the "
                "effect, the significance level and the power."))
START = Operation(
    title=_("Start the A/B test"),
    perform=lambda experiment, data, actor: experiments.start_experiment(experiment, actor=actor),
    done_message=_("A/B test started."),
    help_text=_("A promotion's test assigns its population now and gives the promotion to the "
                "treated arm only. A campaign's test splits its recipients when it is prepared."))
STOP = Operation(
    title=_("Stop the A/B test"),
    perform=lambda experiment, data, actor: experiments.stop_experiment(experiment, actor=actor),
    done_message=_("A/B test stopped."),
    help_text=_("Results count up to now. Stopped before the planned sample, the test is "
                "judged at the stricter O'Brien–Fleming threshold."))


VERDICTS = {"better": _("better than the baseline"), "worse": _("worse than the baseline"),
            "no_difference": _("no difference found"), "": _("no verdict yet")}


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"


def _rate_interval(comparison) -> str:
    if comparison is None:
        return "—"
    return (f"{percent(comparison.estimate)} "
            f"[{percent(comparison.ci_low)}, {percent(comparison.ci_high)}]")


def _money_interval(low, high) -> str:
    return f"[{money(low)}, {money(high)}]"


def display_rows(results: experiments_report.ExperimentResults) -> list[dict]:
    """One row per arm, every figure formatted for the results table."""
    rows = []
    for arm in results.arms:
        revenue = arm.revenue_test
        rows.append({
            "arm": arm, "n": arm.n, "conversions": arm.conversions, "rate": percent(arm.rate),
            "revenue_mean": money(arm.revenue_mean), "revenue_sd": money(arm.revenue_sd),
            "conversion_uplift": _rate_interval(arm.conversion),
            "conversion_p": _p(arm.conversion.p_value) if arm.conversion else "—",
            "conversion_adjusted": _p(arm.conversion.adjusted_p_value) if arm.conversion else "—",
            "revenue_uplift": "—" if revenue is None else (
                f"{money(rules_money(revenue.estimate))} "
                f"{_money_interval(rules_money(revenue.ci_low), rules_money(revenue.ci_high))}"),
            "bootstrap": _money_interval(*arm.bootstrap_ci) if arm.bootstrap_ci else "—",
            "revenue_p": _p(revenue.p_value) if revenue else "—",
            "revenue_adjusted": _p(revenue.adjusted_p_value) if revenue else "—",
            "verdict": "" if arm.is_baseline else str(VERDICTS[arm.verdict]),
            "verdict_code": arm.verdict,
        })
    return rows


class ArmInline(ReadOnlyTabularInline):
    model = ExperimentArm
    fields = ("code", "name", "share_display", "is_holdout", "coupon_template", "segment")
    readonly_fields = fields
    extra = 0

    @display(description=_("share"))
    def share_display(self, arm: ExperimentArm) -> str:
        return f"{arm.share * 100:.1f} %"


@admin.register(Experiment)
class ExperimentAdmin(ConsoleModelAdmin):
    change_form_before_template = "console/experiments/results.html"
    change_form_after_template = history.TEMPLATE
    list_display = ("code", "name", "subject", "metric", "status_display", "planned_sample_size",
                    "progress_display", "started_at", "stopped_at")
    list_filter = (("status", ChoicesDropdownFilter), ("metric", ChoicesDropdownFilter))
    list_select_related = ("campaign", "promotion")
    search_fields = ("code", "name")
    fields = ("code", "name", "hypothesis", "campaign", "promotion", "population", "metric",
              "alpha", "power", "baseline_rate", "minimum_effect", "planned_sample_size",
              "status", "started_at", "stopped_at", "created_by")
    readonly_fields = fields
    inlines = [ArmInline]
    actions_detail = ["start_one", "stop_one"]

    has_start_experiment_permission = permission_check(CHANGE)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # every change is an operation (start, stop)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return run_standalone(self, request, CREATE)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj):
            extra_context = {**(extra_context or {}), **self._results_context(obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _results_context(self, experiment: Experiment) -> dict:
        context = {"progress": queries_experiments.progress(experiment), "results": None,
                   "results_problem": ""}
        if experiment.status == ExperimentStatus.DRAFT:
            return context
        try:
            results = experiments_report.experiment_results(experiment)
            context.update(results=results, rows=display_rows(results))
        except WarehouseEmpty as exc:  # or outdated: built before the campaign tables
            context["results_problem"] = str(exc)
        return context

    def detail_action_possible(self, experiment: Experiment, action_name: str) -> bool:
        if action_name == "start_one":
            return experiment.status == ExperimentStatus.DRAFT
        return experiment.status == ExperimentStatus.RUNNING

    @display(description=_("campaign or promotion"))
    def subject(self, experiment: Experiment) -> str:
        return str(experiment.campaign or experiment.promotion or "—")

    @display(description=_("status"), ordering="status")
    def status_display(self, experiment: Experiment) -> str:
        return badge(experiment.status, experiment.get_status_display())

    @display(description=_("progress"))
    def progress_display(self, experiment: Experiment) -> str:
        progress = queries_experiments.progress(experiment)
        return format_html(
            '<div class="w-32 h-2 bg-base-200 rounded" title="{} / {}">'
            '<div class="h-2 rounded {}" style="width: {}%"></div></div>',
            progress.smallest, progress.planned or "—",
            "bg-green-600" if progress.reached else "bg-primary-600", progress.percent)

    @action(description=_("Start"), permissions=["start_experiment"], icon="play_arrow",
            url_path="start")
    def start_one(self, request, object_id):
        return run_single(self, request, object_id, START)

    @action(description=_("Stop"), permissions=["start_experiment"], icon="stop",
            url_path="stop")
    def stop_one(self, request, object_id):
        return run_single(self, request, object_id, STOP)
