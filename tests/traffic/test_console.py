"""The console's events page: read-only, filterable, open to analysts and operators only."""

import pytest
from django.urls import reverse

from tests.traffic.support import raw_event
from zhanggui.traffic.actions import ingest_events
from zhanggui.traffic.models import Event

CHANGELIST = "admin:traffic_event_changelist"
pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    ingest_events([raw_event(kind="search", search_term="羽绒服", result_count=0),
                   raw_event(kind="page_view", source="live", device="tablet")], actor=None)
    return list(Event.objects.order_by("id"))


@pytest.mark.parametrize("role", ["analyst", "operator", "owner"])
def test_readers_see_the_events_list_in_chinese(login, events, role):
    html = login(role).get(reverse(CHANGELIST)).content.decode()
    assert "行为事件" in html and "羽绒服" in html and "页面浏览" in html


def test_the_list_filters_by_kind_source_and_device(login, events):
    client = login("analyst")

    def shown(**query) -> list[str]:
        response = client.get(reverse(CHANGELIST), query)
        assert response.status_code == 200
        return [event.kind for event in response.context["cl"].result_list]

    assert shown(kind="search") == ["search"]
    assert shown(device="tablet", source="live") == ["page_view"]
    assert shown(source="ads") == []
    assert sorted(shown()) == ["page_view", "search"]


def test_events_cannot_be_added_changed_or_deleted_in_the_console(login, events):
    client = login("owner")
    event = events[0]
    assert client.get(reverse("admin:traffic_event_add")).status_code == 403
    page = client.get(reverse("admin:traffic_event_change", args=[event.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(reverse("admin:traffic_event_delete", args=[event.pk]),
                       {"post": "yes"}).status_code == 403
    assert Event.objects.count() == 2


@pytest.mark.parametrize("role", ["warehouse", "service", "designer"])
def test_other_roles_cannot_open_the_events(login, events, role):
    assert login(role).get(reverse(CHANGELIST)).status_code == 403
