"""Errors of A/B tests (stable codes for the API and the console)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput, NotFound


class InvalidExperiment(InvalidInput):
    code = "invalid_experiment"
    default_message = _("The A/B test is not valid: %(problem)s")


class ExperimentCodeTaken(Conflict):
    code = "experiment_code_taken"
    default_message = _("An A/B test with the code %(code)s already exists.")


class ExperimentStateError(Conflict):
    code = "experiment_state"
    default_message = _("A %(status)s A/B test cannot be %(step)s.")


class ExperimentNotFound(NotFound):
    code = "experiment_not_found"
    default_message = _("No such A/B test.")
