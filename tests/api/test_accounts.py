from datetime import timedelta

from django.contrib.auth.models import Permission
from django.test import Client

from tests import factories
from tests.api.support import ApiClient, assert_error, row_counts, staff_of
from zhanggui.accounts.actions import create_api_token
from zhanggui.accounts.models import ApiToken, OperationLog

ME = "/api/v1/accounts/me"
TOKENS = "/api/v1/accounts/tokens"


def test_me_lists_roles_and_permissions(as_role):
    warehouse = as_role("warehouse")

    data = warehouse.get(ME).json()

    assert data["roles"] == ["warehouse"]
    assert "inventory.receive_stock" in data["permissions"]
    assert "catalog.view_cost" not in data["permissions"]


def test_session_login_authenticates_the_api(db):
    staff = staff_of("finance")
    client = Client()
    client.force_login(staff)

    response = client.get(ME)

    assert response.status_code == 200
    assert response.json()["username"] == staff.username


def test_session_writes_need_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_of("owner"))
    before = row_counts()

    response = client.post(TOKENS, {"name": "erp"}, content_type="application/json")

    assert response.status_code == 403
    assert row_counts() == before


def test_new_token_secret_is_shown_once_and_authenticates(as_role):
    owner = as_role("owner")

    created = owner.post(TOKENS, {"name": "ERP 对接"})

    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret.startswith("zg_") and created.json()["prefix"] == secret[:8]
    listed = owner.get(TOKENS).json()["items"]
    assert {t["name"] for t in listed} == {"tests", "ERP 对接"}
    assert all("secret" not in t for t in listed)
    assert ApiToken.objects.filter(key_digest=secret).count() == 0  # only a digest is kept
    me = Client().get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.json()["username"] == owner.staff.username


def test_revoked_token_is_refused_at_once(as_role):
    owner = as_role("owner")
    token = owner.staff.api_tokens.get()

    revoked = owner.post(f"{TOKENS}/{token.pk}/revoke")

    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    assert_error(owner.get(ME), 401, "not_authenticated")


def test_revoking_someone_elses_token_needs_change_permission(db):
    holder = staff_of("operator")
    holder.user_permissions.add(Permission.objects.get(codename="add_apitoken"))
    other_token, other_secret = create_api_token(staff_of("service"), name="erp", actor=None)
    client = ApiClient(holder)

    response = client.post(f"{TOKENS}/{other_token.pk}/revoke")

    assert_error(response, 404, "not_found")  # as if it did not exist
    other_token.refresh_from_db()
    assert other_token.revoked_at is None
    assert Client().get(ME, HTTP_AUTHORIZATION=f"Bearer {other_secret}").status_code == 200


def test_deactivated_staff_token_is_refused_immediately(as_role):
    owner = as_role("owner")
    leaver = as_role("service")
    assert leaver.get(ME).status_code == 200

    response = owner.post(f"/api/v1/accounts/staff/{leaver.staff.pk}/deactivate")

    assert response.status_code == 200 and response.json()["is_active"] is False
    assert_error(leaver.get(ME), 401, "not_authenticated")
    assert_error(leaver.get("/api/v1/orders"), 401, "not_authenticated")


def test_deactivating_yourself_is_a_conflict(as_role):
    owner = as_role("owner")
    log_count = OperationLog.objects.count()

    response = owner.post(f"/api/v1/accounts/staff/{owner.staff.pk}/deactivate")

    assert_error(response, 409, "cannot_deactivate_self")
    assert OperationLog.objects.count() == log_count


def test_staff_list_filters_by_role_and_activity(as_role):
    owner = as_role("owner")
    service = factories.make_staff("service")
    factories.make_staff("warehouse")

    data = owner.get("/api/v1/accounts/staff", role="service").json()

    assert [s["username"] for s in data["items"]] == [service.username]
    assert data["items"][0]["roles"] == ["service"]
    assert owner.get("/api/v1/accounts/staff", is_active="false").json()["count"] == 0


def test_operation_log_filters(as_role):
    owner = as_role("owner")
    product = factories.make_product(listed=False)
    factories.make_product(listed=False)
    path = "/api/v1/accounts/operation-log"
    creation = OperationLog.objects.get(action="accounts.create_api_token")

    by_action = owner.get(path, action="accounts.create_api_token").json()
    by_object = owner.get(path, object_type="catalog.product", object_id=str(product.pk)).json()
    by_actor = owner.get(path, actor_id=owner.staff.pk).json()
    later = (creation.created_at + timedelta(minutes=5)).isoformat()
    future = owner.get(path, created_from=later).json()
    until = owner.get(path, created_to=creation.created_at.isoformat()).json()

    assert [e["id"] for e in by_action["items"]] == [creation.pk]
    assert by_action["items"][0]["actor_username"] == owner.staff.username
    assert [e["action"] for e in by_object["items"]] == ["catalog.create_product"]
    assert by_object["items"][0]["after"]["code"] == product.code
    assert [e["id"] for e in by_actor["items"]] == [creation.pk]
    assert future["count"] == 0
    assert until["count"] > 0 and creation.pk not in [e["id"] for e in until["items"]]


def test_operation_log_paginates(as_role):
    owner = as_role("owner")
    for _ in range(3):
        factories.make_staff("analyst")

    page = owner.get("/api/v1/accounts/operation-log", page=2, page_size=2).json()

    assert page["count"] == OperationLog.objects.count()
    assert len(page["items"]) == 2
