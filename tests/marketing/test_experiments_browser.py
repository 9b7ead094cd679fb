"""An A/B test in a real browser: the operator opens a running promotion test (progress bar,
results table, the under-powered warning, no verdict), stops it, and the page then judges it
at the O'Brien–Fleming threshold. Screenshots under var/screenshots/ (experiments-*.png)."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from tests.marketing.experiment_factories import (
    make_customers,
    make_population,
    make_promotion_experiment,
)
from zhanggui.analytics import warehouse
from zhanggui.marketing import experiments
from zhanggui.marketing.models_experiments import Experiment

pytestmark = pytest.mark.browser


@pytest.fixture
def running_test(transactional_db):
    customers = make_customers(120)
    experiment = make_promotion_experiment(make_population(customers), code="promo-browser")
    experiments.start_experiment(experiment, actor=None)
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    for customer in customers[:14]:
        factories.make_order(sku=sku, customer=customer, status="paid")
    warehouse.rebuild()
    return experiment


def test_operator_reads_a_running_test_and_stops_it(browser_page, live_server, running_test):
    page = browser_page
    base = live_server.url
    log_in(page, base, "operator")
    page.goto(f"{base}/marketing/experiment/")
    expect(page.get_by_text("promo-browser")).to_be_visible()
    screenshot(page, "experiments-1-list.png")

    page.goto(f"{base}/marketing/experiment/{running_test.pk}/change/")
    expect(page.locator("#experiment-progress [role=progressbar]")).to_be_visible()
    expect(page.locator("#experiment-warning")).to_have_attribute("data-correction", "wait")
    table = page.locator("#experiment-results-table")
    expect(table.locator("tr[data-arm]")).to_have_count(2)
    treated = table.locator('tr[data-arm="treated"] [data-verdict]')
    expect(treated).to_have_attribute("data-verdict", "")  # no verdict before the plan
    screenshot(page, "experiments-2-running.png")

    page.locator('a[href$="/stop/"]').first.click()
    page.locator("button[name=apply]").click()
    expect(page.locator("#experiment-warning")).to_have_attribute("data-correction",
                                                                  "obrien_fleming")
    assert Experiment.objects.get(pk=running_test.pk).status == "stopped"
    expect(treated).not_to_have_attribute("data-verdict", "")  # judged once, stopped
    screenshot(page, "experiments-3-stopped.png")
