"""The tables the warehouse refresh derives for the service report (``rollups.DERIVED`` adds
them after the supply ones): each ticket with its clocks in minutes and hours, and each
inquiry with whether its customer paid an order within the conversion window. Plain data
here (name → inputs, label, SQL), as ``supply_tables``.

Choices (docs/analytics-service-campaigns.md, "Customer service"):

- A ticket is *resolved* when it was resolved, or closed without being marked resolved
  (``coalesce(resolved_at, closed_at)``).
- ``resolution_hours`` counts working time only: the overlap of [opened, resolved) with the
  desk's working hours (``ServicePolicy``: from ``working_start`` to ``working_end`` on the
  ISO weekdays of ``working_days``, shop-local), as ``service.rules.working_seconds_between``
  does in Python (``tests/analytics/test_service_tables.py`` checks both agree).
  ``first_response_minutes`` is calendar time, as GLOSSARY ``first_response_time`` defines it
  (the SLA verdict, in working time, is the ticket's own ``first_response_due_at``).
- An inquiry converts when its customer paid an order (not cancelled) at or after the
  ticket was opened and within ``inquiry_conversion_hours`` (default 24).
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.service.models import ServicePolicy


def _default(field: str):
    return ServicePolicy._meta.get_field(field).default


# The policy as one row: the stored one, else the model's defaults.
POLICY_SQL = f"""
    SELECT coalesce(max(working_start), TIME '{_default("working_start"):%H:%M:%S}') AS working_start,
           coalesce(max(working_end), TIME '{_default("working_end"):%H:%M:%S}') AS working_end,
           coalesce(max(working_days), '{_default("working_days")}') AS working_days,
           coalesce(max(inquiry_conversion_hours), {int(_default("inquiry_conversion_hours"))})
               AS inquiry_conversion_hours
    FROM service_policy"""

TICKET_FACTS_SQL = f"""
    WITH policy AS ({POLICY_SQL}
    ), finished AS (
        SELECT ticket_id, opened_at, coalesce(resolved_at, closed_at) AS finished_at
        FROM tickets WHERE coalesce(resolved_at, closed_at) > opened_at
    ), days AS (
        SELECT f.*, CAST(unnest(generate_series(CAST(f.opened_at AS DATE),
                                                CAST(f.finished_at AS DATE), INTERVAL 1 DAY))
                         AS DATE) AS day
        FROM finished f
    ), working AS (
        -- each working day's overlap of [opened, finished) with [start, end) of that day
        SELECT d.ticket_id,
               sum(greatest(0, date_diff('second', greatest(d.opened_at, d.day + p.working_start),
                                         least(d.finished_at, d.day + p.working_end))))
                   AS working_seconds
        FROM days d CROSS JOIN policy p
        WHERE contains(p.working_days, CAST(isodow(d.day) AS VARCHAR))
        GROUP BY d.ticket_id
    )
    SELECT t.*, coalesce(t.resolved_at, t.closed_at) AS finished_at,
           CAST(date_diff('second', t.opened_at, t.first_responded_at) AS DOUBLE) / 60
               AS first_response_minutes,
           CASE WHEN coalesce(t.resolved_at, t.closed_at) IS NOT NULL
                THEN CAST(coalesce(w.working_seconds, 0) AS DOUBLE) / 3600 END AS resolution_hours
    FROM tickets t LEFT JOIN working w USING (ticket_id)
    ORDER BY t.opened_at, t.ticket_id"""

INQUIRY_OUTCOMES_SQL = f"""
    WITH policy AS ({POLICY_SQL})
    SELECT t.ticket_id, t.customer_id, t.assignee_id, t.channel, t.opened_at,
           count(o.order_id) > 0 AS converted
    FROM tickets t CROSS JOIN policy p
    LEFT JOIN orders o ON o.customer_id = t.customer_id AND o.paid_at IS NOT NULL
         AND o.status <> 'cancelled' AND o.paid_at >= t.opened_at
         AND o.paid_at < t.opened_at + to_hours(CAST(p.inquiry_conversion_hours AS BIGINT))
    WHERE t.kind = 'inquiry' AND t.customer_id IS NOT NULL
    GROUP BY ALL
    ORDER BY t.opened_at, t.ticket_id"""

# name → (inputs, label, SQL), in order.
DERIVED = {
    "ticket_facts": ({"tickets", "service_policy"},
                     _("Each ticket with its first response in minutes and its resolution in "
                       "working hours"), TICKET_FACTS_SQL),
    "inquiry_outcomes": ({"tickets", "orders", "service_policy"},
                         _("Each inquiry with whether its customer paid within the window"),
                         INQUIRY_OUTCOMES_SQL),
}
