"""Page-matrix rows of the customers-for-life pages (issue 16): campaigns, A/B tests,
segments, membership and the service desk."""

from tests.console.page_kinds import (
    EVERYONE,
    OWNER,
    Page,
    _object,
    _pk,
    admin_model,
    model_pages,
    roles,
)

PAGES: dict[str, Page] = {}

# Campaigns: prepare, send and cancel are operations; the unsubscribe link's page is public
# (its signature is the credential).
PAGES.update({
    "admin:marketing_campaign_prepare_one": Page(roles("operator"), _pk("marketing.campaign")),
    "admin:marketing_campaign_send_one": Page(roles("operator"), _pk("marketing.campaign")),
    "admin:marketing_campaign_cancel_one": Page(roles("operator"), _pk("marketing.campaign")),
    "marketing_unsubscribe": Page(EVERYONE, anonymous=200, params=lambda store: {
        "token": _unsubscribe_token(store)}),
})


def _unsubscribe_token(store: dict) -> str:
    from zhanggui.marketing.unsubscribe import make_token

    return make_token(store["customer"].pk, "email")


# A/B tests: start and stop are operations (a form on GET, the action on POST).
PAGES.update({
    "admin:marketing_experiment_start_one": Page(roles("operator"), _pk("marketing.experiment")),
    "admin:marketing_experiment_stop_one": Page(roles("operator"), _pk("marketing.experiment")),
})

# Segments: edit, preview (a draft evaluated in the warehouse), deactivate and activate are
# operations on the segment page.
_SEGMENT = _pk("customers.segment")
PAGES.update({
    "admin:customers_segment_edit_one": Page(roles("operator"), _SEGMENT),
    "admin:customers_segment_preview_one": Page(roles("operator", "service", "analyst"), _SEGMENT),
    "admin:customers_segment_deactivate_one": Page(roles("operator"), _SEGMENT),
    "admin:customers_segment_activate_one": Page(roles("operator"), _SEGMENT),
})

# Membership: adjusting a customer's points is an operation on the customer page.
PAGES.update({
    "admin:customers_customer_adjust_points": Page(roles("service"), _object("customer")),
})

# Service desk: tickets (changes only through the ticket page's POST forms and the open
# form), canned replies, auto-reply and assignment rules, the policy; the customer's public
# rating page (the signed token is the credential: anyone, signed in or not).
_TICKET = _pk("service.ticket")
_DESK = roles("operator", "service", "analyst")
PAGES.update({
    **model_pages("service.ticket", _DESK),
    **model_pages("service.cannedreply", roles("service"), add=roles("service")),
    **model_pages("service.autoreplyrule", roles("service"), add=OWNER, delete=OWNER),
    **model_pages("service.assignmentrule", roles("service"), add=OWNER, delete=OWNER),
    **model_pages("service.servicepolicy", roles("service")),
    "admin:service_ticket_open_new": Page(roles("service")),
    **{f"admin:service_ticket_{step}": Page(roles("service"), _TICKET, post_only=True)
       for step in ("reply", "note", "assign", "pending", "resolve", "close")},
    "service_rate": Page(EVERYONE, lambda store: {"token": _rating_token()}, anonymous=200),
})


def _rating_token() -> str:
    from zhanggui.service.rating import make_token

    return make_token(admin_model("service.ticket").objects.order_by("pk").first())
