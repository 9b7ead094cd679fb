"""Association rules on the Groceries data set, against mlxtend, and the recommendations'
hit rates on Online Retail — one JSON line on stdout.

    .venv/bin/python benchmarks/basket.py

Data: ``../shared/datasets/groceries/groceries.csv`` (R arules' Groceries: 9,835 baskets,
one per line, items comma-separated) and ``../shared/datasets/online_retail/online_retail.csv.gz``
(skipped with a message on stderr, exit status 0, when absent).

- ``rules_s005_c05``, ``rules_s001_c05``: rules with one consequent at minimum support
  0.005 / 0.001 and minimum confidence 0.5, as arules counts them (its default maximum of 10
  items; thresholds on integer counts). Published: 120 and 5,668.
- ``seconds``: the product's miner (``zhanggui.insights.basket.AssociationRules``, the class
  the shop's runs use) for both thresholds — indexing the baskets, frequent itemsets and
  rules — wall time, best of 3.
- ``mlxtend_seconds``: mlxtend's ``fpgrowth`` + ``association_rules`` on the same baskets,
  same thresholds, same run, best of 3; the one-hot table it needs is built once beforehand
  and not timed (in mlxtend's favour). Its rule count, limited to one-item consequents,
  must equal ours (else the benchmark fails).
- ``hit_rate_at_10``, ``popularity_hit_rate_at_10``: from
  ``zhanggui.insights.recommend_eval.online_retail_hit_rates`` (the recommendations'
  time split on Online Retail; see that module).

Progress on stderr.
"""

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from zhanggui.insights.basket import AssociationRules  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
GROCERIES = DATASETS / "groceries" / "groceries.csv"
ONLINE_RETAIL = DATASETS / "online_retail" / "online_retail.csv.gz"
THRESHOLDS = {"rules_s005_c05": ("0.005", "0.5"), "rules_s001_c05": ("0.001", "0.5")}
MAX_SIZE = 10  # arules' default maxlen
REPEATS = 3


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def load_groceries() -> list[list[str]]:
    with GROCERIES.open() as lines:
        return [line.rstrip("\r\n").split(",") for line in lines]


def ours(baskets: list[list[str]]) -> tuple[dict[str, int], float]:
    best, counts = float("inf"), {}
    for _ in range(REPEATS):
        started = time.perf_counter()
        for key, (support, confidence) in THRESHOLDS.items():
            counts[key] = len(AssociationRules(support, confidence, MAX_SIZE).fit(baskets).rules())
        best = min(best, time.perf_counter() - started)
    return counts, best


def theirs(baskets: list[list[str]]) -> tuple[dict[str, int], float]:
    import pandas as pd
    from mlxtend.frequent_patterns import association_rules, fpgrowth
    from mlxtend.preprocessing import TransactionEncoder

    encoder = TransactionEncoder()
    onehot = pd.DataFrame(encoder.fit(baskets).transform(baskets), columns=encoder.columns_)
    n = len(baskets)
    best, counts = float("inf"), {}
    for _ in range(REPEATS):
        started = time.perf_counter()
        for key, (support, confidence) in THRESHOLDS.items():
            floor = AssociationRules(support, confidence).floor_for(n)
            # mlxtend compares supports as floats: half a basket below the integer threshold.
            itemsets = fpgrowth(onehot, min_support=(floor - 0.5) / n, use_colnames=True,
                                max_len=MAX_SIZE)
            rules = association_rules(itemsets, num_itemsets=n, metric="confidence",
                                      min_threshold=float(confidence))
            counts[key] = int((rules["consequents"].map(len) == 1).sum())
        best = min(best, time.perf_counter() - started)
    return counts, best


def hit_rates() -> dict:
    from zhanggui.insights.recommend_eval import online_retail_hit_rates

    figures = online_retail_hit_rates(ONLINE_RETAIL)
    return {"hit_rate_at_10": figures["hit_rate_at_10"],
            "popularity_hit_rate_at_10": figures["popularity_hit_rate_at_10"]}


def main() -> int:
    missing = [str(p) for p in (GROCERIES, ONLINE_RETAIL) if not p.exists()]
    if missing:
        log(f"skipped: the data sets are not there ({', '.join(missing)})")
        return 0
    baskets = load_groceries()
    log(f"{len(baskets)} Groceries baskets; our miner …")
    counts, seconds = ours(baskets)
    log(f"ours: {counts} in {seconds:.3f} s; mlxtend …")
    mlxtend_counts, mlxtend_seconds = theirs(baskets)
    log(f"mlxtend: {mlxtend_counts} in {mlxtend_seconds:.3f} s; recommendations …")
    if mlxtend_counts != counts:
        log(f"FAILED: mlxtend counts {mlxtend_counts}, ours {counts}")
        return 1
    result = {**counts, "seconds": round(seconds, 3), "mlxtend_seconds": round(mlxtend_seconds, 3),
              **hit_rates()}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
