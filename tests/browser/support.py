"""What every browser test shares: Debian's Chromium through Playwright (never a
downloaded browser), logging in as a role, and screenshots under var/screenshots/.

Tests take the ``browser_page`` fixture (it skips when /usr/bin/chromium is missing) and
are marked ``pytest.mark.browser``.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def browser_page():
    """A Chinese-locale page in headless Chromium; skips when Debian's Chromium is missing.
    (Registered for every test directory by ``tests/conftest.py``.)"""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000},
                                      accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def log_in(page: Page, base_url: str, role: str) -> None:
    staff = factories.make_staff(role)
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#nav-sidebar-apps")).to_be_visible()


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot; the viewport grows to the page so sticky bars stay at the end."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1440, "height": height})
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
