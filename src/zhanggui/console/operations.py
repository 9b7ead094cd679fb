"""Admin actions that call domain actions, with an intermediate form where input is needed.

An ``Operation`` says what to ask (a form), what to call (``perform``, which calls exactly
one action) and what to report. ``run_bulk`` serves it as a changelist action on the
selected rows, ``run_single`` as a detail action on one object (GET shows the form, POST
runs it). A refused action (``DomainError``) becomes an error message for that object;
nothing else is changed for it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError


class OperationForm(forms.Form):
    """Base of the intermediate forms; ``obj`` is the object a per-object form is for."""

    def __init__(self, *args: Any, obj: Model | None = None, **kwargs: Any) -> None:
        self.obj = obj
        super().__init__(*args, **kwargs)


class ConfirmForm(OperationForm):
    """No input: the page asks for confirmation only."""


@dataclass(frozen=True)
class Operation:
    """One console operation.

    Attributes:
        title: page title and default button label.
        perform: ``perform(obj, cleaned_data, actor)`` calls one action; may raise DomainError.
        done_message: success message with ``%(count)d``.
        form_class: the input asked for; ``ConfirmForm`` when none.
        per_object: one form per selected object (e.g. a tracking number for each order).
        result_template: render this with ``result`` instead of redirecting (single only).
        help_text: shown above the form.
        batch: ``perform`` gets the list of every selected object at once (one action for
            all, e.g. a bulk price change), and returns how many it changed.
    """

    title: Any
    perform: Callable[[Model, dict, Any], Any]
    done_message: Any
    form_class: type[OperationForm] = ConfirmForm
    per_object: bool = False
    result_template: str | None = None
    help_text: Any = ""
    batch: bool = False


def _change_url(obj: Model) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])


def _perform(model_admin, request: HttpRequest, obj: Model | list[Model], operation: Operation,
             data: dict) -> tuple[bool, Any]:
    try:
        return True, operation.perform(obj, data, request.user)
    except DomainError as exc:
        prefix = "" if isinstance(obj, list) else f"{obj}: "
        model_admin.message_user(request, f"{prefix}{exc}", messages.ERROR)
        return False, None


def _needs_input(operation: Operation) -> bool:
    fields = operation.form_class.base_fields.values()
    return operation.per_object or any(field.required for field in fields)


def run_bulk(model_admin, request: HttpRequest, queryset: QuerySet,
             operation: Operation) -> HttpResponse | None:
    """Changelist action: ask for input once (or per object), then run on every selected row."""
    objects = list(queryset)
    data = request.POST if "apply" in request.POST else None
    if data is None and not _needs_input(operation):
        data = {}  # nothing to ask: the changelist's "run" button was the confirmation
    if operation.per_object:
        rows = [(obj, operation.form_class(data, obj=obj, prefix=f"o{obj.pk}")) for obj in objects]
    else:
        shared = operation.form_class(data)
        rows = [(obj, shared) for obj in objects]
    if data is not None and all(form.is_valid() for _obj, form in rows):
        if operation.batch:
            done = _perform(model_admin, request, objects, operation, shared.cleaned_data)[1] or 0
        else:
            done = sum(_perform(model_admin, request, obj, operation, form.cleaned_data)[0]
                       for obj, form in rows)
        if done:
            model_admin.message_user(request, operation.done_message % {"count": done},
                                     messages.SUCCESS)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": operation.title, "operation": operation, "opts": model_admin.model._meta,
        "rows": rows if operation.per_object else [(obj, None) for obj in objects],
        "shared_form": None if operation.per_object else shared,
        "action_name": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "cancel_url": request.get_full_path(), "bulk": True,
    }
    return TemplateResponse(request, "console/operation_form.html", context)


def run_single(model_admin, request: HttpRequest, object_id: str,
               operation: Operation) -> HttpResponse:
    """Detail action on one object: GET shows the form, a valid POST runs the operation."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404(_("The object was not found."))
    form = operation.form_class(request.POST if request.method == "POST" else None, obj=obj)
    if request.method == "POST" and form.is_valid():
        succeeded, result = _perform(model_admin, request, obj, operation, form.cleaned_data)
        if succeeded and operation.result_template:
            response = TemplateResponse(request, operation.result_template, {
                **model_admin.admin_site.each_context(request), "title": operation.title,
                "opts": model_admin.model._meta, "object": obj, "result": result,
                "back_url": _change_url(obj)})
            response["Cache-Control"] = "no-store"  # results may hold a secret shown once
            return response
        if succeeded:
            model_admin.message_user(request, operation.done_message % {"count": 1},
                                     messages.SUCCESS)
            return HttpResponseRedirect(_change_url(obj))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": operation.title, "operation": operation, "opts": model_admin.model._meta,
        "object": obj, "rows": [(obj, None)], "shared_form": form,
        "cancel_url": _change_url(obj), "bulk": False,
    }
    return TemplateResponse(request, "console/operation_form.html", context)


def run_standalone(model_admin, request: HttpRequest, operation: Operation) -> HttpResponse:
    """Changelist-level action not tied to existing rows (e.g. receive stock of any SKU):
    ``perform`` gets ``None`` as the object."""
    opts = model_admin.model._meta
    changelist_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    form = operation.form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            operation.perform(None, form.cleaned_data, request.user)
        except DomainError as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
        else:
            model_admin.message_user(request, operation.done_message % {"count": 1},
                                     messages.SUCCESS)
            return HttpResponseRedirect(changelist_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": operation.title, "operation": operation, "opts": opts, "rows": [],
        "shared_form": form, "cancel_url": changelist_url, "bulk": False,
    }
    return TemplateResponse(request, "console/operation_form.html", context)
