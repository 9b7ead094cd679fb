"""Writes of live sessions: the plan (the session and its segments) and the status steps.

Metrics are written by ``actions_metrics``, reviews by ``actions_review``. Every write is
logged in the operation log.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _g

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import ListingStatus, Product, Sku
from zhanggui.channels.models import Channel
from zhanggui.core.errors import InvalidInput, InvalidTransition
from zhanggui.core.money import to_money
from zhanggui.live import rules
from zhanggui.live.errors import InvalidSegment, SessionNotEditable
from zhanggui.live.models import LiveSegment, LiveSession, SessionStatus
from zhanggui.pricing.models import CouponTemplate

SESSION_FIELDS = ("title", "channel", "host", "host_name", "scheduled_at", "planned_minutes",
                  "script", "gmv_target_amount")
SEGMENT_FIELDS = ("position", "product", "sku", "start_minute", "minutes", "talking_points",
                  "flash_price_amount", "flash_cap", "coupon_template")
STATUS_FIELDS = ("status", "started_at", "ended_at")
PLANNABLE = (SessionStatus.PLANNED, SessionStatus.LIVE)


def _check_session(title: str, planned_minutes: int, target) -> None:
    if not (title or "").strip():
        raise InvalidInput(_g("A live session needs a title."))
    if not planned_minutes or planned_minutes < 1:
        raise InvalidInput(_g("The planned length must be at least one minute."))
    if target is not None and to_money(target) < 0:
        raise InvalidInput(_g("The GMV target cannot be negative."))


@transaction.atomic
def create_session(*, title: str, scheduled_at, actor: Staff | None,
                   channel: Channel | None = None, host: Staff | None = None,
                   host_name: str = "", planned_minutes: int = 120, script: str = "",
                   gmv_target_amount: Decimal | None = None) -> LiveSession:
    """Plan a session (status ``planned``).

    Raises:
        InvalidInput: no title, a length below one minute or a negative target.
    """
    _check_session(title, planned_minutes, gmv_target_amount)
    session = LiveSession.objects.create(
        title=title.strip(), channel=channel, host=host, host_name=host_name,
        scheduled_at=scheduled_at, planned_minutes=planned_minutes, script=script,
        gmv_target_amount=to_money(gmv_target_amount) if gmv_target_amount is not None else None)
    log_operation(session, action="live.create_session", actor=actor,
                  after=snapshot(session, SESSION_FIELDS))
    return session


def _lock(session: LiveSession) -> LiveSession:
    return LiveSession.objects.select_for_update().get(pk=session.pk)


def touch(session: LiveSession) -> None:
    """Mark the session changed (``updated_at``) when its segments or figures change: the
    warehouse re-reads a session's segments and figures with the session
    (``analytics.extract_live``)."""
    session.updated_at = timezone.now()
    LiveSession.objects.filter(pk=session.pk).update(updated_at=session.updated_at)


def _editable(session: LiveSession) -> LiveSession:
    session = _lock(session)
    if session.status not in PLANNABLE:
        raise SessionNotEditable(status=session.get_status_display())
    touch(session)  # a segment is about to change (or the session itself, saved anyway)
    return session


@transaction.atomic
def update_session(session: LiveSession, *, actor: Staff | None, **changes) -> LiveSession:
    """Change the plan of a planned or running session (``SESSION_FIELDS``).

    Raises:
        SessionNotEditable: the session ended, was reviewed or cancelled.
        InvalidInput: as ``create_session``, or an unknown field.
    """
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise InvalidInput(_g("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    session = _editable(session)
    before = snapshot(session, SESSION_FIELDS)
    for name, value in changes.items():
        setattr(session, name, value)
    _check_session(session.title, session.planned_minutes, session.gmv_target_amount)
    session.save()
    log_operation(session, action="live.update_session", actor=actor, before=before,
                  after=snapshot(session, SESSION_FIELDS))
    return session


def _reject(reason: str):
    raise InvalidSegment(reason=reason)


def _base_price(product: Product, sku: Sku | None) -> Decimal | None:
    if sku is not None:
        return sku.price_amount
    prices = [s.price_amount for s in product.skus.filter(is_active=True)]
    return min(prices) if prices else None


def _check_offer(product: Product, sku: Sku | None, flash_price, flash_cap, coupon) -> None:
    if flash_price is None:
        if flash_cap is not None:
            _reject(_g("a flash-sale cap needs a flash-sale price"))
    else:
        flash_price = to_money(flash_price)
        base = _base_price(product, sku)
        if flash_price <= 0:
            _reject(_g("the flash-sale price must be above 0"))
        if base is None or flash_price >= base:
            _reject(_g("the flash-sale price must be below the SKU's price (%(price)s)")
                    % {"price": base})
        if flash_cap is None or flash_cap < 1:
            _reject(_g("a flash sale needs a cap of at least one unit"))
    if coupon is not None:
        coupon = CouponTemplate.objects.get(pk=coupon.pk)
        if not coupon.is_active or (coupon.ends_at is not None and coupon.ends_at <= timezone.now()):
            _reject(_g("the coupon %(coupon)s is not active") % {"coupon": coupon})


def _check_segment(segment: LiveSegment) -> None:
    product = Product.objects.get(pk=segment.product_id)
    if product.status != ListingStatus.LISTED:
        _reject(_g("the product %(product)s is not listed") % {"product": product.code})
    sku = Sku.objects.get(pk=segment.sku_id) if segment.sku_id else None
    if sku is not None and (sku.product_id != product.pk or not sku.is_active):
        _reject(_g("the SKU %(sku)s is not an active SKU of the product") % {"sku": sku.code})
    if segment.minutes < 1:
        _reject(_g("a segment lasts at least one minute"))
    _check_offer(product, sku, segment.flash_price_amount, segment.flash_cap,
                 segment.coupon_template)


def _slots(session: LiveSession) -> list[rules.Slot]:
    return [rules.Slot(s.position, s.start_minute, s.minutes) for s in session.segments.all()]


@transaction.atomic
def add_segment(session: LiveSession, *, product: Product, actor: Staff | None,
                sku: Sku | None = None, start_minute: int | None = None, minutes: int = 10,
                talking_points: str = "", flash_price_amount: Decimal | None = None,
                flash_cap: int | None = None,
                coupon_template: CouponTemplate | None = None) -> LiveSegment:
    """Append a segment to the run sheet (it starts after the last one unless told).

    Raises:
        SessionNotEditable: the session is not planned or running.
        InvalidSegment: the product is not listed, the SKU is not the product's, a flash price
            not above 0 or not below the SKU's price, a cap below one, an inactive coupon.
    """
    session = _editable(session)
    last = session.segments.aggregate(last=Max("position"))["last"] or 0
    segment = LiveSegment(
        session=session, position=last + 1, product=product, sku=sku,
        start_minute=rules.next_start(_slots(session)) if start_minute is None else start_minute,
        minutes=minutes, talking_points=talking_points,
        flash_price_amount=to_money(flash_price_amount) if flash_price_amount is not None else None,
        flash_cap=flash_cap, coupon_template=coupon_template)
    _check_segment(segment)
    segment.save()
    log_operation(segment, action="live.add_segment", actor=actor,
                  after=snapshot(segment, SEGMENT_FIELDS))
    return segment


@transaction.atomic
def update_segment(segment: LiveSegment, *, actor: Staff | None, **changes) -> LiveSegment:
    """Change a segment (``SEGMENT_FIELDS`` but its position: see ``reorder_segments``).

    Raises: as ``add_segment``.
    """
    unknown = set(changes) - (set(SEGMENT_FIELDS) - {"position"})
    if unknown:
        raise InvalidInput(_g("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    _editable(segment.session)
    segment = LiveSegment.objects.get(pk=segment.pk)
    before = snapshot(segment, SEGMENT_FIELDS)
    for name, value in changes.items():
        setattr(segment, name, value)
    if segment.flash_price_amount is not None:
        segment.flash_price_amount = to_money(segment.flash_price_amount)
    _check_segment(segment)
    segment.save()
    log_operation(segment, action="live.update_segment", actor=actor, before=before,
                  after=snapshot(segment, SEGMENT_FIELDS))
    return segment


@transaction.atomic
def remove_segment(segment: LiveSegment, *, actor: Staff | None) -> None:
    """Take a segment out of the run sheet; the ones after it move up.

    Raises: SessionNotEditable.
    """
    session = _editable(segment.session)
    log_operation(segment, action="live.remove_segment", actor=actor,
                  before=snapshot(segment, SEGMENT_FIELDS))
    segment.delete()
    _renumber(session, [s.pk for s in session.segments.order_by("position")])


def _renumber(session: LiveSession, order: list[int]) -> None:
    segments = {s.pk: s for s in session.segments.all()}
    for segment in segments.values():  # out of the way of the unique positions first
        segment.position += 10_000
    LiveSegment.objects.bulk_update(segments.values(), ["position"])
    for index, pk in enumerate(order, start=1):
        segments[pk].position = index
    LiveSegment.objects.bulk_update(segments.values(), ["position"])


@transaction.atomic
def reorder_segments(session: LiveSession, order: list[int], *, actor: Staff | None) -> LiveSession:
    """Put the segments in ``order`` (their ids, every segment once): positions 1, 2, …

    Raises:
        SessionNotEditable: the session is not planned or running.
        InvalidInput: ``order`` is not exactly the session's segments.
    """
    session = _editable(session)
    current = list(session.segments.order_by("position").values_list("pk", flat=True))
    if sorted(order) != sorted(current) or len(set(order)) != len(order):
        raise InvalidInput(_g("The new order must name each segment of the session once."))
    _renumber(session, list(order))
    log_operation(session, action="live.reorder_segments", actor=actor,
                  before={"order": current}, after={"order": list(order)})
    return session


def _move(session: LiveSession, target: str, allowed_from: tuple, actor, **stamps) -> LiveSession:
    session = _lock(session)
    if session.status not in allowed_from:
        raise InvalidTransition(current=session.get_status_display(),
                                target=SessionStatus(target).label)
    before = snapshot(session, STATUS_FIELDS)
    session.status = target
    for name, value in stamps.items():
        setattr(session, name, value)
    session.save()
    log_operation(session, action=f"live.{target}", actor=actor, before=before,
                  after=snapshot(session, STATUS_FIELDS))
    return session


@transaction.atomic
def start_session(session: LiveSession, *, actor: Staff | None, at=None) -> LiveSession:
    """planned → live. Raises: InvalidTransition."""
    return _move(session, SessionStatus.LIVE, (SessionStatus.PLANNED,), actor,
                 started_at=at or timezone.now())


@transaction.atomic
def end_session(session: LiveSession, *, actor: Staff | None, at=None) -> LiveSession:
    """live → ended. Raises: InvalidTransition."""
    return _move(session, SessionStatus.ENDED, (SessionStatus.LIVE,), actor,
                 ended_at=at or timezone.now())


@transaction.atomic
def cancel_session(session: LiveSession, *, actor: Staff | None) -> LiveSession:
    """planned → cancelled. Raises: InvalidTransition."""
    return _move(session, SessionStatus.CANCELLED, (SessionStatus.PLANNED,), actor)
