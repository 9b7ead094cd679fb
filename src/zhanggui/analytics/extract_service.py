"""What the warehouse copies of the service desk: tickets (their clocks, status, rating and
who they are assigned to — never the contact, the subject or any message text), the staff
they are assigned to (a name to show), and the desk's policy (working hours, the inquiry
conversion window), which the derived tables of ``service_tables`` read.

Modes, as ``extract``'s (``extract.EXTRACTS`` lists these after its own):

- ``tickets``: by ``updated_at`` (a ticket is a ``TimeStampedModel``: every action that
  changes one must save it — ``save()`` or ``update(updated_at=now)`` — or the warehouse
  keeps the old row until the next rebuild).
- ``service_agents``, ``service_policy``: small tables re-read whole.
"""

from zhanggui.analytics.extract import TS, Extract

TICKETS = Extract(
    table="tickets", key="ticket_id", mode="by_updated_at", watermark="t.updated_at",
    select="""SELECT t.id, t.number, t.channel, t.kind, t.nature, t.severity, t.status,
                     t.customer_id, t.order_id, t.assignee_id, t.opened_at,
                     t.first_response_due_at, t.first_responded_at, t.resolution_due_at,
                     t.resolved_at, t.closed_at, t.rating, t.rated_at, t.updated_at
              FROM service_ticket t""",
    columns=(("ticket_id", "BIGINT"), ("number", "VARCHAR"), ("channel", "VARCHAR"),
             ("kind", "VARCHAR"), ("nature", "VARCHAR"), ("severity", "VARCHAR"),
             ("status", "VARCHAR"), ("customer_id", "BIGINT"), ("order_id", "BIGINT"),
             ("assignee_id", "BIGINT"), ("opened_at", TS), ("first_response_due_at", TS),
             ("first_responded_at", TS), ("resolution_due_at", TS), ("resolved_at", TS),
             ("closed_at", TS), ("rating", "INTEGER"), ("rated_at", TS), ("updated_at", TS)),
)
# The name a report shows for an agent (the display name, else the login name).
SERVICE_AGENTS = Extract(
    table="service_agents", key="staff_id", mode="whole",
    select="""SELECT s.id, CASE WHEN s.display_name <> '' THEN s.display_name ELSE s.username END
              FROM accounts_staff s""",
    columns=(("staff_id", "BIGINT"), ("name", "VARCHAR")),
)
# One row, or none before anyone changed the defaults (the derived tables fall back to the
# model's defaults then).
SERVICE_POLICY = Extract(
    table="service_policy", key="policy_id", mode="whole",
    select="""SELECT p.id, p.working_start, p.working_end, p.working_days,
                     p.inquiry_conversion_hours
              FROM service_servicepolicy p""",
    columns=(("policy_id", "BIGINT"), ("working_start", "TIME"), ("working_end", "TIME"),
             ("working_days", "VARCHAR"), ("inquiry_conversion_hours", "INTEGER")),
)

SERVICE_EXTRACTS = (TICKETS, SERVICE_AGENTS, SERVICE_POLICY)
