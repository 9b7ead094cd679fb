"""Optional: the miner against published figures on real data sets in ``../shared/datasets``
(skipped when they are absent; never needed by the project's tests)."""

from pathlib import Path

import pandas as pd
import pytest

from zhanggui.insights.basket import AssociationRules

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
GROCERIES = DATASETS / "groceries" / "groceries.csv"
ONLINE_RETAIL = DATASETS / "online_retail" / "online_retail.csv.gz"


def groceries() -> list[list[str]]:
    if not GROCERIES.exists():
        pytest.skip(f"the Groceries data set is not at {GROCERIES}")
    with GROCERIES.open() as lines:
        return [line.rstrip("\r\n").split(",") for line in lines]


@pytest.mark.parametrize(("support", "rules"), [("0.005", 120), ("0.001", 5668)])
def test_groceries_rule_counts_are_the_published_ones(support, rules):
    # arules' apriori: maxlen 10, rules with one consequent.
    model = AssociationRules(support, "0.5", max_size=10).fit(groceries())
    assert len(model.rules()) == rules


def test_groceries_top_rule_and_whole_milk():
    model = AssociationRules("0.001", "0.5", max_size=10).fit(groceries())
    top = model.rules().iloc[0]
    assert top["antecedent"] == ("Instant food products", "soda")
    assert top["consequent"] == "hamburger meat"
    assert top["lift"] == pytest.approx(19.0, abs=0.01)
    singles = model.itemsets(sizes=[1]).set_index("itemset")["count"]
    assert singles[("whole milk",)] == 2513
    assert len(model.itemsets()) == 13492  # arules: set of 13492 itemsets


def france_baskets() -> list[list[str]]:
    """The common tutorial: France, no cancelled invoices, no POSTAGE, one basket per invoice
    with the items bought (summed quantity ≥ 1)."""
    if not ONLINE_RETAIL.exists():
        pytest.skip(f"the Online Retail data set is not at {ONLINE_RETAIL}")
    frame = pd.read_csv(ONLINE_RETAIL, dtype={"InvoiceNo": str, "StockCode": str},
                        usecols=["InvoiceNo", "Description", "Quantity", "Country"])
    frame["Description"] = frame["Description"].str.strip()
    frame = frame[(frame["Country"] == "France") & ~frame["InvoiceNo"].str.contains("C")]
    quantities = frame.groupby(["InvoiceNo", "Description"])["Quantity"].sum().reset_index()
    invoices = sorted(frame["InvoiceNo"].unique())
    bought = quantities[(quantities["Quantity"] >= 1) & (quantities["Description"] != "POSTAGE")]
    items = bought.groupby("InvoiceNo")["Description"].agg(list).to_dict()
    return [items.get(invoice, []) for invoice in invoices]


def test_online_retail_france_tutorial_figures():
    baskets = france_baskets()
    assert len(baskets) == 392
    model = AssociationRules("0.07", "0", max_size=10).fit(baskets)
    assert len(model.itemsets()) == 51
    rules = model.rules()
    rule = rules[(rules["antecedent"] == ("ALARM CLOCK BAKELIKE GREEN",))
                 & (rules["consequent"] == "ALARM CLOCK BAKELIKE RED")].iloc[0]
    assert rule["confidence"] == pytest.approx(0.816, abs=0.0005)
    assert rule["lift"] == pytest.approx(8.643, abs=0.0005)
