"""Model fields for personal data at rest (the mechanism is ``core.crypto``).

- ``EncryptedCharField``: behaves like a ``CharField`` in Python and in forms (``max_length``
  bounds the plain text), but is stored as a Fernet token in a text column. An empty value is
  stored empty, so ``filter(phone="")`` still works; any other lookup on it is refused (the
  column holds ciphertext, so ``icontains`` or an exact match could only ever silently miss).
- ``PhoneIndexField``: the blind index of another field holding a phone number, filled in
  ``pre_save`` (``save``, ``create`` and ``bulk_create``).
- ``PersonalDataQuerySet`` (use ``PersonalDataQuerySet.as_manager()``) keeps the indexes
  right on the paths that skip ``pre_save``: ``bulk_update`` and ``update``; and finds rows
  by exact value through the index: ``Customer.objects.with_exact(phone="+86 138…")``.
- ``PersonalDataModel`` (a mixin) does the same for ``save(update_fields=[...])``.
"""

from collections.abc import Iterable

from django.core.exceptions import FieldError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

from zhanggui.core import crypto


class EmptyOnlyExact(Exact):
    """``field=""`` on an encrypted field: the empty value is stored as is."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: an "
                "exact match on it can only test for the empty value; search through its "
                "blind index (with_exact) instead.")
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    """Plain text in Python, a Fernet token (``core.crypto``) in a text column."""

    def get_internal_type(self) -> str:
        return "TextField"  # tokens are far longer than max_length, which bounds the plain text

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value, what=f"{self.model._meta.label}.{self.name}")

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: '{lookup_name}' cannot work on "
            "its ciphertext.")

    def get_transform(self, lookup_name):
        return None


class PhoneIndexField(models.CharField):
    """The blind index (``crypto.phone_index``) of the phone number in field ``source``."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def digest(self, value: str) -> str:
        return crypto.phone_index(value)

    def refresh(self, instance: models.Model) -> str:
        value = self.digest(getattr(instance, self.source))
        setattr(instance, self.attname, value)
        return value

    def pre_save(self, instance, add):
        return self.refresh(instance)


def index_fields(model: type[models.Model]) -> list[PhoneIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, PhoneIndexField)]


def encrypted_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def _with_indexes(model: type[models.Model], field_names: Iterable[str]) -> list[str]:
    """``field_names`` plus the index of every source among them."""
    names = list(field_names)
    for index in index_fields(model):
        if index.source in names and index.name not in names:
            names.append(index.name)
    return names


class PersonalDataQuerySet(models.QuerySet):
    """A queryset whose bulk writes keep the blind indexes in step with their sources."""

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        fields = _with_indexes(self.model, fields)
        for index in index_fields(self.model):
            if index.name in fields:
                for obj in objs:
                    index.refresh(obj)
        return super().bulk_update(objs, fields, batch_size=batch_size)

    bulk_update.alters_data = True

    def update(self, **kwargs):
        for index in index_fields(self.model):
            if index.source in kwargs and index.name not in kwargs:
                value = kwargs[index.source]
                if hasattr(value, "resolve_expression"):
                    raise FieldError(f"{index.source} is blind-indexed: update it with a value, "
                                     "not an expression.")
                kwargs[index.name] = index.digest(value)
        return super().update(**kwargs)

    update.alters_data = True

    def with_exact(self, **values: str) -> "PersonalDataQuerySet":
        """Rows whose blind-indexed field equals the value, e.g. ``with_exact(phone=...)``;
        none for an empty value."""
        by_source = {index.source: index for index in index_fields(self.model)}
        conditions = {}
        for source, value in values.items():
            if source not in by_source:
                raise FieldError(f"{self.model.__name__}.{source} has no blind index.")
            digest = by_source[source].digest(value)
            if not digest:
                return self.none()
            conditions[by_source[source].name] = digest
        return self.filter(**conditions)


class PersonalDataModel:
    """Mixin for models with blind indexes: ``save(update_fields=...)`` saves an index
    together with its source (``pre_save`` then recomputes it)."""

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = _with_indexes(type(self), kwargs["update_fields"])
        return super().save(*args, **kwargs)


def reencrypt_rows(queryset: models.QuerySet, *, batch_size: int = 500) -> int:
    """Rewrite, in primary-key batches, every row of ``queryset`` that has a value not
    encrypted under the newest key or a blind index that differs from the current key's.
    Returns the number of rows rewritten; a second run rewrites none.

    Each batch is its own transaction with its rows locked while read and rewritten, so a
    run over a large table neither holds every row lock to the end nor loses its progress
    when interrupted (run it again: it resumes where the stale rows are).

    Raises:
        PersonalDataKeyError: a value no configured key decrypts (that batch is not written).
    """
    model = queryset.model
    encrypted = encrypted_fields(model)
    indexes = index_fields(model)
    raw = {f"raw_{f.name}": Cast(f.name, output_field=models.TextField()) for f in encrypted}
    rewritten, last_pk = 0, None
    while True:
        with transaction.atomic():
            batch_qs = queryset.order_by("pk")
            if last_pk is not None:
                batch_qs = batch_qs.filter(pk__gt=last_pk)
            rows = list(batch_qs.select_for_update().annotate(**raw)[:batch_size])
            if not rows:
                return rewritten
            last_pk = rows[-1].pk
            stale = [row for row in rows if _is_stale(row, encrypted, indexes)]
            if stale:
                # Values go back through the fields: encrypted under the newest key, and
                # bulk_update recomputes the indexes (PersonalDataQuerySet).
                PersonalDataQuerySet(model).bulk_update(
                    stale, [f.name for f in [*encrypted, *indexes]], batch_size=batch_size)
                rewritten += len(stale)


def _is_stale(row, encrypted, indexes) -> bool:
    for field in encrypted:
        token = getattr(row, f"raw_{field.name}")
        if token and not crypto.is_current(token):
            return True
    return any(getattr(row, index.attname) != index.digest(getattr(row, index.source))
               for index in indexes)
