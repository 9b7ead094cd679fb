"""Console pages of membership: the points ledger (read-only), points balances, the points
and tier policies (the owner changes them), and the customer page's points panel with its
"adjust points" operation (``CustomerPointsMixin``, mixed into the customer admin)."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminIntegerFieldWidget, UnfoldAdminTextInputWidget

from zhanggui.console import history
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import link
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    ReadOnlyAdminMixin,
    SingletonAdminMixin,
    permission_check,
)
from zhanggui.console.operations import Operation, OperationForm, run_single
from zhanggui.customers import points
from zhanggui.customers.models import Customer
from zhanggui.customers.models_points import PointsAccount, PointsEntry, PointsPolicy
from zhanggui.pricing import membership, queries_membership
from zhanggui.pricing.models import TierPolicy

RECENT_ENTRIES = 10
CELLS = ('<tr><td class="pr-4 py-1">{}</td><td class="pr-4 py-1">{}</td>'
         '<td class="pr-4 py-1 text-right">{}</td><td class="pr-4 py-1 text-right">{}</td>'
         '<td class="py-1">{}</td></tr>')


class AdjustPointsForm(OperationForm):
    points = forms.IntegerField(
        label=_("points"), min_value=-(2**31 - 1), max_value=2**31 - 1,
        widget=UnfoldAdminIntegerFieldWidget(),
        help_text=_("positive adds points, negative takes them away (never below 0)"))
    reason = forms.CharField(label=_("reason"), max_length=200,
                             widget=UnfoldAdminTextInputWidget())

    def clean_points(self):
        value = self.cleaned_data["points"]
        if value == 0:
            raise forms.ValidationError(_("Enter a number of points other than 0."))
        return value


ADJUST_POINTS = Operation(
    title=_("Adjust points"),
    perform=lambda customer, data, actor: points.adjust_points(
        customer, points=data["points"], reason=data["reason"], actor=actor),
    done_message=_("Points adjusted."), form_class=AdjustPointsForm,
    help_text=_("Every adjustment is kept in the points ledger with its reason."))


def points_panel(customer: Customer) -> str:
    """The customer's balance, tier and latest points entries, as HTML."""
    membership_row = queries_membership.get_membership(customer)
    tier = membership_row.tier.name if membership_row else _("not a member")
    entries = PointsEntry.objects.filter(account__customer=customer).order_by(
        "-created_at", "-id")[:RECENT_ENTRIES]
    rows = format_html_join("", CELLS, (
        (timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
         entry.get_kind_display(), f"{entry.points:+d}", entry.balance_after, entry.reason)
        for entry in entries))
    url = reverse("admin:customers_pointsentry_changelist") + f"?account__customer__id__exact={customer.pk}"
    return format_html(
        '<div class="points-panel"><p><strong>{}</strong> {} · <strong>{}</strong> {}</p>'
        '<table class="points-entries my-2"><thead><tr><th class="pr-4 text-left">{}</th>'
        '<th class="pr-4 text-left">{}</th><th class="pr-4 text-right">{}</th>'
        '<th class="pr-4 text-right">{}</th><th class="text-left">{}</th></tr></thead>'
        "<tbody>{}</tbody></table><p>{}</p></div>",
        _("Points balance"), points.get_balance(customer), _("Member tier"), tier,
        _("at"), _("kind"), _("points"), _("balance after"), _("reason"),
        rows or format_html("<tr><td colspan=5>{}</td></tr>", _("No points entries yet.")),
        link(url, _("All points entries of this customer")))


class CustomerPointsMixin:
    """Mixed into the customer admin: the points panel and the adjust-points operation."""

    actions_detail = ["adjust_points"]
    has_adjust_points_permission = permission_check("customers.adjust_points")

    @display(description=_("points and membership"))
    def points_summary(self, customer: Customer) -> str:
        if customer.pk is None:
            return "—"
        return points_panel(customer)

    @action(description=_("Adjust points"), permissions=["adjust_points"], icon="toll",
            url_path="adjust-points")
    def adjust_points(self, request: HttpRequest, object_id):
        return run_single(self, request, object_id, ADJUST_POINTS)


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """Every change of every customer's points, newest first; filter by customer from the
    customer page."""

    list_display = ("created_at", "customer", "kind", "points", "balance_after", "reason",
                    "reference", "remaining", "expires_at", "actor")
    list_filter = ("kind", ("created_at", DateRangeFilter), ("expires_at", DateRangeFilter))
    search_fields = ("account__customer__code", "reference", "reason")
    list_select_related = ("account__customer", "actor")

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # the customer page and the balances list link here filtered to one account
        if lookup in ("account__customer__id__exact", "account__id__exact"):
            return True
        return super().lookup_allowed(lookup, value, request)

    @display(description=_("customer"), ordering="account__customer__code")
    def customer(self, entry: PointsEntry) -> str:
        return str(entry.account.customer)


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """Points balances (a liability for finance)."""

    list_display = ("customer", "balance", "updated_at", "entries_link")
    search_fields = ("customer__code", "customer__nickname")
    list_select_related = ("customer",)
    ordering = ("-balance", "id")

    @display(description=_("points entries"))
    def entries_link(self, account: PointsAccount) -> str:
        url = reverse("admin:customers_pointsentry_changelist") + f"?account__id__exact={account.pk}"
        return link(url, _("Ledger"))


class PolicyAdmin(SingletonAdminMixin, ConsoleModelAdmin):
    """One policy row, changed by whoever holds its change permission (the owner)."""

    change_form_after_template = history.TEMPLATE
    change_permission = ""


    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(self.change_permission)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PointsPolicy)
class PointsPolicyAdmin(PolicyAdmin):
    list_display = ("__str__", "points_per_yuan", "points_per_yuan_redeemed", "max_redeem_rate",
                    "expiry_months")
    fields = membership.POINTS_POLICY_FIELDS
    change_permission = "customers.change_pointspolicy"

    def save_model(self, request, obj, form, change) -> None:
        saved = membership.save_points_policy(actor=request.user, **{
            name: form.cleaned_data[name] for name in membership.POINTS_POLICY_FIELDS})
        obj.pk = saved.pk


@admin.register(TierPolicy)
class TierPolicyAdmin(PolicyAdmin):
    list_display = ("__str__", "basis", "review_months", "is_downgrade_one_step")
    fields = membership.TIER_POLICY_FIELDS
    change_permission = "pricing.change_tierpolicy"

    def save_model(self, request, obj, form, change) -> None:
        saved = membership.save_tier_policy(actor=request.user, **{
            name: form.cleaned_data[name] for name in membership.TIER_POLICY_FIELDS})
        obj.pk = saved.pk
