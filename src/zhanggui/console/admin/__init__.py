"""The console's pages of every business app.

Django's admin autodiscovery imports this package (``zhanggui.console`` is an installed app);
each module registers the models of one app. They live here, not in the apps, because the
console is the top layer: it may import every app, and no app may import it
(``make lint`` checks that).
"""

from zhanggui.console.admin import (  # noqa: F401  (imported for their registrations)
    accounts,
    aftersales,
    analytics,
    campaigns,
    catalog,
    channels,
    customers,
    dropship,
    dropship_feed,
    experiments,
    fulfillment,
    fulfillment_carriers,
    fulfillment_waves,
    insights_anomalies,
    inventory,
    listing,
    live,
    marketing,
    membership,
    orders,
    pricing,
    purchasing,
    replenishment,
    security,
    segments,
    service,
    service_rules,
    suppliers,
    tasks,
    team,
    traffic,
)
