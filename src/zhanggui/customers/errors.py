from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class InvalidCustomer(InvalidInput):
    code = "invalid_customer"
    default_message = _("Invalid customer data: %(problem)s")


class DuplicateCustomer(Conflict):
    code = "duplicate_customer"
    default_message = _("A customer with number %(code)s already exists.")
