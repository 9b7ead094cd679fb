"""Unsubscribe links: signed, public, honoured by the next send."""

from datetime import time

import pytest
from django.core import signing

from tests.marketing.campaign_factories import make_campaign, make_contact, make_segment
from zhanggui.marketing import campaigns
from zhanggui.marketing.errors_campaigns import InvalidUnsubscribe
from zhanggui.marketing.models import ContactPolicy, Message, Unsubscribe
from zhanggui.marketing.unsubscribe import (
    make_token,
    read_token,
    record_unsubscribe,
    unsubscribe_url,
)

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_a_token_names_its_customer_and_channel_and_a_forged_one_is_refused():
    assert read_token(make_token(7, "email")) == (7, "email")
    assert read_token(make_token(7)) == (7, "")
    forged = signing.dumps({"c": 8, "ch": ""}, salt="another.salt")
    with pytest.raises(signing.BadSignature):
        read_token(forged)


def test_the_link_page_asks_then_records_the_unsubscription_without_login(client):
    customer = make_contact()
    path = path_of(unsubscribe_url(customer.pk, "email"))

    page = client.get(path)
    assert page.status_code == 200 and "unsubscribe-confirm" in page.content.decode()
    assert not Unsubscribe.objects.exists()

    done = client.post(path)
    assert done.status_code == 200 and "unsubscribe-done" in done.content.decode()
    row = Unsubscribe.objects.get()
    assert (row.customer, row.channel, row.source) == (customer, "email", "link")
    client.post(path)  # a second click changes nothing
    assert Unsubscribe.objects.count() == 1


def test_a_one_click_post_from_a_mail_client_needs_no_csrf_token():
    from django.test import Client

    customer = make_contact()
    response = Client(enforce_csrf_checks=True).post(
        path_of(unsubscribe_url(customer.pk)), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Unsubscribe.objects.get().channel == ""


def test_a_damaged_link_shows_an_error_and_records_nothing(client):
    customer = make_contact()
    path = path_of(unsubscribe_url(customer.pk))
    response = client.post(path[:-5] + "xxxx/")
    assert response.status_code == 400
    assert not Unsubscribe.objects.exists()


def test_an_unsubscription_is_honoured_by_the_next_send():
    ContactPolicy.objects.create(quiet_start=time(0, 0), quiet_end=time(0, 0))
    customer, other = make_contact(), make_contact()
    record_unsubscribe(customer, channel="", source="staff", actor=None)
    campaign = make_campaign(make_segment([customer, other]))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    assert list(Message.objects.values_list("customer_id", flat=True)) == [other.pk]


def test_an_unknown_channel_is_refused():
    with pytest.raises(InvalidUnsubscribe):
        record_unsubscribe(make_contact(), channel="fax", source="staff", actor=None)
    assert not Unsubscribe.objects.exists()
