"""The custom-profile editor: upload a sample file, see its header, pick the target field
of each column, preview the mapped rows, save the mapping for reuse.

The sample's path lives in the session (never in the form), so a user can only preview
files they uploaded themselves.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from zhanggui.core.errors import DomainError
from zhanggui.imports import actions
from zhanggui.imports.files import store_upload
from zhanggui.imports.forms import IGNORE, SampleForm, mapping_form_class
from zhanggui.imports.mapping import compile_mapping
from zhanggui.imports.models import ImportProfile
from zhanggui.imports.profiles.base import Column, Profile, options_from_json, profile_problems
from zhanggui.imports.readers import open_table
from zhanggui.imports.views import RUN_PERMISSION, render, require

SESSION_KEY = "zhanggui_imports_profile_sample"
PREVIEW_ROWS = 10
OPTION_FIELDS = ("date_format", "timezone", "default_channel")


def _read_sample(sample: dict[str, str]) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    with open_table(sample["path"], encoding=sample.get("encoding", ""),
                    delimiter=sample.get("delimiter", "")) as table:
        rows = []
        for line, values in table.rows:
            rows.append((line, values))
            if len(rows) >= PREVIEW_ROWS:
                break
        return table.header, rows


def _options(data: dict[str, Any], sample: dict[str, str]) -> dict[str, Any]:
    options = {name: data[name] for name in OPTION_FIELDS if data.get(name)}
    options.update({name: sample[name] for name in ("encoding", "delimiter") if sample.get(name)})
    return options


def _columns(data: dict[str, Any], header: list[str]) -> dict[str, str]:
    return {column: data[f"map_{i}"] for i, column in enumerate(header)
            if data.get(f"map_{i}", IGNORE) != IGNORE}


def _preview(kind: str, header: list[str], rows, columns: dict[str, str],
             options: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Mapped preview rows (values or the cell errors) and the mapping's problems."""
    try:
        parsed = options_from_json(options)
    except DomainError as error:
        return [], [], [str(error)]
    profile = Profile("preview", kind, "preview",
                      tuple(Column(f, (h,)) for h, f in columns.items()), parsed)
    problems = profile_problems(profile)
    mapping = compile_mapping(profile, header)
    fields: list[str] = []
    previews: list[dict[str, Any]] = []
    for line, values in rows:
        mapped, errors = mapping.map(line, values)
        fields += [name for name in mapped if name not in fields]
        previews.append({"line": line, "values": mapped,
                         "errors": [f"{e.column}: {e.reason}" for e in errors]})
    for preview in previews:
        preview["cells"] = [preview["values"].get(name, "") for name in fields]
    return fields, previews, problems


def profile_editor(request: HttpRequest, admin_site) -> HttpResponse:
    require(request, RUN_PERMISSION)
    saved = None
    if request.GET.get("profile"):
        saved = get_object_or_404(ImportProfile, pk=request.GET["profile"])
    step = request.POST.get("step", "")
    if step == "sample" or (not step and saved is None):
        return _sample_step(request, admin_site)
    return _mapping_step(request, admin_site, saved)


def _sample_step(request: HttpRequest, admin_site) -> HttpResponse:
    form = SampleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = store_upload(form.cleaned_data["sample"])
        request.session[SESSION_KEY] = {
            "path": str(path), "kind": form.cleaned_data["kind"],
            "encoding": form.cleaned_data["encoding"], "delimiter": form.cleaned_data["delimiter"]}
        return _mapping_step(request, admin_site, None, fresh=True)
    return render(request, admin_site, "profile_sample.html", _("New custom profile"), form=form)


def _saved_state(saved: ImportProfile) -> tuple[dict[str, str], list[str], dict[str, Any]]:
    header = list(saved.columns)
    initial = {"name": saved.name, **{k: saved.options.get(k, "") for k in OPTION_FIELDS}}
    initial.update({f"map_{i}": saved.columns[h] for i, h in enumerate(header)
                    if isinstance(saved.columns[h], str)})
    sample = {"kind": saved.kind, "path": "", "encoding": saved.options.get("encoding", ""),
              "delimiter": saved.options.get("delimiter", "")}
    return sample, header, initial


def _mapping_step(request: HttpRequest, admin_site, saved: ImportProfile | None,
                  fresh: bool = False) -> HttpResponse:
    initial: dict[str, Any] = {}
    if saved is not None and not request.session.get(SESSION_KEY):
        sample, header, initial = _saved_state(saved)
        rows = []
    else:
        sample = request.session.get(SESSION_KEY)
        if not sample:
            return redirect(reverse("admin:imports_importprofile_editor"))
        try:
            header, rows = _read_sample(sample)
        except DomainError as error:
            request.session.pop(SESSION_KEY, None)
            form = SampleForm()
            form.add_error(None, str(error))
            return render(request, admin_site, "profile_sample.html", _("New custom profile"), form=form)
    form_class = mapping_form_class(sample["kind"], header)
    bound = request.method == "POST" and not fresh
    form = form_class(request.POST if bound else None, initial=initial)
    context: dict[str, Any] = {"form": form, "header": header, "kind": sample["kind"], "saved": saved}
    if bound and form.is_valid():
        columns = _columns(form.cleaned_data, header)
        options = _options(form.cleaned_data, sample)
        if request.POST.get("save"):
            try:
                actions.save_import_profile(form.cleaned_data["name"], kind=sample["kind"],
                                            columns=columns, options=options, actor=request.user,
                                            profile=saved)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                request.session.pop(SESSION_KEY, None)
                return redirect(reverse("admin:imports_importprofile_changelist"))
        fields, previews, problems = _preview(sample["kind"], header, rows, columns, options)
        context.update(preview_fields=fields, previews=previews, problems=problems)
    return render(request, admin_site, "profile_mapping.html", _("Map the columns"), **context)
