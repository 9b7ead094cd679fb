from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class DuplicateCode(Conflict):
    code = "duplicate_code"
    default_message = _("The code %(code)s is already used.")


class InvalidAttributes(InvalidInput):
    code = "invalid_attributes"
    default_message = _("Invalid product attributes: %(problems)s")


class InvalidSku(InvalidInput):
    code = "invalid_sku"
    default_message = _("Invalid SKU: %(problem)s")


class ListingNotAllowed(Conflict):
    code = "listing_not_allowed"
    default_message = _("The product cannot be listed: %(problem)s")


class ListThroughChecks(Conflict):
    code = "listing_requires_checks"
    default_message = _("Listing runs the quality checks first: use "
                        "POST /api/v1/listing/products/%(id)s/list.")
