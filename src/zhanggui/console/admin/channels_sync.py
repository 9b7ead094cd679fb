"""Console pages of the channel stock sync (库存同步):

- sync rules (shares shown and entered in percent), saved through ``actions_sync.save_rule``;
- the quantities to publish (filter by channel, "differs from last published"), with POST
  buttons "recompute all" and "publish now" per channel;
- the publish log: runs with their lines and, for CSV channels, the file to download;
- a SKU's "sellable per channel" panel (``/channels/sku/<id>/``): its sellable stock and each
  channel's listing, rule, quantity and last push (linked from the SKU's page).

Thin: authorise, call one query or action, render."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import display

from zhanggui.catalog.models import Sku
from zhanggui.channels import actions_sync, queries_sync
from zhanggui.channels.adapters import export_path
from zhanggui.channels.models import PublishedQuantity, PublishLine, PublishRun, SyncRule
from zhanggui.console.formatting import badge
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    adopt,
)
from zhanggui.core.errors import DomainError

PUBLISH = "channels.publish_stock"
VIEW_QUANTITIES = "channels.view_publishedquantity"
HUNDRED = Decimal(100)


def percent(value: Decimal) -> str:
    return f"{(value * HUNDRED).normalize():f} %"


class SyncRuleForm(forms.ModelForm):
    percent = forms.DecimalField(label=_("share of available (%)"), min_value=0, max_value=100,
                                 max_digits=6, decimal_places=2, initial=100,
                                 help_text=_("60 means 60 percent of the pool's stock"))

    class Meta:
        model = SyncRule
        fields = ("channel", "sku", "pool", "percent", "fixed", "min_quantity", "max_quantity",
                  "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["percent"] = (self.instance.percent * HUNDRED).normalize()

    def clean_percent(self) -> Decimal:
        return self.cleaned_data["percent"] / HUNDRED


@admin.register(SyncRule)
class SyncRuleAdmin(ConsoleModelAdmin):
    form = SyncRuleForm
    list_display = ("channel", "sku_display", "pool", "percent_display", "fixed", "min_quantity",
                    "max_quantity", "is_active")
    list_filter = (("channel", RelatedDropdownFilter), ("pool", ChoicesDropdownFilter), "is_active")
    list_select_related = ("channel", "sku")
    search_fields = ("sku__code",)
    autocomplete_fields = ("sku",)

    @display(description=_("SKU"), ordering="sku__code")
    def sku_display(self, rule: SyncRule) -> str:
        return rule.sku.code if rule.sku_id else _("every SKU (default)")

    @display(description=_("share of available"), ordering="percent")
    def percent_display(self, rule: SyncRule) -> str:
        return percent(rule.percent)

    def save_model(self, request, obj: SyncRule, form, change: bool) -> None:
        adopt(obj, actions_sync.save_rule(obj, actor=request.user, changed_fields=form.changed_data))

    def delete_model(self, request, obj: SyncRule) -> None:
        actions_sync.delete_rule(obj, actor=request.user)


class DiffersFilter(admin.SimpleListFilter):
    title = _("publish state")
    parameter_name = "differs"

    def lookups(self, request, model_admin):
        return [("yes", _("differs from last published")), ("no", _("published as computed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            wanted = queries_sync.list_quantities(differs=self.value() == "yes")
            return queryset.filter(pk__in=wanted.values("pk"))
        return queryset


@admin.register(PublishedQuantity)
class PublishedQuantityAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("channel", "sku_link", "quantity", "published_quantity", "state", "computed_at",
                    "published_at")
    list_filter = (("channel", RelatedDropdownFilter), DiffersFilter)
    list_select_related = ("channel", "sku")
    search_fields = ("sku__code__exact",)
    list_before_template = "console/channels_sync/quantities_tools.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("recompute/", wrap(require_POST(recompute_view)), name="channels_sync_recompute"),
            path("publish/<int:channel_id>/", wrap(require_POST(publish_view)),
                 name="channels_sync_publish"),
            path("sku/<int:sku_id>/", wrap(self.sku_view), name="channels_sku_quantities"),
            *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        tools = {"can_publish": request.user.has_perm(PUBLISH),
                 "channels": queries_sync.active_channels()}
        return super().changelist_view(request, {**(extra_context or {}), **tools})

    @display(description=_("SKU"), ordering="sku__code")
    def sku_link(self, row: PublishedQuantity) -> str:
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:channels_sku_quantities", args=[row.sku_id]), row.sku.code)

    @display(description=_("publish state"))
    def state(self, row: PublishedQuantity) -> str:
        if row.published_quantity == row.quantity:
            return badge("ok", _("published"))
        return badge("pending", _("to publish"))

    def sku_view(self, request: HttpRequest, sku_id: int) -> HttpResponse:
        if not request.user.has_perm(VIEW_QUANTITIES):
            raise PermissionDenied
        sku = get_object_or_404(Sku.objects.select_related("product"), pk=sku_id)
        sellable, figures = queries_sync.sku_channel_figures(sku.pk)
        rows = [{"figure": f, "percent": percent(f.rule.percent) if f.rule else ""} for f in figures]
        return TemplateResponse(request, "console/channels_sync/sku_panel.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("Sellable per channel · %(sku)s") % {"sku": sku.code}, "sku": sku,
            "sellable": sellable, "rows": rows,
            "list_url": reverse("admin:channels_publishedquantity_changelist") + f"?q={sku.code}"})


def recompute_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PUBLISH):
        raise PermissionDenied
    result = actions_sync.recompute(actor=request.user)
    messages.success(request, _("Recomputed: %(changed)d quantities changed.")
                     % {"changed": len(result.changed)})
    return HttpResponseRedirect(reverse("admin:channels_publishedquantity_changelist"))


def publish_view(request: HttpRequest, channel_id: int) -> HttpResponse:
    if not request.user.has_perm(PUBLISH):
        raise PermissionDenied
    from zhanggui.channels.queries import get_channel

    try:
        channel = get_channel(channel_id)
        run = actions_sync.publish(channel, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("admin:channels_publishedquantity_changelist"))
    if run is None:
        messages.info(request, _("%(channel)s: nothing differs from what it last got.")
                      % {"channel": channel})
        return HttpResponseRedirect(reverse("admin:channels_publishedquantity_changelist"))
    messages.success(request, _("%(channel)s: %(lines)d quantities pushed (%(status)s).")
                     % {"channel": channel, "lines": run.line_count, "status": run.get_status_display()})
    return HttpResponseRedirect(reverse("admin:channels_publishrun_change", args=[run.pk]))


class PublishLineInline(ReadOnlyTabularInline):
    model = PublishLine
    fields = ("sku", "previous_quantity", "quantity", "ok", "error")
    per_page = 50


@admin.register(PublishRun)
class PublishRunAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("started_at", "channel", "adapter", "trigger", "status_badge", "line_count",
                    "file_link", "actor")
    list_filter = (("channel", RelatedDropdownFilter), ("status", ChoicesDropdownFilter),
                   ("trigger", ChoicesDropdownFilter))
    list_select_related = ("channel", "actor")
    fields = ("channel", "adapter", "trigger", "status_badge", "started_at", "finished_at",
              "line_count", "file_link", "error", "actor")
    readonly_fields = fields
    inlines = [PublishLineInline]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("<int:run_id>/file/", wrap(self.file_view), name="channels_publishrun_file"),
                *super().get_urls()]

    @display(description=_("status"), ordering="status")
    def status_badge(self, run: PublishRun) -> str:
        return badge({"ok": "ok", "partly": "pending", "failed": "low"}.get(run.status, "active"),
                     run.get_status_display())

    @display(description=_("file"))
    def file_link(self, run: PublishRun) -> str:
        if not run.file_name:
            return "—"
        return format_html('<a href="{}" download>{}</a>',
                           reverse("admin:channels_publishrun_file", args=[run.pk]), run.file_name)

    def file_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        if not request.user.has_perm("channels.view_publishrun"):
            raise PermissionDenied
        run = get_object_or_404(PublishRun, pk=run_id)
        stored = export_path(run.file_name)
        if stored is None:
            raise Http404
        return FileResponse(stored.open("rb"), as_attachment=True, filename=run.file_name,
                            content_type="text/csv")
