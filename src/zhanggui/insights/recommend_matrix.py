"""Sparse building blocks of the recommenders (``insights.recommend``): purchases checked and
encoded as indices, item-item co-occurrence and its similarity, top-N per row.

Everything here is deterministic: ids are encoded in ascending order and ties are broken by
the smaller id.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from zhanggui.insights.contract import ModelInputError

PURCHASE_COLUMNS = ("customer_id", "product_id", "basket_id", "purchased_at")
DAY_NS = 86_400 * 10**9


def naive_utc(moment) -> pd.Timestamp:
    """A timestamp without a time zone (UTC), so warehouse and Django moments compare."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp


def checked_purchases(data) -> pd.DataFrame:
    """The purchases as a new frame with integer ids and naive UTC times, or
    ``ModelInputError`` saying what is wrong."""
    if not isinstance(data, pd.DataFrame):
        raise ModelInputError("purchases must be a DataFrame with the columns "
                              + ", ".join(PURCHASE_COLUMNS))
    missing = [column for column in PURCHASE_COLUMNS if column not in data.columns]
    if missing:
        raise ModelInputError(f"the purchases lack the columns {', '.join(missing)}")
    if data.empty:
        raise ModelInputError("there are no purchases to learn from")
    frame = data[list(PURCHASE_COLUMNS)]
    empty = [column for column in PURCHASE_COLUMNS if frame[column].isna().any()]
    if empty:
        raise ModelInputError(f"the purchases have missing values in {', '.join(empty)}")
    try:
        times = pd.to_datetime(frame["purchased_at"], utc=True).dt.tz_localize(None)
        customers = frame["customer_id"].astype("int64")
        products = frame["product_id"].astype("int64")
    except (TypeError, ValueError) as error:
        raise ModelInputError(f"the purchases have malformed values: {error}") from error
    return pd.DataFrame({"customer_id": customers.to_numpy(), "product_id": products.to_numpy(),
                         "basket_id": frame["basket_id"].to_numpy(), "purchased_at": times.to_numpy()})


@dataclass(frozen=True)
class Encoded:
    """Purchases as indices: ``items`` and ``customers`` are the sorted ids."""

    items: np.ndarray
    customers: np.ndarray
    item_index: np.ndarray      # per purchase row
    customer_index: np.ndarray  # per purchase row
    basket_index: np.ndarray    # per purchase row
    days: np.ndarray            # per purchase row, days since the epoch (float)


def encode(frame: pd.DataFrame) -> Encoded:
    items, item_index = np.unique(frame["product_id"].to_numpy(), return_inverse=True)
    customers, customer_index = np.unique(frame["customer_id"].to_numpy(), return_inverse=True)
    _baskets, basket_index = np.unique(frame["basket_id"].astype(str).to_numpy(), return_inverse=True)
    days = frame["purchased_at"].to_numpy("datetime64[ns]").astype("int64") / DAY_NS
    return Encoded(items, customers, item_index.ravel(), customer_index.ravel(),
                   basket_index.ravel(), days)


def incidence(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """A binary rows × items matrix (1 where the row holds the item at least once)."""
    ones = np.ones(len(rows), dtype=np.float64)
    matrix = sparse.csr_matrix((ones, (rows, columns)), shape=shape)
    matrix.data[:] = 1.0
    return matrix


@dataclass(frozen=True)
class Neighbours:
    """Per item, its most similar items: CSR rows sorted by descending score."""

    similarity: sparse.csr_matrix  # items × items
    together: sparse.csr_matrix    # the same pattern: contexts holding both items


def neighbours(holdings: sparse.csr_matrix, *, shrink: float, keep: int | None,
               min_together: int = 1) -> Neighbours:
    """Cosine similarity of the items' holders with shrinkage: ``c_ij / sqrt(n_i n_j) ·
    c_ij / (c_ij + shrink)``, where ``c_ij`` counts the rows holding both items and ``n_i``
    the rows holding ``i``; an item is never its own neighbour; pairs held together fewer
    than ``min_together`` times are dropped; each item keeps its ``keep`` best (all when
    ``None``)."""
    items = holdings.shape[1]
    counts = (holdings.T @ holdings).tocsr()
    counts.sort_indices()
    counts = counts.tocoo()
    held = np.asarray(holdings.sum(axis=0)).ravel()
    row, col, together = counts.row, counts.col, counts.data
    mask = (row != col) & (together >= min_together)
    row, col, together = row[mask], col[mask], together[mask]
    score = together / np.sqrt(held[row] * held[col]) * together / (together + shrink)
    if keep is not None:  # cheap cut first: at least the ``keep`` best of each row survive
        mask = score >= _row_thresholds(row, score, items, keep)[row]
        row, col, together, score = row[mask], col[mask], together[mask], score[mask]
    order = np.lexsort((col, -score, row))
    row, col, together, score = row[order], col[order], together[order], score[order]
    if keep is not None and len(row):
        starts = np.searchsorted(row, np.arange(items))
        position = np.arange(len(row)) - starts[row]
        mask = position < keep
        row, col, together, score = row[mask], col[mask], together[mask], score[mask]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=items))])
    similarity = sparse.csr_matrix((score, col, indptr), shape=(items, items))
    pairs = sparse.csr_matrix((together, col, indptr), shape=(items, items))
    return Neighbours(similarity, pairs)


def _row_thresholds(row: np.ndarray, score: np.ndarray, items: int, keep: int) -> np.ndarray:
    """Per row (``row`` ascending), the ``keep``-th best score (−inf for shorter rows)."""
    thresholds = np.full(items, -np.inf)
    bounds = np.searchsorted(row, np.arange(items + 1))
    for item in np.flatnonzero(np.diff(bounds) > keep):
        values = score[bounds[item]:bounds[item + 1]]
        thresholds[item] = np.partition(values, len(values) - keep)[len(values) - keep]
    return thresholds


def top_of_row(columns: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best (column, score) pairs, by descending score, then ascending column."""
    order = np.lexsort((columns, -scores))[:k]
    return columns[order], scores[order]
