"""Domain errors: every action raises a subclass of ``DomainError`` on refusal.

Each error carries a stable machine ``code`` (used by the API and clients) and a
translatable human ``message``. The API renders them as ``{"code", "message"}``.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the request. Nothing was changed."""

    code = "domain_error"
    default_message = _("The request breaks a business rule.")
    http_status = 400

    def __init__(self, message=None, **params):
        self.params = params
        self.message = message if message is not None else self.default_message
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.message)
        try:
            return text % self.params if self.params else text
        except (KeyError, TypeError, ValueError):
            return text


class NotFound(DomainError):
    code = "not_found"
    default_message = _("The object was not found.")
    http_status = 404


class InvalidInput(DomainError):
    code = "invalid_input"
    default_message = _("The input is not valid.")
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    default_message = _("The object changed or is in a state that does not allow this.")
    http_status = 409


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("Cannot move from %(current)s to %(target)s.")
