"""Background jobs of the accounts app: mailing alerts to the owner."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from zhanggui.accounts.models import Alert
from zhanggui.accounts.queries import owner_emails


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def mail_alert_task(alert_id: int) -> int:
    """Send one alert to every active owner with an e-mail address; returns how many."""
    alert = Alert.objects.filter(pk=alert_id).first()
    recipients = owner_emails()
    if alert is None or not recipients:
        return 0
    subject = _("[Zhanggui] %(kind)s") % {"kind": alert.get_kind_display()}
    return send_mail(subject, alert.message, settings.DEFAULT_FROM_EMAIL, recipients)
