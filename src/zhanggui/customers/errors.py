from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class InvalidCustomer(InvalidInput):
    code = "invalid_customer"
    default_message = _("Invalid customer data: %(problem)s")


class DuplicateCustomer(Conflict):
    code = "duplicate_customer"
    default_message = _("A customer with number %(code)s already exists.")


class InvalidPoints(InvalidInput):
    code = "invalid_points"
    default_message = _("Invalid points change: %(problem)s")


class PointsInsufficient(Conflict):
    code = "points_insufficient"
    default_message = _("Not enough points: %(wanted)s wanted, %(balance)s available.")
