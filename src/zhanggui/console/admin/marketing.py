"""Console pages of marketing: ad spend by day, channel and product, entered by operators
(finance and analysts read it); saved and deleted through ``marketing.actions``."""

from django.contrib import admin
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter

from zhanggui.console import history
from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.mixins import ConsoleModelAdmin
from zhanggui.marketing import actions
from zhanggui.marketing.models import AdSpend


@admin.register(AdSpend)
class AdSpendAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("day", "channel", "product", "amount", "note", "created_by")
    list_filter = (("day", DateRangeFilter), ("channel", ChoicesDropdownFilter),
                   ("product", RelatedDropdownFilter))
    list_select_related = ("product", "created_by")
    search_fields = ("product__title", "note")
    fields = ("day", "channel", "product", "amount", "note")
    autocomplete_fields = ("product",)
    date_hierarchy = "day"

    def save_model(self, request, obj: AdSpend, form, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in self.fields}
        if change:
            saved = actions.update_ad_spend(obj, actor=request.user, **data)
        else:
            saved = actions.record_ad_spend(actor=request.user, **data)
        obj.pk = saved.pk

    def delete_model(self, request, obj: AdSpend) -> None:
        actions.delete_ad_spend(obj, actor=request.user)
