"""Recommendations from purchases (implicit feedback): item-based co-occurrence, and the
popularity baseline it is measured against (``insights.recommend_eval``).

Both models fit on purchases — one row per product bought: ``customer_id``, ``product_id``,
``basket_id`` (the order) and ``purchased_at`` — and answer a ``RecommendQuery`` with the
``k`` best products per customer ("for you"): ``customer_id``, ``product_id``, ``rank``
(1 = best) and ``score``, sorted by customer and rank.

``CoOccurrenceRecommender``: two items are similar when the same customers buy both (cosine
over the customers holding each, shrunk towards 0 when few hold both); a customer's score of
an item is the sum of its similarities to the items they bought, each weighted by how
recently and how often they bought it (a half-life in days), plus ``repeat_weight`` times
that weight for the item itself (what a customer re-buys). Items the customer bought within
``exclude_days`` before the query's moment are left out; a customer without history, or
with fewer than ``k`` scored items, gets the most popular items (score 0 after scored ones).
"Bought together" (``bought_together``) is the same similarity over orders instead of
customers: per product, the products most often in the same order, with the number of
orders holding both.

``PopularityRecommender``: the items most customers bought (within ``window_days`` of the
last purchase when given), the same for everyone save what each bought recently.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Self

import numpy as np
import pandas as pd
from scipy import sparse

from zhanggui.insights.contract import InsightModel, ModelInputError, register_model
from zhanggui.insights.recommend_matrix import (
    PURCHASE_COLUMNS,
    Encoded,
    Neighbours,
    checked_purchases,
    encode,
    incidence,
    naive_utc,
    neighbours,
    top_of_row,
)

OUTPUT_COLUMNS = ["customer_id", "product_id", "rank", "score"]
TOGETHER_COLUMNS = ["product_id", "related_id", "rank", "score", "baskets"]
PREDICT_BATCH = 2_000  # customers scored at once


@dataclass(frozen=True)
class RecommendQuery:
    """Whom to recommend to, how many items each, and the moment (default: the last
    purchase in the training data) from which recency and exclusions are counted."""

    customer_ids: tuple[int, ...]
    k: int = 10
    at: datetime | None = None


class _PurchaseModel(InsightModel[pd.DataFrame, RecommendQuery, pd.DataFrame]):
    """What both recommenders keep: each customer's last purchase day per item, and the
    items ranked by how many customers bought them."""

    exclude_days: float = 0.0

    def _fit_history(self, frame: pd.DataFrame, *, window_days: float | None = None) -> Encoded:
        encoded = encode(frame)
        self.items, self.customers = encoded.items, encoded.customers
        self.end_day = float(encoded.days.max())
        shape = (len(encoded.customers), len(encoded.items))
        last = pd.DataFrame({"c": encoded.customer_index, "i": encoded.item_index, "d": encoded.days})
        last = last.groupby(["c", "i"], sort=True)["d"].max().reset_index()
        self.last_day = sparse.csr_matrix((last["d"].to_numpy(), (last["c"], last["i"])), shape=shape)
        recent = last if window_days is None else last[last["d"] > self.end_day - window_days]
        buyers = np.bincount(recent["i"], minlength=len(encoded.items)).astype(float)
        self.share = buyers / max(recent["c"].nunique(), 1)
        self.popular = np.lexsort((np.arange(len(buyers)), -buyers))
        return encoded

    def _query_day(self, query: RecommendQuery) -> float:
        if not isinstance(query, RecommendQuery):
            raise ModelInputError("the query must be a RecommendQuery")
        if query.k < 1:
            raise ModelInputError("k must be at least 1")
        if query.at is None:
            return self.end_day
        return naive_utc(query.at).value / 86_400e9

    def _history(self, row: int | None, day: float) -> tuple[np.ndarray, np.ndarray]:
        """The items a customer bought and the days since they last bought each."""
        if row is None:
            return np.empty(0, dtype=np.int64), np.empty(0)
        start, stop = self.last_day.indptr[row], self.last_day.indptr[row + 1]
        ages = np.maximum(day - self.last_day.data[start:stop], 0.0)
        return self.last_day.indices[start:stop], ages

    def _fill(self, chosen: np.ndarray, blocked: np.ndarray, k: int) -> np.ndarray:
        """Popular items neither chosen nor blocked, enough to bring ``chosen`` to ``k``."""
        need = k - len(chosen)
        if need <= 0:
            return np.empty(0, dtype=np.int64)
        skip = np.concatenate([chosen, blocked])
        candidates = self.popular[: need + len(skip)]
        return candidates[~np.isin(candidates, skip)][:need]

    def _frame(self, rows: list[tuple[int, np.ndarray, np.ndarray]]) -> pd.DataFrame:
        parts = [pd.DataFrame({"customer_id": np.full(len(items), customer, dtype=np.int64),
                               "product_id": self.items[items].astype(np.int64),
                               "rank": np.arange(1, len(items) + 1, dtype=np.int64),
                               "score": scores.astype(float)})
                 for customer, items, scores in rows]
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c != "score" else "float64")
                                 for c in OUTPUT_COLUMNS})
        return pd.concat(parts, ignore_index=True)[OUTPUT_COLUMNS]

    def _row_of(self, customer: int) -> int | None:
        position = int(np.searchsorted(self.customers, customer))
        if position < len(self.customers) and self.customers[position] == customer:
            return position
        return None

    @classmethod
    def example(cls) -> tuple[pd.DataFrame, RecommendQuery]:
        # Customers 1–3 buy 10 with 20; 4 buys 30 only; 5 buys 10 (→ 20 is for them).
        rows = [(1, 10, "o1", "2026-03-01"), (1, 20, "o1", "2026-03-01"),
                (2, 10, "o2", "2026-03-02"), (2, 20, "o2", "2026-03-02"),
                (3, 20, "o3", "2026-03-03"), (3, 10, "o4", "2026-03-05"),
                (4, 30, "o5", "2026-03-04"), (5, 10, "o6", "2026-03-06")]
        frame = pd.DataFrame(rows, columns=list(PURCHASE_COLUMNS))
        frame["purchased_at"] = pd.to_datetime(frame["purchased_at"])
        return frame, RecommendQuery(customer_ids=(5, 4, 99), k=2)

    @classmethod
    def empty(cls) -> pd.DataFrame:
        return pd.DataFrame(columns=list(PURCHASE_COLUMNS))

    def check_output(self, output: pd.DataFrame, query: RecommendQuery) -> None:
        assert isinstance(output, pd.DataFrame), "recommendations are a DataFrame"
        assert list(output.columns) == OUTPUT_COLUMNS, list(output.columns)
        assert set(output["customer_id"]) <= set(query.customer_ids)
        for _customer, rows in output.groupby("customer_id"):
            assert len(rows) <= query.k
            assert list(rows["rank"]) == list(range(1, len(rows) + 1))
            assert rows["product_id"].is_unique
            assert rows["score"].is_monotonic_decreasing


@register_model
class CoOccurrenceRecommender(_PurchaseModel):
    """Item-based co-occurrence "for you" and "bought together" (module docstring)."""

    name: ClassVar[str] = "item_cooccurrence"

    def __init__(self, *, shrink: float = 5.0, neighbours: int | None = 100,
                 half_life_days: float = 120.0, exclude_days: float = 30.0,
                 repeat_weight: float = 5.0, context: str = "customer",
                 min_together: int = 1) -> None:
        if context not in ("customer", "basket"):
            raise ValueError("context is 'customer' or 'basket'")
        if half_life_days <= 0 or shrink < 0 or repeat_weight < 0:
            raise ValueError("half_life_days must be positive, shrink and repeat_weight not negative")
        self.shrink, self.keep, self.context = shrink, neighbours, context
        self.half_life_days, self.exclude_days, self.min_together = (
            half_life_days, exclude_days, min_together)
        self.repeat_weight = repeat_weight

    def fit(self, data: pd.DataFrame) -> Self:
        encoded = self._fit_history(checked_purchases(data))
        items = len(encoded.items)
        self.weight = _recency_weights(encoded, self.end_day, self.half_life_days)
        baskets = incidence(encoded.basket_index, encoded.item_index,
                            (int(encoded.basket_index.max()) + 1, items))
        self.together = neighbours(baskets, shrink=self.shrink, keep=self.keep,
                                   min_together=self.min_together)
        if self.context == "basket":
            self.similar = self.together
        else:
            holders = incidence(encoded.customer_index, encoded.item_index,
                                (len(encoded.customers), items))
            self.similar = neighbours(holders, shrink=self.shrink, keep=self.keep)
        self._fitted = True
        return self

    def predict(self, query: RecommendQuery) -> pd.DataFrame:
        self._require_fitted()
        day = self._query_day(query)
        customers = sorted(set(query.customer_ids))
        if not customers:
            return self._frame([])
        rows = []
        for start in range(0, len(customers), PREDICT_BATCH):  # bounded memory for the scores
            rows += self._predict_batch(customers[start:start + PREDICT_BATCH], day, query.k)
        return self._frame(rows)

    def _predict_batch(self, customers: list[int], day: float, k: int) -> list[tuple]:
        rows_of = [self._row_of(c) for c in customers]
        histories = [self._history(row, day) for row in rows_of]
        weights = self.weight[[-1 if r is None else r for r in rows_of]]
        weights = sparse.diags([0.0 if r is None else 1.0 for r in rows_of]) @ weights
        scores = (weights @ self.similar.similarity + self.repeat_weight * weights).tocsr()
        rows = []
        for position, customer in enumerate(customers):
            items, ages = histories[position]
            blocked = items[ages < self.exclude_days]
            start, stop = scores.indptr[position], scores.indptr[position + 1]
            columns, values = scores.indices[start:stop], scores.data[start:stop]
            keep = ~np.isin(columns, blocked) & (values > 0)
            chosen, best = top_of_row(columns[keep], values[keep], k)
            filler = self._fill(chosen, blocked, k)
            if len(items) == 0:  # no history: the popular items, scored by their share
                rows.append((customer, filler, self.share[filler]))
            else:
                rows.append((customer, np.concatenate([chosen, filler]),
                             np.concatenate([best, np.zeros(len(filler))])))
        return rows

    def _positions(self, product_ids) -> np.ndarray:
        if product_ids is None:
            return np.arange(len(self.items))
        wanted = np.array(sorted({int(p) for p in product_ids}), dtype=np.int64)
        positions = np.searchsorted(self.items, wanted)
        known = positions < len(self.items)
        known[known] = self.items[positions[known]] == wanted[known]
        return positions[known]

    def bought_together(self, product_ids=None, k: int = 10) -> pd.DataFrame:
        """Per product (every product when ``None``), the ``k`` products most often in the
        same order: product_id, related_id, rank, score (similarity), baskets (orders with
        both). Products never bought with another have no rows."""
        self._require_fitted()
        matrix, counts = self.together.similarity, self.together.together
        frames = []
        for row in self._positions(product_ids):
            start, stop = matrix.indptr[row], matrix.indptr[row + 1]
            columns, best = top_of_row(matrix.indices[start:stop], matrix.data[start:stop], k)
            lookup = dict(zip(counts.indices[start:stop], counts.data[start:stop], strict=True))
            frames.append(pd.DataFrame({
                "product_id": np.full(len(columns), self.items[row], dtype=np.int64),
                "related_id": self.items[columns].astype(np.int64),
                "rank": np.arange(1, len(columns) + 1, dtype=np.int64), "score": best,
                "baskets": [int(lookup[c]) for c in columns]}))
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype="float64" if c == "score" else "int64")
                                 for c in TOGETHER_COLUMNS})
        return pd.concat(frames, ignore_index=True)[TOGETHER_COLUMNS]


@register_model
class PopularityRecommender(_PurchaseModel):
    """The items most customers bought, for everyone (the baseline)."""

    name: ClassVar[str] = "popularity"

    def __init__(self, *, window_days: float | None = None, exclude_days: float = 30.0) -> None:
        self.window_days, self.exclude_days = window_days, exclude_days

    def fit(self, data: pd.DataFrame) -> Self:
        self._fit_history(checked_purchases(data), window_days=self.window_days)
        self._fitted = True
        return self

    def predict(self, query: RecommendQuery) -> pd.DataFrame:
        self._require_fitted()
        day = self._query_day(query)
        rows = []
        for customer in sorted(set(query.customer_ids)):
            items, ages = self._history(self._row_of(customer), day)
            chosen = self._fill(np.empty(0, dtype=np.int64), items[ages < self.exclude_days], query.k)
            rows.append((customer, chosen, self.share[chosen]))
        return self._frame(rows)


def _recency_weights(encoded: Encoded, end_day: float, half_life_days: float) -> sparse.csr_matrix:
    """Customers × items: ``Σ 0.5 ** (days before the last purchase / half-life)`` over the
    orders in which the customer bought the item (often and lately weigh most)."""
    frame = pd.DataFrame({"c": encoded.customer_index, "i": encoded.item_index,
                          "b": encoded.basket_index, "d": encoded.days})
    frame = frame.groupby(["c", "i", "b"], sort=False)["d"].max().reset_index()
    frame["w"] = np.exp(-math.log(2) / half_life_days * (end_day - frame["d"].to_numpy()))
    summed = frame.groupby(["c", "i"], sort=True)["w"].sum().reset_index()
    return sparse.csr_matrix((summed["w"].to_numpy(), (summed["c"], summed["i"])),
                             shape=(len(encoded.customers), len(encoded.items)))


__all__ = ["CoOccurrenceRecommender", "Neighbours", "PopularityRecommender", "RecommendQuery"]
