"""The one signal analytics sends: the warehouse has a new version.

Analytics sits below the apps that compute on top of the warehouse (insights), so it cannot
call them; they connect a receiver in their ``AppConfig.ready()`` instead (insights enqueues
the demand forecasts). Sent by ``actions.refresh_warehouse`` after a successful run, once the
run's record is committed; ``sender`` is the ``WarehouseRun`` class, ``run`` the record.
"""

from django.dispatch import Signal

warehouse_refreshed = Signal()
