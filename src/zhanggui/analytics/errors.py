from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError


class WarehouseEmpty(DomainError):
    code = "warehouse_empty"
    http_status = 409
    default_message = _("The analytics warehouse has not been built yet: run a refresh first.")


class InvalidPeriod(DomainError):
    code = "invalid_period"
    http_status = 422
    default_message = _("The period is not valid: %(problem)s.")


class UnknownReport(DomainError):
    code = "unknown_report"
    http_status = 404
    default_message = _("There is no report named %(name)s.")
