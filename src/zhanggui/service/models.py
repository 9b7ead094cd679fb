"""The service desk (客服): tickets from every channel, their messages, and the desk's rules.

A ticket is an inquiry, a complaint (with its nature and severity) or a suggestion, from
chat or a platform's messages (imported by API), e-mail (the inbound-mail endpoint or the
IMAP poller) or the phone (typed by the agent). It may name a customer, an order and an
after-sales request. Rules assign it; SLA clocks (first response, resolution) count working
time from ``ServicePolicy`` and raise a task (``tasks`` app) when they run out; the customer
rates it after it closes through a signed link.
"""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.core.fields import EncryptedCharField, PersonalDataModel, PersonalDataQuerySet
from zhanggui.core.models import TimeStampedModel
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order


class ServicePolicy(models.Model):
    """The desk's clocks and hours (one row; the guides' defaults until someone changes them)."""

    first_response_minutes = models.PositiveIntegerField(
        _("first reply within (minutes)"), default=3)
    resolution_hours = models.PositiveIntegerField(_("resolve within (working hours)"),
                                                   default=24)
    working_start = models.TimeField(_("working hours from"), default=time(9, 0))
    working_end = models.TimeField(_("working hours until"), default=time(23, 0))
    working_days = models.CharField(
        _("working days"), max_length=7, default="1234567",
        help_text=_("ISO weekdays the desk works: 1 = Monday … 7 = Sunday"))
    inquiry_conversion_hours = models.PositiveIntegerField(
        _("inquiry converts if paid within (hours)"), default=24)
    csat_link_days = models.PositiveSmallIntegerField(_("rating link valid (days)"), default=7)

    class Meta:
        verbose_name = _("service policy")
        verbose_name_plural = _("service policy")
        constraints = [
            models.CheckConstraint(condition=Q(first_response_minutes__gte=1,
                                               resolution_hours__gte=1),
                                   name="service_policy_clocks_positive"),
            models.CheckConstraint(condition=Q(working_end__gt=models.F("working_start")),
                                   name="service_policy_hours_order"),
        ]

    def __str__(self) -> str:
        return str(_("service policy"))


class TicketChannel(models.TextChoices):
    CHAT = "chat", _("chat (旺旺 / 千牛)")
    PLATFORM = "platform", _("platform message")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")


class TicketKind(models.TextChoices):
    INQUIRY = "inquiry", _("inquiry")
    COMPLAINT = "complaint", _("complaint")
    SUGGESTION = "suggestion", _("suggestion")


class ComplaintNature(models.TextChoices):
    PRODUCT = "product", _("product quality")
    LOGISTICS = "logistics", _("delivery")
    SERVICE = "service", _("service attitude")
    PRICE = "price", _("price or promotion")
    AFTERSALES = "aftersales", _("returns and refunds")
    OTHER = "other", _("other")


class TicketSeverity(models.TextChoices):
    LOW = "low", pgettext_lazy("severity", "low")
    MEDIUM = "medium", pgettext_lazy("severity", "medium")
    HIGH = "high", pgettext_lazy("severity", "high")
    CRITICAL = "critical", pgettext_lazy("severity", "critical")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("open")
    PENDING = "pending", _("waiting for the customer")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


class Ticket(PersonalDataModel, TimeStampedModel):
    number = models.CharField(_("ticket number"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=TicketChannel.choices)
    # A chat conversation or e-mail thread id from outside: imports and mail of one thread
    # land on one ticket, and importing the same conversation twice changes nothing.
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=TicketKind.choices,
                            default=TicketKind.INQUIRY, db_index=True)
    nature = models.CharField(_("complaint about"), max_length=10,
                              choices=ComplaintNature.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=TicketSeverity.choices,
                                default=TicketSeverity.LOW)
    subject = models.CharField(pgettext_lazy("ticket", "subject"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=TicketStatus.choices,
                              default=TicketStatus.OPEN, db_index=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="tickets", verbose_name=_("customer"))
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="tickets", verbose_name=_("order"))
    aftersales_request = models.ForeignKey(
        AftersalesRequest, null=True, blank=True, on_delete=models.PROTECT,
        related_name="tickets", verbose_name=_("after-sales request"))
    # Who wrote in, as they named themselves (an e-mail address, a chat nickname): personal
    # data, encrypted; used to find the customer and to answer by e-mail.
    contact = EncryptedCharField(_("contact"), max_length=254, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tickets",
                                 verbose_name=_("assignee"))
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    first_response_due_at = models.DateTimeField(_("first reply due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-opened_at", "-id"]
        permissions = [("reply_ticket", _("Can reply to and resolve tickets")),
                       ("assign_ticket", _("Can assign tickets to agents"))]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"],
                                    condition=~Q(external_id=""),
                                    name="ticket_external_id_per_channel"),
            models.CheckConstraint(condition=Q(rating__isnull=True)
                                   | Q(rating__gte=1, rating__lte=5),
                                   name="ticket_rating_range"),
        ]
        indexes = [models.Index(fields=["assignee", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class TicketMessageDirection(models.TextChoices):
    INBOUND = "in", _("from the customer")
    OUTBOUND = "out", _("to the customer")
    NOTE = "note", _("internal note")


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages",
                               verbose_name=_("ticket"))
    direction = models.CharField(_("direction"), max_length=4, choices=TicketMessageDirection.choices)
    body = models.TextField(_("message"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("agent"))
    is_auto_reply = models.BooleanField(_("automatic reply"), default=False)
    canned_reply = models.ForeignKey("CannedReply", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("canned reply"))
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["ticket", "sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "external_id"],
                                               condition=~Q(external_id=""),
                                               name="ticket_message_external_id")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.direction} {self.sent_at:%Y-%m-%d %H:%M}"


class CannedReply(models.Model):
    """A prepared answer (快捷短语) with variables filled from the ticket."""

    title = models.CharField(_("title"), max_length=60, unique=True)
    body = models.TextField(_("text"), help_text=_(
        "variables: {nickname}, {order_number}, {order_status}, {tracking_number}, {agent}"))
    kind = models.CharField(_("for tickets of kind"), max_length=10, choices=TicketKind.choices,
                            blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    used_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class AutoReplyRule(models.Model):
    """Answers an inbound message at once when its words contain the rule's keywords."""

    name = models.CharField(_("name"), max_length=60)
    keywords = models.JSONField(_("keywords"), default=list,
                                help_text=_("all of these words, after Chinese word segmentation"))
    reply = models.TextField(_("reply"))
    channels = models.JSONField(_("channels"), default=list, blank=True,
                                help_text=_("empty: every channel"))
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("auto-reply rule")
        verbose_name_plural = _("auto-reply rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class AssignmentRule(models.Model):
    """The first matching rule (by position) gives a new ticket to the least-loaded of its
    agents; a blank condition matches anything."""

    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    channel = models.CharField(_("channel"), max_length=10, choices=TicketChannel.choices,
                               blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=TicketKind.choices, blank=True)
    min_severity = models.CharField(_("severity at least"), max_length=8,
                                    choices=TicketSeverity.choices, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True,
                                help_text=_("any of these words in the subject or message"))
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+",
                                    verbose_name=_("agents"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
