"""The customer's public rating page ``/rate/<token>/`` (no login: the signed token is the
credential). GET shows the ticket's number and the 1–5 choice; POST records the rating
once. An expired or forged link, or a second rating, shows a clear message and changes
nothing."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zhanggui.core.errors import DomainError
from zhanggui.service import actions, rating
from zhanggui.service.errors import RatingLinkExpired
from zhanggui.service.models import TicketStatus

TEMPLATE = "service/rate.html"


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 · very satisfied")), (4, _("4 · satisfied")), (3, _("3 · neutral")),
                 (2, _("2 · dissatisfied")), (1, _("1 · very dissatisfied"))])
    comment = forms.CharField(label=_("Anything to add? (optional)"), required=False,
                              max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


def _state(ticket) -> str:
    if ticket.rating is not None:
        return "rated"
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return "not_done"
    return "ask"


# The token is the credential (no session, no cookie): a cross-site form could only post a
# rating with a link the customer holds anyway, so CSRF protection adds nothing here.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def rate_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = rating.ticket_for_token(token)
    except DomainError as exc:
        return render(request, TEMPLATE, {
            "error": str(exc), "expired": isinstance(exc, RatingLinkExpired)}, status=400)
    form = RatingForm(request.POST if request.method == "POST" else None)
    state = _state(ticket)
    if request.method == "POST" and state == "ask" and form.is_valid():
        try:
            ticket = actions.rate_ticket(ticket, rating_value=form.cleaned_data["rating"],
                                         comment=form.cleaned_data["comment"])
        except DomainError as exc:
            return render(request, TEMPLATE, {"error": str(exc), "ticket": ticket},
                          status=409)
        return render(request, TEMPLATE, {"ticket": ticket, "state": "thanks"})
    status = 409 if request.method == "POST" and state != "ask" else (
        422 if request.method == "POST" else 200)
    return render(request, TEMPLATE, {"ticket": ticket, "state": state, "form": form},
                  status=status)
