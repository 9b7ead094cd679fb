"""The storefront script in a real browser: a shop page on another origin includes
``zg.js``, whose batched events (sendBeacon, cross-origin) land in the database.

Skipped when Debian's Chromium (/usr/bin/chromium) is missing; never downloads a browser.
"""

import os
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import OperationalError

from tests import factories
from zhanggui.traffic.actions import create_ingest_key
from zhanggui.traffic.models import Event

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed",
                allow_module_level=True)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.traffic.urls")]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _wait_for_events(count: int, seconds: float = 15) -> list[Event]:
    """Poll until ``count`` events are stored (the beacon is asynchronous)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            events = list(Event.objects.order_by("id"))
        except OperationalError:
            # SQLite's in-memory test database (shared cache) locks a table while the live
            # server's thread writes it, and says so at once instead of waiting: poll again.
            events = []
        if len(events) >= count:
            return events
        time.sleep(0.2)
    return list(Event.objects.order_by("id"))


@pytest.fixture
def shop(live_server, settings, transactional_db):
    """The Zhanggui server at ``localhost``; the shop's page at ``127.0.0.1`` (another
    origin), allowed to send events."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    port = urlsplit(live_server.url).port
    api, shop_origin = f"http://localhost:{port}", f"http://127.0.0.1:{port}"
    settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = [shop_origin]
    _token, key = create_ingest_key("teststore", actor=None)
    product = factories.make_product()
    query = urlencode({"script": f"{api}/static/traffic/zg.js", "source": "ads",
                       "endpoint": f"{api}/api/v1/traffic/events", "key": key,
                       "product": product.code})
    return {"url": f"{shop_origin}/shop/?{query}", "product": product, "settings": settings}


def test_the_script_sends_page_view_and_tracked_events_when_the_visitor_leaves(browser, shop):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(shop["url"])
    assert page.evaluate("typeof zg.track") == "function"
    page.goto("about:blank")   # leaving the page flushes the queue with sendBeacon

    events = _wait_for_events(3)
    assert [e.kind for e in events] == ["page_view", "product_view", "search"]
    assert len({e.visitor_id for e in events}) == 1 and len({e.session_id for e in events}) == 1
    assert {e.source for e in events} == {"ads"} and {e.device for e in events} == {"desktop"}
    assert events[1].product == shop["product"]
    assert events[2].search_term == "火星手机" and events[2].result_count == 0
    assert events[0].url.startswith("http://127.0.0.1:") and events[0].customer is None


def test_the_visitor_is_remembered_across_visits_and_a_new_browser_is_a_new_visitor(
        browser, shop):
    context = browser.new_context()
    first = context.new_page()
    second = context.new_page()   # a new tab: same visitor, new session
    other = browser.new_context().new_page()
    for page in (first, second, other):
        # Each page's three events leave in one beacon; waiting for its answer means the
        # server has stored them before the next page (SQLite allows one writer at a time,
        # and the test reads the table only once every beacon was answered).
        with page.expect_response(lambda r: "/traffic/events" in r.url
                                  and r.request.method == "POST") as stored:
            page.goto(shop["url"])
            page.evaluate("zg.flush()")
        assert stored.value.ok, stored.value.status

    events = _wait_for_events(9)
    assert len(events) == 9
    visitors = [e.visitor_id for e in events if e.kind == "page_view"]
    sessions = [e.session_id for e in events if e.kind == "page_view"]
    assert sorted(Counter(visitors).values()) == [1, 2]   # two tabs of one browser, another
    assert len(set(sessions)) == 3


def test_events_from_an_origin_that_is_not_allowed_are_refused(browser, shop):
    settings = shop["settings"]
    allowed = settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS
    settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = ["https://other-shop.example"]
    page = browser.new_context().new_page()
    # The page's three events leave in one beacon: at the 2-second timer or at the flush.
    with page.expect_response(lambda r: "/traffic/events" in r.url) as refused:
        page.goto(shop["url"])
        page.evaluate("zg.flush()")
    assert refused.value.status == 403
    settings.ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = allowed
    page.evaluate("code => { zg.track('favorite', {product_code: code}); zg.flush(); }",
                  shop["product"].code)

    events = _wait_for_events(1)
    assert [e.kind for e in events] == ["favorite"]
