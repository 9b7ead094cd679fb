"""Page-matrix rows of the channel stock sync pages (issue 18, stock sync): sync rules, the
quantities to publish (with the POST-only recompute and publish buttons), the publish log
with its CSV download, a SKU's sellable-per-channel panel and the SKU page's link to it.
``every_kind`` must call ``make_channel_sync_objects(store)`` AFTER
``page_rows_channels.make_channel_objects(store)`` (it adds a rule to that channel, computes
the quantities and publishes one CSV run). The CSV lands in
``settings.ZHANGGUI_CHANNEL_EXPORT_DIR``: the tests' ``export_dir`` fixture should point it at
the test's tmp_path as it does ``ZHANGGUI_EXPORT_DIR``."""

from tests.console.page_kinds import Page, _pk, admin_model, first_pk, model_pages, roles

_SYNC_VIEW = roles("operator", "warehouse", "analyst")  # CHANNEL_SYNC_VIEW + the rules
_EDIT = roles("operator")


def _sku(store: dict) -> dict:
    return {"sku_id": first_pk(admin_model("catalog.sku"))}


PAGES: dict[str, Page] = {
    **model_pages("channels.syncrule", _SYNC_VIEW, _EDIT, _EDIT),
    **model_pages("channels.publishedquantity", _SYNC_VIEW),
    **model_pages("channels.publishrun", _SYNC_VIEW),
    "admin:channels_sync_recompute": Page(_EDIT, post_only=True),
    "admin:channels_sync_publish": Page(_EDIT, lambda store: {
        "channel_id": first_pk(admin_model("channels.channel"))}, post_only=True),
    "admin:channels_sku_quantities": Page(_SYNC_VIEW, _sku),
    "admin:channels_publishrun_file": Page(_SYNC_VIEW, lambda store: {
        "run_id": first_pk(admin_model("channels.publishrun"))}),
    "admin:catalog_sku_open_channel_quantities": Page(
        _SYNC_VIEW, _pk("catalog.sku"),
        redirect=lambda store: f"/channels/publishedquantity/sku/{first_pk(admin_model('catalog.sku'))}/"),
}


def make_channel_sync_objects(store: dict) -> None:
    """A default rule on the store's channel, the quantities computed and one CSV push."""
    from zhanggui.channels import actions_sync
    from zhanggui.channels.models import Channel, ChannelListing, SyncRule

    channel = Channel.objects.order_by("pk").first()
    ChannelListing.objects.filter(channel=channel).update(status="listed")
    SyncRule.objects.get_or_create(channel=channel, sku=None, defaults={"percent": "0.5"})
    actions_sync.recompute()
    actions_sync.publish(channel)
