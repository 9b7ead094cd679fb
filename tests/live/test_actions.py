from decimal import Decimal

import pytest

from tests.factories import make_coupon, make_listed_sku, make_product, make_staff
from tests.live.live_factories import ended_session, metrics_csv, planned_session
from zhanggui.accounts.models import OperationLog
from zhanggui.accounts.roles import Role
from zhanggui.core.errors import InvalidInput, InvalidTransition
from zhanggui.live import actions, actions_metrics, actions_review, queries
from zhanggui.live.errors import InvalidMetrics, InvalidReview, InvalidSegment, SessionNotEditable
from zhanggui.live.models import LiveMetric, MetricSource, SessionStatus
from zhanggui.live.rules import Figures
from zhanggui.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_plan_appends_segments_back_to_back_and_logs():
    session = planned_session(segments=2, minutes=15)
    segments = list(session.segments.order_by("position"))
    assert [(s.position, s.start_minute) for s in segments] == [(1, 0), (2, 15)]
    assert OperationLog.objects.filter(action="live.add_segment").count() == 2
    assert OperationLog.objects.filter(action="live.create_session").count() == 1


@pytest.mark.parametrize("offer", [
    {"flash_price_amount": Decimal("0")},
    {"flash_price_amount": Decimal("99.00"), "flash_cap": 10},  # not below the price
    {"flash_price_amount": Decimal("50.00")},  # no cap
    {"flash_price_amount": Decimal("50.00"), "flash_cap": 0},
    {"flash_cap": 5},
])
def test_offer_checks(offer):
    session = planned_session(segments=0)
    sku = make_listed_sku(price="99.00")
    with pytest.raises(InvalidSegment):
        actions.add_segment(session, product=sku.product, sku=sku, actor=None, **offer)
    assert session.segments.count() == 0


def test_valid_flash_sale_and_coupon():
    session = planned_session(segments=0)
    sku = make_listed_sku(price="99.00")
    coupon = make_coupon().template
    segment = actions.add_segment(session, product=sku.product, sku=sku, actor=None,
                                  flash_price_amount=Decimal("79.00"), flash_cap=50,
                                  coupon_template=coupon)
    assert segment.flash_price_amount == Decimal("79.00")
    coupon.is_active = False
    coupon.save()
    with pytest.raises(InvalidSegment):
        actions.update_segment(segment, actor=None, minutes=20)


def test_unlisted_product_refused():
    session = planned_session(segments=0)
    with pytest.raises(InvalidSegment):
        actions.add_segment(session, product=make_product(listed=False), actor=None)


def test_reorder_and_remove():
    session = planned_session(segments=3)
    a, b, c = session.segments.order_by("position")
    actions.reorder_segments(session, [c.pk, a.pk, b.pk], actor=None)
    assert list(session.segments.order_by("position").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    with pytest.raises(InvalidInput):
        actions.reorder_segments(session, [c.pk, a.pk], actor=None)
    actions.remove_segment(a, actor=None)
    assert list(session.segments.order_by("position").values_list("position", "pk")) == [(1, c.pk), (2, b.pk)]


def test_status_steps():
    session = planned_session()
    with pytest.raises(InvalidTransition):
        actions.end_session(session, actor=None)
    actions.start_session(session, actor=None)
    actions.end_session(session, actor=None)
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED and session.ended_at
    with pytest.raises(SessionNotEditable):
        actions.add_segment(session, product=make_listed_sku().product, actor=None)
    with pytest.raises(InvalidTransition):
        actions.cancel_session(session, actor=None)
    other = planned_session(segments=0)
    assert actions.cancel_session(other, actor=None).status == SessionStatus.CANCELLED


def test_import_per_minute_and_reimport_replaces():
    session = ended_session(minutes=10)
    data = metrics_csv([(m, 100, 80, 60, 20, 2, 30, 3, "300.00") for m in range(20)])
    assert actions_metrics.import_metrics(session, data, actor=None) == 20
    figures = queries.session_figures(session)
    assert figures.kept_per == "minute"
    assert figures.total.figures.viewers == 2000
    assert figures.total.figures.gmv == Decimal("6000.00")
    assert figures.total.gpm == Decimal("3000.00")
    first = figures.segments[0][1]
    assert first.figures.viewers == 1000 and first.click_to_order_rate == Decimal("0.1000")
    actions_metrics.import_metrics(session, metrics_csv([(0, 5, 5, 5, 0, 0, 0, 0, 0)]), actor=None)
    assert LiveMetric.objects.filter(session=session).count() == 1


def test_bad_rows_reported_nothing_applied():
    session = ended_session()
    actions_metrics.import_metrics(session, metrics_csv([(0, 1, 1, 1, 1, 1, 1, 1, 1)]), actor=None)
    data = metrics_csv([(0, 1, 1, 1, 1, 1, 1, 1, 1), (1, "x", 1, 1, 1, 1, 1, 1, 1),
                        (1, 1, 1, 1, 1, 1, 1, 1, 1), (2, 1, 1, "1分", 1, 1, 1, 1, "-5")])
    with pytest.raises(InvalidMetrics) as caught:
        actions_metrics.import_metrics(session, data, actor=None)
    assert [e.split(":")[0] for e in caught.value.errors] == ["line 3", "line 5"]
    assert LiveMetric.objects.filter(session=session).count() == 1


def test_import_refused_before_start():
    with pytest.raises(SessionNotEditable):
        actions_metrics.import_metrics(planned_session(), metrics_csv([(0, 1, 1, 1, 1, 1, 1, 1, 1)]),
                                       actor=None)


def test_per_segment_import_and_manual_entry():
    session = ended_session()
    _first, second = session.segments.order_by("position")
    data = ("环节,观看人数,商品点击,成交订单数,成交金额\n1,1000,100,10,\"1,990.00\"\n"
            "2,500,50,1,99\n").encode("gb18030")
    actions_metrics.import_metrics(session, data, actor=None)
    figures = queries.session_figures(session)
    assert figures.kept_per == "segment"
    assert figures.segments[0][1].gpm == Decimal("1990.00")
    actions_metrics.enter_metrics(session, Figures(viewers=600, orders=3, gmv=Decimal("300")),
                                  segment=second, actor=None)
    stored = LiveMetric.objects.get(session=session, segment=second)
    assert stored.source == MetricSource.MANUAL and stored.viewers == 600
    with pytest.raises(InvalidInput):
        actions_metrics.enter_metrics(session, Figures(), actor=None)


def test_review_opens_tasks_and_marks_reviewed():
    owner = make_staff(Role.OWNER)
    operator = make_staff(Role.OPERATOR)
    session = ended_session(actor=owner)
    with pytest.raises(InvalidReview):
        actions_review.write_review(session, lessons=" ", actor=owner)
    review = actions_review.write_review(
        session, lessons="开场太慢", summary="GMV 达成 80%", actor=owner,
        actions=[("提前准备福袋", operator), ("换主推款", None)])
    session.refresh_from_db()
    assert session.status == SessionStatus.REVIEWED
    tasks = Task.objects.filter(kind="live_action").order_by("id")
    assert tasks.count() == 2 and tasks[0].assignee == operator
    assert [a.task_id for a in review.actions.order_by("id")] == list(tasks.values_list("pk", flat=True))


def test_review_refused_before_end():
    with pytest.raises(InvalidReview):
        actions_review.write_review(planned_session(), lessons="x", actor=None)
    assert Task.objects.filter(kind="live_action").count() == 0
