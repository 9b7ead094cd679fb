"""The public rating page: the signed link is the credential; one rating; expired or
forged links change nothing."""

import pytest
from django.core import signing
from django.test import Client

from tests import factories
from tests.service.support import always_open_policy, open_chat
from zhanggui.service import actions, rating
from zhanggui.service.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_ticket():
    ticket = open_chat()
    return actions.close_ticket(ticket, actor=factories.make_staff("service"))


def test_a_customer_rates_a_closed_ticket_once_without_logging_in(closed_ticket):
    client = Client()
    path = rating.rating_path(closed_ticket)
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and closed_ticket.number in page.content.decode()
    done = client.post(path, {"rating": "5", "comment": "很满意"})
    assert done.status_code == 200 and 'id="rating-thanks"' in done.content.decode()
    closed_ticket.refresh_from_db()
    assert (closed_ticket.rating, closed_ticket.rating_comment) == (5, "很满意")
    again = client.post(path, {"rating": "1"})
    assert again.status_code == 409
    closed_ticket.refresh_from_db()
    assert closed_ticket.rating == 5


def test_a_forged_or_altered_link_changes_nothing(closed_ticket):
    client = Client()
    forged = signing.dumps({"ticket": closed_ticket.pk, "number": closed_ticket.number},
                           salt="another.salt")
    token = rating.make_token(closed_ticket)
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        response = client.post(f"/rate/{bad}/", {"rating": "1"})
        assert response.status_code == 400 and 'id="rating-error"' in response.content.decode()
    assert Ticket.objects.get(pk=closed_ticket.pk).rating is None


def test_an_expired_link_says_so_and_changes_nothing(closed_ticket, monkeypatch):
    always_open_policy(csat_link_days=1)
    path = rating.rating_path(closed_ticket)
    real_loads = signing.loads
    monkeypatch.setattr(signing, "loads", lambda *a, **k: real_loads(*a, **{**k, "max_age": -1}))
    response = Client().post(path, {"rating": "4"})
    assert response.status_code == 400
    assert Ticket.objects.get(pk=closed_ticket.pk).rating is None


def test_an_open_ticket_cannot_be_rated_yet_and_a_bad_choice_is_refused(closed_ticket):
    ticket = open_chat()
    response = Client().post(rating.rating_path(ticket), {"rating": "5"})
    assert response.status_code == 409 and 'id="rating-not-done"' in response.content.decode()
    bad = Client().post(rating.rating_path(closed_ticket), {"rating": "9"})
    assert bad.status_code == 422
    assert not Ticket.objects.filter(rating__isnull=False).exists()
