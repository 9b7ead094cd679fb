"""Console pages of the supplier stock feed: the runs (each sync, with its rows and errors)
and the CSV upload. A supplier's account sees and syncs only its own drop-ship warehouse;
warehouse staff any drop-ship warehouse. A file with a bad row changes nothing: the page
lists every bad row with its line."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin, permission_check
from zhanggui.core.errors import DomainError
from zhanggui.inventory import feed
from zhanggui.inventory.errors import FeedRejected
from zhanggui.inventory.models import FeedSource, StockFeedRun, Warehouse, WarehouseKind
from zhanggui.inventory.rules_feed import FeedFileError, decode_feed, parse_feed_csv
from zhanggui.suppliers.queries_dropship import feed_stale_minutes

MAX_FEED_BYTES = 5 * 1024 * 1024


def feed_status(user) -> list[dict]:
    """The last sync of each drop-ship warehouse ``user`` may sync, flagged when older than
    the supply policy allows (for the top of the supplier's lists)."""
    minutes = feed_stale_minutes()
    cutoff = timezone.now() - timedelta(minutes=minutes)
    return [{"name": w.name, "synced_at": w.feed_synced_at, "minutes": minutes,
             "stale": w.feed_synced_at is None or w.feed_synced_at < cutoff}
            for w in feed_warehouses(user)[:10]]


def feed_warehouses(user):
    """The drop-ship warehouses ``user`` may sync (its own supplier's for a supplier)."""
    qs = Warehouse.objects.filter(kind=WarehouseKind.DROP_SHIP, is_active=True).order_by("code")
    allowed = feed.supplier_warehouse_ids(user)
    return qs if allowed is None else qs.filter(pk__in=allowed)


class FeedUploadForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("drop-ship warehouse"), queryset=Warehouse.objects.none())
    file = forms.FileField(label=_("stock feed (CSV)"), help_text=_(
        "First line: sku_code,quantity (or 商家编码,库存); then one SKU a line with the units "
        "you can ship now."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        warehouses = feed_warehouses(user)
        self.fields["warehouse"].queryset = warehouses
        if warehouses.count() == 1:
            self.fields["warehouse"].initial = warehouses.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FEED_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return parse_feed_csv(decode_feed(upload.read()))
        except FeedFileError as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(StockFeedRun)
class StockFeedRunAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("synced_at", "warehouse", "source", "rows", "changed", "result", "actor")
    list_filter = (("warehouse", RelatedDropdownFilter), ("source", ChoicesDropdownFilter),
                   ("synced_at", DateRangeFilter))
    list_select_related = ("warehouse", "actor")
    fields = ("warehouse", "source", "synced_at", "rows", "changed", "actor", "errors_display")
    readonly_fields = fields
    actions_list = ["upload_feed"]
    list_before_template = "console/dropship/feed_status.html"

    has_sync_stock_feed_permission = permission_check("inventory.sync_stock_feed")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        allowed = feed.supplier_warehouse_ids(request.user)
        return qs if allowed is None else qs.filter(warehouse_id__in=allowed)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "feed_status": feed_status(request.user)})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and StockFeedRun.objects.filter(
                pk=object_id if str(object_id).isdigit() else 0).exists():
            raise PermissionDenied  # another supplier's warehouse
        return obj

    def get_list_filter(self, request):
        if feed.supplier_warehouse_ids(request.user) is not None:
            return self.list_filter[1:]
        return self.list_filter

    @display(description=_("result"))
    def result(self, run: StockFeedRun) -> str:
        if run.errors:
            return _("refused: %(count)d bad rows") % {"count": len(run.errors)}
        return _("applied")

    @display(description=_("errors"))
    def errors_display(self, run: StockFeedRun) -> str:
        return "\n".join(f"{e['line']}: {e['sku_code']} {e['message']}" for e in run.errors) or "—"

    @action(description=_("Upload stock feed"), permissions=["sync_stock_feed"],
            icon="upload_file", url_path="upload")
    def upload_feed(self, request):
        form = FeedUploadForm(request.POST or None, request.FILES or None, user=request.user)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                run = feed.sync_stock_feed(form.cleaned_data["warehouse"],
                                           rows=form.cleaned_data["file"],
                                           source=FeedSource.CSV, actor=request.user)
            except FeedRejected as rejected:
                errors = rejected.errors
                self.message_user(request, str(rejected), messages.ERROR)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, _("Stock feed applied: %(rows)d rows, %(changed)d "
                                             "stock rows changed.")
                                  % {"rows": run.rows, "changed": run.changed}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:inventory_stockfeedrun_changelist"))
        return TemplateResponse(request, "console/dropship/feed_upload.html", {
            **self.admin_site.each_context(request), "title": _("Upload stock feed"),
            "opts": self.model._meta, "form": form, "feed_errors": errors,
            "cancel_url": reverse("admin:inventory_stockfeedrun_changelist")})
