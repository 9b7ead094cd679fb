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


class WarehouseOutdated(WarehouseEmpty):
    """A warehouse built before a report's tables existed (the next refresh adds them)."""

    code = "warehouse_outdated"
    default_message = _("The analytics warehouse was built before this report existed: run a "
                        "refresh first.")


class InvalidFilter(DomainError):
    code = "invalid_filter"
    http_status = 422
    default_message = _("The filter is not valid: %(problem)s.")
