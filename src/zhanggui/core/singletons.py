"""Settings rows kept in the database, one per shop (the supply, points, contact, service …
policies): read without writing, or locked for a change.

Reading never writes, so a GET and a read-only replica stay read-only: before anyone has saved
the row, ``read_singleton`` gives an unsaved instance with the model's defaults.
``lock_singleton`` creates the row (primary key 1) when missing, race-safely, and locks it
until the transaction ends; writers that must not run side by side queue on it.
"""

from typing import TypeVar

from django.db import IntegrityError, models, transaction

M = TypeVar("M", bound=models.Model)


def read_singleton(model: type[M]) -> M:
    """The model's single row, or an unsaved instance with the defaults."""
    return model.objects.order_by("pk").first() or model()


def lock_singleton(model: type[M]) -> M:
    """The model's single row, created with the defaults when missing, locked (select for
    update) until the surrounding transaction ends. Call inside ``transaction.atomic``."""
    row = model.objects.order_by("pk").first()
    if row is None:
        try:
            with transaction.atomic():
                row = model.objects.create(pk=1)
        except IntegrityError:  # another process created it at the same moment
            row = model.objects.order_by("pk").first()
    return model.objects.select_for_update().get(pk=row.pk)
