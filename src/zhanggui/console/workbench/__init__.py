"""The workbench (工作台): the console's home page, per role.

``registry`` holds the to-do providers and each role's order; ``providers`` (orders,
after-sales, stock, listing quality, tasks) and ``providers_fulfillment`` (waves, parcels,
the abnormal orders and parcels the apps open as tasks) register the to-dos; ``numbers``
counts today's key figures against yesterday at the same time; ``filters`` holds the list
filters the to-dos link to; ``view`` builds the page's context (docs/console.md).
"""
