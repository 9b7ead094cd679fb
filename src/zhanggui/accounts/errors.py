from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, DomainError, InvalidInput


class StaffAlreadyInactive(Conflict):
    code = "staff_inactive"
    default_message = _("This staff member is already deactivated.")


class UnknownRole(InvalidInput):
    code = "unknown_role"
    default_message = _("Unknown role: %(role)s.")


class InvalidLead(InvalidInput):
    code = "invalid_lead"
    default_message = _("%(lead)s cannot be the lead of %(staff)s: %(problem)s")


class CannotDeactivateSelf(Conflict):
    code = "cannot_deactivate_self"
    default_message = _("You cannot deactivate your own account.")


class InvalidVerificationCode(InvalidInput):
    code = "invalid_verification_code"
    default_message = _("The verification code is not valid. Check the time on your phone "
                        "and enter the current 6-digit code.")


class NoSecondFactorSetup(Conflict):
    code = "no_second_factor_setup"
    default_message = _("Start the two-step verification setup first.")


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    default_message = _("Too many failed attempts: access from this account or address is "
                        "locked for %(minutes)d minutes. The owner can unlock it in the console.")
    http_status = 429


class WeakPassword(InvalidInput):
    code = "weak_password"
    default_message = _("The password is too weak: %(problems)s")
