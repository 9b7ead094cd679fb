from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, DomainError, InvalidInput


class ListingBlocked(Conflict):
    code = "listing_blocked"
    default_message = _("The product cannot be listed while blocking findings stand: "
                        "%(findings)s. The owner may override with a reason.")


class OverrideNotAllowed(DomainError):
    code = "override_not_allowed"
    default_message = _("Only the owner may list a product despite blocking findings.")
    http_status = 403


class InvalidDraft(InvalidInput):
    code = "invalid_draft"
    default_message = _("Invalid draft product: %(problem)s")
