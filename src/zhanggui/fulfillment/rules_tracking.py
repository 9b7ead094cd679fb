"""What tracking events do to a parcel: a pure transition function (no database).

Events arrive late, twice and out of order (a callback retried, a file exported after the
callback), so the parcel's state must not depend on the order they arrive in. The rule:

* **Scans** (collected, in transit, out for delivery) move a handed-over parcel
  (``shipped``) to ``in_transit``. A scan never reopens a parcel that has an outcome.
* **Outcomes** (delivered; failed, damaged, lost, returned = delivery failed) decide the
  status. Among outcomes the latest by event time wins (at the same time: a failure over a
  delivery, then the worse failure), so delivered and failed are final *unless a later
  outcome says otherwise*: delivered then returned → failed; failed then delivered (the
  second attempt succeeded) → delivered. Scans after an outcome are recorded, not obeyed.
* ``collected_at`` is the earliest event of any kind (the carrier had the parcel), and
  ``last_event_at`` the latest; ``delivered_at``/``failed_at`` are the deciding outcome's
  time (the other one is cleared).
* Parcels not handed over (pending, picking, packed) or cancelled keep their status: the
  event is recorded only.

Applying any set of events in any order gives the same state (``fold``; tested with
hypothesis over permutations).
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from zhanggui.fulfillment.models import Carrier
from zhanggui.fulfillment.models import ShipmentIssue as Issue
from zhanggui.fulfillment.models import ShipmentStatus as Status
from zhanggui.fulfillment.models import TrackingEventKind as Kind

SCANS = frozenset({Kind.COLLECTED, Kind.IN_TRANSIT, Kind.OUT_FOR_DELIVERY})
FAILURES = frozenset({Kind.FAILED, Kind.DAMAGED, Kind.LOST, Kind.RETURNED})
OUTCOMES = FAILURES | {Kind.DELIVERED}
# Statuses whose parcel the carrier has: events move them.
FOLLOWED = frozenset({Status.SHIPPED, Status.IN_TRANSIT, Status.DELIVERED, Status.FAILED})

ISSUE_OF_KIND = {Kind.DAMAGED: Issue.DAMAGED, Kind.LOST: Issue.LOST,
                 Kind.RETURNED: Issue.RETURNED}
# At the same moment the worse outcome wins: delivered < failed < returned < damaged < lost.
ISSUE_RANK = {Issue.NONE: 1, Issue.REFUSED: 1, Issue.ADDRESS: 1, Issue.RETURNED: 2,
              Issue.DAMAGED: 3, Issue.LOST: 4}
REFUSAL_WORDS = ("拒收", "拒签", "refus")
ADDRESS_WORDS = ("地址", "查无此人", "电话", "address", "unreachable")


@dataclass(frozen=True)
class Track:
    """The tracking-driven part of a parcel."""

    status: str
    issue: str = ""
    collected_at: datetime | None = None
    last_event_at: datetime | None = None
    delivered_at: datetime | None = None
    failed_at: datetime | None = None


def issue_of(kind: str, description: str = "") -> str:
    """The parcel's issue for a failure event: from the kind, or for a plain delivery
    failure from its description (refused, address problem; else unspecified)."""
    if kind in ISSUE_OF_KIND:
        return ISSUE_OF_KIND[kind]
    if kind != Kind.FAILED:
        return Issue.NONE
    text = (description or "").lower()
    if any(word in text for word in REFUSAL_WORDS):
        return Issue.REFUSED
    if any(word in text for word in ADDRESS_WORDS):
        return Issue.ADDRESS
    return Issue.NONE


def _outcome_key(status: str, at: datetime | None, issue: str) -> tuple | None:
    """How a current outcome compares with a new one (None: no outcome yet)."""
    if status == Status.DELIVERED and at is not None:
        return (at, 0, "")
    if status == Status.FAILED and at is not None:
        return (at, ISSUE_RANK.get(issue, 1), issue)
    return None


def apply_event(track: Track, kind: str, at: datetime, description: str = "") -> Track:
    """The parcel after one more event (``kind`` at ``at``)."""
    track = replace(
        track,
        collected_at=at if track.collected_at is None else min(track.collected_at, at),
        last_event_at=at if track.last_event_at is None else max(track.last_event_at, at))
    if track.status not in FOLLOWED:
        return track
    current = _outcome_key(track.status, track.delivered_at if track.status == Status.DELIVERED
                           else track.failed_at, track.issue)
    if kind in SCANS:
        if current is None:
            return replace(track, status=Status.IN_TRANSIT)
        return track
    if kind not in OUTCOMES:
        raise ValueError(f"unknown tracking event kind {kind!r}")
    if kind == Kind.DELIVERED:
        candidate = (at, 0, "")
        if current is None or candidate > current:
            return replace(track, status=Status.DELIVERED, issue=Issue.NONE, delivered_at=at,
                           failed_at=None)
        return track
    issue = issue_of(kind, description)
    candidate = (at, ISSUE_RANK.get(issue, 1), issue)
    if current is None or candidate > current:
        return replace(track, status=Status.FAILED, issue=issue, failed_at=at,
                       delivered_at=None)
    return track


def fold(track: Track, events: Iterable[tuple[str, datetime, str]]) -> Track:
    """``apply_event`` over ``(kind, at, description)`` events, in the order given."""
    for kind, at, description in events:
        track = apply_event(track, kind, at, description)
    return track


def is_failure(kind: str) -> bool:
    return kind in FAILURES


MAX_LENGTHS = (("tracking_number", 40), ("event_id", 64))  # longer texts are cut
FUTURE_TOLERANCE = timedelta(days=1)


def event_problems(event, *, now: datetime | None = None) -> list[tuple[str, str]]:
    """What is wrong with one incoming event (``TrackingEventIn``-like), as ``(code,
    message)`` pairs; empty when it can be recorded."""
    problems = []
    if event.carrier not in Carrier.values:
        problems.append(("unknown_carrier", _("Unknown carrier %(carrier)s.")
                         % {"carrier": event.carrier}))
    if not event.tracking_number:
        problems.append(("tracking_number_required", _("The tracking number is missing.")))
    if not event.event_id:
        problems.append(("event_id_required", _("The event id is missing.")))
    if event.kind not in Kind.values:
        problems.append(("unknown_event_kind", _("Unknown event kind %(kind)s.")
                         % {"kind": event.kind}))
    at = event.occurred_at
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        problems.append(("invalid_event_time", _("The event time is missing or has no time "
                                                 "zone.")))
    elif now is not None and at > now + FUTURE_TOLERANCE:
        problems.append(("event_in_future", _("The event time is more than a day ahead.")))
    for name, limit in MAX_LENGTHS:
        if len(getattr(event, name) or "") > limit:
            problems.append(("text_too_long", _("%(field)s is longer than %(max)d characters.")
                             % {"field": name, "max": limit}))
    return problems
