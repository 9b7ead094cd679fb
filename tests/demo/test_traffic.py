"""The demo store's behaviour events are consistent with its orders and look like a shop's
traffic: every order has its visit, payments match, funnels narrow, searches can fail."""

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db.models import Count

from tests.demo.conftest import TODAY
from zhanggui.demo.traffic_seed import ZERO_RESULT_TERMS
from zhanggui.orders.models import Order, Payment, PaymentStatus
from zhanggui.traffic.models import Device, Event, TrafficSource


def _visitors(**filters) -> set[str]:
    return set(Event.objects.filter(**filters).values_list("visitor_id", flat=True))


def test_the_seed_reports_the_traffic_it_wrote(store):
    assert "traffic events written" in store
    assert Event.objects.count() > 20 * Order.objects.count() // 10


def test_every_order_has_exactly_one_order_event_at_its_placement(store):
    events = {e.order_id: e for e in Event.objects.filter(kind="order")}
    assert Event.objects.filter(kind="order").count() == Order.objects.count() == len(events)
    for order in Order.objects.all():
        event = events[order.pk]
        assert event.occurred_at == order.placed_at and event.customer_id == order.customer_id


def test_every_order_visit_views_and_carts_the_ordered_products_before_checkout(store):
    sessions = defaultdict(list)
    order_sessions = dict(Event.objects.filter(kind="order").values_list("order_id", "session_id"))
    for event in Event.objects.filter(session_id__in=order_sessions.values()):
        sessions[event.session_id].append(event)
    for order in Order.objects.prefetch_related("lines__sku"):
        visit = sessions[order_sessions[order.pk]]
        ordered = {line.sku.product_id for line in order.lines.all()}
        kinds = Counter(e.kind for e in visit)
        assert kinds["page_view"] >= 1 and kinds["checkout_start"] == 1, order.number
        assert {e.product_id for e in visit if e.kind == "product_view"} >= ordered
        assert {e.product_id for e in visit if e.kind == "add_to_cart"} == ordered
        assert len({e.visitor_id for e in visit}) == 1
        before = [e for e in visit if e.kind not in ("order", "payment")]
        assert all(e.occurred_at < order.placed_at for e in before), order.number


def test_payment_events_match_the_successful_payments(store):
    paid = {p.order_id: p.created_at for p in Payment.objects.filter(
        status=PaymentStatus.SUCCEEDED)}
    events = list(Event.objects.filter(kind="payment"))
    assert len(events) == len(paid) == len({e.order_id for e in events}) > 0
    assert all(paid[e.order_id] == e.occurred_at for e in events)
    assert Payment.objects.filter(status=PaymentStatus.FAILED).exists()


def test_searches_include_terms_without_results(store):
    searches = Event.objects.filter(kind="search")
    assert not searches.filter(search_term="").exists()
    assert not searches.filter(result_count__isnull=True).exists()
    zero = set(searches.filter(result_count=0).values_list("search_term", flat=True))
    assert zero & set(ZERO_RESULT_TERMS)
    found = searches.filter(result_count__gt=0)
    assert found.count() > searches.filter(result_count=0).count()
    assert not zero & set(found.values_list("search_term", flat=True))


def test_funnels_narrow_from_visitors_to_buyers(store):
    visitors = _visitors()
    viewers = _visitors(kind="product_view")
    carters = _visitors(kind="add_to_cart")
    buyers = _visitors(kind="order")
    payers = _visitors(kind="payment")
    assert len(visitors) > len(viewers) > len(carters) > len(buyers) >= len(payers) > 0
    assert buyers <= carters <= visitors and viewers <= visitors
    assert len(buyers) / len(visitors) < 0.25


def test_many_visits_bounce_after_one_page(store):
    sizes = Event.objects.values("session_id").annotate(n=Count("id"))
    one_page = sum(1 for s in sizes if s["n"] == 1)
    assert 0.3 < one_page / len(sizes) < 0.6
    carted = set(Event.objects.filter(kind="add_to_cart").values_list("session_id", flat=True))
    ordered = set(Event.objects.filter(kind="order").values_list("session_id", flat=True))
    assert carted - ordered, "some visitors add to cart and leave"


def test_sources_and_devices_have_a_shops_mix(store):
    sources = Counter(Event.objects.values_list("source", flat=True))
    assert set(sources) == set(TrafficSource.values)
    top_two = {s for s, _n in sources.most_common(2)}
    assert top_two == {"search", "ads"}
    devices = Counter(Event.objects.values_list("device", flat=True))
    assert set(devices) == set(Device.values) and devices.most_common(1)[0][0] == "mobile"
    assert devices["mobile"] > sum(devices.values()) / 2


def test_campaign_traffic_peaks_at_the_shopping_festivals(store):
    def campaign_share(**day) -> float:
        events = Event.objects.filter(**{f"occurred_at__{k}": v for k, v in day.items()})
        counts = Counter(events.values_list("source", flat=True))
        return counts["campaign"] / max(1, sum(counts.values()))
    festival = campaign_share(month=11, day__lte=11)
    ordinary = campaign_share(month=8)
    assert festival > 3 * ordinary > 0


def test_no_event_lies_in_the_future_and_ids_are_unique(store):
    now = datetime.combine(TODAY, time(20, 30), tzinfo=ZoneInfo(django_settings.TIME_ZONE))
    assert not Event.objects.filter(occurred_at__gt=now).exists()
    assert Event.objects.filter(occurred_at__gt=now - timedelta(hours=2)).exists()
    assert Event.objects.values("event_id").distinct().count() == Event.objects.count()
    assert {e.version for e in Event.objects.values_list("event_id", flat=True)[:500]} == {4}

