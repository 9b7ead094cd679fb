"""Console pages of listing quality: the catalog report (worst first, filter by rule,
export to Excel, run a bulk audit), the findings on a product's page, the owner's word list,
declared brands, channel title limits, category settings and the check policy, and the
gated "list" operation the product pages use."""

import io
from collections import Counter

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display
from unfold.utils import display_for_label
from unfold.widgets import UnfoldAdminTextInputWidget

from zhanggui.console.formatting import change_link
from zhanggui.console.forms import ListForm
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    MasterDataAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    SingletonAdminMixin,
    permission_check,
)
from zhanggui.console.operations import Operation, run_standalone
from zhanggui.listing import actions, rules, tasks
from zhanggui.listing.models import (
    AuditRun,
    CategoryCheck,
    ChannelTitleLimit,
    DeclaredBrand,
    Finding,
    ListingPolicy,
    ProductScore,
    WordListEntry,
)

SEVERITY_COLOURS = {"blocking": "danger", "warning": "warning", "hint": "info"}


def severity_badge(severity: str, label) -> str:
    return display_for_label((severity, label), "—", SEVERITY_COLOURS)


def finding_text(finding: Finding) -> tuple[str, str]:
    return rules.render(rules.Finding(finding.rule, finding.severity, finding.field,
                                      finding.params or {}, finding.start, finding.end))


# ---- the gated "list" operation (used by console/admin/catalog.py) ---------------------

class CheckedListForm(ListForm):
    override_reason = forms.CharField(
        label=_("Override reason (owner only)"), required=False, max_length=200,
        widget=UnfoldAdminTextInputWidget(),
        help_text=_("Only to list despite blocking findings; written to the operation log."))


LIST_CHECKED = Operation(
    title=_("List products"),
    perform=lambda product, data, actor: actions.list_product(
        product, actor=actor, reason=data["reason"],
        override_reason=data.get("override_reason") or None),
    done_message=_("%(count)d product(s) listed."),
    form_class=CheckedListForm,
    help_text=_("Listing runs the quality checks first; a product with blocking findings is "
                "refused unless the owner gives an override reason."),
)


def _start_audit(actor) -> AuditRun:
    run = actions.queue_audit_run(actor=actor)
    tasks.launch(run)
    return run


AUDIT_CATALOG = Operation(
    title=_("Audit the whole catalog"),
    perform=lambda _none, data, actor: _start_audit(actor),
    done_message=_("Audit started: the report shows the new scores when the run is done "
                   "(see the audit runs)."),
    help_text=_("Runs every check on every product in the background and replaces the "
                "stored findings and scores."),
)


class FindingInline(ReadOnlyTabularInline):
    """The product's latest findings on its page."""

    model = Finding
    fields = ("severity_display", "rule_display", "field", "message", "suggestion")
    verbose_name_plural = _("listing quality findings")

    @display(description=_("severity"))
    def severity_display(self, finding: Finding) -> str:
        return severity_badge(finding.severity, finding.get_severity_display())

    @display(description=_("rule"))
    def rule_display(self, finding: Finding) -> str:
        return rules.rule_name(finding.rule)

    @display(description=_("problem"))
    def message(self, finding: Finding) -> str:
        return finding_text(finding)[0]

    @display(description=_("suggested fix"))
    def suggestion(self, finding: Finding) -> str:
        return finding_text(finding)[1]


# ---- the catalog report ------------------------------------------------------------------

class RuleFilter(admin.SimpleListFilter):
    title = _("rule")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        present = set(Finding.objects.values_list("rule", flat=True).distinct())
        return [(code, rules.rule_name(code)) for code in rules.RULES if code in present]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(product__listing_findings__rule=self.value()).distinct()
        return queryset


class SeverityFilter(admin.SimpleListFilter):
    title = _("has findings of severity")
    parameter_name = "severity"

    def lookups(self, request, model_admin):
        return [("blocking", _("blocking")), ("warning", _("warning")), ("hint", _("hint"))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(product__listing_findings__severity=self.value()).distinct()
        return queryset


EXPORT_COLUMNS = (_("product code"), _("title"), _("category"), _("quality score"),
                  _("severity"), _("rule"), _("rule name"), _("field"), _("problem"),
                  _("suggested fix"))


def export_workbook(scores: QuerySet[ProductScore]) -> bytes:
    """One row per finding (a product without findings gets one row with its score)."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("listing report"))
    sheet.append([str(c) for c in EXPORT_COLUMNS])
    scores = scores.select_related("product__category").prefetch_related(
        "product__listing_findings")
    for score in scores:
        product = score.product
        base = [product.code, product.title, product.category.name, score.score]
        findings = list(product.listing_findings.all())
        if not findings:
            sheet.append([*base, "", "", "", "", "", ""])
        for finding in findings:
            message, fix = finding_text(finding)
            sheet.append([*base, str(finding.get_severity_display()), finding.rule,
                          rules.rule_name(finding.rule), finding.field, message, fix])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (14, 40, 12, 8, 8, 26, 20, 18, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@admin.register(ProductScore)
class ProductScoreAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("product_link", "category", "score_display", "blocking_count",
                    "warning_count", "hint_count", "top_rules", "audited_at", "freshness")
    list_filter = (RuleFilter, SeverityFilter,
                   ("product__category", RelatedDropdownFilter),
                   ("product__status", ChoicesDropdownFilter))
    list_select_related = ("product__category",)
    search_fields = ("product__code", "product__title")
    ordering = ("score", "product_id")
    actions = ["export_excel"]
    actions_list = ["run_audit"]

    has_run_audit_permission = permission_check("listing.run_audit")
    has_export_permission = permission_check("listing.view_productscore")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("product__listing_findings")

    @display(description=_("product"), ordering="product__title")
    def product_link(self, score: ProductScore) -> str:
        return change_link(score.product, f"{score.product.code} {score.product.title}")

    @display(description=_("category"), ordering="product__category__name")
    def category(self, score: ProductScore) -> str:
        return score.product.category.name

    @display(description=_("quality score"), ordering="score")
    def score_display(self, score: ProductScore) -> str:
        level = "blocking" if score.blocking_count else (
            "warning" if score.score < 80 else "hint")
        return severity_badge(level, str(score.score))

    @display(description=_("most frequent rules"))
    def top_rules(self, score: ProductScore) -> str:
        counts = Counter(f.rule for f in score.product.listing_findings.all())
        return "、".join(f"{rules.rule_name(rule)}×{n}" if n > 1 else rules.rule_name(rule)
                        for rule, n in counts.most_common(3))

    @display(description=_("up to date"))
    def freshness(self, score: ProductScore) -> str:
        stale = score.product.updated_at > score.audited_at
        return severity_badge("warning" if stale else "hint",
                              _("changed since") if stale else _("yes"))

    @admin.action(description=_("Export to Excel"), permissions=["export"])
    def export_excel(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(
            export_workbook(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="listing-report-{stamp}.xlsx"'
        return response

    @action(description=_("Audit the whole catalog"), permissions=["run_audit"],
            icon="fact_check", url_path="run-audit")
    def run_audit(self, request):
        return run_standalone(self, request, AUDIT_CATALOG)


@admin.register(AuditRun)
class AuditRunAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("id", "status", "actor", "created_at", "finished_at", "product_count",
                    "blocked_count", "average_score")
    list_filter = (("status", ChoicesDropdownFilter),)


# ---- the owner's word list and check settings -------------------------------------------

@admin.register(WordListEntry)
class WordListEntryAdmin(MasterDataAdmin):
    list_display = ("term", "kind", "category", "severity", "legal_basis", "is_active",
                    "updated_at")
    list_filter = (("kind", ChoicesDropdownFilter), ("category", ChoicesDropdownFilter),
                   "is_active")
    search_fields = ("term", "legal_basis")
    fields = ("kind", "term", "category", "severity", "legal_basis", "is_active")


@admin.register(DeclaredBrand)
class DeclaredBrandAdmin(MasterDataAdmin):
    list_display = ("name", "registration_number", "updated_at")
    search_fields = ("name", "registration_number")
    fields = ("name", "registration_number")


@admin.register(ChannelTitleLimit)
class ChannelTitleLimitAdmin(MasterDataAdmin):
    list_display = ("channel", "name", "max_bytes", "is_active")


@admin.register(CategoryCheck)
class CategoryCheckAdmin(MasterDataAdmin):
    list_display = ("category", "goods_kind", "core_keywords")
    list_filter = (("goods_kind", ChoicesDropdownFilter),)
    autocomplete_fields = ("category",)


@admin.register(ListingPolicy)
class ListingPolicyAdmin(SingletonAdminMixin, MasterDataAdmin):
    list_display = ("__str__", "min_image_count", "max_image_kilobytes", "sku_price_ratio",
                    "min_video_seconds", "max_video_seconds", "max_video_lines")

