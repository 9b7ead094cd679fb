"""Senders: chosen per channel by settings, addresses read from the customer, and the
rules they rely on (templates, coupon wording, quiet hours, backoff)."""

import logging
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.marketing.campaign_factories import make_contact
from zhanggui.marketing import contact_rules
from zhanggui.marketing.models import Message
from zhanggui.marketing.senders import (
    ConsolePushSender,
    ConsoleSender,
    SmtpSender,
    get_sender,
    message_id,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_each_channel_gets_its_default_sender_unless_settings_name_another(settings):
    assert isinstance(get_sender("email"), SmtpSender)
    assert isinstance(get_sender("sms"), ConsoleSender)
    assert isinstance(get_sender("push"), ConsolePushSender)
    settings.ZHANGGUI_SENDERS = {"email": "zhanggui.marketing.senders.ConsoleSender"}
    assert type(get_sender("email")) is ConsoleSender
    assert isinstance(get_sender("sms"), ConsoleSender)


@pytest.mark.django_db
def test_addresses_come_from_the_customer():
    customer = make_contact()
    assert get_sender("email").address_for(customer) == customer.email
    assert get_sender("sms").address_for(customer) == customer.phone
    assert get_sender("push").address_for(customer) == customer.code
    assert get_sender("email").address_for(make_contact(email=False)) == ""


@pytest.mark.django_db
def test_the_email_sender_uses_django_mail_with_a_stable_message_id(mailoutbox):
    customer = make_contact()
    message = Message(idempotency_key="c1:2:email", customer=customer, channel="email",
                      subject="hi", body="body")
    provider_id = get_sender("email").send(message, customer.email,
                                           headers={"List-Unsubscribe": "<http://x/u/>"})
    assert provider_id == message_id(message) == message_id(Message(idempotency_key="c1:2:email"))
    assert provider_id != message_id(Message(idempotency_key="c1:3:email"))
    sent = mailoutbox[0]
    assert sent.to == [customer.email] and sent.extra_headers["Message-ID"] == provider_id


def test_the_console_sender_logs_the_message(caplog):
    message = Message(idempotency_key="c1:2:sms", channel="sms", subject="", body="回来看看")
    with caplog.at_level(logging.WARNING, logger="zhanggui.marketing.senders"):
        provider_id = ConsoleSender().send(message, "13900000001")
    assert provider_id == "console:c1:2:sms"
    assert "13900000001" in caplog.text and "回来看看" in caplog.text


def test_templates_know_their_variables_and_render_them():
    assert contact_rules.unknown_variables("{nickname} {coupon_code} {{literal}}") == []
    assert contact_rules.unknown_variables("{nickname} {price} {0}") == ["0", "price"]
    assert contact_rules.render("{nickname}：{coupon_value}", {"nickname": "阿珍",
                                                               "coupon_value": "5 折"}) == "阿珍：5 折"
    assert contact_rules.render("{{x}} {valid_until}", {}) == "{x} "


@pytest.mark.parametrize(("kind", "rate", "amount", "text"), [
    ("percent", Decimal("0.50"), None, "5"),
    ("percent", Decimal("0.15"), None, "8.5"),
    ("fixed", None, Decimal("20.00"), "¥20"),
    ("fixed", None, Decimal("7.50"), "¥7.50"),
])
def test_a_coupon_reads_as_a_fold_or_an_amount(kind, rate, amount, text):
    assert text in contact_rules.coupon_value(kind, discount_rate=rate, discount_amount=amount)


@pytest.mark.parametrize(("local", "expected"), [
    (datetime(2026, 5, 1, 22, 0), datetime(2026, 5, 2, 9, 0)),
    (datetime(2026, 5, 1, 3, 0), datetime(2026, 5, 1, 9, 0)),
    (datetime(2026, 5, 1, 9, 0), datetime(2026, 5, 1, 9, 0)),
    (datetime(2026, 5, 1, 20, 59), datetime(2026, 5, 1, 20, 59)),
])
def test_quiet_hours_crossing_midnight_move_a_send_to_their_end(local, expected):
    now = local.replace(tzinfo=SHANGHAI)
    assert contact_rules.next_send_time(now, quiet_start=time(21, 0), quiet_end=time(9, 0),
                                        tz=SHANGHAI) == expected.replace(tzinfo=SHANGHAI)


def test_quiet_hours_within_a_day_and_none_at_all():
    noon = datetime(2026, 5, 1, 12, 30, tzinfo=SHANGHAI)
    assert contact_rules.next_send_time(noon, quiet_start=time(12, 0), quiet_end=time(14, 0),
                                        tz=SHANGHAI) == noon.replace(hour=14, minute=0)
    assert contact_rules.next_send_time(noon, quiet_start=time(0, 0), quiet_end=time(0, 0),
                                        tz=SHANGHAI) == noon


def test_retries_wait_twice_as_long_each_time_up_to_an_hour():
    assert [contact_rules.retry_delay(n) for n in (1, 2, 3, 7, 20)] == [60, 120, 240, 3600, 3600]
