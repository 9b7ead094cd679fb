"""Base classes of every console admin.

- ``ConsoleModelAdmin``: unfold's ModelAdmin whose form saves and deletes go through
  actions (subclasses implement ``save_model``/``delete_model`` by calling one), which
  shows a refused action (``DomainError``) as an error on the form instead of crashing,
  and which writes no Django admin ``LogEntry`` (the operation log is the audit trail).
- ``FieldAccessMixin``: personal data masked for staff without
  ``customers.view_personal_data``, cost prices hidden without ``catalog.view_cost``,
  in lists, change pages and inlines alike.
- ``ReadOnlyAdminMixin`` and ``ReadOnlyTabularInline`` for data changed only by actions.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.db.models import JSONField, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from unfold.admin import ModelAdmin, TabularInline

from zhanggui.accounts.actions import delete_record, save_record
from zhanggui.console import history
from zhanggui.console.formatting import readable_json
from zhanggui.core.admin_log import OperationLogOnly
from zhanggui.core.errors import DomainError
from zhanggui.core.pagination import EstimatedCountPaginator
from zhanggui.customers.queries import can_see_personal_data

COST_PERMISSION = history.COST_PERMISSION


def permission_check(permission: str) -> Callable[..., bool]:
    """A ``has_<name>_permission`` method granting ``permission`` (``app_label.codename``).

    Admin actions name it in ``permissions=[...]``, so an action is offered, and runs,
    only for staff who hold the permission.
    """
    def check(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(permission)

    check.__name__ = f"has_{permission.split('.')[1]}_permission"
    return check


def masked_column(name: str, mask: Callable[[str], str], label: Any) -> Callable[[Model], str]:
    """A list/readonly column showing ``obj.<name>`` through ``mask``."""
    def column(obj: Model) -> str:
        return mask(getattr(obj, name) or "")

    column.__name__ = f"masked_{name}"
    column.short_description = label
    return column


def _replace(items: Sequence, replacements: dict, removed: set) -> list:
    """``items`` (names, callables or nested tuples of them) with replacements applied."""
    result = []
    for item in items:
        if isinstance(item, list | tuple):
            nested = _replace(item, replacements, removed)
            if nested:
                result.append(tuple(nested))
        elif item not in removed:
            result.append(replacements.get(item, item) if isinstance(item, str) else item)
    return result


class FieldAccessMixin:
    """Masks ``personal_fields`` and hides ``cost_fields`` according to the viewer's permissions.

    ``personal_fields`` maps a model field to its mask (``customers.rules.mask_*``);
    ``cost_fields`` lists fields or admin columns that show cost.
    """

    personal_fields: dict[str, Callable[[str], str]] = {}
    cost_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read-only JSON (attributes, options) shows 颜色, not \u989c\u8272.
        readable = {field.name: readable_json for field in self.model._meta.fields
                    if isinstance(field, JSONField)}
        self.readonly_preprocess_fields = {**readable, **self.readonly_preprocess_fields}

    def _masked_columns(self) -> dict[str, Callable]:
        columns = self.__dict__.get("_masked")
        if columns is None:
            opts = self.model._meta
            columns = {name: masked_column(name, mask, opts.get_field(name).verbose_name)
                       for name, mask in self.personal_fields.items()}
            self._masked = columns
        return columns

    def _access(self, request: HttpRequest, *, viewing: bool = True) -> tuple[dict, set]:
        """(replacements, removals) for this viewer. Someone entering a new record
        (``viewing=False``) types personal data in; only reading it back is masked."""
        masked = viewing and not can_see_personal_data(request.user)
        replacements = self._masked_columns() if masked else {}
        removed = set() if request.user.has_perm(COST_PERMISSION) else set(self.cost_fields)
        return replacements, removed

    def _viewing(self, obj: Model | None) -> bool:
        # On an inline, ``obj`` is the parent: its rows always exist already.
        return obj is not None or not isinstance(self, ModelAdmin)

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        replacements, removed = self._access(request, viewing=self._viewing(obj))
        if not replacements and not removed:
            return fieldsets
        return [(title, {**options, "fields": _replace(options["fields"], replacements, removed)})
                for title, options in fieldsets]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        replacements, removed = self._access(request, viewing=self._viewing(obj))
        fields = _replace(fields, replacements, removed)
        return [*fields, *(column for column in replacements.values() if column not in fields)]

    def get_exclude(self, request: HttpRequest, obj: Model | None = None):
        exclude = list(super().get_exclude(request, obj) or [])
        replacements, removed = self._access(request, viewing=self._viewing(obj))
        return [*exclude, *replacements,
                *(name for name in removed if _is_field(self.model, name))]


def _has_rows(inline, request: HttpRequest, obj: Model) -> bool:
    foreign_key = inline.get_formset(request, obj).fk
    return inline.get_queryset(request).filter(**{foreign_key.name: obj}).exists()


def _is_field(model: type[Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist: an admin column, not a model field
        return False
    return True


class ConsoleModelAdmin(FieldAccessMixin, OperationLogOnly, ModelAdmin):
    """Base of every console ModelAdmin (see the module docstring)."""

    list_per_page = 50
    # Lists stay fast on big tables (docs/console.md): counts estimated beyond a limit, and
    # no second count of the whole table next to a filtered one.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_filter_submit = True
    compressed_fields = True
    warn_unsaved_form = True

    def get_list_display(self, request: HttpRequest):
        replacements, removed = self._access(request)
        return _replace(super().get_list_display(request), replacements, removed)

    def get_sortable_by(self, request: HttpRequest):
        """Not by personal data: it is encrypted, so the database would sort ciphertext."""
        return [item for item in super().get_sortable_by(request)
                if item not in self.personal_fields]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        """With ``change_form_after_template = history.TEMPLATE`` the page ends with the
        object's history from the operation log."""
        if self.change_form_after_template == history.TEMPLATE:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                extra_context = {**(extra_context or {}),
                                 "object_history": self.object_history(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def object_history(self, request: HttpRequest, obj: Model) -> list:
        return history.object_history(obj, request.user)

    def detail_action_possible(self, obj: Model, action_name: str) -> bool:
        """Whether a detail action applies to ``obj`` in its current state; subclasses narrow
        it so the page offers only the steps that can succeed (the action still checks)."""
        return True

    def get_actions_detail(self, request: HttpRequest, object_id):
        allowed = super().get_actions_detail(request, object_id)
        obj = self.get_object(request, object_id) if allowed else None
        if obj is None:
            return allowed
        return [action for action in allowed
                if self.detail_action_possible(obj, action.method.original_function_name)]

    def get_inline_instances(self, request: HttpRequest, obj: Model | None = None):
        """Read-only inlines without rows are left out rather than shown as empty tables."""
        inlines = super().get_inline_instances(request, obj)
        return [inline for inline in inlines
                if not isinstance(inline, ReadOnlyTabularInline)
                or (obj is not None and _has_rows(inline, request, obj))]

    # A refused action re-renders the form with the reason instead of a server error.
    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # The failed attempt rolled back; validate again so the form shows why.
            request.console_refusal = str(exc)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Model | None = None, change: bool = False,
                 **kwargs) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "console_refusal", None)
        if refusal is None:
            return form

        def clean(self):
            super(refused, self).clean()
            raise forms.ValidationError(refusal)

        refused = type(form.__name__, (form,), {"clean": clean})
        return refused

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            opts = self.model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                          args=[quote(object_id)])
            return HttpResponseRedirect(url)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc}", messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        raise NotImplementedError("console deletes go through an action")

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        raise NotImplementedError("console saves go through an action")


class MasterDataAdmin(ConsoleModelAdmin):
    """Plain master data without business rules: saved and deleted through
    ``accounts.actions.save_record``/``delete_record``, which log before/after."""

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        save_record(obj, actor=request.user, changed_fields=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        delete_record(obj, actor=request.user)


class SingletonAdminMixin:
    """The admin of a one-row settings model (a policy): no second row is added. Whether the
    row exists is asked once per request — the sidebar and the workbench ask every admin."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not super().has_add_permission(request):
            return False
        known = request.__dict__.setdefault("_zhanggui_singletons", {})
        label = self.model._meta.label
        if label not in known:
            known[label] = self.model.objects.exists()
        return not known[label]


class ReadOnlyAdminMixin:
    """Data that only actions change: shown, never added, edited or deleted in a form."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyTabularInline(FieldAccessMixin, ReadOnlyAdminMixin, TabularInline):
    """Related rows shown on a page, never edited there."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    hide_title = True  # the row's own columns say what it is; links are columns too

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        return [*fields, *(name for name in shown if name not in fields)]


def adopt(target: Model, saved: Model) -> Model:
    """Copy what an action saved onto the admin's form instance, so that the admin's
    redirect and messages after saving refer to the stored object."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db
    return target


def per_request(request: HttpRequest, key: str, build: Callable[[], Any]) -> Any:
    """A value built once per request, e.g. a readonly column that depends on the viewer:
    the admin compares such columns by identity between its calls."""
    cache = request.__dict__.setdefault("_console_cache", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]
