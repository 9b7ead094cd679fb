from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class AdSpendExists(Conflict):
    code = "ad_spend_exists"
    default_message = _("Ad spend of %(day)s on %(channel)s for this product is already "
                        "entered: change that entry instead.")


class InvalidAdSpend(InvalidInput):
    code = "invalid_ad_spend"
    default_message = _("The spend must be an amount from 0 up, with at most two decimals.")
