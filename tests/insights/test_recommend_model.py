"""The recommenders (``insights.recommend``) and their evaluation (``insights.recommend_eval``)
on small data whose answers are worked out by hand; invariants with hypothesis; Online
Retail figures when the data set is there (optional)."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.insights.contract import ModelInputError, NotFittedError
from zhanggui.insights.recommend import (
    CoOccurrenceRecommender,
    PopularityRecommender,
    RecommendQuery,
)
from zhanggui.insights.recommend_eval import (
    evaluate,
    hit_at_k,
    ndcg_at_k,
    online_retail_hit_rates,
    time_split,
    tune,
)

ONLINE_RETAIL = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "online_retail" / \
    "online_retail.csv.gz"
COLUMNS = ["customer_id", "product_id", "basket_id", "purchased_at"]


def purchases(rows) -> pd.DataFrame:
    """rows: (customer, product, basket, "YYYY-MM-DD")."""
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["purchased_at"] = pd.to_datetime(frame["purchased_at"])
    return frame


# Customers 1, 2 buy {A=1, B=2}; 3 buys {A, C=3}; 4 buys {D=4}; one order each, on 03-01.
# Held: A 3, B 2, C 1, D 1; together: AB 2, AC 1.
SHOP = [(1, 1, "o1", "2026-03-01"), (1, 2, "o1", "2026-03-01"),
        (2, 1, "o2", "2026-03-01"), (2, 2, "o2", "2026-03-01"),
        (3, 1, "o3", "2026-03-01"), (3, 3, "o3", "2026-03-01"),
        (4, 4, "o4", "2026-03-01")]


def ranked(frame: pd.DataFrame, customer: int) -> list[int]:
    return list(frame[frame["customer_id"] == customer].sort_values("rank")["product_id"])


# ---- the similarity -------------------------------------------------------------------------

@pytest.mark.parametrize("context", ["customer", "basket"])
def test_bought_together_is_cosine_with_shrinkage_worked_by_hand(context):
    model = CoOccurrenceRecommender(shrink=1.0, neighbours=None, context=context).fit(
        purchases(SHOP))
    together = model.bought_together([1])
    # AB: 2 / sqrt(3·2) · 2/(2+1);  AC: 1 / sqrt(3·1) · 1/(1+1)
    assert list(together["related_id"]) == [2, 3]
    assert list(together["score"]) == pytest.approx([2 / math.sqrt(6) * 2 / 3, 1 / math.sqrt(3) / 2])
    assert list(together["baskets"]) == [2, 1]
    assert list(together["rank"]) == [1, 2]
    # D was never bought with anything: no rows; an unknown product: none either.
    assert model.bought_together([4, 999]).empty


def test_bought_together_counts_orders_not_customers():
    # One customer buys A and B in two different orders: never in the same order.
    rows = [(1, 1, "o1", "2026-03-01"), (1, 2, "o2", "2026-03-02"), (2, 1, "o3", "2026-03-02"),
            (2, 3, "o3", "2026-03-02")]
    model = CoOccurrenceRecommender(shrink=0.0).fit(purchases(rows))
    assert list(model.bought_together([1])["related_id"]) == [3]
    # ... while "for you" learns from customers: B is similar to A through customer 1.
    for_you = model.predict(RecommendQuery(customer_ids=(2,), k=1, at=pd.Timestamp("2026-03-02")))
    assert list(for_you["product_id"]) == [2]


def test_neighbours_keeps_the_best_per_item_ties_to_the_smaller_id():
    # A is bought with B, C and D once each (equal scores): keeping 2 keeps B and C.
    rows = [(1, 1, "o1", "2026-03-01"), (1, 2, "o1", "2026-03-01"), (1, 3, "o1", "2026-03-01"),
            (1, 4, "o1", "2026-03-01")]
    model = CoOccurrenceRecommender(neighbours=2, context="basket").fit(purchases(rows))
    assert list(model.bought_together([1])["related_id"]) == [2, 3]


# ---- "for you" ------------------------------------------------------------------------------

def test_for_you_ranks_neighbours_of_what_the_customer_bought_and_skips_recent_buys():
    rows = [*SHOP, (5, 1, "o5", "2026-03-20")]  # customer 5 bought A 10 days before the query
    model = CoOccurrenceRecommender(shrink=1.0, exclude_days=30).fit(purchases(rows))
    answer = model.predict(RecommendQuery(customer_ids=(5,), k=3, at=pd.Timestamp("2026-03-30")))
    # B then C (A's neighbours), A itself left out (bought within 30 days), D popular filler.
    assert ranked(answer, 5) == [2, 3, 4]
    scores = list(answer["score"])
    assert scores[0] > scores[1] > 0 and scores[2] == 0


def test_for_you_may_offer_a_product_again_once_the_exclusion_has_passed():
    rows = [*SHOP, (5, 1, "o5", "2026-03-20")]
    recent = CoOccurrenceRecommender(exclude_days=30, repeat_weight=5).fit(purchases(rows))
    passed = CoOccurrenceRecommender(exclude_days=5, repeat_weight=5).fit(purchases(rows))
    query = RecommendQuery(customer_ids=(5,), k=1, at=pd.Timestamp("2026-03-30"))
    assert ranked(recent.predict(query), 5) == [2]
    assert ranked(passed.predict(query), 5) == [1]  # re-buying A weighs 5 × its own weight


def test_recent_purchases_weigh_more_than_old_ones():
    # Customer 9 bought X=10 a year ago and Y=20 yesterday; X goes with 11, Y with 21.
    rows = [(1, 10, "a", "2025-01-01"), (1, 11, "a", "2025-01-01"),
            (2, 20, "b", "2025-01-01"), (2, 21, "b", "2025-01-01"),
            (9, 10, "c", "2025-03-01"), (9, 20, "d", "2026-02-28")]
    model = CoOccurrenceRecommender(half_life_days=30, exclude_days=400).fit(purchases(rows))
    answer = model.predict(RecommendQuery(customer_ids=(9,), k=2, at=pd.Timestamp("2026-03-01")))
    assert ranked(answer, 9) == [21, 11]


def test_a_customer_without_history_gets_the_popular_products():
    model = CoOccurrenceRecommender().fit(purchases(SHOP))
    answer = model.predict(RecommendQuery(customer_ids=(77,), k=2))
    assert ranked(answer, 77) == [1, 2]  # A: 3 buyers of 4, B: 2 of 4
    assert list(answer["score"]) == pytest.approx([0.75, 0.5])


def test_query_times_with_a_time_zone_compare_with_naive_purchase_times():
    rows = [*SHOP, (5, 1, "o5", "2026-03-20")]
    model = CoOccurrenceRecommender(exclude_days=30).fit(purchases(rows))
    aware = pd.Timestamp("2026-03-30", tz="UTC").to_pydatetime()
    assert ranked(model.predict(RecommendQuery(customer_ids=(5,), k=1, at=aware)), 5) == [2]


def test_popularity_is_the_same_for_everyone_save_recent_buys():
    rows = [*SHOP, (5, 1, "o5", "2026-03-20")]
    model = PopularityRecommender(exclude_days=30).fit(purchases(rows))
    answer = model.predict(RecommendQuery(customer_ids=(5, 4), k=2, at=pd.Timestamp("2026-03-30")))
    assert ranked(answer, 4) == [1, 2]
    assert ranked(answer, 5) == [2, 3]  # A bought 10 days ago


def test_popularity_window_counts_recent_buyers_only():
    rows = [(1, 1, "a", "2025-01-01"), (2, 1, "b", "2025-01-01"), (3, 2, "c", "2026-03-01")]
    assert ranked(PopularityRecommender().fit(purchases(rows)).predict(
        RecommendQuery(customer_ids=(9,), k=1)), 9) == [1]
    assert ranked(PopularityRecommender(window_days=30).fit(purchases(rows)).predict(
        RecommendQuery(customer_ids=(9,), k=1)), 9) == [2]


def test_fitting_and_predicting_twice_gives_the_same_answer():
    frame = purchases(SHOP)
    query = RecommendQuery(customer_ids=(1, 2, 3, 4, 5), k=3)
    first = CoOccurrenceRecommender().fit(frame).predict(query)
    second = CoOccurrenceRecommender().fit(frame.sample(frac=1, random_state=3)).predict(query)
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"customer_id": [1]}), "lack the columns"),
    (purchases(SHOP).assign(customer_id=[1, None, 2, 2, 3, 3, 4]), "missing values in customer_id"),
    (purchases(SHOP).assign(purchased_at=[pd.Timestamp("2026-03-01")] * 6 + ["not a time"]),
     "malformed"),
    ([1, 2], "DataFrame"),
])
def test_malformed_purchases_are_refused_with_what_is_wrong(frame, message):
    with pytest.raises(ModelInputError, match=message):
        CoOccurrenceRecommender().fit(frame)


def test_bad_queries_and_parameters_are_refused():
    model = CoOccurrenceRecommender().fit(purchases(SHOP))
    with pytest.raises(ModelInputError, match="k must"):
        model.predict(RecommendQuery(customer_ids=(1,), k=0))
    with pytest.raises(ModelInputError, match="RecommendQuery"):
        model.predict((1,))
    with pytest.raises(NotFittedError):
        CoOccurrenceRecommender().bought_together()
    with pytest.raises(ValueError, match="context"):
        CoOccurrenceRecommender(context="session")
    assert model.predict(RecommendQuery(customer_ids=(), k=3)).empty


purchase_rows = st.lists(
    st.tuples(st.integers(1, 8), st.integers(1, 12), st.integers(1, 15), st.integers(0, 60)),
    min_size=1, max_size=80)


@settings(max_examples=60, deadline=None)
@given(rows=purchase_rows, k=st.integers(1, 6), exclude=st.sampled_from([0.0, 10.0, 1000.0]),
       keep=st.sampled_from([None, 2]))
def test_every_list_is_ranked_unique_and_leaves_out_recent_buys(rows, k, exclude, keep):
    frame = pd.DataFrame(
        [(c, p, f"o{b}-{c}", pd.Timestamp("2026-01-01") + pd.Timedelta(days=d)) for c, p, b, d in rows],
        columns=COLUMNS)
    at = pd.Timestamp("2026-03-02")
    model = CoOccurrenceRecommender(exclude_days=exclude, neighbours=keep).fit(frame)
    answer = model.predict(RecommendQuery(customer_ids=tuple(range(1, 10)), k=k, at=at))
    model.check_output(answer, RecommendQuery(customer_ids=tuple(range(1, 10)), k=k))
    recent = frame[frame["purchased_at"] > at - pd.Timedelta(days=exclude)]
    for customer, rows_of in answer.groupby("customer_id"):
        assert not set(rows_of["product_id"]) & set(recent[recent["customer_id"] == customer]["product_id"])
        assert (rows_of["score"] >= 0).all()
    together = model.bought_together(k=k)
    assert (together["product_id"] != together["related_id"]).all()
    assert (together["baskets"] >= 1).all() and (together["score"] > 0).all()
    if keep is None:  # the similarity is symmetric
        pairs = {(a, b): s for a, b, s in together[["product_id", "related_id", "score"]].itertuples(
            index=False)}
        for (a, b), score in pairs.items():
            if (b, a) in pairs:
                assert pairs[(b, a)] == pytest.approx(score)


# ---- the metrics and the time split ----------------------------------------------------------

def test_hit_rate_by_hand():
    assert hit_at_k([1, 2, 3], {3}, k=2) == 0.0
    assert hit_at_k([1, 2, 3], {3}, k=3) == 1.0
    assert hit_at_k([], {3}) == 0.0


def test_ndcg_by_hand():
    # Hits at ranks 2 and 3 of {1, 7}: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3).
    expected = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k([5, 1, 7], {1, 7}) == pytest.approx(expected)
    assert ndcg_at_k([1, 7], {1, 7}) == pytest.approx(1.0)
    assert ndcg_at_k([5, 6], {1}) == 0.0
    assert ndcg_at_k([5], set()) == 0.0
    # Only k ranks can be hits: the ideal has min(k, |relevant|) of them.
    assert ndcg_at_k([1], {1, 2, 3}, k=1) == pytest.approx(1.0)


def test_time_split_keeps_customers_seen_before_the_cutoff():
    rows = [(1, 1, "a", "2026-01-01"), (1, 2, "b", "2026-02-01"), (1, 3, "c", "2026-02-02"),
            (2, 3, "d", "2026-02-01"), (3, 1, "e", "2026-01-05")]
    train, relevant = time_split(purchases(rows), "2026-01-15")
    assert sorted(train["basket_id"]) == ["a", "e"]
    assert relevant == {1: {2, 3}}  # customer 2 is new after the cutoff: not measured
    _train, bounded = time_split(purchases(rows), "2026-01-15", end="2026-02-02")
    assert bounded == {1: {2}}


def test_evaluate_scores_a_model_against_what_came_later():
    model = CoOccurrenceRecommender(shrink=0.0, exclude_days=0, repeat_weight=0).fit(purchases(SHOP))
    # Customer 3 (bought A, C) later buys B: B (A's best neighbour, 2/√6) beats A and C (1/√3).
    scores = evaluate(model, {3: {2}, 4: {3}}, at="2026-03-02", k=1)
    assert scores["users"] == 2
    assert scores["hit_rate"] == 0.5  # customer 4 (D only) gets A, not C
    assert evaluate(model, {}, at="2026-03-02") == {"hit_rate": 0.0, "ndcg": 0.0, "users": 0}


def two_tastes(customers: int = 40) -> pd.DataFrame:
    """Tea drinkers (products 1–3) and coffee drinkers (4–6), tea the more popular; each
    customer buys two of their kind in January and the third in March."""
    rows = []
    for customer in range(customers):
        kind = [1, 2, 3] if customer % 3 else [4, 5, 6]
        first, second, later = np.roll(kind, customer // 3)
        rows += [(customer, int(first), f"j{customer}", "2026-01-10"),
                 (customer, int(second), f"j{customer}", "2026-01-10"),
                 (customer, int(later), f"m{customer}", "2026-03-10")]
    return purchases(rows)


def test_co_occurrence_beats_popularity_where_tastes_differ():
    train, relevant = time_split(two_tastes(), "2026-03-01")
    cooc = evaluate(CoOccurrenceRecommender(exclude_days=60).fit(train), relevant, "2026-03-01", k=1)
    pop = evaluate(PopularityRecommender(exclude_days=60).fit(train), relevant, "2026-03-01", k=1)
    assert cooc["hit_rate"] == 1.0  # the missing third of one's own kind
    assert pop["hit_rate"] == 26 / 40  # tea for everyone: the 14 coffee drinkers are missed


def test_tune_measures_on_the_end_of_the_training_period_only():
    # Validation: the last 30 days of the training (March) after fitting on January.
    train = two_tastes()
    params, hit_rate = tune(CoOccurrenceRecommender, {"exclude_days": (0.0, 30.0)}, train,
                            validation_days=30, fixed={"shrink": 0.0})
    fit_part, relevant = time_split(train, pd.Timestamp("2026-02-08"))
    by_hand = evaluate(CoOccurrenceRecommender(shrink=0.0, exclude_days=params["exclude_days"])
                       .fit(fit_part), relevant, "2026-02-08")
    assert params["shrink"] == 0.0
    assert hit_rate == by_hand["hit_rate"] == 1.0


def test_online_retail_beats_popularity_by_half_again():
    """Optional (the data set lives outside the project)."""
    if not ONLINE_RETAIL.exists():
        pytest.skip(f"the Online Retail data set is not at {ONLINE_RETAIL}")
    figures = online_retail_hit_rates(ONLINE_RETAIL)
    assert figures["users"] > 1500 and figures["items"] > 3000
    assert figures["hit_rate_at_10"] >= 1.5 * figures["popularity_hit_rate_at_10"]
    assert figures["ndcg_at_10"] > figures["popularity_ndcg_at_10"]


def test_customers_scored_in_batches_get_the_same_answers(monkeypatch):
    rng = np.random.default_rng(1)
    size = 600
    frame = pd.DataFrame({
        "customer_id": rng.integers(1, 300, size), "product_id": rng.integers(1, 40, size),
        "basket_id": rng.integers(1, 400, size),
        "purchased_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 90, size), unit="D")})
    model = CoOccurrenceRecommender().fit(frame)
    query = RecommendQuery(customer_ids=tuple(range(1, 320)), k=5)
    whole = model.predict(query)
    monkeypatch.setattr("zhanggui.insights.recommend.PREDICT_BATCH", 7)
    pd.testing.assert_frame_equal(model.predict(query), whole)
