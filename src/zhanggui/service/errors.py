"""Refusals of the service desk (each with a stable code for the API)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput, NotFound


class TicketNotFound(NotFound):
    code = "ticket_not_found"
    default_message = _("Ticket %(ticket)s was not found.")


class ComplaintNeedsClassification(InvalidInput):
    code = "complaint_needs_nature_and_severity"
    default_message = _("A complaint needs its nature and its severity.")


class InvalidTicketData(InvalidInput):
    code = "invalid_ticket"
    default_message = _("The ticket is not valid: %(problem)s")


class OrderNotCustomers(InvalidInput):
    code = "order_not_customers"
    default_message = _("Order %(order)s is not an order of customer %(customer)s.")


class RequestNotOrders(InvalidInput):
    code = "aftersales_not_orders"
    default_message = _("After-sales request %(request)s is not a request of order %(order)s.")


class EmptyMessage(InvalidInput):
    code = "empty_message"
    default_message = _("A message needs some text.")


class TicketState(Conflict):
    code = "ticket_wrong_state"
    default_message = _("Ticket %(number)s is %(status)s: %(action)s is not possible.")


class InvalidAgent(InvalidInput):
    code = "invalid_agent"
    default_message = _("%(agent)s is not an active staff member who may answer tickets.")


class InvalidRating(InvalidInput):
    code = "invalid_rating"
    default_message = _("A rating is a whole number from 1 to 5.")


class AlreadyRated(Conflict):
    code = "ticket_already_rated"
    default_message = _("Ticket %(number)s has already been rated.")


class RatingLinkInvalid(InvalidInput):
    code = "rating_link_invalid"
    default_message = _("This rating link is not valid.")


class RatingLinkExpired(InvalidInput):
    code = "rating_link_expired"
    default_message = _("This rating link has expired.")


class UnknownCannedVariable(InvalidInput):
    code = "unknown_canned_variable"
    default_message = _("Unknown variable %(variables)s: use {nickname}, {order_number}, "
                        "{order_status}, {tracking_number} or {agent}.")


class CannedReplyInactive(Conflict):
    code = "canned_reply_inactive"
    default_message = _("Canned reply %(title)s is not active.")


class InvalidRule(InvalidInput):
    code = "invalid_service_rule"
    default_message = _("The rule is not valid: %(problem)s")


class InvalidConversation(InvalidInput):
    code = "invalid_conversation"
    default_message = _("The conversation cannot be imported: %(problem)s")


class InvalidMail(InvalidInput):
    code = "invalid_mail"
    default_message = _("The e-mail cannot be read: %(problem)s")


class MailboxNotConfigured(Conflict):
    code = "mailbox_not_configured"
    default_message = _("No mailbox is configured (ZHANGGUI_IMAP_HOST).")


class CannedReplyNotFound(NotFound):
    code = "canned_reply_not_found"
    default_message = _("Canned reply %(reply)s was not found.")
