"""Console pages of tasks: the task list (default: open tasks that are mine or my roles'),
the task page (subject link, timeline, assign / comment / resolve forms that POST to
actions), and the shop's task routes (owner)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.decorators import display

from zhanggui.accounts.models import Staff
from zhanggui.console.formatting import badge
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin, adopt
from zhanggui.core.errors import DomainError
from zhanggui.tasks import actions, queries
from zhanggui.tasks.models import Task, TaskRoute, TaskStatus
from zhanggui.tasks.registry import kind_choices, resolutions_for

CHANGE = "tasks.change_task"
LOG_LABELS = {
    "tasks.open": _("task opened"),
    "tasks.assign": _("task assigned"),
    "tasks.resolve": _("task resolved"),
    "tasks.close": _("task closed automatically"),
    "tasks.escalate": _("task escalated"),
}


class StatusFilter(admin.SimpleListFilter):
    """Open tasks unless another status is chosen."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(TaskStatus.OPEN, TaskStatus.OPEN.label),
                (TaskStatus.RESOLVED, TaskStatus.RESOLVED.label), ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or TaskStatus.OPEN
        for lookup, title in self.lookup_choices:
            yield {"selected": value == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}

    def queryset(self, request, queryset):
        value = self.value() or TaskStatus.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


class ScopeFilter(admin.SimpleListFilter):
    """Whose tasks: mine and my roles' unless another scope is chosen."""

    title = _("whose")
    parameter_name = "scope"
    DEFAULT = "mine_and_roles"

    def lookups(self, request, model_admin):
        return [(self.DEFAULT, _("Mine and my roles'")), ("mine", _("Assigned to me")),
                ("escalated", _("Escalated to me")), ("unassigned", _("Unassigned")),
                ("all", _("Everyone's"))]

    def choices(self, changelist):
        value = self.value() or self.DEFAULT
        for lookup, title in self.lookup_choices:
            yield {"selected": value == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}

    def queryset(self, request, queryset):
        value, user = self.value() or self.DEFAULT, request.user
        if value == self.DEFAULT:
            return queryset.filter(queries.visible_q(user))
        if value == "mine":
            return queryset.filter(assignee=user)
        if value == "escalated":
            return queryset.filter(escalated_to=user)
        if value == "unassigned":
            return queryset.filter(assignee__isnull=True)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(status=TaskStatus.OPEN, due_at__lt=now)
        if self.value() == "no":
            return queryset.exclude(status=TaskStatus.OPEN, due_at__lt=now)
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("assign to"), queryset=Staff.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = queries.assignable_staff()


class CommentForm(forms.Form):
    text = forms.CharField(label=_("comment"), max_length=4000, widget=forms.Textarea(
        attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("resolution"))
    note = forms.CharField(label=_("note"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].choices = resolutions_for(task.kind)


def subject_link(task: Task) -> str:
    """The subject as a link to its console page when its model has one, else its label."""
    ct = task.subject_type
    try:
        url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[quote(task.subject_id)])
    except NoReverseMatch:
        return task.subject_label
    return format_html('<a class="text-primary-600 underline" href="{}">{}</a>', url,
                       task.subject_label)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    change_form_after_template = "console/tasks/task_after.html"
    list_display = ("title", "kind_display", "subject_display", "status_display", "role",
                    "assignee", "due_display", "escalation_level")
    list_filter = (ScopeFilter, StatusFilter, OverdueFilter, KindFilter)
    list_select_related = ("assignee", "subject_type")
    search_fields = ("title", "subject_label")
    ordering = ("due_at", "id")
    fieldsets = (
        (_("Task"), {"fields": (("title", "kind_display"), "subject_display", "detail",
                                ("status_display", "priority"))}),
        (_("Assignment"), {"fields": (("role", "assignee"), ("opened_at", "due_display"),
                                 ("escalation_level", "escalated_to", "escalated_at"))}),
        (_("Resolution"), {"fields": (("resolution_display", "resolved_at", "resolved_by"),
                                      "resolution_note", "created_by")}),
    )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/assign/", wrap(require_POST(self.assign_view)),
                 name="tasks_task_assign"),
            path("<path:object_id>/comment/", wrap(require_POST(self.comment_view)),
                 name="tasks_task_comment"),
            path("<path:object_id>/resolve/", wrap(require_POST(self.resolve_view)),
                 name="tasks_task_resolve"),
            *super().get_urls(),
        ]

    @display(description=_("kind"), ordering="kind")
    def kind_display(self, task: Task) -> str:
        return task.kind_label

    @display(description=_("subject"))
    def subject_display(self, task: Task) -> str:
        return subject_link(task)

    @display(description=_("status"), ordering="status")
    def status_display(self, task: Task) -> str:
        if queries.is_overdue(task):
            return badge("failed", _("Overdue"))
        colour = "succeeded" if task.status == TaskStatus.RESOLVED else "requested"
        return badge(colour, task.get_status_display())

    @display(description=_("due at"), ordering="due_at")
    def due_display(self, task: Task) -> str:
        return timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")

    @display(description=_("resolution"))
    def resolution_display(self, task: Task) -> str:
        return task.resolution_label if task.resolution else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        task = self.get_object(request, unquote(object_id))
        if task is not None and self.has_view_permission(request, task):
            may_work = queries.can_work_on(task, request.user)
            extra_context = {
                **(extra_context or {}),
                "timeline": [{"at": at, "kind": kind, "item": item,
                              "label": LOG_LABELS.get(getattr(item, "action", ""), "")}
                             for at, kind, item in queries.timeline(task)],
                "assign_form": (AssignForm(initial={"assignee": task.assignee_id})
                                if task.is_open and request.user.has_perm(CHANGE) else None),
                "comment_form": CommentForm() if may_work else None,
                "resolve_form": ResolveForm(task=task) if task.is_open and may_work else None,
                "task_urls": {name: reverse(f"admin:tasks_task_{name}", args=[quote(task.pk)])
                              for name in ("assign", "comment", "resolve")},
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # POST-only forms of the task page, each calling one action.
    def _task_for(self, request: HttpRequest, object_id: str, *, assign: bool = False) -> Task:
        task = self.get_object(request, unquote(object_id))
        if task is None or not self.has_view_permission(request, task):
            raise PermissionDenied if task is not None else Http404
        allowed = (request.user.has_perm(CHANGE) if assign
                   else queries.can_work_on(task, request.user))
        if not allowed:
            raise PermissionDenied
        return task

    def _done(self, request: HttpRequest, task: Task, form: forms.Form, perform,
              message) -> HttpResponseRedirect:
        if not form.is_valid():
            errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            self.message_user(request, errors, messages.ERROR)
        else:
            try:
                perform(form.cleaned_data)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:tasks_task_change", args=[quote(task.pk)]))

    def assign_view(self, request, object_id):
        task = self._task_for(request, object_id, assign=True)
        return self._done(request, task, AssignForm(request.POST), lambda data: actions.assign_task(
            task, assignee=data["assignee"], actor=request.user), _("Task assigned."))

    def comment_view(self, request, object_id):
        task = self._task_for(request, object_id)
        return self._done(request, task, CommentForm(request.POST), lambda data: actions.comment_task(
            task, text=data["text"], actor=request.user), _("Comment added."))

    def resolve_view(self, request, object_id):
        task = self._task_for(request, object_id)
        return self._done(request, task, ResolveForm(request.POST, task=task),
                          lambda data: actions.resolve_task(
                              task, resolution=data["resolution"], note=data["note"],
                              actor=request.user), _("Task resolved."))


class TaskRouteForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"))

    class Meta:
        model = TaskRoute
        fields = ("kind", "assignee", "role", "sla_hours", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:  # read-only once the route exists
            self.fields["kind"].choices = kind_choices()
        self.fields["assignee"].queryset = queries.assignable_staff()

    def validate_unique(self):
        """The kind's existing route is changed, not duplicated (``save_task_route``)."""


@admin.register(TaskRoute)
class TaskRouteAdmin(ConsoleModelAdmin):
    form = TaskRouteForm
    list_display = ("kind_display", "assignee", "role", "sla_hours", "is_active")
    list_select_related = ("assignee",)
    fields = ("kind", "assignee", "role", "sla_hours", "is_active")

    @display(description=_("kind"), ordering="kind")
    def kind_display(self, route: TaskRoute) -> str:
        return str(route)

    def get_readonly_fields(self, request, obj=None):
        return ("kind",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a route is switched off, not deleted

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        route = actions.save_task_route(
            data.get("kind") or obj.kind, assignee=data.get("assignee"), role=data.get("role", ""),
            sla_hours=data.get("sla_hours"), is_active=data.get("is_active", False),
            actor=request.user)
        adopt(obj, route)
