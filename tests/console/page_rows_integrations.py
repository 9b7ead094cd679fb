"""Page-matrix rows of webhooks (the owner's: only the owner holds the integrations
permissions): endpoints (list, add, read-only page, turn on/off, replay a time range) and the
read-only delivery log. ``make_integrations_objects(store)`` adds what the pages open (an
endpoint and a delivery with one attempt): call it in ``page_store.every_kind`` after an order
was placed (its event is what the endpoint gets)."""

from tests.console.page_kinds import OWNER, Page, _pk, model_pages

_ENDPOINT = _pk("integrations.webhookendpoint")

PAGES: dict[str, Page] = {
    **model_pages("integrations.webhookendpoint", OWNER, OWNER),
    **model_pages("integrations.webhookdelivery", OWNER),
    # Detail actions: a GET shows the confirmation or the range form; the POST acts.
    "admin:integrations_webhookendpoint_enable_one": Page(OWNER, _ENDPOINT),
    "admin:integrations_webhookendpoint_disable_one": Page(OWNER, _ENDPOINT),
    "admin:integrations_webhookendpoint_replay_range_one": Page(OWNER, _ENDPOINT),
}


def make_integrations_objects(store: dict) -> None:
    """An endpoint on a public address (an IP literal: nothing is resolved or sent) and the
    delivery of the first event to it, with one failed attempt."""
    from django.utils import timezone

    from zhanggui.events.models import Event
    from zhanggui.integrations import webhooks
    from zhanggui.integrations.models import WebhookDelivery

    endpoint = webhooks.create_endpoint(url="https://93.184.216.34/hook", description="ERP",
                                        actor=None)
    webhooks.replay(endpoint, Event.objects.order_by("id")[:1], actor=None)
    webhooks.record_attempt(WebhookDelivery.objects.get(endpoint=endpoint), at=timezone.now(),
                            status_code=503, duration_ms=20, excerpt="busy")
    store["webhook_endpoint"] = endpoint
