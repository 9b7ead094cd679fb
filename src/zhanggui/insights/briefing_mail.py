"""The briefing by e-mail: once per day (``Briefing.emailed_at``), HTML and text, to the active
staff holding ``insights.receive_briefing`` (the owner), with absolute links
(``ZHANGGUI_PUBLIC_URL``)."""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from zhanggui.accounts.models import Staff
from zhanggui.insights import actions_briefing
from zhanggui.insights.briefing_view import briefing_context
from zhanggui.insights.models import Briefing

RECEIVE = ("insights", "receive_briefing")


def recipients() -> list[Staff]:
    """Active staff with an e-mail address who hold ``insights.receive_briefing``."""
    permission = Permission.objects.filter(content_type__app_label=RECEIVE[0],
                                           codename=RECEIVE[1]).first()
    holds = Q(is_superuser=True)
    if permission is not None:
        holds |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return list(Staff.objects.filter(holds, is_active=True, is_staff=True).exclude(email="")
                .distinct().order_by("pk"))


def absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return settings.ZHANGGUI_PUBLIC_URL.rstrip("/") + url


def render(briefing: Briefing) -> tuple[str, str, str]:
    """(subject, text body, HTML body) in the shop's language."""
    with translation.override(settings.LANGUAGE_CODE):
        context = briefing_context(briefing, absolute=absolute)
        context["page_url"] = absolute(reverse("admin:insights_briefing_day",
                                               args=[briefing.day.isoformat()]))
        subject = _("Daily briefing for %(day)s") % {"day": briefing.day.isoformat()}
        return (subject, render_to_string("insights/briefing_email.txt", context),
                render_to_string("insights/briefing_email.html", context))


def send_briefing(day: date) -> int:
    """E-mail the briefing of ``day`` unless it was sent already; the number of recipients
    (0 when there is no briefing, it was sent, or nobody receives it)."""
    with transaction.atomic():
        briefing = Briefing.objects.select_for_update().filter(day=day).first()
        if briefing is None or briefing.emailed_at is not None:
            return 0
        people = recipients()
        if not people:
            return 0
        subject, text, html = render(briefing)
        for person in people:
            message = EmailMultiAlternatives(subject=subject, body=text, to=[person.email])
            message.attach_alternative(html, "text/html")
            message.send()
        actions_briefing.mark_emailed(briefing, recipients=len(people))
    return len(people)
