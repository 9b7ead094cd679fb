"""List filters that open exactly the rows a workbench to-do counts."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.aftersales import queries as aftersales_queries


class AftersalesTodoFilter(admin.SimpleListFilter):
    """After-sales requests by what they wait for (``?todo=overdue``): the same conditions as
    the workbench's counts (``aftersales.queries.todo_condition``), at the moment of the
    request."""

    title = _("to-do")
    parameter_name = "todo"

    def lookups(self, request: HttpRequest, model_admin):
        return [("waiting", _("waiting for a decision")),
                ("due_soon", _("decision due soon")),
                ("overdue", _("decision overdue")),
                ("to_receive", _("goods to receive")),
                ("to_refund", _("refund to issue"))]

    def queryset(self, request: HttpRequest, queryset):
        if self.value() in aftersales_queries.TODOS:
            return queryset.filter(aftersales_queries.todo_condition(self.value(), timezone.now()))
        return queryset
