"""The service desk's part of the metric registry (``metrics`` adds these to ``SOURCES`` and
``METRICS``): GLOSSARY ``first_response_time`` and ``resolution_time`` (median and p90),
``csat`` and ``inquiry_conversion_rate``, with the counts they stand on. Each source may be
grouped by ``assignee_id`` (the agent the ticket is assigned to now) or ``channel`` (the
ticket's channel: chat, platform, email, phone); the channel filter is a ticket channel.

Sources read the derived tables of ``service_tables``; each takes the tickets whose event
fell in the period: opened (counts, inquiries), first answered (first response), resolved
(resolution) or rated (satisfaction). So a period's numbers are final once it is over.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.analytics.metric_types import Source
from zhanggui.analytics.metric_types import metric as _m

SATISFIED_FROM = 4  # ratings 4 and 5 of 5


def _source(code: str, table: str, time: str, where: str = "TRUE") -> Source:
    return Source(code, f"""
        SELECT p.label AS period, x.*, CAST(x.{time} AS DATE) AS day
        FROM {table} x JOIN periods p ON x.{time} >= p.start_at AND x.{time} < p.end_at
        WHERE {where} {{span}} {{channel}}""",
                  channel="AND x.channel = $channel", dimensions=("assignee_id", "channel", "day"),
                  span_column=f"x.{time}")


SOURCES = [
    _source("tickets_opened", "ticket_facts", "opened_at"),
    _source("ticket_responses", "ticket_facts", "first_responded_at"),
    _source("ticket_resolutions", "ticket_facts", "finished_at"),
    _source("ticket_ratings", "ticket_facts", "rated_at", where="x.rating IS NOT NULL"),
    _source("inquiries", "inquiry_outcomes", "opened_at"),
]

METRICS = [
    _m("tickets_opened", _("Tickets opened"), "count of tickets opened in the period", "count",
       "tickets_opened", "count(*)"),
    _m("tickets_unanswered", _("Tickets not answered yet"),
       "tickets opened in the period without a first reply so far", "count", "tickets_opened",
       "count(*) FILTER (WHERE first_responded_at IS NULL)"),
    _m("complaints_opened", _("Complaints"), "complaint tickets opened in the period", "count",
       "tickets_opened", "count(*) FILTER (WHERE kind = 'complaint')"),
    _m("tickets_answered", _("Tickets answered"), "tickets first answered in the period", "count",
       "ticket_responses", "count(*)"),
    _m("first_response_time", _("First response time (median minutes)"),
       "median of (first staff reply − ticket created) in minutes, over tickets first answered "
       "in the period", "number", "ticket_responses", "median(first_response_minutes)",
       notes=_("Calendar minutes, as the glossary defines it. The guides' target is a first "
               "reply within 3 minutes in working hours: see the on-time rate.")),
    _m("first_response_time_p90", _("First response time (p90 minutes)"),
       "90th percentile of (first staff reply − ticket created) in minutes, over tickets first "
       "answered in the period", "number", "ticket_responses",
       "quantile_cont(first_response_minutes, 0.9)"),
    _m("first_responses_due", _("First replies with a due time"),
       "tickets first answered in the period that had a first-reply due time", "count",
       "ticket_responses", "count(*) FILTER (WHERE first_response_due_at IS NOT NULL)"),
    _m("first_responses_on_time", _("First replies by their due time"),
       "tickets first answered in the period by their first-reply due time", "count",
       "ticket_responses",
       "count(*) FILTER (WHERE first_responded_at <= first_response_due_at)"),
    _m("tickets_resolved", _("Tickets resolved"),
       "tickets resolved (or closed unresolved) in the period", "count", "ticket_resolutions",
       "count(*)"),
    _m("resolution_time", _("Resolution time (median working hours)"),
       "median of (ticket resolved − ticket created) in working hours, over tickets resolved in "
       "the period", "number", "ticket_resolutions", "median(resolution_hours)",
       notes=_("Only the desk's working hours count (service policy: working days, from and "
               "until). A ticket closed without being marked resolved is resolved when closed.")),
    _m("resolution_time_p90", _("Resolution time (p90 working hours)"),
       "90th percentile of (ticket resolved − ticket created) in working hours, over tickets "
       "resolved in the period", "number", "ticket_resolutions",
       "quantile_cont(resolution_hours, 0.9)"),
    _m("ratings", _("Ratings"), "satisfaction ratings given in the period", "count",
       "ticket_ratings", "count(*)"),
    _m("satisfied_ratings", _("Satisfied ratings"),
       f"ratings of {SATISFIED_FROM} or 5 (of 5) given in the period", "count", "ticket_ratings",
       f"count(*) FILTER (WHERE rating >= {SATISFIED_FROM})"),
    _m("inquiring_customers", _("Customers who inquired"),
       "distinct customers with an inquiry ticket opened in the period", "count", "inquiries",
       "count(DISTINCT customer_id)"),
    _m("converted_inquirers", _("Inquiring customers who paid"),
       "customers who inquired in the period and paid an order within the window after an "
       "inquiry", "count", "inquiries", "count(DISTINCT customer_id) FILTER (WHERE converted)"),
    # Derived.
    _m("first_response_on_time_rate", _("First replies on time"),
       "tickets first answered by their due time / tickets first answered with a due time",
       "rate", numerator="first_responses_on_time", denominator="first_responses_due",
       notes=_("The due time is the ticket's first-reply clock in working time (service policy: "
               "3 minutes by default).")),
    _m("csat", _("Satisfaction (CSAT)"), "satisfied ratings (4–5 of 5) / ratings", "rate",
       numerator="satisfied_ratings", denominator="ratings"),
    _m("inquiry_conversion_rate", _("Inquiry conversion rate"),
       "customers who paid within the window after inquiring / customers who inquired", "rate",
       numerator="converted_inquirers", denominator="inquiring_customers",
       notes=_("The window is the service policy's (24 hours by default), from the moment the "
               "inquiry was opened; orders cancelled never count.")),
]

# Metrics with no figure (rather than 0) when they stand on nothing: code → its count.
COUNTED_BY = {"first_response_time": "tickets_answered", "first_response_time_p90": "tickets_answered",
              "resolution_time": "tickets_resolved", "resolution_time_p90": "tickets_resolved"}
