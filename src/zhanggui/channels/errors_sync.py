"""Refusals of the channel stock sync (each with a stable code for the API)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput, NotFound


class SyncRuleNotFound(NotFound):
    code = "sync_rule_not_found"
    default_message = _("There is no stock sync rule %(id)s.")


class SyncRuleExists(Conflict):
    code = "sync_rule_exists"
    default_message = _("%(channel)s already has a stock sync rule for %(sku)s.")


class InvalidSyncRule(InvalidInput):
    code = "invalid_sync_rule"
    default_message = _("The share must be from 0 to 100 percent, and \"at most\" not below \"at least\".")


class PublishRunNotFound(NotFound):
    code = "publish_run_not_found"
    default_message = _("There is no publish run %(id)s.")
