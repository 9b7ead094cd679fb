"""Writes of the accounts app, and ``log_operation`` which every other action calls."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.errors import CannotDeactivateSelf, StaffAlreadyInactive, UnknownRole
from zhanggui.accounts.models import ApiToken, OperationLog, Staff, StaffSession
from zhanggui.accounts.roles import Role
from zhanggui.accounts.rules import TOKEN_PREFIX_LENGTH, json_value, new_token_secret, token_digest
from zhanggui.core.errors import Conflict


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of ``fields`` on ``obj``, for before/after in the log."""
    return {name: json_value(getattr(obj, name)) for name in fields}


def log_operation(obj: models.Model, *, action: str, actor: Staff | None,
                  before: dict | None = None, after: dict | None = None,
                  note: str = "") -> OperationLog:
    """Append one entry to the operation log. Call inside the action's transaction."""
    return OperationLog.objects.create(
        actor=actor, action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk),
        object_repr=str(obj)[:200], before=before, after=after, note=note[:255],
        created_at=timezone.now(),
    )


@transaction.atomic
def create_staff(username: str, *, password: str, roles: Iterable[str], actor: Staff | None,
                 display_name: str = "", email: str = "") -> Staff:
    """Create a staff member with the given roles (``Role`` values).

    Raises:
        UnknownRole: when a role is not one of ``Role``.
    """
    roles = list(roles)
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise UnknownRole(role=", ".join(unknown))
    staff = Staff.objects.create_user(username, email=email, password=password,
                                      display_name=display_name, is_staff=True)
    staff.groups.set(Group.objects.filter(name__in=roles))
    log_operation(staff, action="accounts.create_staff", actor=actor,
                  after={"username": username, "roles": sorted(roles)})
    return staff


@transaction.atomic
def deactivate_staff(staff: Staff, *, actor: Staff | None) -> Staff:
    """Deactivate a leaver: ends every session and revokes every API token at once.

    Raises:
        StaffAlreadyInactive: when the account is already inactive.
        CannotDeactivateSelf: when ``actor`` is ``staff``.
    """
    if actor is not None and actor.pk == staff.pk:
        raise CannotDeactivateSelf()
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if not staff.is_active:
        raise StaffAlreadyInactive()
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    sessions_ended, _detail = StaffSession.objects.filter(staff=staff).delete()
    tokens_revoked = ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    log_operation(staff, action="accounts.deactivate_staff", actor=actor,
                  before={"is_active": True},
                  after={"is_active": False, "sessions_ended": sessions_ended,
                         "tokens_revoked": tokens_revoked})
    return staff


@transaction.atomic
def create_api_token(staff: Staff, *, name: str, actor: Staff | None) -> tuple[ApiToken, str]:
    """Create an API token for ``staff``. Returns the token and its secret, shown only once."""
    secret = new_token_secret()
    token = ApiToken.objects.create(staff=staff, name=name, prefix=secret[:TOKEN_PREFIX_LENGTH],
                                    key_digest=token_digest(secret))
    log_operation(token, action="accounts.create_api_token", actor=actor,
                  after={"staff": staff.pk, "name": name})
    return token, secret


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: Staff | None) -> ApiToken:
    """Revoke ``token``; revoking twice is harmless."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_operation(token, action="accounts.revoke_api_token", actor=actor,
                      after={"revoked_at": json_value(token.revoked_at)})
    return token


def _concrete_field_names(obj: models.Model) -> list[str]:
    """The names of ``obj``'s stored fields except the primary key (FKs by their name)."""
    return [f.name for f in obj._meta.concrete_fields if not f.primary_key]


@transaction.atomic
def save_record(obj: models.Model, *, actor: Staff | None,
                changed_fields: Iterable[str]) -> models.Model:
    """Create or update a piece of plain master data that has no business rules
    (category, attribute definition, tag, product media, warehouse, customer tag).

    Logs ``<app>.create_<model>`` with every stored field, or ``<app>.update_<model>`` with
    the values of ``changed_fields`` as they were in the database and as saved.
    Models with rules of their own must use their app's actions instead.
    """
    meta = obj._meta
    if obj._state.adding or obj.pk is None:
        obj.save()
        log_operation(obj, action=f"{meta.app_label}.create_{meta.model_name}", actor=actor,
                      after=snapshot(obj, _concrete_field_names(obj)))
        return obj
    fields = [name for name in changed_fields if name in _concrete_field_names(obj)]
    stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before = snapshot(stored, fields)
    obj.save()
    log_operation(obj, action=f"{meta.app_label}.update_{meta.model_name}", actor=actor,
                  before=before, after=snapshot(obj, fields))
    return obj


@transaction.atomic
def delete_record(obj: models.Model, *, actor: Staff | None) -> None:
    """Delete a piece of plain master data (see ``save_record``), logging what it held.

    Raises:
        Conflict: other records still refer to it (protected foreign keys).
    """
    meta = obj._meta
    before = snapshot(obj, _concrete_field_names(obj))
    log_operation(obj, action=f"{meta.app_label}.delete_{meta.model_name}", actor=actor,
                  before=before)
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError):
        raise Conflict(_("%(object)s is still in use and cannot be deleted."),
                       object=str(obj)) from None
