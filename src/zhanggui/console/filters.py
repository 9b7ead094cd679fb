"""Changelist filters shared by the console admins."""

from django.core.validators import EMPTY_VALUES
from django.db.models import DateTimeField, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import DropdownFilter, RangeDateFilter
from unfold.utils import parse_date_str

from zhanggui.console.formatting import channel
from zhanggui.console.history import action_label, object_type_name


class DateRangeFilter(RangeDateFilter):
    """An inclusive range of dates in the shop's time zone, on a date or datetime field."""

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        lookup = self.parameter_name
        if isinstance(self.field, DateTimeField):
            lookup += "__date"  # converted in the current (shop) time zone
        filters = {}
        for suffix, operator in (("_from", "gte"), ("_to", "lte")):
            value = self.used_parameters.get(self.parameter_name + suffix)
            if value in EMPTY_VALUES or not isinstance(value, str):
                continue
            day = parse_date_str(value)
            if day is None:
                return queryset.none()
            filters[f"{lookup}__{operator}"] = day
        return queryset.filter(**filters)


class ChannelFilter(DropdownFilter):
    """Orders or customers by sales channel, listed by the channels' names."""

    title = _("channel")
    parameter_name = "channel"

    def lookups(self, request: HttpRequest, model_admin):
        codes = (model_admin.model.objects.order_by("channel").values_list("channel", flat=True)
                 .distinct())
        return [(code, channel(code)) for code in codes]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(channel=self.value()) if self.value() else queryset


class ActionFilter(DropdownFilter):
    """Operation-log entries by action, listed by their translated names."""

    title = _("action")
    parameter_name = "operation"  # "action" is the admin's own POST parameter

    def lookups(self, request: HttpRequest, model_admin):
        codes = (model_admin.model.objects.order_by("action").values_list("action", flat=True)
                 .distinct())
        return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(DropdownFilter):
    """Operation-log entries by the kind of object they are about."""

    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin):
        types = (model_admin.model.objects.order_by("object_type")
                 .values_list("object_type", flat=True).distinct())
        return [(label, object_type_name(label)) for label in types]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(object_type=self.value()) if self.value() else queryset
