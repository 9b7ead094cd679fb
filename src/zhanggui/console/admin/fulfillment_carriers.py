"""Console pages of carriers and tracking: carrier services with their rate card (rows
inline) and waybill range, the tracking events with a carrier-file upload, and — for the
shipment page — the parcel's timeline and a "record event" operation (``ShipmentTracking``,
mixed into ``ShipmentAdmin``). Every save calls ``fulfillment.carriers`` /
``fulfillment.tracking``."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display

from zhanggui.console import history
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import badge
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    adopt,
    permission_check,
)
from zhanggui.console.operations import Operation, OperationForm, run_single
from zhanggui.core.regions import PROVINCES, get_province
from zhanggui.fulfillment import carriers, tracking
from zhanggui.fulfillment.models import (
    CarrierService,
    RateCardRow,
    Shipment,
    TrackingEvent,
    TrackingEventKind,
)
from zhanggui.fulfillment.rules_tracking import FOLLOWED
from zhanggui.fulfillment.tracking_file import import_tracking_file

MANAGE = "fulfillment.manage_carriers"
RECORD = "fulfillment.record_tracking"


# ---- carrier services -------------------------------------------------------------------

class ProvincesField(forms.CharField):
    """Provinces typed as names or codes (新疆、西藏 or 650000, 540000), shown as names;
    cleaned to a list of codes. Empty: the row covers every other province."""

    SEPARATORS = re.compile(r"[\s,，、;；]+")

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(getattr(get_province(code), "name", code) for code in value)
        return value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            return list(value)
        codes, unknown = [], []
        for part in self.SEPARATORS.split(str(value or "").strip()):
            if not part:
                continue
            province = get_province(part) or next(
                (p for p in PROVINCES if part in (p.name, p.name_en) or part.startswith(p.name)),
                None)
            if province is None:
                unknown.append(part)
            elif province.code not in codes:
                codes.append(province.code)
        if unknown:
            raise forms.ValidationError(_("Unknown provinces: %(names)s")
                                        % {"names": "、".join(unknown)})
        return codes


class RateRowForm(forms.ModelForm):
    province_codes = ProvincesField(
        label=_("provinces"), required=False,
        help_text=_("names or codes, e.g. 新疆、西藏; empty: every other province"))

    class Meta:
        model = RateCardRow
        fields = ("province_codes", "first_weight_grams", "first_fee_amount",
                  "additional_weight_grams", "additional_fee_amount", "promised_days")


class RateCardRowInline(TabularInline):
    model = RateCardRow
    form = RateRowForm
    extra = 0
    hide_title = True  # the row's columns say what it is
    fields = RateRowForm.Meta.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(MANAGE)


class WaybillRangeForm(OperationForm):
    prefix = forms.CharField(label=_("waybill prefix"), max_length=10, required=False)
    first = forms.IntegerField(label=_("first number"), min_value=1)
    last = forms.IntegerField(label=_("last number"), min_value=1)
    digits = forms.IntegerField(label=_("digits"), min_value=1, max_value=18, required=False,
                                help_text=_("empty: as before"))


LOAD_WAYBILLS = Operation(
    title=_("Load a waybill range"),
    form_class=WaybillRangeForm,
    perform=lambda service, data, actor: carriers.load_waybill_range(
        service, prefix=data["prefix"], first=data["first"], last=data["last"],
        digits=data["digits"], actor=actor),
    done_message=_("Waybill range loaded."),
    help_text=_("The electronic waybill numbers the carrier gave the shop; tracking numbers "
                "are taken from them in order. A range may not go back below the next unused "
                "number nor overlap another service's numbers."),
)


@admin.register(CarrierService)
class CarrierServiceAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("name", "carrier", "level", "promised_days", "is_active", "is_default",
                    "waybill_range")
    list_filter = (("carrier", ChoicesDropdownFilter), ("level", ChoicesDropdownFilter),
                   "is_active")
    fields = ("carrier", "level", "name", "promised_days", "is_active", "is_default",
              "waybill_range")
    readonly_fields = ("waybill_range",)
    inlines = [RateCardRowInline]
    actions_detail = ["load_waybill_range_one"]

    has_manage_carriers_permission = permission_check(MANAGE)

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # parcels refer to it: deactivate instead

    @display(description=_("waybill range"))
    def waybill_range(self, service: CarrierService) -> str:
        if not service.waybill_last:
            return "—"
        digits = service.waybill_digits
        left = max(service.waybill_last - service.waybill_next + 1, 0)
        return _("%(next)s … %(last)s (%(left)s left)") % {
            "next": carriers.waybill_number(service.waybill_prefix, service.waybill_next, digits),
            "last": carriers.waybill_number(service.waybill_prefix, service.waybill_last, digits),
            "left": left}

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in carriers.SERVICE_FIELDS}
        if change:
            carriers.update_carrier_service(obj, actor=request.user, **{
                name: value for name, value in values.items() if name in form.changed_data})
        else:
            created = carriers.create_carrier_service(**values, actor=request.user)
            adopt(obj, created)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RateCardRow:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these; the action's log is the record.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return None
        rows = [f.cleaned_data for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        carriers.set_rate_card(form.instance, [
            carriers.RateRowIn(tuple(row["province_codes"]), row["first_weight_grams"],
                               row["first_fee_amount"], row["additional_weight_grams"],
                               row["additional_fee_amount"], row.get("promised_days"))
            for row in rows], actor=request.user)
        return None

    @action(description=_("Load waybill range"), permissions=["manage_carriers"],
            icon="confirmation_number", url_path="waybill-range")
    def load_waybill_range_one(self, request, object_id):
        return run_single(self, request, object_id, LOAD_WAYBILLS)


# ---- tracking events --------------------------------------------------------------------

class TrackingFileForm(forms.Form):
    file = forms.FileField(label=_("carrier's tracking file (CSV)"))
    dry_run = forms.BooleanField(label=_("check only, record nothing"), required=False)


@admin.register(TrackingEvent)
class TrackingEventAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("occurred_at", "shipment", "kind_display", "location", "description",
                    "source", "event_id")
    list_filter = (("kind", ChoicesDropdownFilter), ("source", ChoicesDropdownFilter),
                   ("carrier", ChoicesDropdownFilter), ("occurred_at", DateRangeFilter))
    list_select_related = ("shipment",)
    actions_list = ["import_file"]

    has_record_tracking_permission = permission_check(RECORD)

    @display(description=_("kind"), ordering="kind")
    def kind_display(self, event: TrackingEvent) -> str:
        return badge(event.kind, event.get_kind_display())

    @action(description=_("Import a carrier's tracking file"), permissions=["record_tracking"],
            icon="upload_file", url_path="import")
    def import_file(self, request):
        return self.import_view(request)

    def import_view(self, request):
        if not request.user.has_perm(RECORD):
            raise PermissionDenied
        form = TrackingFileForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = import_tracking_file(form.cleaned_data["file"].read(), actor=request.user,
                                          dry_run=form.cleaned_data["dry_run"])
            if result.applied:
                self.message_user(request, _("%(count)d tracking event(s) recorded.")
                                  % {"count": result.recorded}, messages.SUCCESS)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Import a carrier's tracking file"), "form": form,
                   "result": result, "errors": (result.errors[:500] if result else []),
                   "changelist_url": reverse("admin:fulfillment_trackingevent_changelist")}
        return TemplateResponse(request, "console/tracking_import.html", context)


# ---- the shipment page: timeline and "record event" ---------------------------------------

class TrackingEventInline(ReadOnlyTabularInline):
    model = TrackingEvent
    verbose_name_plural = _("tracking")
    fields = ("occurred_at", "kind", "location", "description", "source", "event_id")
    ordering = ("occurred_at", "id")


class ConsoleEventForm(OperationForm):
    kind = forms.ChoiceField(label=_("kind"), choices=TrackingEventKind.choices)
    occurred_at = forms.DateTimeField(label=_("time"), required=False,
                                      help_text=_("empty: now"))
    location = forms.CharField(label=_("location"), max_length=80, required=False)
    description = forms.CharField(label=_("description"), max_length=200, required=False)


RECORD_EVENT = Operation(
    title=_("Record a tracking event"),
    form_class=ConsoleEventForm,
    perform=lambda shipment, data, actor: tracking.record_console_event(
        shipment, kind=data["kind"], occurred_at=data["occurred_at"] or timezone.now(),
        location=data["location"], description=data["description"], actor=actor),
    done_message=_("Tracking event recorded."),
    help_text=_("What the carrier said on the phone or shows on its site. The parcel moves as "
                "with the carrier's own events."),
)


class ShipmentTracking:
    """Mixed into ``ShipmentAdmin``: ``record_event_one`` (a detail action) and the timeline
    inline (``TrackingEventInline``)."""

    has_record_tracking_permission = permission_check(RECORD)

    @staticmethod
    def record_event_possible(shipment: Shipment) -> bool:
        return shipment.status in FOLLOWED

    @action(description=_("Record tracking event"), permissions=["record_tracking"],
            icon="add_location_alt", url_path="record-event")
    def record_event_one(self, request, object_id):
        return run_single(self, request, object_id, RECORD_EVENT)
