"""Setups of the permission matrix's rows for the recommendations
(``/api/v1/insights/recommendations…``): stored rows, as a run would leave them."""

from django.utils import timezone

from tests import factories
from tests.api.case import Case
from zhanggui.catalog.actions_affinity import AffinityRow, replace_product_affinities
from zhanggui.customers.actions_recommendations import RecommendationRow, replace_recommendations


def bought_together() -> Case:
    product, related = factories.make_product(), factories.make_product()
    replace_product_affinities([AffinityRow(product.pk, related.pk, 1, 0.5, 3)],
                               computed_at=timezone.now())
    return Case(path={"product_id": product.pk}, check=lambda data, staff: [
        (i["product_id"], i["baskets"]) for i in data["items"]] == [(related.pk, 3)])


def for_you() -> Case:
    customer, product = factories.make_customer(), factories.make_product()
    replace_recommendations([RecommendationRow(customer.pk, product.pk, 1, 0.25)],
                            computed_at=timezone.now())
    return Case(path={"customer_id": customer.pk}, check=lambda data, staff: [
        (i["product_id"], i["title"]) for i in data["items"]] == [(product.pk, product.title)])
