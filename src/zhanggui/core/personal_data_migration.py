"""Data-migration helpers: encrypt the plain personal data already in a table (and fill its
blind indexes), or decrypt it back when the migration is reversed.

Used by the migrations that turn plain columns into ``EncryptedCharField``s. They run while
the columns are plain ``TextField``s of the historical model, so values are read and written
as they are stored.
"""

from zhanggui.core import crypto

BATCH_SIZE = 2000


def _batches(model, names: list[str]):
    """``(pk, value…)`` tuples in primary-key batches."""
    last_pk = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last_pk).order_by("pk")
                    .values_list("pk", *names)[:BATCH_SIZE])
        if not rows:
            return
        yield rows
        last_pk = rows[-1][0]


def encrypt_columns(model, fields: list[str], indexes: dict[str, str]) -> None:
    """Encrypt ``fields`` of every row of the historical ``model`` and set each blind index
    (``indexes``: index field → phone field) from the plain phone."""
    names = list(dict.fromkeys([*fields, *indexes.values()]))
    for rows in _batches(model, names):
        objects = []
        for pk, *values in rows:
            plain = dict(zip(names, values, strict=True))
            obj = model(pk=pk)
            for name in fields:
                setattr(obj, name, crypto.encrypt(plain[name]) if plain[name] else plain[name])
            for index, source in indexes.items():
                setattr(obj, index, crypto.phone_index(plain[source]))
            objects.append(obj)
        model.objects.bulk_update(objects, [*fields, *indexes], batch_size=500)


def decrypt_columns(model, fields: list[str]) -> None:
    """The reverse: every value of ``fields`` back to plain text (the indexes are dropped by
    the reversed schema operations)."""
    for rows in _batches(model, fields):
        objects = []
        for pk, *values in rows:
            obj = model(pk=pk)
            for name, value in zip(fields, values, strict=True):
                setattr(obj, name, crypto.decrypt(value) if value else value)
            objects.append(obj)
        model.objects.bulk_update(objects, fields, batch_size=500)
