"""The miner against a brute-force enumeration of small baskets, and against mlxtend."""

import math
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.insights.basket import AssociationRules, RuleQuery, min_count
from zhanggui.insights.contract import ModelInputError, NotFittedError


def brute_force(baskets, min_support, min_confidence, max_size):
    """Every itemset counted by scanning every basket; rules straight from the definitions."""
    sets = [frozenset(b) for b in baskets]
    n = len(sets)
    items = sorted(set().union(*sets), key=str)
    floor = max(1, math.ceil(Fraction(Decimal(str(min_support))) * n))
    counts = {}
    for size in range(1, max_size + 1):
        for combo in combinations(items, size):
            count = sum(1 for s in sets if s.issuperset(combo))
            if count >= floor:
                counts[frozenset(combo)] = count
    confidence = Fraction(Decimal(str(min_confidence)))
    rules = {}
    for itemset, count in counts.items():
        for consequent in itemset if len(itemset) > 1 else ():
            antecedent = itemset - {consequent}
            if Fraction(count, counts[antecedent]) >= confidence:
                rules[(antecedent, consequent)] = (count, counts[antecedent],
                                                   counts[frozenset([consequent])])
    return n, counts, rules


def mined(baskets, min_support, min_confidence, max_size):
    model = AssociationRules(min_support, min_confidence, max_size).fit(baskets)
    itemsets = {frozenset(r.itemset): r.count for r in model.itemsets().itertuples()}
    rules = {(frozenset(r.antecedent), r.consequent): r for r in model.rules().itertuples()}
    return model, itemsets, rules


baskets_strategy = st.lists(st.lists(st.integers(0, 7), max_size=6), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(baskets=baskets_strategy,
       support=st.sampled_from(["0.01", "0.05", "0.1", "0.2", "0.25", "0.5"]),
       confidence=st.sampled_from(["0", "0.3", "0.5", "0.75", "1"]),
       max_size=st.integers(2, 5))
def test_the_same_itemsets_and_rules_as_brute_force(baskets, support, confidence, max_size):
    n, counts, rules = brute_force(baskets, support, confidence, max_size)
    _model, itemsets, got = mined(baskets, support, confidence, max_size)
    assert itemsets == counts
    assert set(got) == set(rules)
    for key, (count, a_count, c_count) in rules.items():
        row = got[key]
        assert row.count == count and row.size == len(key[0]) + 1
        assert row.support == pytest.approx(count / n)
        assert row.confidence == pytest.approx(count / a_count)
        assert row.lift == pytest.approx(count * n / (a_count * c_count))
        assert row.leverage == pytest.approx(count / n - (a_count / n) * (c_count / n))


def test_an_itemset_exactly_at_the_threshold_count_is_in():
    # 10 baskets, support 0.2 → at least 2 baskets; {a, b} is in exactly 2.
    baskets = [["a", "b"], ["a", "b"], ["a"], ["c"], ["c"], ["c"], ["d"], ["d"], ["e"], ["f"]]
    model, itemsets, rules = mined(baskets, "0.2", "0.5", 5)
    assert model.floor == 2
    assert itemsets[frozenset("ab")] == 2
    assert itemsets.get(frozenset("e")) is None
    # confidence of a ⇒ b is 2/3, of b ⇒ a is 1: both reach 0.5; at 2/3 exactly, a ⇒ b is in.
    assert set(rules) == {(frozenset("a"), "b"), (frozenset("b"), "a")}
    _m, _i, exact = mined(baskets, "0.2", Decimal(2) / Decimal(3), 5)
    assert (frozenset("a"), "b") not in exact  # 0.666…67 as a decimal is above 2/3


def test_min_count_is_exact_for_decimal_supports():
    assert min_count("0.001", 9835) == 10
    assert min_count("0.005", 9835) == 50  # 49.175 → 50
    assert min_count("0.07", 100) == 7  # not 8, as 0.07 * 100 in floats (7.000000000000001)
    assert min_count(0, 10) == 1


def test_an_item_twice_in_a_basket_counts_once():
    model = AssociationRules("0.5", "0.5").fit([["x", "x", "y"], ["x"]])
    counts = {r.itemset: r.count for r in model.itemsets().itertuples()}
    assert counts[("x",)] == 2 and counts[("x", "y")] == 1 and len(counts) == 3


def test_max_size_caps_the_itemsets():
    baskets = [["a", "b", "c", "d"]] * 3
    model = AssociationRules("0.5", "0.5", max_size=2).fit(baskets)
    assert model.itemsets()["size"].max() == 2
    assert len(model.itemsets(sizes=[2])) == 6


def test_predict_filters_by_lift_item_and_limit():
    train, _query = AssociationRules.example()
    model = AssociationRules("0.2", "0.5").fit(train)
    every = model.predict(RuleQuery())
    assert len(every) == len(model.rules()) > 3
    lifted = model.predict(RuleQuery(min_lift=1.2))
    assert 0 < len(lifted) < len(every) and (lifted["lift"] >= 1.2).all()
    beer = model.predict(RuleQuery(item="beer"))
    assert len(beer) > 0
    assert all("beer" in a or c == "beer" for a, c in zip(beer["antecedent"], beer["consequent"],
                                                           strict=True))
    assert len(model.predict(RuleQuery(limit=2))) == 2


@pytest.mark.parametrize("bad", [None, "milk", 42, [["a"], "b"]])
def test_malformed_baskets_are_refused(bad):
    with pytest.raises(ModelInputError):
        AssociationRules().fit(bad)


@pytest.mark.parametrize("kwargs", [{"min_support": "1.5"}, {"min_confidence": "-0.1"},
                                    {"min_support": "many"}, {"max_size": 1}])
def test_bad_thresholds_are_refused(kwargs):
    with pytest.raises(ModelInputError):
        AssociationRules(**kwargs)


def test_rules_before_fit_are_refused():
    with pytest.raises(NotFittedError):
        AssociationRules().rules()


mlxtend = pytest.importorskip("mlxtend.frequent_patterns")


@settings(max_examples=40, deadline=None)
@given(baskets=st.lists(st.lists(st.integers(0, 9), min_size=1, max_size=6), min_size=2,
                        max_size=40),
       support=st.sampled_from(["0.05", "0.1", "0.2", "0.3"]))
def test_mlxtend_agrees_on_the_counts(baskets, support):
    from mlxtend.preprocessing import TransactionEncoder

    encoder = TransactionEncoder()
    onehot = pd.DataFrame(encoder.fit(baskets).transform(baskets), columns=encoder.columns_)
    model = AssociationRules(support, "0", max_size=10).fit(baskets)
    # mlxtend compares support as a float: give it the integer threshold minus a hair.
    theirs = mlxtend.fpgrowth(onehot, min_support=(model.floor - 0.5) / len(baskets),
                              use_colnames=True)
    n = len(baskets)
    expected = {frozenset(s): round(v * n) for s, v in zip(theirs["itemsets"], theirs["support"],
                                                           strict=True)}
    ours = {frozenset(r.itemset): r.count for r in model.itemsets().itertuples()}
    assert ours == expected
