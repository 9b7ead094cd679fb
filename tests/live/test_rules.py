from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from zhanggui.live import rules
from zhanggui.live.rules import Figures, Slot

figures = st.builds(
    Figures, viewers=st.integers(0, 10**6), peak_concurrent=st.integers(0, 10**5),
    avg_watch_seconds=st.integers(0, 7200), interactions=st.integers(0, 10**6),
    new_followers=st.integers(0, 10**4), product_clicks=st.integers(0, 10**5),
    orders=st.integers(0, 10**4),
    gmv=st.decimals(0, 10**7, places=2, allow_nan=False, allow_infinity=False))


def test_gpm_and_rates():
    c = rules.conversion(Figures(viewers=2000, interactions=300, new_followers=40,
                                 product_clicks=250, orders=50, gmv=Decimal("9000.00")),
                         target=Decimal("12000"))
    assert c.gpm == Decimal("4500.00")  # 9000 / 2000 × 1000
    assert c.click_to_order_rate == Decimal("0.2000")
    assert c.interaction_rate == Decimal("0.1500")
    assert c.follow_rate == Decimal("0.0200")
    assert c.conversion_rate == Decimal("0.0250")
    assert c.target_attainment == Decimal("0.7500")


def test_no_viewers_no_figure():
    c = rules.conversion(Figures())
    assert c.gpm is None and c.click_to_order_rate is None and c.target_attainment is None


@given(st.lists(figures, max_size=30))
def test_combine_sums_and_peak(rows):
    total = rules.combine(rows)
    assert total.viewers == sum(r.viewers for r in rows)
    assert total.orders == sum(r.orders for r in rows)
    assert total.gmv == sum((r.gmv for r in rows), Decimal(0))
    assert total.peak_concurrent == max((r.peak_concurrent for r in rows), default=0)
    if rows:
        watches = [r.avg_watch_seconds for r in rows]
        assert min(watches) <= total.avg_watch_seconds <= max(watches)


@given(figures)
def test_gpm_is_gmv_per_thousand_viewers(f):
    c = rules.conversion(f)
    if f.viewers:
        assert abs(c.gpm * f.viewers / 1000 - f.gmv) <= Decimal("0.005") * f.viewers / 1000 + 0
        assert isinstance(c.gpm, Decimal)
    else:
        assert c.gpm is None


@given(st.lists(st.tuples(st.integers(0, 119), figures), max_size=40, unique_by=lambda t: t[0]),
       st.integers(0, 100), st.integers(1, 30))
def test_segment_takes_its_window(minute_rows, start, length):
    slot = Slot(1, start, length)
    got = rules.segment_figures(slot, sorted(minute_rows, key=lambda t: t[0]), None)
    inside = [f for m, f in minute_rows if start <= m < start + length]
    assert got.viewers == sum(f.viewers for f in inside)
    assert got.gmv == sum((f.gmv for f in inside), Decimal(0))


def test_segment_row_used_without_minutes():
    row = Figures(viewers=10)
    assert rules.segment_figures(Slot(1, 0, 5), [], row) == row
    assert rules.segment_figures(Slot(1, 0, 5), [], None) == Figures()


def test_timing_issues():
    slots = [Slot(1, 0, 10), Slot(2, 5, 10), Slot(3, 15, 10), Slot(4, 50, 20)]
    issues = rules.timing_issues(slots, planned_minutes=60)
    assert rules.TimingIssue("overlap", (1, 2)) in issues
    assert rules.TimingIssue("over_length", (4,)) in issues
    assert len(issues) == 2
    assert rules.timing_issues([Slot(1, 0, 10), Slot(2, 10, 10)], 20) == []


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)), max_size=12))
def test_back_to_back_never_overlaps(lengths):
    slots, start = [], 0
    for position, (_gap, minutes) in enumerate(lengths, start=1):
        slots.append(Slot(position, start, minutes))
        start = rules.next_start(slots)
    assert [i for i in rules.timing_issues(slots, start) if i.code == "overlap"] == []
    assert rules.timing_issues(slots, start) == []
