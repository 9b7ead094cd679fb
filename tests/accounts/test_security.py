"""Login and token throttling, lockouts and unlocking, two-step verification, the security
policy and the alerts of risky operations."""

import time
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from zhanggui.accounts import actions
from zhanggui.accounts.errors import WeakPassword
from zhanggui.accounts.models import Alert, AlertKind, OperationLog, Staff, StaffSession
from zhanggui.accounts.rules import login_delay
from zhanggui.aftersales.actions import issue_refund

LOGIN = "/login/"
LIMIT = 5


def _post_login(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra},
                       REMOTE_ADDR=extra.pop("ip", "10.0.0.1"))


def _fail(client: Client, username: str, times: int, ip: str = "10.0.0.1"):
    for _attempt in range(times):
        response = client.post(LOGIN, {"username": username, "password": "wrong-password-x"},
                               REMOTE_ADDR=ip)
    return response


def _is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The authenticator's code now, or ``steps_ahead`` time steps later (a code is accepted
    once, and one step early or late; a test that confirmed a device uses the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.parametrize("password", ["short-1", "password123", "1234567890123",
                                      "colleague-shop-7"])
def test_a_weak_password_is_refused_and_nothing_is_created(db, password):
    with pytest.raises(WeakPassword):
        actions.create_staff("colleague-shop", password=password, roles=["service"],
                             actor=None, email="colleague-shop7@example.com")
    assert not Staff.objects.filter(username="colleague-shop").exists()


# ---- throttling -----------------------------------------------------------------------------

def test_login_without_next_opens_the_console_home(db):
    owner = factories.make_staff("owner")
    response = _post_login(Client(), owner.username, factories.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_locked_account_cannot_log_in_even_with_the_right_password(db):
    owner = factories.make_staff("owner")
    client = Client()
    response = _fail(client, owner.username, LIMIT)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()  # the lockout message, in Chinese by default

    response = _post_login(client, owner.username, factories.PASSWORD)

    assert response.status_code == 429 and not _is_logged_in(client)
    # From another address too: the account itself is locked.
    other = Client()
    assert other.post(LOGIN, {"username": owner.username, "password": factories.PASSWORD},
                      REMOTE_ADDR="10.9.9.9").status_code == 429


def test_the_lockout_message_is_english_for_an_english_browser(db):
    owner = factories.make_staff("owner")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _fail(client, owner.username, LIMIT)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()


def test_a_lockout_is_logged_and_alerts_the_owner_once(db):
    owner = factories.make_staff("owner")
    client = Client()
    _fail(client, owner.username, LIMIT + 3)

    assert OperationLog.objects.filter(action="accounts.lockout").count() == 1
    alert = Alert.objects.get(kind=AlertKind.LOCKOUT)
    assert owner.username in alert.message and "10.0.0.1" in alert.message


def test_failures_from_one_address_lock_that_address_for_every_account(db):
    accounts = [factories.make_staff("service") for _i in range(LIMIT)]
    client = Client()
    for staff in accounts:
        _fail(client, staff.username, 1, ip="10.1.1.1")
    victim = factories.make_staff("operator")

    locked = client.post(LOGIN, {"username": victim.username, "password": factories.PASSWORD},
                         REMOTE_ADDR="10.1.1.1")
    elsewhere = Client().post(LOGIN, {"username": victim.username,
                                      "password": factories.PASSWORD}, REMOTE_ADDR="10.2.2.2")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_the_owner_unlocks_and_the_right_password_then_works(db):
    owner = factories.make_staff("owner")
    colleague = factories.make_staff("service")
    client = Client()
    _fail(client, colleague.username, LIMIT)
    attempt = AccessAttempt.objects.get(username=colleague.username)

    actions.unlock_login(username=attempt.username, ip_address=attempt.ip_address, actor=owner)

    assert _post_login(client, colleague.username, factories.PASSWORD).status_code == 302
    assert _is_logged_in(client)
    entry = OperationLog.objects.get(action="accounts.unlock_login")
    assert entry.actor == owner and entry.after["username"] == colleague.username


def test_unlocking_from_the_console_is_for_the_owner_only(db, login):
    colleague = factories.make_staff("service")
    _fail(Client(), colleague.username, LIMIT)
    attempt = AccessAttempt.objects.get(username=colleague.username)
    changelist = reverse("admin:axes_accessattempt_changelist")
    form = {"action": "unlock_selected", "_selected_action": [attempt.pk], "apply": "1"}

    operator = login("operator")
    assert operator.get(changelist).status_code == 403
    operator.post(changelist, form)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()

    owner = login("owner")
    page = owner.get(changelist)
    assert page.status_code == 200 and colleague.username in page.content.decode()
    owner.post(changelist, form)
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_the_lock_expires_after_the_cool_off(db, settings):
    owner = factories.make_staff("owner")
    client = Client()
    _fail(client, owner.username, LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME
                                 - timedelta(seconds=1))

    assert _post_login(client, owner.username, factories.PASSWORD).status_code == 302


def test_failed_logins_are_answered_more_slowly_each_time(db, settings, monkeypatch):
    settings.ZHANGGUI_LOGIN_DELAY_SECONDS = 0.5
    slept = []
    # Only the throttling module's view of ``time`` is replaced: patching ``time.sleep`` itself
    # would also change it for every thread of the process (a Spark gateway's finalizer thread
    # left by an earlier test sleeps in a loop, and would spin and record its sleeps here).
    monkeypatch.setattr("zhanggui.accounts.throttling.time", SimpleNamespace(sleep=slept.append))
    owner = factories.make_staff("owner")

    _fail(Client(), owner.username, 4)

    assert slept == [0.5, 1.0, 2.0]


@given(st.integers(min_value=-5, max_value=60),
       st.floats(min_value=0, max_value=10, allow_nan=False))
def test_login_delay_never_decreases_and_stays_under_the_cap(failures, base):
    delay, following = (login_delay(failures, base_seconds=base),
                        login_delay(failures + 1, base_seconds=base))
    assert 0 <= delay <= following <= 4.0


def test_wrong_api_tokens_lock_the_address_with_a_json_429(db):
    staff = factories.make_staff("analyst")
    _token, secret = actions.create_api_token(staff, name="bi", actor=staff)
    client = Client()
    url = "/api/v1/accounts/me"
    for _attempt in range(LIMIT - 1):
        wrong = client.get(url, HTTP_AUTHORIZATION="Bearer zg_wrongwrongwrong", REMOTE_ADDR="10.3.3.3")
        assert wrong.status_code == 401
    locking = client.get(url, HTTP_AUTHORIZATION="Bearer zg_wrongwrongwrong", REMOTE_ADDR="10.3.3.3")
    assert locking.status_code == 429 and locking.json()["code"] == "too_many_attempts"

    right_but_locked = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="10.3.3.3")
    elsewhere = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="10.4.4.4")

    assert right_but_locked.status_code == 429
    assert right_but_locked.json()["code"] == "too_many_attempts"
    assert elsewhere.status_code == 200
    assert Alert.objects.filter(kind=AlertKind.LOCKOUT).count() == 1
    assert secret[:8] not in Alert.objects.get().message  # a right token's prefix is not logged


# ---- two-step verification ------------------------------------------------------------------

def _enable_totp(staff) -> tuple[TOTPDevice, list[str]]:
    device = actions.start_totp_setup(staff)
    codes = actions.confirm_totp_device(staff, code=_totp_code(device), actor=staff)
    device.refresh_from_db()
    return device, codes


def test_setting_up_totp_through_the_page_gives_recovery_codes(db, login):
    client = login("service")
    page = reverse("admin:accounts_two_factor")
    assert "Set up two-step verification" in client.get(
        page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    started = client.post(page, {"step": "start"})
    assert started.status_code == 200 and "totp-secret" in started.content.decode()
    device = TOTPDevice.objects.get(user=client.staff, confirmed=False)

    wrong_code = "000000" if _totp_code(device) != "000000" else "111111"
    wrong = client.post(page, {"step": "confirm", "code": wrong_code})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(confirmed=True).exists()
    confirmed = client.post(page, {"step": "confirm", "code": _totp_code(device)})

    assert confirmed.status_code == 200
    assert confirmed.content.decode().count('class="bg-base-100 px-3 py-1') == 10
    assert TOTPDevice.objects.get(user=client.staff).confirmed
    assert OperationLog.objects.filter(action="accounts.enable_second_factor",
                                       actor=client.staff).exists()


def test_with_totp_on_the_password_alone_does_not_log_in(db):
    staff = factories.make_staff("finance")
    device, _codes = _enable_totp(staff)
    client = Client()

    without = _post_login(client, staff.username, factories.PASSWORD)
    assert without.status_code == 200 and not _is_logged_in(client)

    with_code = _post_login(client, staff.username, factories.PASSWORD,
                            otp_token=_totp_code(device, steps_ahead=1))
    assert with_code.status_code == 302 and _is_logged_in(client)


def test_a_recovery_code_logs_in_once(db):
    staff = factories.make_staff("finance")
    _device, codes = _enable_totp(staff)

    first = Client()
    assert _post_login(first, staff.username, factories.PASSWORD, otp_token=codes[0]).status_code == 302
    again = Client()
    assert _post_login(again, staff.username, factories.PASSWORD, otp_token=codes[0]).status_code == 200
    assert not _is_logged_in(again)


def test_wrong_codes_count_towards_the_lockout(db):
    staff = factories.make_staff("finance")
    device, _codes = _enable_totp(staff)
    client = Client()
    for _attempt in range(LIMIT):
        response = _post_login(client, staff.username, factories.PASSWORD, otp_token="12345678")
    assert response.status_code == 429
    assert _post_login(client, staff.username, factories.PASSWORD,
                       otp_token=_totp_code(device, steps_ahead=1)).status_code == 429


def test_an_owner_without_totp_is_sent_to_the_setup_when_the_shop_requires_it(db, login):
    client = login("owner")
    assert client.get("/").status_code == 200
    actions.set_security_policy(owner_requires_second_factor=True, actor=client.staff)

    response = client.get("/orders/order/")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_two_factor")
    assert client.get(reverse("admin:accounts_two_factor")).status_code == 200
    assert client.get("/api/v1/accounts/me").json()["code"] == "second_factor_required"
    # Other roles are not affected.
    assert login("operator").get("/").status_code == 200


def test_an_unverified_owner_session_is_ended_when_the_rule_turns_on(db, login):
    client = login("owner")
    _enable_totp(client.staff)  # the session was opened without a code (force_login)
    actions.set_security_policy(owner_requires_second_factor=True, actor=client.staff)

    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not StaffSession.objects.filter(staff=client.staff).exists()


def test_turning_the_policy_on_is_logged_and_alerted(db):
    owner = factories.make_staff("owner")
    actions.set_security_policy(owner_requires_second_factor=True, actor=owner)
    assert OperationLog.objects.filter(action="accounts.set_security_policy").count() == 1
    assert Alert.objects.filter(kind=AlertKind.ROLE_CHANGE).count() == 1


# ---- alerts ---------------------------------------------------------------------------------

def test_a_refund_above_the_threshold_alerts_and_mails_the_owner(
        db, settings, django_capture_on_commit_callbacks):
    settings.ZHANGGUI_ALERT_EMAILS = True
    settings.ZHANGGUI = {**settings.ZHANGGUI, "ALERT_REFUND_AMOUNT": "10.00"}
    owner = factories.make_staff("owner")
    owner.email = "owner@example.com"
    owner.save()
    order = factories.make_order(quantity=2, status="paid")

    with django_capture_on_commit_callbacks(execute=True):
        issue_refund(order, amount=Decimal("5.00"), reason="small", actor=owner)
        assert not Alert.objects.exists()
        issue_refund(order, amount=Decimal("11.00"), reason="large", actor=owner)

    alert = Alert.objects.get(kind=AlertKind.REFUND)
    assert order.number in alert.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.com"]


def test_a_role_change_alerts_and_the_bell_shows_it(db, login):
    owner_client = login("owner")
    colleague = factories.make_staff("service")
    assert 'id="alert-count"' not in owner_client.get("/").content.decode()

    actions.change_staff_roles(colleague, roles=["service", "finance"], actor=owner_client.staff)

    page = owner_client.get("/").content.decode()
    assert 'id="alert-bell"' in page and 'id="alert-count"' in page
    assert "alert-bell" not in login("operator").get("/").content.decode()
    alert = Alert.objects.get(kind=AlertKind.ROLE_CHANGE)
    actions.mark_alerts_read([alert], actor=owner_client.staff)
    assert 'id="alert-count"' not in owner_client.get("/").content.decode()


def test_a_small_price_change_does_not_alert_but_a_big_one_does(db):
    from zhanggui.pricing.actions import change_prices

    operator = factories.make_staff("operator")
    skus = [factories.make_listed_sku() for _i in range(3)]
    change_prices(skus, rate=Decimal("-0.05"), actor=operator)
    assert not Alert.objects.exists()

    change_prices(skus, rate=Decimal("-0.5"), actor=operator)

    alert = Alert.objects.get(kind=AlertKind.BULK_PRICE_CHANGE)
    assert alert.actor == operator and skus[0].code in alert.message
