"""The team's refusals (stable codes for the API)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class UnknownKpi(InvalidInput):
    code = "kpi_unknown"
    default_message = _("There is no KPI named %(kpi)s.")


class ScopeNotAccepted(InvalidInput):
    code = "kpi_scope_not_accepted"
    default_message = _("The KPI %(kpi)s cannot be scoped to this: %(problem)s.")


class TargetPeriodInvalid(InvalidInput):
    code = "kpi_period_invalid"
    default_message = _("The period must end on or after the day it starts.")


class TargetValueInvalid(InvalidInput):
    code = "kpi_target_invalid"
    default_message = _("The target must be positive (a rate at most 1, a score at most 100).")


class RoleDoesNotFit(InvalidInput):
    code = "kpi_role_mismatch"
    default_message = _("%(staff)s does not have a role this KPI is for (%(roles)s).")


class TargetExists(Conflict):
    code = "kpi_target_exists"
    default_message = _("This staff member already has this target for this scope and period.")


class ReviewFinal(Conflict):
    code = "review_final"
    default_message = _("The review is final and can no longer be changed.")


class ReviewExists(Conflict):
    code = "review_exists"
    default_message = _("This staff member already has a review for this period.")


class ReviewInvalid(InvalidInput):
    code = "review_invalid"
    default_message = _("The review is not valid: %(problem)s.")
