"""Writes of the accounts app, and ``log_operation`` which every other action calls."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.errors import (
    CannotDeactivateSelf,
    InvalidLead,
    InvalidVerificationCode,
    NoSecondFactorSetup,
    StaffAlreadyInactive,
    UnknownRole,
    WeakPassword,
)
from zhanggui.accounts.models import (
    Alert,
    AlertKind,
    ApiToken,
    OperationLog,
    SecurityPolicy,
    Staff,
    StaffSession,
)
from zhanggui.accounts.roles import Role
from zhanggui.accounts.rules import TOKEN_PREFIX_LENGTH, json_value, new_token_secret, token_digest
from zhanggui.core.errors import Conflict, NotFound


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
        WeakPassword: when the password fails the password validators (length, common
            passwords, similarity to the name, all digits).
    """
    roles = list(roles)
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise UnknownRole(role=", ".join(unknown))
    try:  # the password policy holds whatever the entry point
        password_validation.validate_password(
            password, Staff(username=username, display_name=display_name, email=email))
    except ValidationError as error:
        raise WeakPassword(problems=" ".join(error.messages)) from None
    staff = Staff.objects.create_user(username, email=email, password=password,
                                      display_name=display_name, is_staff=True)
    staff.groups.set(Group.objects.filter(name__in=roles))
    log_operation(staff, action="accounts.create_staff", actor=actor,
                  after={"username": username, "roles": sorted(roles)})
    if roles and actor is not None:  # not for the system's own set-up (demo, migrations)
        raise_alert(AlertKind.ROLE_CHANGE, obj=staff, actor=actor, message=_(
            "%(staff)s was created with the roles: %(roles)s.") % {
                "staff": staff, "roles": ", ".join(sorted(roles))})
    return staff


@transaction.atomic
def change_staff_roles(staff: Staff, *, roles: Iterable[str], actor: Staff | None) -> Staff:
    """Give ``staff`` exactly ``roles``. Alerts the owner.

    Raises:
        UnknownRole: when a role is not one of ``Role``.
    """
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise UnknownRole(role=", ".join(unknown))
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    before = sorted(staff.groups.values_list("name", flat=True))
    if before == roles:
        return staff
    staff.groups.set(Group.objects.filter(name__in=roles))
    staff.save(update_fields=["updated_at"])  # the roles are part of the staff row's API view
    log_operation(staff, action="accounts.change_staff_roles", actor=actor,
                  before={"roles": before}, after={"roles": roles})
    raise_alert(AlertKind.ROLE_CHANGE, obj=staff, actor=actor, message=_(
        "The roles of %(staff)s changed from %(before)s to %(after)s.") % {
            "staff": staff, "before": ", ".join(before) or "—", "after": ", ".join(roles) or "—"})
    return staff


@transaction.atomic
def set_staff_lead(staff: Staff, *, lead: Staff | None, actor: Staff | None) -> Staff:
    """Set (or clear, with ``None``) the lead overdue tasks of ``staff`` are escalated to.

    Raises:
        InvalidLead: the lead is the staff member, is inactive, or is led by them (a cycle).
    """
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if lead is not None:
        lead = Staff.objects.get(pk=lead.pk)
        problem = None
        if lead.pk == staff.pk:
            problem = _("nobody leads themselves")
        elif not lead.is_active:
            problem = _("the account is inactive")
        else:
            above, seen = lead, set()
            while above.lead_id is not None and above.pk not in seen:
                seen.add(above.pk)
                if above.lead_id == staff.pk:
                    problem = _("they are led by %(staff)s") % {"staff": staff}
                    break
                above = above.lead
        if problem:
            raise InvalidLead(lead=str(lead), staff=str(staff), problem=problem)
    if staff.lead_id == (lead.pk if lead else None):
        return staff
    before = {"lead": staff.lead_id}
    staff.lead = lead
    staff.save(update_fields=["lead", "updated_at"])
    log_operation(staff, action="accounts.set_staff_lead", actor=actor, before=before,
                  after={"lead": staff.lead_id})
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
    staff.save(update_fields=["is_active", "updated_at"])
    sessions_ended, _detail = StaffSession.objects.filter(staff=staff).delete()
    tokens_revoked = ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now())
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
        token.save(update_fields=["revoked_at", "updated_at"])
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

    Raises:
        NotFound: the record was deleted meanwhile (by another request).
    """
    meta = obj._meta
    if obj._state.adding or obj.pk is None:
        obj.save()
        log_operation(obj, action=f"{meta.app_label}.create_{meta.model_name}", actor=actor,
                      after=snapshot(obj, _concrete_field_names(obj)))
        return obj
    fields = [name for name in changed_fields if name in _concrete_field_names(obj)]
    stored = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
    if stored is None:
        raise NotFound()
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


# ---- alerts -------------------------------------------------------------------------------

@transaction.atomic
def raise_alert(kind: str, *, message: str, obj: models.Model | None = None,
                actor: Staff | None = None) -> Alert:
    """Tell the owner about a risky operation: an alert under the console's bell, one log
    entry, and an e-mail to every active owner with an address once the transaction commits
    (when mail is configured)."""
    alert = Alert.objects.create(
        kind=kind, message=str(message)[:300], actor=actor, created_at=timezone.now(),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "")
    log_operation(alert, action="accounts.raise_alert", actor=actor,
                  after={"kind": kind, "message": alert.message,
                         "object": f"{alert.object_type}:{alert.object_id}"})
    if settings.ZHANGGUI_ALERT_EMAILS:
        from zhanggui.accounts.tasks import mail_alert_task

        transaction.on_commit(lambda: mail_alert_task.delay(alert.pk))
    return alert


@transaction.atomic
def mark_alerts_read(alerts: Iterable[Alert], *, actor: Staff) -> int:
    """Mark unread ``alerts`` as read by ``actor``; returns how many changed."""
    pks = [alert.pk for alert in alerts if alert.read_at is None]
    changed = Alert.objects.filter(pk__in=pks, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor)
    if changed:
        log_operation(actor, action="accounts.mark_alerts_read", actor=actor,
                      after={"alerts": pks, "count": changed})
    return changed


# ---- login throttling ---------------------------------------------------------------------

@transaction.atomic
def record_lockout(*, username: str, ip_address: str) -> Alert:
    """A login (or API token) was locked out after repeated failures: log it and alert."""
    from axes.models import AccessAttempt

    attempt = (AccessAttempt.objects.filter(username=username, ip_address=ip_address)
               .order_by("-attempt_time").first())
    target = attempt or Staff.objects.filter(username=username).first()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if target is not None:
        log_operation(target, action="accounts.lockout", actor=None,
                      after={"username": username, "ip_address": ip_address,
                             "minutes": minutes})
    return raise_alert(AlertKind.LOCKOUT, obj=target, message=_(
        "Login locked for %(minutes)d minutes after repeated failures: account "
        "“%(username)s” from %(ip)s.") % {"minutes": minutes, "username": username or "—",
                                           "ip": ip_address or "—"})


@transaction.atomic
def unlock_login(*, username: str, ip_address: str, actor: Staff) -> int:
    """Clear the failed attempts of ``username`` and of ``ip_address`` so both may log in
    again at once. Returns the number of attempt records removed."""
    from axes.handlers.proxy import AxesProxyHandler

    removed = AxesProxyHandler.reset_attempts(username=username or None,
                                              ip_address=ip_address or None,
                                              ip_or_username=True)
    target = Staff.objects.filter(username=username).first() or actor
    log_operation(target, action="accounts.unlock_login", actor=actor,
                  after={"username": username, "ip_address": ip_address, "removed": removed})
    return removed


# ---- security policy and second factor ----------------------------------------------------

@transaction.atomic
def set_security_policy(*, owner_requires_second_factor: bool, actor: Staff) -> SecurityPolicy:
    """Turn the owner's mandatory two-step verification on or off. Alerts the owner."""
    policy, _created = SecurityPolicy.objects.select_for_update().get_or_create(
        pk=1, defaults={"owner_requires_second_factor":
                        settings.ZHANGGUI_OWNER_SECOND_FACTOR_DEFAULT})
    before = policy.owner_requires_second_factor
    if before == owner_requires_second_factor:
        return policy
    policy.owner_requires_second_factor = owner_requires_second_factor
    policy.save()
    log_operation(policy, action="accounts.set_security_policy", actor=actor,
                  before={"owner_requires_second_factor": before},
                  after={"owner_requires_second_factor": owner_requires_second_factor})
    raise_alert(AlertKind.ROLE_CHANGE, obj=policy, actor=actor, message=(
        _("Two-step verification is now required for the owner.")
        if owner_requires_second_factor
        else _("Two-step verification is no longer required for the owner.")))
    return policy


@transaction.atomic
def start_totp_setup(staff: Staff):
    """A new, unconfirmed authenticator (TOTP) device for ``staff``; earlier unconfirmed
    ones are dropped. It counts only once ``confirm_totp_device`` has checked a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=staff, confirmed=False).delete()
    return TOTPDevice.objects.create(user=staff, name=str(_("Authenticator app")),
                                     confirmed=False)


RECOVERY_CODE_COUNT = 10


def _new_recovery_codes(staff: Staff) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=staff).delete()
    device = StaticDevice.objects.create(user=staff, name=str(_("Recovery codes")))
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def confirm_totp_device(staff: Staff, *, code: str, actor: Staff) -> list[str]:
    """Check ``code`` against the pending authenticator of ``staff`` and turn two-step
    verification on. Returns fresh one-time recovery codes, to be shown once.

    Raises:
        NoSecondFactorSetup: when no setup was started.
        InvalidVerificationCode: when ``code`` is not the authenticator's current code.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().filter(user=staff, confirmed=False).last()
    if device is None:
        raise NoSecondFactorSetup()
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise InvalidVerificationCode()
    TOTPDevice.objects.filter(user=staff, confirmed=True).delete()
    device.confirmed = True
    device.save()
    codes = _new_recovery_codes(staff)
    log_operation(staff, action="accounts.enable_second_factor", actor=actor,
                  after={"second_factor": True, "recovery_codes": len(codes)})
    return codes


@transaction.atomic
def regenerate_recovery_codes(staff: Staff, *, actor: Staff) -> list[str]:
    """Replace every recovery code of ``staff`` (the old ones stop working)."""
    codes = _new_recovery_codes(staff)
    log_operation(staff, action="accounts.regenerate_recovery_codes", actor=actor,
                  after={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def disable_second_factor(staff: Staff, *, actor: Staff) -> int:
    """Remove every authenticator and recovery code of ``staff`` (a lost phone: the owner
    does it for a colleague). Returns the number of devices removed."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed = (TOTPDevice.objects.filter(user=staff).delete()[0]
               + StaticDevice.objects.filter(user=staff).delete()[0])
    log_operation(staff, action="accounts.disable_second_factor", actor=actor,
                  before={"second_factor": True}, after={"second_factor": False})
    return removed
