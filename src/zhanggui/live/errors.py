"""The refusals of live actions (stable codes for the API)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class SessionNotEditable(Conflict):
    code = "live_session_not_editable"
    default_message = _("A %(status)s live session cannot be changed this way.")


class InvalidSegment(InvalidInput):
    code = "live_invalid_segment"
    default_message = _("The segment is not valid: %(reason)s")


class InvalidMetrics(InvalidInput):
    code = "live_invalid_metrics"
    default_message = _("The metrics file has errors; nothing was imported.")

    def __init__(self, errors: list[str], message=None):
        self.errors = errors
        super().__init__(message)

    def __str__(self) -> str:
        return "; ".join([super().__str__(), *self.errors[:20]])


class InvalidReview(InvalidInput):
    code = "live_invalid_review"
    default_message = _("The review is not valid: %(reason)s")
