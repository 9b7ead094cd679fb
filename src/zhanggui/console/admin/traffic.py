"""Console pages of traffic: the behaviour events, read-only (they arrive through the
ingestion API or the demo seeder, never through a form)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display
from unfold.utils import display_for_label

from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import channel
from zhanggui.console.list_search import IndexedSearchMixin
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin
from zhanggui.traffic.models import Event

# Badge colours of the event kinds: the funnel's later steps stand out.
KIND_COLOURS = {"page_view": "info", "product_view": "info", "search": "primary",
                "favorite": "warning", "add_to_cart": "warning", "checkout_start": "warning",
                "order": "success", "payment": "success"}


@admin.register(Event)
class EventAdmin(IndexedSearchMixin, ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("occurred_at", "kind_display", "visitor", "session", "customer", "product",
                    "order", "search_term", "result_count", "source", "device", "channel_display")
    # No channel filter: listing a million rows' distinct channels would scan the table.
    list_filter = (("kind", ChoicesDropdownFilter), ("source", ChoicesDropdownFilter),
                   ("device", ChoicesDropdownFilter), ("occurred_at", DateRangeFilter))
    list_select_related = ("customer", "product", "order")
    # Exact ids (indexed or cheap) and terms; a full-text scan of a million rows is not.
    search_fields = ("visitor_id__exact", "event_id__exact", "session_id__exact",
                     "search_term__exact")
    fields = ("event_id", "kind", "visitor_id", "session_id", "customer", "product", "order",
              "search_term", "result_count", "source", "channel", "device", "url", "occurred_at",
              "received_at")
    list_per_page = 50

    @display(description=_("kind"), ordering="kind")
    def kind_display(self, event: Event) -> str:
        return display_for_label((event.kind, event.get_kind_display()), "—", KIND_COLOURS)

    @display(description=_("channel"), ordering="channel")
    def channel_display(self, event: Event) -> str:
        return channel(event.channel)

    @display(description=_("visitor id"), ordering="visitor_id")
    def visitor(self, event: Event) -> str:
        return event.visitor_id[:8]

    @display(description=_("session id"))
    def session(self, event: Event) -> str:
        return event.session_id[:8]
