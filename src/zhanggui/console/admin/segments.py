"""Console pages of segments (人群): the list (members, change since the last evaluation),
each segment's page (definition, size trend chart, who joined and left, link to its
members), its members (personal data masked as elsewhere, each linking to the customer), and
the operations: create, edit the definition, preview a definition now (count and the first
20, nothing saved), deactivate and activate. Members are computed by the warehouse after each
refresh (``analytics.segment_refresh``)."""

import json
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display

from zhanggui.analytics import segment_refresh
from zhanggui.console import history
from zhanggui.console.formatting import badge, percent
from zhanggui.console.mixins import ConsoleModelAdmin, permission_check
from zhanggui.console.operations import Operation, OperationForm, run_single, run_standalone
from zhanggui.customers import queries, queries_segments, segment_fields, segments
from zhanggui.customers.models import Customer
from zhanggui.customers.models_segments import Segment, SegmentKind, SegmentMember
from zhanggui.customers.rules import mask_name, mask_phone

CHANGE = "customers.change_segment"
EXAMPLE = json.dumps({"match": "all", "conditions": [
    {"field": "lifecycle_stage", "op": "eq", "value": "dormant"},
    {"field": "total_spent", "op": "gte", "value": "300"}]}, ensure_ascii=False, indent=1)
DEFINITION_HELP = format_lazy(
    "{} {}", _('{"match": "all" or "any", "conditions": [{"field", "op", "value"}, …]}. Fields:'),
    ", ".join(f"{f.name} ({'/'.join(f.operators)})" for f in segment_fields.FIELDS.values()))


class DefinitionField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 8, "class": "font-mono"})

    def to_python(self, value):
        text = super().to_python(value)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("Not JSON: %(error)s"), params={"error": error}) from None
        if not isinstance(parsed, dict):
            raise forms.ValidationError(_("The definition must be a JSON object."))
        return parsed

    def prepare_value(self, value):
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)


class CreateSegmentForm(OperationForm):
    code = forms.SlugField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=80)
    description = forms.CharField(label=_("description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("kind"), choices=[
        c for c in SegmentKind.choices if c[0] != SegmentKind.EXPERIMENT])
    definition = DefinitionField(label=_("definition"), initial=EXAMPLE, help_text=DEFINITION_HELP)


class EditSegmentForm(OperationForm):
    name = forms.CharField(label=_("name"), max_length=80)
    description = forms.CharField(label=_("description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    definition = DefinitionField(label=_("definition"), help_text=DEFINITION_HELP)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None:
            self.initial = {"name": obj.name, "description": obj.description,
                            "definition": obj.definition}


class PreviewForm(OperationForm):
    definition = DefinitionField(label=_("definition"), help_text=DEFINITION_HELP)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None:
            self.initial = {"definition": obj.definition or EXAMPLE}


def _create(obj, data: dict, actor) -> Segment:
    return segments.create_segment(data["code"], name=data["name"], description=data["description"],
                                   kind=data["kind"], definition=data["definition"], actor=actor)


def _preview(segment, data: dict, actor) -> dict:
    result = segment_refresh.preview(data["definition"])
    found = Customer.objects.in_bulk(result.customer_ids)
    return {"count": result.count, "definition": json.dumps(data["definition"], ensure_ascii=False),
            "customers": [queries.present_customer(found[pk], actor)
                          for pk in result.customer_ids if pk in found]}


CREATE = Operation(
    title=_("New segment"), perform=_create, done_message=_("Segment created."),
    form_class=CreateSegmentForm,
    help_text=_("Its members come with the next warehouse refresh. Preview a definition on a "
                "segment's page before saving it."))
EDIT = Operation(
    title=_("Edit the segment"), form_class=EditSegmentForm, done_message=_("Segment saved."),
    perform=lambda segment, data, actor: segments.update_segment(
        segment, actor=actor, name=data["name"], description=data["description"],
        definition=data["definition"]),
    help_text=_("A new definition takes effect at the next evaluation (after a warehouse "
                "refresh); the members stay until then."))
PREVIEW = Operation(
    title=_("Preview a definition"), form_class=PreviewForm, done_message=_("Previewed."),
    perform=_preview, result_template="console/segments/preview.html",
    help_text=_("Evaluates the definition in the warehouse now: how many customers it selects "
                "and the first 20. Nothing is saved."))
DEACTIVATE = Operation(
    title=_("Deactivate the segment"), done_message=_("Segment deactivated."),
    perform=lambda segment, data, actor: segments.deactivate_segment(segment, actor=actor),
    help_text=_("It is no longer evaluated; its members stay as of its last evaluation."))
ACTIVATE = Operation(
    title=_("Activate the segment"), done_message=_("Segment activated."),
    perform=lambda segment, data, actor: segments.update_segment(segment, actor=actor, is_active=True),
    help_text=_("It is evaluated again after the next warehouse refresh."))


@admin.register(Segment)
class SegmentAdmin(ConsoleModelAdmin):
    change_form_before_template = "console/segments/segment.html"
    change_form_after_template = history.TEMPLATE
    list_display = ("name", "code", "kind", "active_display", "member_count", "change_display",
                    "evaluated_at")
    list_filter = (("kind", ChoicesDropdownFilter), "is_active")
    search_fields = ("code", "name")
    fields = ("code", "name", "description", "kind", "is_active", "member_count", "evaluated_at",
              "created_by", "created_at", "updated_at")
    readonly_fields = fields
    actions_detail = ["edit_one", "preview_one", "deactivate_one", "activate_one"]

    has_edit_segment_permission = permission_check(CHANGE)
    has_preview_segment_permission = permission_check("customers.view_segment")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # every change is an operation

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return run_standalone(self, request, CREATE)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj):
            extra_context = {**(extra_context or {}), **segment_context(obj, request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def detail_action_possible(self, segment: Segment, action_name: str) -> bool:
        if segment.kind == SegmentKind.EXPERIMENT:
            return False
        if action_name == "deactivate_one":
            return segment.is_active
        if action_name == "activate_one":
            return not segment.is_active
        return True

    @display(description=_("active"), ordering="is_active")
    def active_display(self, segment: Segment) -> str:
        return badge("active" if segment.is_active else "inactive",
                     _("active") if segment.is_active else _("inactive"))

    @display(description=_("change since the last evaluation"))
    def change_display(self, segment: Segment) -> str:
        change = queries_segments.change_since_last(segment)
        return "—" if change is None else f"{change:+d}"

    @action(description=_("Edit"), permissions=["edit_segment"], icon="edit", url_path="edit")
    def edit_one(self, request, object_id):
        return run_single(self, request, object_id, EDIT)

    @action(description=_("Preview"), permissions=["preview_segment"], icon="preview",
            url_path="preview")
    def preview_one(self, request, object_id):
        return run_single(self, request, object_id, PREVIEW)

    @action(description=_("Deactivate"), permissions=["edit_segment"], icon="pause",
            url_path="deactivate")
    def deactivate_one(self, request, object_id):
        return run_single(self, request, object_id, DEACTIVATE)

    @action(description=_("Activate"), permissions=["edit_segment"], icon="play_arrow",
            url_path="activate")
    def activate_one(self, request, object_id):
        return run_single(self, request, object_id, ACTIVATE)


def _value_text(value, as_percent: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_value_text(v, as_percent) for v in value)
    if as_percent:  # churn risk: a fraction in the definition, percent on screen
        return percent(Decimal(value), 0)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _is_percent(name: str) -> bool:
    field = segment_fields.FIELDS.get(name)
    return field is not None and field.percent


def segment_context(segment: Segment, viewer) -> dict:
    trend = queries_segments.size_trend(segment)
    conditions = [{**c, "label": str(segment_fields.FIELDS[c["field"]].label)
                   if c["field"] in segment_fields.FIELDS else c["field"],
                   "op_label": str(segment_fields.OPERATOR_LABELS.get(c["op"], c["op"])),
                   "value_text": _value_text(c.get("value"), _is_percent(c["field"]))}
                  for c in (segment.definition or {}).get("conditions", [])]
    members_url = reverse("admin:customers_segmentmember_changelist") + f"?segment__id__exact={segment.pk}"
    return {"segment_trend": [{"at": s.measured_at.strftime("%m-%d %H:%M"), "members": s.member_count,
                               "joined": s.joined, "left": s.left} for s in trend],
            "segment_conditions": conditions, "segment_match": (segment.definition or {}).get("match"),
            "segment_change": queries_segments.change_since_last(segment),
            "segment_members_url": members_url if viewer.has_perm("customers.view_segmentmember") else "",
            "segment_fields": segment_fields.catalogue()}


@admin.register(SegmentMember)
class SegmentMemberAdmin(ConsoleModelAdmin):
    list_display = ("customer_link", "nickname", "masked_name", "masked_phone", "segment", "since")
    list_filter = ("segment",)
    list_select_related = ("customer", "segment")
    search_fields = ("customer__code",)
    fields = ("segment", "customer", "since")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @display(description=_("customer"), ordering="customer__code")
    def customer_link(self, member: SegmentMember) -> str:
        url = reverse("admin:customers_customer_change", args=[member.customer_id])
        return format_html('<a class="text-primary-600 underline" href="{}">{}</a>', url,
                           member.customer.code)

    @display(description=_("nickname"))
    def nickname(self, member: SegmentMember) -> str:
        return member.customer.nickname

    def get_list_display(self, request):
        """Names and phones in full only for staff who may see personal data."""
        columns = list(super().get_list_display(request))
        if queries.can_see_personal_data(request.user):
            columns = [{"masked_name": "full_name", "masked_phone": "full_phone"}.get(c, c)
                       for c in columns]
        return columns

    @display(description=_("name"))
    def masked_name(self, member: SegmentMember) -> str:
        return mask_name(member.customer.name)

    @display(description=_("phone"))
    def masked_phone(self, member: SegmentMember) -> str:
        return mask_phone(member.customer.phone)

    @display(description=_("name"))
    def full_name(self, member: SegmentMember) -> str:
        return member.customer.name

    @display(description=_("phone"))
    def full_phone(self, member: SegmentMember) -> str:
        return member.customer.phone
