"""Errors of campaigns, the outbox and unsubscriptions (stable codes for the API)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class InvalidCampaign(InvalidInput):
    code = "invalid_campaign"
    default_message = _("The campaign is not valid: %(problem)s")


class CampaignNotEditable(Conflict):
    code = "campaign_not_editable"
    default_message = _("Only a draft campaign can be changed (this one is %(status)s).")


class CampaignStateError(Conflict):
    code = "campaign_state"
    default_message = _("A %(status)s campaign cannot be %(step)s.")


class CampaignOverBudget(Conflict):
    code = "campaign_over_budget"
    default_message = _("Sending would cost an estimated %(estimate)s, more than the budget of "
                        "%(budget)s.")


class CampaignEnded(Conflict):
    code = "campaign_ended"
    default_message = _("The campaign's period ended at %(ends_at)s: nothing more is sent.")


class InvalidUnsubscribe(InvalidInput):
    code = "invalid_unsubscribe"
    default_message = _("Unknown channel %(channel)s.")


class InvalidContactPolicy(InvalidInput):
    code = "invalid_contact_policy"
    default_message = _("The contact policy is not valid: %(problem)s")
