"""Errors of recording campaign results (``marketing.results``)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import InvalidInput


class InvalidCampaignResult(InvalidInput):
    code = "invalid_campaign_result"
    default_message = _("The results of campaign %(campaign)s (arm “%(arm)s”) are not valid: "
                        "%(problem)s.")
