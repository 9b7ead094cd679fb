"""Console pages of the warehouse floor: waves (list, build form, the wave page with its pick
list, "print pick list", picked, take a parcel out, cancel), the packing bench (look a
parcel up, scan, weigh, finish; plain POST forms, no script), and — mixed into
``ShipmentAdmin`` (``ShipmentWarehouseActions``) — the shipment list's bulk actions: assign
tracking numbers, print labels, print packing slips. Every change calls
``fulfillment.waves`` / ``packing`` / ``waybills`` / ``documents``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from zhanggui.console import history
from zhanggui.console.formatting import badge
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin, permission_check
from zhanggui.console.operations import Operation, OperationForm, run_bulk, run_single
from zhanggui.core.errors import DomainError
from zhanggui.fulfillment import carriers, documents, packing, waves, waybills
from zhanggui.fulfillment.models import (
    Carrier,
    CarrierService,
    PackScan,
    Shipment,
    ShipmentStatus,
    Wave,
    WaveKind,
    WaveStatus,
)
from zhanggui.fulfillment.rules_warehouse import MAX_PARCEL_GRAMS
from zhanggui.inventory.models import Warehouse, WarehouseKind

BUILD = "fulfillment.build_waves"
PACK = "fulfillment.pack_shipment"
LABELS = "fulfillment.print_labels"


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # labels hold the recipient's personal data
    return response


# ---- waves ------------------------------------------------------------------------------

class BuildWavesForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        label=_("warehouse"), required=False, empty_label=_("every warehouse"),
        queryset=Warehouse.objects.filter(is_active=True).exclude(kind=WarehouseKind.DROP_SHIP))
    carrier = forms.ChoiceField(label=_("carrier"), required=False,
                                choices=[("", _("every carrier")), *Carrier.choices])
    kind = forms.ChoiceField(label=_("kind"), required=False,
                             choices=[("", _("single-item and multi-item")), *WaveKind.choices])
    cutoff_at = forms.DateTimeField(label=_("paid before (cut-off)"), required=False,
                                    help_text=_("empty: every reviewed order"))
    max_parcels = forms.IntegerField(label=_("at most parcels"), required=False, min_value=1,
                                     max_value=100_000)


class RemoveParcelForm(OperationForm):
    shipment = forms.ModelChoiceField(label=_("parcel"), queryset=Shipment.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.fields["shipment"].queryset = self.obj.shipments.filter(
                status=ShipmentStatus.PICKING).order_by("pk")


CONFIRM_PICKED = Operation(
    title=_("Confirm the wave picked"),
    perform=lambda wave, data, actor: waves.confirm_picked(wave, actor=actor),
    done_message=_("Wave picked."),
    help_text=_("Every unit of the pick list is in the cart; the parcels go to packing."),
)
REMOVE_PARCEL = Operation(
    title=_("Take a parcel out of the wave"),
    form_class=RemoveParcelForm,
    perform=lambda wave, data, actor: waves.remove_from_wave(data["shipment"], actor=actor),
    done_message=_("The parcel is back among the parcels to pick."),
    help_text=_("A parcel not yet packed goes back to pending, its scans undone; a later wave "
                "takes it."),
)
CANCEL_WAVE = Operation(
    title=_("Cancel the wave"),
    perform=lambda wave, data, actor: waves.cancel_wave(wave, actor=actor),
    done_message=_("Wave cancelled; its parcels are back among the parcels to pick."),
    help_text=_("Only a wave none of whose parcels is packed can be cancelled."),
)


@admin.register(Wave)
class WaveAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    change_form_after_template = "console/fulfillment/wave_after.html"
    list_display = ("number", "warehouse", "carrier", "kind", "status_display", "parcels",
                    "packed", "cutoff_at", "created_at", "created_by")
    list_filter = (("status", ChoicesDropdownFilter), ("warehouse", RelatedDropdownFilter),
                   ("kind", ChoicesDropdownFilter), ("carrier", ChoicesDropdownFilter))
    list_select_related = ("warehouse", "created_by")
    search_fields = ("number__startswith",)
    search_help_text = _("Wave number or its beginning.")
    actions_list = ["build_waves"]
    actions_detail = ["confirm_picked_one", "remove_parcel_one", "cancel_one"]

    has_build_waves_permission = permission_check(BUILD)

    def get_queryset(self, request):
        return waves.list_waves().select_related("created_by")

    def detail_action_possible(self, wave: Wave, action_name: str) -> bool:
        if action_name == "confirm_picked_one":
            return wave.status == WaveStatus.PICKING
        if action_name in ("remove_parcel_one", "cancel_one"):
            return wave.status != WaveStatus.DONE
        return True

    @display(description=_("status"), ordering="status")
    def status_display(self, wave: Wave) -> str:
        return badge(wave.status, wave.get_status_display())

    @display(description=_("parcels"), ordering="parcel_count")
    def parcels(self, wave: Wave) -> int:
        return wave.parcel_count

    @display(description=_("packed"), ordering="packed_count")
    def packed(self, wave: Wave) -> int:
        return wave.packed_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        wave = self.get_object(request, object_id)
        if wave is not None and self.has_view_permission(request, wave):
            extra_context = {
                **(extra_context or {}), "pick_rows": waves.pick_list(wave),
                "wave_parcels": wave.shipments.select_related("order").order_by("pk"),
                "object_history": history.object_history(wave, request.user),
                "pick_list_pdf_url": reverse("admin:fulfillment_wave_pick_list_pdf",
                                             args=[wave.pk])}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path("<path:object_id>/pick-list.pdf",
                 self.admin_site.admin_view(self.pick_list_pdf_view),
                 name="fulfillment_wave_pick_list_pdf"),
            path("packing-bench/", self.admin_site.admin_view(self.packing_bench_view),
                 name="fulfillment_packing_bench"),
            *super().get_urls(),
        ]

    # -- build ------------------------------------------------------------------------------

    @action(description=_("Build waves"), permissions=["build_waves"], icon="waves",
            url_path="build")
    def build_waves(self, request):
        form = BuildWavesForm(request.POST if request.method == "POST" else None)
        changelist = reverse("admin:fulfillment_wave_changelist")
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                built = waves.build_waves(
                    warehouse=data["warehouse"], carrier=data["carrier"] or None,
                    kind=data["kind"] or None, cutoff_at=data["cutoff_at"],
                    max_parcels=data["max_parcels"], actor=request.user)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                if built:
                    self.message_user(request, _("%(waves)d wave(s) built: %(numbers)s.") % {
                        "waves": len(built), "numbers": ", ".join(w.number for w in built)},
                        messages.SUCCESS)
                else:
                    self.message_user(request, _("No pending parcel of a reviewed order "
                                                 "matches: no wave built."), messages.WARNING)
                return HttpResponseRedirect(changelist)
        operation = Operation(title=_("Build waves"), perform=None, done_message="",
                              help_text=_("Pending parcels of reviewed orders, oldest paid "
                                          "first, grouped by warehouse, carrier and single-item "
                                          "or multi-item, at most the policy's wave size each."))
        return TemplateResponse(request, "console/operation_form.html", {
            **self.admin_site.each_context(request), "title": operation.title,
            "operation": operation, "opts": self.model._meta, "rows": [],
            "shared_form": form, "cancel_url": changelist, "bulk": False})

    # -- the wave page ----------------------------------------------------------------------

    def pick_list_pdf_view(self, request, object_id):
        wave = self.get_object(request, object_id)
        if wave is None or not self.has_view_permission(request, wave):
            raise PermissionDenied
        return pdf_response(documents.pick_list_pdf(wave), f"pick-list-{wave.number}.pdf")

    @action(description=_("Picked"), permissions=["build_waves"], icon="done_all",
            url_path="picked")
    def confirm_picked_one(self, request, object_id):
        return run_single(self, request, object_id, CONFIRM_PICKED)

    @action(description=_("Take a parcel out"), permissions=["build_waves"],
            icon="remove_shopping_cart", url_path="remove-parcel")
    def remove_parcel_one(self, request, object_id):
        return run_single(self, request, object_id, REMOVE_PARCEL)

    @action(description=_("Cancel wave"), permissions=["build_waves"], icon="cancel",
            url_path="cancel")
    def cancel_one(self, request, object_id):
        wave = self.get_object(request, object_id)
        response = run_single(self, request, object_id, CANCEL_WAVE)
        if wave is not None and not Wave.objects.filter(pk=wave.pk).exists():
            return HttpResponseRedirect(reverse("admin:fulfillment_wave_changelist"))
        return response

    # -- the packing bench ------------------------------------------------------------------

    def packing_bench_view(self, request):
        if not request.user.has_perm(PACK):
            raise PermissionDenied
        return PackingBench(self, request).respond()


class LookupForm(forms.Form):
    parcel = forms.CharField(label=_("tracking number or parcel id"), max_length=40,
                             widget=forms.TextInput(attrs={"autofocus": True,
                                                           "autocomplete": "off"}))


class ScanForm(forms.Form):
    code = forms.CharField(label=_("scan a barcode or enter a SKU code"), max_length=60,
                           widget=forms.TextInput(attrs={"autofocus": True,
                                                         "autocomplete": "off"}))


class WeightForm(forms.Form):
    weight_grams = forms.IntegerField(label=_("weight (g)"), min_value=1,
                                      max_value=MAX_PARCEL_GRAMS)


class PackingBench:
    """One request at the bench: GET shows the parcel (nothing changes); POST scans,
    finishes or unpacks, then redirects back to the parcel (the answer as a message)."""

    def __init__(self, model_admin: WaveAdmin, request):
        self.admin, self.request = model_admin, request
        self.url = reverse("admin:fulfillment_packing_bench")

    def respond(self):
        request = self.request
        source = request.POST if request.method == "POST" else request.GET
        lookup = source.get("parcel", "").strip()
        parcel = packing.find_parcel(lookup)
        if lookup and parcel is None:
            self.admin.message_user(request, _("No parcel with tracking number or id %(text)s.")
                                    % {"text": lookup[:40]}, messages.ERROR)
        if request.method == "POST" and parcel is not None:
            self._act(parcel, request.POST.get("do", ""))
            return HttpResponseRedirect(f"{self.url}?{urlencode({'parcel': parcel.pk})}")
        return TemplateResponse(request, "console/fulfillment/packing_bench.html", {
            **self.admin.admin_site.each_context(request), "opts": Wave._meta,
            "title": _("Packing bench"), "bench_url": self.url, "parcel": parcel,
            "lookup_form": LookupForm(initial={"parcel": lookup}),
            "scan_form": ScanForm(), "weight_form": WeightForm(),
            "lines": packing.packing_lines(parcel) if parcel else [],
            "scans": (PackScan.objects.filter(shipment=parcel).select_related("scanned_by")
                      .order_by("-id")[:10] if parcel else []),
            "packable": parcel is not None and parcel.status in packing.PACKABLE,
            "packed": parcel is not None and parcel.status == ShipmentStatus.PACKED,
        })

    def _act(self, parcel: Shipment, do: str) -> None:
        request, say = self.request, self.admin.message_user
        try:
            if do == "scan":
                form = ScanForm(request.POST)
                if not form.is_valid():
                    return say(request, _("Scan a barcode or enter a SKU code."), messages.ERROR)
                result = packing.scan(parcel, form.cleaned_data["code"], actor=request.user)
                if result.error is not None:
                    return say(request, str(result.error), messages.ERROR)
                return say(request, _("%(code)s: %(packed)d of %(expected)d unit(s) packed.") % {
                    "code": result.sku_code, "packed": result.packed,
                    "expected": result.expected}, messages.SUCCESS)
            if do == "finish":
                form = WeightForm(request.POST)
                weight = form.cleaned_data["weight_grams"] if form.is_valid() else None
                packing.finish_packing(parcel, weight_grams=weight, actor=request.user)
                return say(request, _("Parcel packed."), messages.SUCCESS)
            if do == "unpack":
                packing.unpack(parcel, actor=request.user)
                return say(request, _("Parcel unpacked: scan its units again."),
                           messages.WARNING)
        except DomainError as exc:
            return say(request, str(exc), messages.ERROR)
        return None


# ---- the shipment list's bulk actions -----------------------------------------------------

class ServiceForm(OperationForm):
    service = forms.ModelChoiceField(
        label=_("carrier service"), queryset=CarrierService.objects.filter(is_active=True),
        help_text=_("Parcels that already have a tracking number keep it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = carriers.default_service()
        if default is not None:
            self.fields["service"].initial = default.pk


ASSIGN_NUMBERS = Operation(
    title=_("Assign tracking numbers"),
    form_class=ServiceForm,
    batch=True,
    perform=lambda parcels, data, actor: len(waybills.assign_tracking_numbers(
        parcels, service=data["service"], actor=actor)["assigned"]),
    done_message=_("%(count)d tracking number(s) assigned from the waybill range."),
    help_text=_("The next numbers of the service's electronic waybill range, in order. When "
                "the range has too few numbers left, none is assigned."),
)


class ShipmentWarehouseActions:
    """Mixed into ``ShipmentAdmin``: assign tracking numbers, print labels (staff with
    ``fulfillment.print_labels``: the label carries the full recipient), print packing slips."""

    warehouse_actions = ["assign_tracking_numbers_selected", "print_labels_selected",
                         "print_packing_slips_selected"]
    has_pack_shipment_permission = permission_check(PACK)

    def has_print_labels_permission(self, request, obj=None) -> bool:
        return request.user.has_perms([PACK, LABELS])

    @admin.action(description=_("Assign tracking numbers"), permissions=["pack_shipment"])
    def assign_tracking_numbers_selected(self, request, queryset):
        return run_bulk(self, request, queryset, ASSIGN_NUMBERS)

    @admin.action(description=_("Print shipping labels"), permissions=["print_labels"])
    def print_labels_selected(self, request, queryset):
        parcels = list(queryset.order_by("pk"))
        return pdf_response(documents.print_labels(parcels, actor=request.user), "labels.pdf")

    @admin.action(description=_("Print packing slips"), permissions=["pack_shipment"])
    def print_packing_slips_selected(self, request, queryset):
        return pdf_response(documents.packing_slips_pdf(list(queryset.order_by("pk"))),
                            "packing-slips.pdf")
