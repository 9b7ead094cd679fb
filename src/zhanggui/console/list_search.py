"""Search on the console's big lists, answered from indexes.

Django's admin search matches every ``search_fields`` entry with ``icontains`` and joins
them with OR: on PostgreSQL ``UPPER(column) LIKE '%term%'`` has no index, and an OR over
columns of several tables cannot use one either, so a search on a table of millions of rows
reads all of it (10–20 s on the benchmark's million orders). A big list's admin takes
``IndexedSearchMixin`` and gives each entry an explicit, indexable lookup
(``"number__startswith"``, ``"shipments__tracking_number__exact"``, or ``icontains`` on a
small related table). Each entry is then probed on its own, one index lookup each, for at
most ``KEYS`` matching rows; the list shows the rows found by any of them.
"""

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest

KEYS = 1000
PLAIN_LOOKUPS = ("exact", "iexact", "startswith", "istartswith", "contains", "icontains")


def _lookup(entry: str) -> str:
    """A ``search_fields`` entry as a lookup: ``icontains`` unless it names its own."""
    return entry if entry.rsplit("__", 1)[-1] in PLAIN_LOOKUPS else f"{entry}__icontains"


class IndexedSearchMixin:
    """``search_fields`` probed one by one through their indexes (see the module)."""

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        term = search_term.strip()
        if not term:
            return queryset, False
        manager = self.model._default_manager
        keys, many = set(), []
        for entry in self.get_search_fields(request):
            lookup = _lookup(entry)
            try:
                found = list(manager.filter(**{lookup: term}).order_by()
                             .values_list("pk", flat=True)[:KEYS + 1])
            except (ValidationError, ValueError):
                continue  # not a value of this column (a word for a UUID or number field)
            if len(found) > KEYS:
                many.append(lookup)  # too many keys to list: filtered by the lookup itself
            else:
                keys.update(found)
        condition = Q(pk__in=keys)
        for lookup in many:
            if lookup_spawns_duplicates(self.model._meta, lookup):
                condition |= Q(pk__in=manager.filter(**{lookup: term}).values("pk"))
            else:
                condition |= Q(**{lookup: term})
        return queryset.filter(condition), False
