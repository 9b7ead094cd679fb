"""The stock sync API's failure paths (its permission rows are in ``tests/api/matrix.py``)."""


from tests.api.matrix import V1
from tests.api.support import ApiClient, assert_error
from tests.channels.sync_factories import (
    channel_export_dir,  # noqa: F401 (fixture)
    make_channel,
    make_rule,
)
from tests.factories import make_staff
from zhanggui.channels.models import SyncRule

CHN = f"{V1}/channels"


def test_a_second_rule_for_the_same_sku_is_a_conflict_and_bad_shares_are_refused(db):
    channel = make_channel("jd")
    make_rule(channel)
    client = ApiClient(make_staff("operator"))
    assert_error(client.post(f"{CHN}/sync-rules", {"channel_id": channel.pk}), 409, "sync_rule_exists")
    response = client.post(f"{CHN}/sync-rules", {"channel_id": channel.pk, "percent": "1.5"})
    assert response.status_code == 422
    bad = client.post(f"{CHN}/sync-rules", {"channel_id": channel.pk, "sku_id": None,
                                            "min_quantity": 5, "max_quantity": 2})
    assert bad.status_code in (409, 422)
    assert SyncRule.objects.count() == 1


def test_min_above_max_is_refused_with_its_code(db):
    from tests.channels.sync_factories import stocked_sku

    channel = make_channel("jd")
    sku = stocked_sku(1)
    client = ApiClient(make_staff("operator"))
    response = client.post(f"{CHN}/sync-rules", {"channel_id": channel.pk, "sku_id": sku.pk,
                                                 "min_quantity": 5, "max_quantity": 2})
    assert_error(response, 422, "invalid_sync_rule")


def test_missing_channel_run_and_rule_are_404(db):
    client = ApiClient(make_staff("owner"))
    assert_error(client.post(f"{CHN}/987654/publish"), 404, "channel_not_found")
    assert_error(client.get(f"{CHN}/publish-runs/987654"), 404, "publish_run_not_found")
    assert_error(client.patch(f"{CHN}/sync-rules/987654", {"fixed": 1}), 404, "sync_rule_not_found")


def test_publish_with_nothing_to_push_says_so(db):
    channel = make_channel("taobao")
    response = ApiClient(make_staff("operator")).post(f"{CHN}/{channel.pk}/publish")
    assert response.status_code == 200 and response.json() == {"published": False, "run": None}


def test_a_null_share_in_a_change_is_refused_not_a_server_error(db):
    """Found by the fuzz run: PATCH with ``"percent": null`` answered 500."""
    channel = make_channel("jd")
    rule = make_rule(channel)
    client = ApiClient(make_staff("operator"))
    response = client.patch(f"{CHN}/sync-rules/{rule.pk}", {"percent": None})
    assert response.status_code in (409, 422)
    rule.refresh_from_db()
    assert rule.percent is not None
