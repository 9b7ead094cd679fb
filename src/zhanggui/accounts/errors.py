from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class StaffAlreadyInactive(Conflict):
    code = "staff_inactive"
    default_message = _("This staff member is already deactivated.")


class UnknownRole(InvalidInput):
    code = "unknown_role"
    default_message = _("Unknown role: %(role)s.")


class CannotDeactivateSelf(Conflict):
    code = "cannot_deactivate_self"
    default_message = _("You cannot deactivate your own account.")
