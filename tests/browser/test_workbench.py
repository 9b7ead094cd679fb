"""The workbench in a real browser, as the warehouse and as customer service: their own
to-dos first, a click on a count opens the list of exactly those rows, the key numbers
explain themselves, and the page breaks no Content Security Policy. Screenshots under
var/screenshots/ (workbench_warehouse.png, workbench_service.png)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import log_in, screenshot
from tests.console.workbench_support import EXPECTED, ROLE_TODOS, build_todo_store
from zhanggui.orders import actions as order_actions

pytestmark = pytest.mark.browser


def _watch_csp(page: Page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


@pytest.fixture
def todo_store(transactional_db, monkeypatch):
    # The live server needs committed rows, and a commit after a payment queues the automatic
    # review (tested in tests/orders); the store's orders stay as built, like in the
    # console tests.
    monkeypatch.setattr(order_actions, "_queue_review", lambda order_id: None)
    return build_todo_store()


def _is_red(colour: str) -> bool:
    """A CSS colour as the browser computes it (unfold's palette is OKLCH) is a red."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    if colour.startswith("oklch"):
        _lightness, chroma, hue = numbers[:3]
        return chroma > 0.15 and (hue < 40 or hue > 350)
    red, green, blue = numbers[:3]
    return red > 150 and green < 100 and blue < 100


def _cards(page: Page):
    return page.locator("#workbench-todos .workbench-todo")


def test_the_warehouse_opens_its_workbench_and_its_parcels_to_pick(browser_page, live_server,
                                                                todo_store):
    page = browser_page
    violations = _watch_csp(page)
    log_in(page, live_server.url, "warehouse")
    page.goto(f"{live_server.url}/")

    cards = _cards(page)
    expect(cards).to_have_count(len(ROLE_TODOS["warehouse"]))
    for index, code in enumerate(ROLE_TODOS["warehouse"]):
        card = cards.nth(index)
        expect(card).to_have_attribute("data-todo", code)
        expect(card.locator(".workbench-todo-count")).to_have_text(str(EXPECTED[code]))
    expect(page.locator("#workbench-numbers .workbench-figure")).to_have_count(4)
    expect(page.locator("#workbench-cut-off")).to_contain_text(re.compile(r"\d\d:\d\d"))
    expect(page.locator("#workbench-alerts")).to_have_count(0)
    screenshot(page, "workbench_warehouse.png")

    page.locator('[data-todo="parcels_to_pick"]').click()
    expect(page).to_have_url(re.compile(r"/fulfillment/shipment/\?status__exact=pending$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(EXPECTED["parcels_to_pick"])
    assert violations == []


def test_customer_service_sees_deadlines_first_in_red_and_opens_the_overdue_list(
        browser_page, live_server, todo_store):
    page = browser_page
    violations = _watch_csp(page)
    log_in(page, live_server.url, "service")
    page.goto(f"{live_server.url}/")

    cards = _cards(page)
    expect(cards).to_have_count(len(ROLE_TODOS["service"]))
    overdue = page.locator('[data-todo="aftersales_overdue"]')
    expect(overdue).to_have_attribute("data-severity", "danger")
    assert _is_red(overdue.evaluate("card => getComputedStyle(card).borderLeftColor"))
    waiting = page.locator('[data-todo="aftersales_waiting"]')
    assert not _is_red(waiting.evaluate("card => getComputedStyle(card).borderLeftColor"))
    page.locator("#workbench-explain summary").click()
    expect(page.locator("#workbench-explain dl")).to_contain_text("48")
    screenshot(page, "workbench_service.png")

    overdue.click()
    expect(page).to_have_url(re.compile(r"/aftersales/aftersalesrequest/\?todo=overdue$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(EXPECTED["aftersales_overdue"])
    assert violations == []
