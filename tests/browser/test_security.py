"""Access security as a person meets it, in Debian's Chromium: signing in with an
authenticator code, the lockout message, the alert bell, and a Content-Security-Policy
that the console and the reports pass without a single violation."""

import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.support import screenshot
from zhanggui.accounts import actions

pytestmark = pytest.mark.browser


def _code(secret_b32: str, *, steps_ahead: int = 0) -> str:
    import base64

    totp = TOTP(base64.b32decode(secret_b32), 30, 0, 6, 0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _watch_csp(page: Page) -> list[str]:
    """Collect every CSP violation the page reports (and refused inline scripts)."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' '"
        " + e.blockedURI));")
    return violations


def _sign_in(page: Page, base_url: str, username: str, code: str | None = None) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    if code is not None:
        page.fill("input[name=otp_token]", code)
    page.click("button[type=submit]")


def test_owner_sets_up_totp_then_signs_in_with_a_code(browser_page, live_server, transactional_db):
    page = browser_page
    violations = _watch_csp(page)
    owner = factories.make_staff("owner")
    _sign_in(page, live_server.url, owner.username)
    expect(page.locator("#nav-sidebar-apps")).to_be_visible()

    page.goto(f"{live_server.url}/accounts/staff/two-factor/")
    screenshot(page, "two_factor_off.png")
    page.locator("#two-factor button[type=submit]").click()
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    screenshot(page, "two_factor_setup.png")
    page.fill("input[name=code]", _code(secret))
    page.get_by_role("button", name="开启两步验证").click()
    expect(page.locator(".recovery-code")).to_have_count(10)
    screenshot(page, "two_factor_recovery_codes.png")

    page.context.clear_cookies()
    _sign_in(page, live_server.url, owner.username)  # the password alone is not enough
    expect(page.locator("#login-form")).to_contain_text("两步验证")
    _sign_in(page, live_server.url, owner.username, _code(secret, steps_ahead=1))
    expect(page.locator("#nav-sidebar-apps")).to_be_visible()
    assert violations == []


def test_a_lockout_shows_its_message_and_the_owner_sees_the_alert(
        browser_page, live_server, transactional_db, settings):
    page = browser_page
    violations = _watch_csp(page)
    service = factories.make_staff("service")
    owner = factories.make_staff("owner")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", service.username)
        page.fill("input[name=password]", "not-the-password")
        page.click("button[type=submit]")
    expect(page.locator("#lockout-message")).to_contain_text("锁定")
    screenshot(page, "login_lockout.png")

    # The owner signs in from another address (the test's browser shares 127.0.0.1, so
    # lift the address lock the way the owner would, keeping the account locked).
    actions.unlock_login(username="", ip_address="127.0.0.1", actor=owner)
    actions.change_staff_roles(service, roles=["service", "finance"], actor=owner)
    _sign_in(page, live_server.url, owner.username)
    bell = page.locator("#alert-bell")
    expect(page.locator("#alert-count")).to_have_text("2")  # the lockout and the role change
    bell.click()
    expect(page.locator("#result_list")).to_contain_text("登录被锁定")
    expect(page.locator("#result_list")).to_contain_text(service.username)
    screenshot(page, "alerts.png")
    assert violations == []


CONSOLE_PAGES = ["/", "/orders/order/", "/catalog/product/", "/catalog/sku/",
                 "/accounts/operationlog/", "/accounts/alert/", "/axes/accessattempt/",
                 "/accounts/securitypolicy/", "/reports/overview/",
                 "/reports/sales/", "/pricing/promotion/",
                 "/pricing/promotion/try-cart/", "/imports/importrun/"]


def _queued_import_run(tmp_path, owner) -> int:
    """An import run not yet executed: its page polls the run's status from a script."""
    from zhanggui.imports.actions import create_import_run
    from zhanggui.imports.queries import resolve_profile

    path = tmp_path / "customers.csv"
    path.write_text("customer_id,nickname\nC1,小王\n", encoding="utf-8")
    return create_import_run(path, kind="customers", actor=owner,
                             profile=resolve_profile("customers", "zhanggui")[0]).pk


def test_the_console_and_the_reports_pass_the_content_security_policy(
        browser_page, live_server, transactional_db, tmp_path):
    page = browser_page
    violations = _watch_csp(page)
    owner = factories.make_staff("owner")
    factories.make_order(status="paid")
    run_id = _queued_import_run(tmp_path, owner)
    _sign_in(page, live_server.url, owner.username)
    expect(page.locator("#nav-sidebar-apps")).to_be_visible()
    for url in [*CONSOLE_PAGES, f"/imports/importrun/{run_id}/run/", "/imports/importrun/new/"]:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert "script-src" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []
