"""Reads of the accounts app used by other apps, the API and the console."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhanggui.accounts.models import ApiToken, OperationLog, Staff
from zhanggui.accounts.rules import token_digest
from zhanggui.core.errors import NotFound


def get_staff_for_token(secret: str) -> Staff | None:
    """The active staff member owning an unrevoked token ``secret``, or None."""
    token = (ApiToken.objects.select_related("staff")
             .filter(key_digest=token_digest(secret), revoked_at__isnull=True,
                     staff__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # Throttled bookkeeping write: at most once a minute per token. A use is not a change:
        # updated_at (the API's sync) stays, so a read writes nothing a client syncs.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.staff


def list_operations_for(object_type: str, object_ids: list[str]) -> QuerySet[OperationLog]:
    """The log entries of the given objects, oldest first."""
    return (OperationLog.objects.select_related("actor")
            .filter(object_type=object_type, object_id__in=object_ids)
            .order_by("created_at", "id"))


def staff_roles(staff: Staff) -> list[str]:
    return sorted(staff.groups.values_list("name", flat=True))


def get_staff(staff_id: int) -> Staff:
    try:
        return Staff.objects.prefetch_related("groups").get(pk=staff_id)
    except Staff.DoesNotExist:
        raise NotFound() from None


def list_staff(*, search: str | None = None, role: str | None = None,
               is_active: bool | None = None) -> QuerySet[Staff]:
    qs = Staff.objects.prefetch_related("groups")
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    if role:
        qs = qs.filter(groups__name=role)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by("username")


def list_api_tokens(staff: Staff) -> QuerySet[ApiToken]:
    """``staff``'s tokens, newest first (revoked ones included, so they can be audited)."""
    return ApiToken.objects.filter(staff=staff).order_by("-created_at", "-id")


def get_api_token(token_id: int) -> ApiToken:
    try:
        return ApiToken.objects.select_related("staff").get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise NotFound() from None


def list_operations(*, actor_id: int | None = None, action: str | None = None,
                    object_type: str | None = None, object_id: str | None = None,
                    created_from: datetime | None = None,
                    created_to: datetime | None = None) -> QuerySet[OperationLog]:
    """Operation-log entries, newest first; ``[created_from, created_to)`` is half-open."""
    qs = OperationLog.objects.select_related("actor")
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if created_from:
        qs = qs.filter(created_at__gte=created_from)
    if created_to:
        qs = qs.filter(created_at__lt=created_to)
    return qs.order_by("-created_at", "-id")


def owner_emails() -> list[str]:
    """The e-mail addresses of the active staff with the owner role."""
    from zhanggui.accounts.roles import Role

    return sorted(set(Staff.objects.filter(is_active=True, groups__name=Role.OWNER)
                      .exclude(email="").values_list("email", flat=True)))


def count_unread_alerts() -> int:
    from zhanggui.accounts.models import Alert

    return Alert.objects.filter(read_at__isnull=True).count()


def latest_alerts(limit: int) -> list:
    """The newest ``limit`` alerts (read or not), newest first, with who caused them."""
    from zhanggui.accounts.models import Alert

    return list(Alert.objects.select_related("actor").order_by("-created_at", "-id")[:limit])


def get_security_policy():
    """The shop's security policy (the defaults of the settings until the owner saves one)."""
    from django.conf import settings

    from zhanggui.accounts.models import SecurityPolicy

    return SecurityPolicy.objects.filter(pk=1).first() or SecurityPolicy(
        pk=1, owner_requires_second_factor=settings.ZHANGGUI_OWNER_SECOND_FACTOR_DEFAULT)


def has_second_factor(staff: Staff) -> bool:
    from django_otp import user_has_device

    return user_has_device(staff, confirmed=True)


def second_factor_required(staff: Staff) -> bool:
    """Whether ``staff`` must pass two-step verification to use the console."""
    from zhanggui.accounts.roles import Role

    if not staff.is_authenticated or not get_security_policy().owner_requires_second_factor:
        return False  # the policy first: one small query, and off by default
    return staff.is_superuser or staff.groups.filter(name=Role.OWNER).exists()
