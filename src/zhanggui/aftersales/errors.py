from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class NotEligible(Conflict):
    code = "aftersales_not_eligible"
    default_message = _("This order is not eligible for %(kind)s: %(problem)s")


class InvalidReturnLines(InvalidInput):
    code = "invalid_return_lines"
    default_message = _("Invalid lines: %(problem)s")


class InvalidRequestState(Conflict):
    code = "invalid_request_state"
    default_message = _("The request is %(status)s; this step is not possible.")


class DecisionNoteRequired(InvalidInput):
    code = "decision_note_required"
    default_message = _("A reason is required to reject a request.")


class InvalidDisposition(InvalidInput):
    code = "invalid_disposition"
    default_message = _("Every returned line needs a disposition: restock or scrap.")
