"""Console pages of the service desk's tickets: the list (status, SLA badge, assignee;
filters by state, whose, SLA, kind, channel), the ticket page with its conversation and the
forms that POST to actions (reply with the canned-reply picker, note, assign, wait for the
customer, resolve, close), and the page to open a ticket (a phone call typed by the agent).

The picker fills the reply box on the server: choosing a canned reply reloads the page
with its text rendered for this ticket (``?canned=<id>``), which the agent edits and sends.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.decorators import action, display

from zhanggui.console.admin import service_forms as forms_
from zhanggui.console.formatting import badge
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin
from zhanggui.console.operations import Operation, run_standalone
from zhanggui.core.errors import DomainError
from zhanggui.service import actions, actions_messages, queries, rating, rules
from zhanggui.service.models import Ticket, TicketStatus
from zhanggui.service.variables import canned_values

REPLY, ASSIGN, ADD = "service.reply_ticket", "service.assign_ticket", "service.add_ticket"
ACTIVE = (TicketStatus.OPEN, TicketStatus.PENDING)
STATUS_BADGES = {"open": "requested", "pending": "released", "resolved": "succeeded",
                 "closed": "consumed"}


def _open(ticket, data, actor):
    return actions.open_ticket(actions.TicketInput(
        channel=data["channel"], kind=data["kind"], nature=data["nature"],
        severity=data["severity"], subject=data["subject"], body=data["body"],
        contact=data["contact"], customer=data["customer_code"], order=data["order_number"]),
        actor=actor)


OPEN_TICKET = Operation(
    title=_("Open a ticket"), perform=_open, done_message=_("Ticket opened."),
    form_class=forms_.OpenTicketForm,
    help_text=_("A phone call or any request that did not arrive by chat or e-mail. A "
                "complaint needs what it is about and its severity."))


class StateFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Open or waiting")), *TicketStatus.choices]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(status__in=ACTIVE)
        if self.value() in TicketStatus.values:
            return queryset.filter(status=self.value())
        return queryset


class ScopeFilter(admin.SimpleListFilter):
    title = _("whose")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("mine", _("Assigned to me")), ("unassigned", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assignee=request.user)
        if self.value() == "unassigned":
            return queryset.filter(assignee__isnull=True)
        return queryset


class SlaFilter(admin.SimpleListFilter):
    """The same conditions the workbench counts (``service.queries``)."""

    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("first_reply_overdue", _("First reply overdue"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(queries.overdue_condition(now))
        if self.value() == "first_reply_overdue":
            return queryset.filter(queries.first_reply_overdue_condition(now))
        return queryset


# The ticket page's POST forms: (permission, form, the action it runs, the message after).
TICKET_STEPS = {
    "reply": (REPLY, forms_.ReplyForm, lambda ticket, data, actor: actions_messages.reply_ticket(
        ticket, body=data["body"], canned_reply=data["canned_reply"], actor=actor),
        _("Reply sent.")),
    "note": ("service.add_ticketmessage", forms_.NoteForm,
             lambda ticket, data, actor: actions_messages.add_note(ticket, body=data["body"],
                                                                   actor=actor),
             _("Note added.")),
    "assign": (ASSIGN, forms_.AssignForm,
               lambda ticket, data, actor: actions.assign_ticket(ticket, agent=data["agent"],
                                                                 actor=actor),
               _("Ticket assigned.")),
    "pending": (REPLY, forms_.DoneForm,
                lambda ticket, data, actor: actions.set_pending(ticket, actor=actor),
                _("Waiting for the customer.")),
    "resolve": (REPLY, forms_.DoneForm,
                lambda ticket, data, actor: actions.resolve_ticket(ticket, note=data["note"],
                                                                   actor=actor),
                _("Ticket resolved.")),
    "close": (REPLY, forms_.DoneForm,
              lambda ticket, data, actor: actions.close_ticket(ticket, note=data["note"],
                                                               actor=actor),
              _("Ticket closed.")),
}


def _minutes(delta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    if minutes < 48 * 60:
        return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(d)d days") % {"d": minutes // 1440}


def sla_badge(ticket: Ticket) -> str:
    """Overdue (red), due in … (amber within 30 minutes), or done."""
    if ticket.status not in ACTIVE:
        return badge("consumed", _("done"))
    now = timezone.now()
    due = (ticket.first_response_due_at if ticket.first_responded_at is None
           else ticket.resolution_due_at)
    if due is None:
        return "—"
    if due < now:
        return badge("failed", _("overdue %(time)s") % {"time": _minutes(now - due)})
    colour = "released" if (due - now).total_seconds() <= 1800 else "active"
    which = _("reply") if ticket.first_responded_at is None else _("resolve")
    return badge(colour, _("%(which)s due in %(time)s") % {"which": which,
                                                           "time": _minutes(due - now)})


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    change_form_outer_after_template = "console/service/ticket_after.html"
    personal_fields = {"contact": rules.mask_contact}
    list_display = ("number", "subject", "channel", "kind", "status_badge", "sla_display",
                    "assignee", "customer", "opened_at")
    list_filter = (StateFilter, ScopeFilter, SlaFilter, "kind", "channel", "severity")
    list_select_related = ("assignee", "customer")
    search_fields = ("number", "subject", "customer__code", "order__number")
    fieldsets = (
        (_("Ticket"), {"fields": (("number", "status_badge"), "subject",
                                  ("channel", "kind"), ("nature", "severity"),
                                  ("customer", "order", "aftersales_request"), "contact")}),
        (_("Clocks"), {"fields": (("assignee", "sla_display"),
                                  ("opened_at", "first_response_due_at", "first_responded_at"),
                                  ("resolution_due_at", "resolved_at", "closed_at"),
                                  "escalated_at")}),
        (_("Satisfaction"), {"fields": (("rating", "rated_at"), "rating_comment")}),
    )
    readonly_fields = ("status_badge", "sla_display")
    actions_list = ["open_new"]

    def has_open_ticket_permission(self, request, obj=None) -> bool:
        return request.user.has_perms((ADD, "service.add_ticketmessage"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        steps = [path(f"<path:object_id>/{name}/", wrap(require_POST(self.step_view)),
                      {"name": name}, name=f"service_ticket_{name}")
                 for name in TICKET_STEPS]
        return [*steps, *super().get_urls()]

    @display(description=_("status"), ordering="status")
    def status_badge(self, ticket: Ticket) -> str:
        return badge(STATUS_BADGES.get(ticket.status, "active"), ticket.get_status_display())

    @display(description=_("SLA"))
    def sla_display(self, ticket: Ticket) -> str:
        return sla_badge(ticket)

    @action(description=_("Open a ticket"), permissions=["open_ticket"], icon="add_call",
            url_path="open")
    def open_new(self, request):
        return run_standalone(self, request, OPEN_TICKET)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, unquote(object_id))
        if ticket is not None and self.has_view_permission(request, ticket):
            extra_context = {**(extra_context or {}), **self._work_context(request, ticket)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _work_context(self, request: HttpRequest, ticket: Ticket) -> dict:
        user = request.user
        active = ticket.status in ACTIVE
        may_reply = user.has_perm(REPLY)
        picker = forms_.CannedPickForm(request.GET or None)
        reply_initial = {}
        if may_reply and picker.is_valid() and picker.cleaned_data.get("canned"):
            canned = picker.cleaned_data["canned"]
            reply_initial = {"body": rules.render_canned(canned.body,
                                                         canned_values(ticket, agent=user)),
                             "canned_reply": canned.pk}
        done = ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        return {
            "conversation": ticket.messages.select_related("author", "canned_reply")
            .order_by("sent_at", "pk"),
            "picker": picker if may_reply and ticket.status != TicketStatus.CLOSED else None,
            "reply_form": forms_.ReplyForm(initial=reply_initial)
            if may_reply and ticket.status != TicketStatus.CLOSED else None,
            "note_form": forms_.NoteForm() if user.has_perm("service.add_ticketmessage") else None,
            "assign_form": forms_.AssignForm(initial={"agent": ticket.assignee_id})
            if active and user.has_perm(ASSIGN) else None,
            "may_pending": may_reply and ticket.status == TicketStatus.OPEN,
            "may_resolve": may_reply and active,
            "may_close": may_reply and ticket.status != TicketStatus.CLOSED,
            "done_form": forms_.DoneForm(),
            "rating_link": rating.rating_url(ticket) if done and ticket.rating is None else "",
            "ticket_urls": {name: reverse(f"admin:service_ticket_{name}", args=[quote(ticket.pk)])
                            for name in TICKET_STEPS},
        }

    # ---- POST-only forms of the ticket page, each calling one action ----

    def _ticket_for(self, request: HttpRequest, object_id: str, permission: str) -> Ticket:
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None:
            raise Http404
        if not (self.has_view_permission(request, ticket) and request.user.has_perm(permission)):
            raise PermissionDenied
        return ticket

    def _done(self, request, ticket, form, perform, message) -> HttpResponseRedirect:
        if not form.is_valid():
            errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            self.message_user(request, errors, messages.ERROR)
        else:
            try:
                perform(form.cleaned_data)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:service_ticket_change",
                                            args=[quote(ticket.pk)]))

    def step_view(self, request, object_id, name: str):
        """POST of one of the ticket page's forms: check, validate, run its action, go back."""
        permission, form_class, perform, message = TICKET_STEPS[name]
        ticket = self._ticket_for(request, object_id, permission)
        return self._done(request, ticket, form_class(request.POST),
                          lambda data: perform(ticket, data, request.user), message)
