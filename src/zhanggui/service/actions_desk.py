"""Writes of the desk's rules: canned replies (their variables checked), auto-reply rules,
assignment rules and the service policy. Each checks its input, runs in a transaction,
locks the row it changes and writes the operation log."""

from collections.abc import Iterable
from datetime import time

from django.db import IntegrityError, transaction

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.service import queries, rules
from zhanggui.service.errors import InvalidRule, UnknownCannedVariable
from zhanggui.service.models import (
    AssignmentRule,
    AutoReplyRule,
    CannedReply,
    ServicePolicy,
    TicketChannel,
    TicketKind,
    TicketSeverity,
)

CANNED_FIELDS = ("title", "body", "kind", "is_active")
AUTO_FIELDS = ("name", "keywords", "reply", "channels", "position", "is_active")
ASSIGN_FIELDS = ("name", "position", "channel", "kind", "min_severity", "keywords", "is_active")
POLICY_FIELDS = ("first_response_minutes", "resolution_hours", "working_start", "working_end",
                 "working_days", "inquiry_conversion_hours", "csat_link_days")


def _policy_snapshot(policy: ServicePolicy) -> dict:
    values = snapshot(policy, [f for f in POLICY_FIELDS if not f.startswith("working_")])
    return {**values, "working_days": policy.working_days,
            "working_start": policy.working_start.isoformat(),
            "working_end": policy.working_end.isoformat()}


def _locked(model, obj):
    return None if obj is None or obj.pk is None else model.objects.select_for_update().get(
        pk=obj.pk)


def check_canned_body(body: str) -> None:
    """Raises: UnknownCannedVariable (also for malformed braces), InvalidRule (no text)."""
    if not (body or "").strip():
        raise InvalidRule(problem="the text is empty")
    unknown = rules.unknown_canned_variables(body)
    if unknown:
        raise UnknownCannedVariable(variables=", ".join("{" + name + "}" for name in unknown))


@transaction.atomic
def save_canned_reply(reply: CannedReply | None, *, title: str, body: str, actor: Staff | None,
                      kind: str = "", is_active: bool = True) -> CannedReply:
    """Create (``reply`` None) or change a canned reply.

    Raises:
        UnknownCannedVariable: a variable other than {nickname}, {order_number},
            {order_status}, {tracking_number}, {agent}.
        InvalidRule: no title or text, an unknown kind, or a title already used.
    """
    title = (title or "").strip()
    if not title or len(title) > 60:
        raise InvalidRule(problem="a title of 1 to 60 characters")
    if kind and kind not in TicketKind.values:
        raise InvalidRule(problem=f"kind {kind!r}")
    check_canned_body(body)
    reply = _locked(CannedReply, reply) or CannedReply()
    before = snapshot(reply, CANNED_FIELDS) if reply.pk else None
    reply.title, reply.body, reply.kind, reply.is_active = title, body.strip(), kind, is_active
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise InvalidRule(problem=f"title {title} is already used") from None
    log_operation(reply, action="service.save_canned_reply", actor=actor, before=before,
                  after=snapshot(reply, CANNED_FIELDS))
    return reply


def _keywords(values: Iterable[str]) -> list[str]:
    words = list(dict.fromkeys(rules.clean_keywords(values or ())))
    if any(len(word) > 30 for word in words):
        raise InvalidRule(problem="a keyword is longer than 30 characters")
    return words


def _channels(values: Iterable[str]) -> list[str]:
    channels = list(dict.fromkeys(values or ()))
    unknown = [c for c in channels if c not in TicketChannel.values]
    if unknown:
        raise InvalidRule(problem="unknown channel " + ", ".join(map(str, unknown)))
    return channels


@transaction.atomic
def save_auto_reply_rule(rule: AutoReplyRule | None, *, name: str, keywords: Iterable[str],
                         reply: str, actor: Staff | None, channels: Iterable[str] = (),
                         position: int = 100, is_active: bool = True) -> AutoReplyRule:
    """Raises: InvalidRule (no name, no keyword, no reply, unknown channel),
    UnknownCannedVariable (the reply's variables are a canned reply's)."""
    words = _keywords(keywords)
    if not (name or "").strip() or not words:
        raise InvalidRule(problem="a name and at least one keyword")
    check_canned_body(reply)
    rule = _locked(AutoReplyRule, rule) or AutoReplyRule()
    before = snapshot(rule, AUTO_FIELDS) if rule.pk else None
    rule.name, rule.keywords, rule.reply = name.strip()[:60], words, reply.strip()
    rule.channels, rule.position, rule.is_active = _channels(channels), position, is_active
    rule.save()
    log_operation(rule, action="service.save_auto_reply_rule", actor=actor, before=before,
                  after=snapshot(rule, AUTO_FIELDS))
    return rule


@transaction.atomic
def save_assignment_rule(rule: AssignmentRule | None, *, name: str, agents: Iterable[Staff],
                         actor: Staff | None, channel: str = "", kind: str = "",
                         min_severity: str = "", keywords: Iterable[str] = (),
                         position: int = 100, is_active: bool = True) -> AssignmentRule:
    """Raises: InvalidRule (no name, no agent, an agent who may not answer tickets, an
    unknown channel, kind or severity)."""
    agents = list(agents)
    if not (name or "").strip() or not agents:
        raise InvalidRule(problem="a name and at least one agent")
    if (channel and channel not in TicketChannel.values) or (
            kind and kind not in TicketKind.values) or (
            min_severity and min_severity not in TicketSeverity.values):
        raise InvalidRule(problem="unknown channel, kind or severity")
    refused = [str(a) for a in agents if not a.has_perm(queries.ANSWER_PERMISSION)]
    if refused:
        raise InvalidRule(problem="may not answer tickets: " + ", ".join(refused))
    rule = _locked(AssignmentRule, rule) or AssignmentRule()
    before = snapshot(rule, ASSIGN_FIELDS) if rule.pk else None
    rule.name, rule.channel, rule.kind = name.strip()[:60], channel, kind
    rule.min_severity, rule.keywords = min_severity, _keywords(keywords)
    rule.position, rule.is_active = position, is_active
    rule.save()
    rule.agents.set(agents)
    log_operation(rule, action="service.save_assignment_rule", actor=actor, before=before,
                  after={**snapshot(rule, ASSIGN_FIELDS), "agents": [a.pk for a in agents]})
    return rule


@transaction.atomic
def save_service_policy(*, actor: Staff | None, first_response_minutes: int,
                        resolution_hours: int, working_start: time, working_end: time,
                        working_days: str, inquiry_conversion_hours: int,
                        csat_link_days: int) -> ServicePolicy:
    """Change the desk's policy (new clocks only: open tickets keep their due times).

    Raises:
        InvalidRule: a clock below 1, hours that end before they start, working days other
            than digits 1–7.
    """
    try:
        days = "".join(str(d) for d in sorted(rules.parse_working_days(working_days)))
    except ValueError as exc:
        raise InvalidRule(problem=str(exc)) from None
    if min(first_response_minutes, resolution_hours, inquiry_conversion_hours,
           csat_link_days) < 1 or not working_start < working_end:
        raise InvalidRule(problem="clocks of at least 1, and hours that end after they start")
    policy = queries.lock_policy()
    before = _policy_snapshot(policy)
    policy.first_response_minutes, policy.resolution_hours = (first_response_minutes,
                                                              resolution_hours)
    policy.working_start, policy.working_end, policy.working_days = (working_start,
                                                                     working_end, days)
    policy.inquiry_conversion_hours, policy.csat_link_days = (inquiry_conversion_hours,
                                                              csat_link_days)
    policy.save()
    log_operation(policy, action="service.save_policy", actor=actor, before=before,
                  after=_policy_snapshot(policy))
    return policy


