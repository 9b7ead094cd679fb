"""Traffic writes: batch ingestion of behaviour events, and ingestion keys."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zhanggui.accounts.actions import create_api_token, create_staff, log_operation
from zhanggui.accounts.models import ApiToken, Staff
from zhanggui.catalog.models import Product
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order
from zhanggui.traffic import rules
from zhanggui.traffic.errors import BatchTooLarge, EmptyBatch, InvalidEvents
from zhanggui.traffic.models import Event

INGEST_PERMISSION = ("traffic", "add_event")
# How each reference is looked up by its business key.
REFERENCE_MODELS = {"product": (Product, "code"), "customer": (Customer, "code"),
                    "order": (Order, "number")}


@dataclass(frozen=True)
class IngestResult:
    received: int
    accepted: int
    duplicates: int
    first_id: int | None = None
    last_id: int | None = None


def _resolve(events: list[rules.CleanEvent]) -> tuple[dict[tuple[str, str, Any], int], list]:
    """Database ids of every referenced product, customer and order (by id or key), and a
    problem for each reference that does not exist."""
    resolved: dict[tuple[str, str, Any], int] = {}
    for name, (model, key_field) in REFERENCE_MODELS.items():
        wanted = {e.refs[name] for e in events if name in e.refs}
        ids = {value for how, value in wanted if how == "id"}
        codes = {value for how, value in wanted if how == "code"}
        for pk in model.objects.filter(pk__in=ids).values_list("pk", flat=True):
            resolved[(name, "id", pk)] = pk
        for pk, code in model.objects.filter(**{f"{key_field}__in": codes}).values_list(
                "pk", key_field):
            resolved[(name, "code", code)] = pk
    problems = [rules.Problem(e.index, name, _unknown(name)).as_dict()
                for e in events for name, ref in e.refs.items()
                if (name, *ref) not in resolved]
    return resolved, problems


def _unknown(name: str) -> str:
    return {"product": gettext("No such product."), "customer": gettext("No such customer."),
            "order": gettext("No such order.")}[name]


def _row(event: rules.CleanEvent, resolved: dict) -> Event:
    refs = {f"{name}_id": resolved[(name, *ref)] for name, ref in event.refs.items()}
    return Event(event_id=event.event_id, kind=event.kind, visitor_id=event.visitor_id,
                 session_id=event.session_id, source=event.source, channel=event.channel,
                 device=event.device, url=event.url, search_term=event.search_term,
                 result_count=event.result_count, occurred_at=event.occurred_at, **refs)


def validate_batch(events: Sequence[Any]) -> list[rules.CleanEvent]:
    """Every event of the batch, validated and normalised (no database access).

    Raises:
        EmptyBatch: when there are no events.
        BatchTooLarge: when there are more than ``rules.MAX_BATCH_SIZE``.
        InvalidEvents: listing every problem of every bad event, with its index.
    """
    if not events:
        raise EmptyBatch()
    if len(events) > rules.MAX_BATCH_SIZE:
        raise BatchTooLarge(limit=rules.MAX_BATCH_SIZE, size=len(events))
    now = timezone.now()
    clean, problems = [], []
    for index, raw in enumerate(events):
        result = rules.normalise_event(raw, index=index, now=now)
        if isinstance(result, rules.CleanEvent):
            clean.append(result)
        else:
            problems += [p.as_dict() for p in result]
    if problems:
        raise InvalidEvents(problems)
    return clean


@transaction.atomic
def ingest_events(events: Sequence[Any], *, actor: Staff | None) -> IngestResult:
    """Store a batch of raw events (JSON objects, see ``rules.normalise_event``).

    All or nothing: when any event is invalid or refers to a product, customer or order
    that does not exist, nothing is stored and every problem is reported. Events whose
    ``event_id`` is already stored (or repeated in the batch) are skipped, so re-sending a
    batch changes nothing. References are resolved by id (``product_id``) or business key
    (``product_code``, ``customer_code``, ``order_number``). Writes one operation-log entry
    per batch that stored anything, not one per event.

    Raises:
        EmptyBatch, BatchTooLarge, InvalidEvents: see ``validate_batch``; InvalidEvents also
            for unknown references.
    """
    clean = validate_batch(events)
    resolved, problems = _resolve(clean)
    if problems:
        raise InvalidEvents(problems)
    ids = [e.event_id for e in clean]
    stored = set(Event.objects.filter(event_id__in=ids).values_list("event_id", flat=True))
    fresh, duplicates = rules.split_duplicates(clean, stored)
    if not fresh:
        return IngestResult(received=len(clean), accepted=0, duplicates=duplicates)
    # A concurrent sender may store the same event id in between: skip it, never fail.
    Event.objects.bulk_create([_row(e, resolved) for e in fresh], ignore_conflicts=True)
    new_ids = sorted(Event.objects.filter(event_id__in=[e.event_id for e in fresh])
                     .values_list("id", flat=True))
    first = Event.objects.get(pk=new_ids[0])
    result = IngestResult(received=len(clean), accepted=len(new_ids),
                          duplicates=len(clean) - len(new_ids), first_id=new_ids[0],
                          last_id=new_ids[-1])
    log_operation(first, action="traffic.ingest_events", actor=actor,
                  after={"received": result.received, "accepted": result.accepted,
                         "duplicates": result.duplicates, "first_id": result.first_id,
                         "last_id": result.last_id},
                  note=f"{result.accepted} events")
    return result


@transaction.atomic
def create_ingest_key(name: str, *, actor: Staff | None) -> tuple[ApiToken, str]:
    """Create a storefront ingestion key: an API token of a dedicated staff account
    ``storefront-<name>`` that holds ``traffic.add_event`` and nothing else (no role, no
    console login: its password is random and never shown). Returns the token and its
    secret (shown once). Revoke it like any token; deactivating the account revokes all.

    Raises:
        ValueError: when ``name`` is blank or not a simple slug, or its account was
            deactivated.
    """
    slug = name.strip().lower()
    if not slug or not slug.replace("-", "").replace("_", "").isalnum() or len(slug) > 40:
        raise ValueError("the key name must be a short slug (letters, digits, - and _)")
    username = f"storefront-{slug}"
    staff = Staff.objects.filter(username=username).first()
    if staff is not None and not staff.is_active:
        raise ValueError(f"{username} has been deactivated; choose another name")
    if staff is None:
        staff = create_staff(username, password=secrets.token_urlsafe(32), roles=[],
                             actor=actor, display_name=f"storefront {slug}")
        staff.is_staff = False
        staff.save(update_fields=["is_staff"])
        staff.user_permissions.set([Permission.objects.get(
            content_type__app_label=INGEST_PERMISSION[0], codename=INGEST_PERMISSION[1])])
    token, secret = create_api_token(staff, name=f"ingest:{slug}", actor=actor)
    log_operation(token, action="traffic.create_ingest_key", actor=actor,
                  after={"staff": staff.username, "token": token.prefix})
    return token, secret
