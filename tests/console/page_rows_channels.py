"""Page-matrix rows of the channels pages (issue 18, channels): channels, channel listings
and the price conflicts. ``every_kind`` must call ``make_channel_objects(store)`` so that the
object pages have a channel and a listing to open (a JD channel, the store's SKU on it)."""

from tests.console.page_kinds import Page, model_pages, roles

_CHANNEL_VIEW = roles("operator", "warehouse", "finance", "analyst")
_LISTING_VIEW = roles("operator", "finance", "analyst")
_EDIT = roles("operator")

PAGES: dict[str, Page] = {
    **model_pages("channels.channel", _CHANNEL_VIEW, _EDIT),
    **model_pages("channels.channellisting", _LISTING_VIEW, _EDIT),
    "admin:channels_price_conflicts": Page(_LISTING_VIEW),
}


def make_channel_objects(store: dict) -> None:
    """A channel and a listing of the store's SKU on it (for ``page_store.every_kind``)."""
    from zhanggui.channels.models import Channel, ChannelListing

    channel, _created = Channel.objects.get_or_create(code="jd", defaults={
        "name": "京东", "platform": "jd", "commission_rate": "0.08"})
    ChannelListing.objects.get_or_create(channel=channel, sku=store["sku"],
                                         defaults={"price_amount": None})
