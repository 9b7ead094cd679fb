"""How good the recommendations are, measured on a time split: fit on the purchases before a
cutoff, then for every customer who bought before it and after it, check the top ``k``
against what they bought after it.

- hit rate@k: the share of those customers with at least one of the items they bought
  later in their top ``k``;
- NDCG@k: ``Σ 1/log2(rank + 1)`` over the hits in the top ``k``, divided by the best
  possible (all of the first ``min(k, |bought later|)`` ranks hits), averaged.

Parameters are chosen honestly: ``tune`` splits the training period itself (the last
``validation_days`` are the validation period) and picks the grid point with the best
validation hit rate; the test period is only used for the final figures.
``online_retail_hit_rates`` does all of this on the Online Retail data set, for the
co-occurrence model and the popularity baseline alike.
"""

import math
import time
from collections.abc import Iterable, Sequence
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd

from zhanggui.insights.recommend import (
    CoOccurrenceRecommender,
    PopularityRecommender,
    RecommendQuery,
)
from zhanggui.insights.recommend_matrix import PURCHASE_COLUMNS, naive_utc

K = 10
ONLINE_RETAIL_CUTOFF = "2011-09-01"
VALIDATION_DAYS = 90
# The grid the co-occurrence model is tuned over (validation inside the training period).
COOCCURRENCE_GRID = {"context": ("basket", "customer"), "repeat_weight": (1.0, 5.0),
                     "half_life_days": (30.0, 120.0)}
POPULARITY_GRID = {"window_days": (None, 30.0, 90.0)}
EXCLUDE_DAYS = 0.0  # what a shop re-buys is a hit: both models recommend it alike


def hit_at_k(ranked: Sequence[int], relevant: Iterable[int], k: int = K) -> float:
    """1.0 when any of the first ``k`` items is relevant, else 0.0."""
    wanted = set(relevant)
    return 1.0 if any(item in wanted for item in list(ranked)[:k]) else 0.0


def ndcg_at_k(ranked: Sequence[int], relevant: Iterable[int], k: int = K) -> float:
    """Binary-relevance NDCG of the first ``k`` items (0.0 when nothing is relevant)."""
    wanted = set(relevant)
    if not wanted:
        return 0.0
    gain = sum(1.0 / math.log2(rank + 2) for rank, item in enumerate(list(ranked)[:k])
               if item in wanted)
    best = sum(1.0 / math.log2(rank + 2) for rank in range(min(k, len(wanted))))
    return gain / best


def time_split(purchases: pd.DataFrame, cutoff, end=None) -> tuple[pd.DataFrame, dict[int, set[int]]]:
    """The purchases before ``cutoff`` and, for each customer who bought before it and in
    ``[cutoff, end)``, the products they bought then."""
    cutoff = naive_utc(cutoff)
    times = pd.to_datetime(purchases["purchased_at"], utc=True).dt.tz_localize(None)
    train = purchases[times < cutoff]
    later = times >= cutoff
    if end is not None:
        later &= times < naive_utc(end)
    test = purchases[later & purchases["customer_id"].isin(set(train["customer_id"]))]
    relevant = test.groupby("customer_id")["product_id"].agg(lambda s: set(s.astype(int)))
    return train, {int(c): items for c, items in relevant.items()}


def evaluate(model, relevant: dict[int, set[int]], at, k: int = K) -> dict[str, float]:
    """Mean hit rate and NDCG at ``k`` of a fitted model over ``relevant``'s customers."""
    if not relevant:
        return {"hit_rate": 0.0, "ndcg": 0.0, "users": 0}
    query = RecommendQuery(customer_ids=tuple(sorted(relevant)), k=k, at=naive_utc(at))
    ranked = model.predict(query).groupby("customer_id")["product_id"].agg(list)
    hits = [hit_at_k(ranked.get(c, []), items, k) for c, items in relevant.items()]
    gains = [ndcg_at_k(ranked.get(c, []), items, k) for c, items in relevant.items()]
    return {"hit_rate": float(np.mean(hits)), "ndcg": float(np.mean(gains)), "users": len(relevant)}


def tune(model_class, grid: dict[str, Sequence], train: pd.DataFrame, *,
         validation_days: int = VALIDATION_DAYS, fixed: dict | None = None) -> tuple[dict, float]:
    """The grid point with the best hit rate (then NDCG) on the last ``validation_days`` of
    ``train`` (fitted on what comes before), and that hit rate."""
    end = pd.to_datetime(train["purchased_at"], utc=True).max().tz_localize(None)
    split = end.normalize() - pd.Timedelta(days=validation_days)
    fit_part, relevant = time_split(train, split)
    best, best_key = {}, (-1.0, -1.0)
    for values in product(*grid.values()):
        params = {**(fixed or {}), **dict(zip(grid, values, strict=True))}
        scores = evaluate(model_class(**params).fit(fit_part), relevant, split)
        key = (scores["hit_rate"], scores["ndcg"])
        if key > best_key:
            best, best_key = params, key
    return best, best_key[0]


def load_online_retail(path: str | Path) -> pd.DataFrame:
    """Online Retail as purchases: cancellations (``C…`` invoices), non-positive
    quantities, rows without a customer and non-product codes (POST, DOT, M, BANK CHARGES,
    gift vouchers…: a product code starts with five digits) dropped."""
    frame = pd.read_csv(path, usecols=["InvoiceNo", "StockCode", "Quantity", "InvoiceDate",
                                       "CustomerID"],
                        dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": "float64"})
    keep = (~frame["InvoiceNo"].str.startswith("C") & (frame["Quantity"] > 0)
            & frame["CustomerID"].notna() & frame["StockCode"].str.match(r"^\d{5}"))
    frame = frame[keep]
    codes = frame["StockCode"].str.upper()
    _unique, product_ids = np.unique(codes.to_numpy(), return_inverse=True)
    return pd.DataFrame({
        "customer_id": frame["CustomerID"].astype("int64").to_numpy(),
        "product_id": product_ids.ravel().astype("int64") + 1,
        "basket_id": frame["InvoiceNo"].to_numpy(),
        "purchased_at": pd.to_datetime(frame["InvoiceDate"]).to_numpy(),
    }, columns=list(PURCHASE_COLUMNS))


def compare(purchases: pd.DataFrame, cutoff, *, k: int = K,
            exclude_days: float = EXCLUDE_DAYS) -> dict:
    """Tune both models on validation inside the training period, then measure both on the
    test period after ``cutoff``."""
    train, relevant = time_split(purchases, cutoff)
    fixed = {"exclude_days": exclude_days}
    cooc_params, cooc_validation = tune(CoOccurrenceRecommender, COOCCURRENCE_GRID, train, fixed=fixed)
    pop_params, pop_validation = tune(PopularityRecommender, POPULARITY_GRID, train, fixed=fixed)
    cooc = evaluate(CoOccurrenceRecommender(**cooc_params).fit(train), relevant, cutoff, k)
    pop = evaluate(PopularityRecommender(**pop_params).fit(train), relevant, cutoff, k)
    all_time = evaluate(PopularityRecommender(**fixed).fit(train), relevant, cutoff, k)
    return {
        "hit_rate_at_10": cooc["hit_rate"], "ndcg_at_10": cooc["ndcg"],
        "popularity_hit_rate_at_10": pop["hit_rate"], "popularity_ndcg_at_10": pop["ndcg"],
        "users": cooc["users"], "items": int(train["product_id"].nunique()),
        "cutoff": str(naive_utc(cutoff).date()), "parameters": cooc_params,
        "popularity_parameters": pop_params, "validation_hit_rate_at_10": cooc_validation,
        "popularity_validation_hit_rate_at_10": pop_validation,
        # Not chosen by validation, shown for candour: popularity over the whole training.
        "popularity_all_time_hit_rate_at_10": all_time["hit_rate"],
    }


def online_retail_hit_rates(path: str | Path, cutoff: str = ONLINE_RETAIL_CUTOFF,
                            exclude_days: float = EXCLUDE_DAYS) -> dict:
    """Hit rate@10 and NDCG@10 of the co-occurrence model and of popularity on Online
    Retail, trained before ``cutoff`` and tested after it (see ``compare``)."""
    started = time.perf_counter()
    figures = compare(load_online_retail(path), cutoff, exclude_days=exclude_days)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures
