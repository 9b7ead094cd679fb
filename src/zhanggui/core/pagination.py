"""The admin lists' paginator (the console's and the webhook pages'): counts that stay cheap on
tables of millions of rows.

Django's paginator counts every matching row to number the pages; on PostgreSQL that is a
scan of the whole table (or of a large part of it) on every page view. This one counts
exactly up to ``EXACT_LIMIT`` rows and, beyond that, takes PostgreSQL's own estimate: the
table statistics (``pg_class.reltuples``) for an unfiltered list, the planner's row
estimate for a filtered one. Lists of up to ``EXACT_LIMIT`` rows, and every list on SQLite,
keep exact counts.
"""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

EXACT_LIMIT = 10_000


def _table_estimate(queryset: QuerySet, connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                       [connection.ops.quote_name(queryset.model._meta.db_table)])
        row = cursor.fetchone()
    return row[0] if row else -1


def _plan_estimate(queryset: QuerySet, connection) -> int:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Exact counts up to ``EXACT_LIMIT`` rows, PostgreSQL's estimates beyond."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return super().count
        if not queryset.query.has_filters():
            estimate = _table_estimate(queryset, connection)
            if estimate > EXACT_LIMIT:
                return estimate
        capped = queryset.order_by()[:EXACT_LIMIT + 1].count()
        if capped <= EXACT_LIMIT:
            return capped
        return max(capped, _plan_estimate(queryset, connection))
