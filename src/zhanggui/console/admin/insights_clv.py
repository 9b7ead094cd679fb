"""Customer value on the customer pages: the read-only panel of the customer page
(probability alive, churn risk, expected purchases, CLV, when computed) and the list's
sortable churn-risk and CLV columns with a "churn risk" filter.

The values come from ``customers.CustomerValue`` (``insights.clv_run``, after each warehouse
refresh); a customer without one has not been scored yet (no paid order, or too few
customers for a fit).
"""

from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import DropdownFilter
from unfold.decorators import display

from zhanggui.console.formatting import money, percent
from zhanggui.customers.models import Customer
from zhanggui.customers.models_value import CustomerValue

# The filter's bands of churn risk (fractions): code → (label, lowest, below).
CHURN_BANDS = {
    "high": (format_lazy("{} (≥ 70 %)", _("high churn risk")), Decimal("0.7"), None),
    "medium": (format_lazy("{} (30 % – 70 %)", _("medium churn risk")), Decimal("0.3"), Decimal("0.7")),
    "low": (format_lazy("{} (< 30 %)", _("low churn risk")), None, Decimal("0.3")),
    "unknown": (_("churn risk not computed"), None, None),
}


class ChurnRiskFilter(DropdownFilter):
    title = _("churn risk")
    parameter_name = "churn_risk"

    def lookups(self, request: HttpRequest, model_admin):
        return [(code, label) for code, (label, _low, _high) in CHURN_BANDS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        band = CHURN_BANDS.get(self.value() or "")
        if band is None:
            return queryset
        if self.value() == "unknown":
            return queryset.filter(value__isnull=True)
        _label, low, high = band
        if low is not None:
            queryset = queryset.filter(value__churn_risk__gte=low)
        if high is not None:
            queryset = queryset.filter(value__churn_risk__lt=high)
        return queryset


def _value(customer: Customer) -> CustomerValue | None:
    try:
        return customer.value
    except CustomerValue.DoesNotExist:
        return None


def value_panel(customer: Customer) -> str:
    """The customer's value as HTML (a "not computed yet" line without one)."""
    value = _value(customer)
    if value is None:
        return format_html('<p class="customer-value">{}</p>', _(
            "Not computed yet: customer value is fitted after each warehouse refresh, for "
            "customers with a paid order."))
    rows = (
        (_("Probability alive"), percent(value.probability_alive, 1)),
        (_("Churn risk"), percent(value.churn_risk, 1)),
        (_("Expected purchases"), f"{value.expected_purchases:.2f}"),
        (_("Expected spend per order"), money(value.expected_spend)),
        (_("Customer lifetime value"), money(value.clv)),
        (_("Repeat purchase days"), value.frequency),
        (_("Horizon"), _("%(days)s days") % {"days": value.horizon_days}),
        (_("Computed at"), timezone.localtime(value.computed_at).strftime("%Y-%m-%d %H:%M")),
    )
    cells = format_html("".join('<tr><th class="pr-4 text-left">{}</th><td class="text-right">{}</td></tr>'
                                for _row in rows), *(item for row in rows for item in row))
    return format_html('<table class="customer-value my-2"><tbody>{}</tbody></table>', cells)


class CustomerValueMixin:
    """Mixed into the customer admin: the value panel and the list's value columns."""

    @display(description=_("customer value"))
    def value_summary(self, customer: Customer) -> str:
        if customer.pk is None:
            return "—"
        return value_panel(customer)

    @display(description=_("churn risk"), ordering="value__churn_risk")
    def churn_risk_display(self, customer: Customer) -> str:
        value = _value(customer)
        return percent(value.churn_risk, 1) if value else "—"

    @display(description=_("CLV"), ordering="value__clv")
    def clv_display(self, customer: Customer) -> str:
        value = _value(customer)
        return money(value.clv) if value else "—"
