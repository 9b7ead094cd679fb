"""A campaign's subject and body filled in for one recipient (queueing and the preview).

Rendered in the shop's language (``settings.LANGUAGE_CODE``), whoever pressed "send".
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhanggui.customers.models import Customer
from zhanggui.customers.queries_recommendations import recommended_titles
from zhanggui.marketing import contact_rules
from zhanggui.marketing.models_campaigns import Campaign, MessageChannel
from zhanggui.marketing.unsubscribe import unsubscribe_url
from zhanggui.pricing.models import Coupon, CouponTemplate


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def coupon_text(template: CouponTemplate | None) -> str:
    if template is None:
        return ""
    return contact_rules.coupon_value(template.kind, discount_rate=template.discount_rate,
                                      discount_amount=template.discount_amount)


def recommended_text(customer_id: int) -> str:
    """The titles of the customer's best "for you" products, in a list as the active
    language writes one ("" when there are none)."""
    titles = recommended_titles([customer_id], limit=contact_rules.RECOMMENDED_IN_MESSAGE)
    separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
    return separator.join(titles.get(customer_id, []))


def values_for(campaign: Campaign, customer: Customer, coupon: Coupon | None,
               channel: str) -> dict[str, str]:
    template = coupon.template if coupon is not None else campaign.coupon_template
    valid_until = coupon.valid_until if coupon is not None else None
    return {
        "nickname": customer.nickname or customer.code,
        "coupon_code": coupon.code if coupon is not None else "",
        "coupon_value": coupon_text(template),
        "valid_until": (timezone.localtime(valid_until).strftime("%Y-%m-%d")
                        if valid_until else ""),
        "unsubscribe_url": unsubscribe_url(customer.pk, channel),
        # Read only when the message uses it: one query per recipient.
        "recommended_products": (recommended_text(customer.pk) if "recommended_products"
                                 in _used(campaign) else ""),
    }


def _used(campaign: Campaign) -> set[str]:
    try:
        return (contact_rules.template_variables(campaign.body)
                | contact_rules.template_variables(campaign.subject or ""))
    except ValueError:
        return set()


def render_message(campaign: Campaign, customer: Customer, coupon: Coupon | None,
                   channel: str) -> Rendered:
    """The message to ``customer`` on ``channel``; an e-mail whose body has no
    ``{unsubscribe_url}`` gets the link appended (every e-mail carries it)."""
    with translation.override(settings.LANGUAGE_CODE):
        values = values_for(campaign, customer, coupon, channel)
        body = contact_rules.render(campaign.body, values)
        if channel == MessageChannel.EMAIL and "unsubscribe_url" not in \
                contact_rules.template_variables(campaign.body):
            body += "\n\n" + _("Unsubscribe: %(url)s") % {"url": values["unsubscribe_url"]}
        subject = contact_rules.render(campaign.subject or campaign.name, values)
    return Rendered(subject=subject[:200], body=body)
