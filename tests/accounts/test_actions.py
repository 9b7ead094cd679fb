import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from tests import factories
from zhanggui.accounts import actions
from zhanggui.accounts.errors import CannotDeactivateSelf, StaffAlreadyInactive, UnknownRole
from zhanggui.accounts.models import ApiToken, OperationLog, StaffSession
from zhanggui.accounts.queries import get_staff_for_token
from zhanggui.accounts.roles import ROLE_PERMISSIONS, Role, sync_roles


def test_migration_creates_the_seven_roles(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_roles_are_least_privilege(db):
    perms = {role: set(ROLE_PERMISSIONS[role]) for role in ROLE_PERMISSIONS}
    assert "catalog.view_cost" not in perms[Role.OPERATOR] | perms[Role.SERVICE] | perms[
        Role.ANALYST]
    assert "catalog.view_cost" in perms[Role.FINANCE]
    holders = {r for r, p in perms.items() if "customers.view_personal_data" in p}
    assert holders == set()  # only the owner sees full personal data
    assert not any(p.startswith(("orders.", "aftersales.")) and not p.split(".")[1].startswith(
        "view_") for p in perms[Role.ANALYST])
    assert "aftersales.issue_refund" in perms[Role.FINANCE]
    assert "aftersales.issue_refund" not in perms[Role.SERVICE]
    assert "fulfillment.ship_order" in perms[Role.WAREHOUSE]


def test_sync_roles_is_idempotent(db):
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    sync_roles()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


def test_migrations_leave_every_role_exactly_as_the_table_says(db):
    for role, labels in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")}
        assert held == set(labels), role
    owner = Group.objects.get(name=Role.OWNER)
    assert owner.permissions.count() == Permission.objects.count()


def test_sync_roles_for_one_app_touches_only_that_app(db):
    warehouse = Group.objects.get(name=Role.WAREHOUSE)
    stray_catalog = Permission.objects.get(codename="delete_category")
    stray_inventory = Permission.objects.get(codename="delete_stock")
    warehouse.permissions.add(stray_catalog, stray_inventory)
    warehouse.permissions.remove(Permission.objects.get(codename="receive_stock"))

    sync_roles(app_labels=["inventory"])

    held = set(warehouse.permissions.values_list("codename", flat=True))
    assert "receive_stock" in held and "delete_stock" not in held
    assert "delete_category" in held  # another app's permissions are left alone


def test_create_staff_rejects_unknown_role_and_writes_nothing(db):
    with pytest.raises(UnknownRole):
        actions.create_staff("x", password="Long-enough-1", roles=["janitor"], actor=None)
    assert not OperationLog.objects.filter(action="accounts.create_staff").exists()


def test_deactivate_staff_ends_sessions_and_tokens_at_once(db):
    owner = factories.make_staff("owner")
    leaver = factories.make_staff("service")
    client = Client()
    client.force_login(leaver)
    assert StaffSession.objects.filter(staff=leaver).count() == 1
    _token, secret = actions.create_api_token(leaver, name="erp", actor=leaver)
    assert get_staff_for_token(secret) == leaver

    actions.deactivate_staff(leaver, actor=owner)

    assert not StaffSession.objects.filter(staff=leaver).exists()
    assert get_staff_for_token(secret) is None
    assert ApiToken.objects.get(staff=leaver).revoked_at is not None
    assert client.get("/api/v1/orders").status_code == 401
    entry = OperationLog.objects.get(action="accounts.deactivate_staff")
    assert entry.actor == owner and entry.after["sessions_ended"] == 1


def test_deactivate_staff_refuses_self_and_twice(db):
    owner = factories.make_staff("owner")
    other = factories.make_staff("analyst")
    with pytest.raises(CannotDeactivateSelf):
        actions.deactivate_staff(owner, actor=owner)
    actions.deactivate_staff(other, actor=owner)
    with pytest.raises(StaffAlreadyInactive):
        actions.deactivate_staff(other, actor=owner)


def test_api_token_secret_is_not_stored_and_revocation_works(db):
    staff = factories.make_staff("analyst")
    token, secret = actions.create_api_token(staff, name="bi", actor=staff)
    assert secret not in token.key_digest and token.prefix == secret[:8]
    actions.revoke_api_token(token, actor=staff)
    assert get_staff_for_token(secret) is None


def test_operation_log_is_append_only(db):
    staff = factories.make_staff("owner")
    entry = actions.log_operation(staff, action="test", actor=None)
    with pytest.raises(RuntimeError):
        entry.save()
