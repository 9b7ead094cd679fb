"""The to-dos of campaigns: campaigns whose period starts today (operators check the
message and the audience before it goes out) and messages that failed for good."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.console.workbench.providers import list_url
from zhanggui.console.workbench.registry import DANGER, INFO, Context, Todo, register
from zhanggui.core.timeutil import day_range
from zhanggui.marketing.queries_campaigns import campaigns_starting_between, failed_messages


def _starting_today(context: Context) -> int:
    today = timezone.localdate(context.now)
    return campaigns_starting_between(*day_range(today, today + timedelta(days=1))).count()


register(Todo(
    "campaigns_today", _("Campaigns starting today"), "campaign",
    ("marketing.view_campaign", "marketing.send_campaign"),
    count=_starting_today,
    url=lambda: list_url("marketing.campaign", "starts=today"),
    severity=INFO,
    help=_("Prepared or sending campaigns whose period starts today: check the audience, the "
           "offer and the message preview.")))
register(Todo(
    "campaign_messages_failed", _("Campaign messages failed"), "unsubscribe",
    ("marketing.view_message", "marketing.send_campaign"),  # who sends campaigns follows up
    count=lambda ctx: failed_messages().count(),
    url=lambda: list_url("marketing.message", "status__exact=failed"),
    severity=DANGER,
    help=_("Messages that could not be sent after every retry, or had no address: see the "
           "last error (a wrong address, the mail server refusing).")))
