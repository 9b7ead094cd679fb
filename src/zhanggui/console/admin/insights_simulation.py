"""The promotion page's simulations: a detail action "Simulate on a past period" (a form
asking for [start, end], running ``insights.actions_simulation.simulate_promotion``) and, at
the end of the page, the promotion's past simulations (margins only for holders of
``catalog.view_cost``). The promotion admin mixes ``PromotionSimulations`` in."""

from datetime import timedelta

from django import forms
from django.contrib.admin.utils import unquote
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminTextInputWidget

from zhanggui.console.formatting import money, percent
from zhanggui.console.mixins import permission_check
from zhanggui.console.operations import Operation, OperationForm, run_single
from zhanggui.insights.actions_simulation import simulate_promotion
from zhanggui.insights.models import PromotionSimulation
from zhanggui.insights.simulate import UNSUPPORTED_KINDS

TEMPLATE = "console/insights/simulate/promotion_simulations.html"
ADD = "insights.add_promotionsimulation"
VIEW = "insights.view_promotionsimulation"
COST_PERMISSION = "catalog.view_cost"
SHOWN = 20


class DateInput(UnfoldAdminTextInputWidget):
    input_type = "date"  # the browser's date picker; the value is YYYY-MM-DD


class SimulateForm(OperationForm):
    period_start = forms.DateField(label=_("period start"), widget=DateInput)
    period_end = forms.DateField(label=_("period end"), widget=DateInput)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        yesterday = timezone.localdate() - timedelta(days=1)
        self.initial = {"period_start": yesterday - timedelta(days=29), "period_end": yesterday}


SIMULATE = Operation(
    title=_("Simulate on a past period"), form_class=SimulateForm,
    done_message=_("Simulation done: see the results at the end of the page."),
    perform=lambda promotion, data, actor: simulate_promotion(
        promotion, start=data["period_start"], end=data["period_end"], actor=actor),
    # MAX_PERIOD_DAYS (366) is written out: a lazy text interpolated here would be
    # translated once, at import, instead of in each request's language.
    help_text=_("Replays the promotion through the price engine on the orders paid in the period "
                "(at most 366 days, ended before today), as the only offer, at the prices "
                "recorded on the orders; its own dates are ignored and its budget is spent as "
                "it would have been. Nothing but the result is saved."))


def simulation_rows(promotion, user) -> list[dict]:
    """The promotion's latest simulations as the page shows them."""
    show_cost = user.has_perm(COST_PERMISSION)
    rows = []
    for s in (PromotionSimulation.objects.filter(promotion=promotion)
              .select_related("created_by")[:SHOWN]):
        goods = s.goods_amount
        rows.append({
            "id": s.pk, "period": f"{s.period_start} – {s.period_end}", "baskets": s.baskets,
            "orders_affected": s.orders_affected,
            "affected_share": percent(s.orders_affected / s.baskets, 1) if s.baskets else "—",
            "goods_amount": money(goods), "discount_cost": money(s.discount_cost),
            "discount_share": percent(s.discount_cost / goods, 1) if goods else "—",
            "margin_before": money(s.margin_before) if show_cost else None,
            "margin_after": money(s.margin_after) if show_cost else None,
            "near_threshold_orders": s.near_threshold_orders,
            "tier_hits": s.detail.get("tier_hits", {}),
            "top_skus": [{**sku, "discount": money(sku["discount"])}
                         for sku in s.detail.get("top_skus", [])[:5]],
            "created_at": timezone.localtime(s.created_at), "created_by": s.created_by,
        })
    return rows


class PromotionSimulations:
    """Mixed into the promotion admin: the simulate action and the simulations section."""

    has_simulate_promotion_permission = permission_check(ADD)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and request.user.has_perm(VIEW):
            extra_context = {**(extra_context or {}), "simulations_shown": True,
                             "simulations": simulation_rows(obj, request.user),
                             "simulation_costs": request.user.has_perm(COST_PERMISSION),
                             "simulation_possible": obj.kind not in UNSUPPORTED_KINDS}
        return super().change_view(request, object_id, form_url, extra_context)

    def detail_action_possible(self, obj, action_name: str) -> bool:
        if action_name == "simulate_one":
            return obj.kind not in UNSUPPORTED_KINDS
        return super().detail_action_possible(obj, action_name)

    @action(description=_("Simulate on a past period"), permissions=["simulate_promotion"],
            icon="query_stats", url_path="simulate")
    def simulate_one(self, request, object_id):
        return run_single(self, request, object_id, SIMULATE)
