"""Console pages of the team and its audit trail: staff, roles, API tokens, sessions and
the operation log. Everything here is read-only except through actions."""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from zhanggui.accounts import actions
from zhanggui.accounts.models import ApiToken, OperationLog, Staff, StaffSession
from zhanggui.accounts.roles import Role
from zhanggui.console import history
from zhanggui.console.admin import security
from zhanggui.console.filters import ActionFilter, DateRangeFilter, ObjectTypeFilter
from zhanggui.console.forms import StaffCreationForm, TokenForm
from zhanggui.console.history import action_label, object_type_name, present
from zhanggui.console.list_search import IndexedSearchMixin
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    ReadOnlyAdminMixin,
    adopt,
    per_request,
    permission_check,
)
from zhanggui.console.operations import Operation, OperationForm, run_bulk, run_single
from zhanggui.console.security import ConsoleLoginForm

DEACTIVATE = Operation(
    title=_("Deactivate staff"),
    perform=lambda staff, data, actor: actions.deactivate_staff(staff, actor=actor),
    done_message=_("%(count)d staff member(s) deactivated; their sessions and API tokens ended."),
    help_text=_("Ends every session and revokes every API token of the account at once."),
)
CREATE_TOKEN = Operation(
    title=_("Create API token"),
    perform=lambda staff, data, actor: dict(
        zip(("token", "secret"), actions.create_api_token(staff, name=data["name"], actor=actor),
            strict=True)),
    done_message=_("API token created."),
    form_class=TokenForm,
    result_template="console/token_created.html",
)
class RolesForm(OperationForm):
    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget())

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_bound:
            self.initial["roles"] = [group.name for group in obj.groups.all()]


CHANGE_ROLES = Operation(
    title=_("Change roles"),
    perform=lambda staff, data, actor: actions.change_staff_roles(staff, roles=data["roles"],
                                                                  actor=actor),
    done_message=_("Roles changed; the owner was alerted."),
    form_class=RolesForm,
    help_text=_("Roles decide what the staff member can see and do. Every change is logged "
                "and raises an alert for the owner."),
)
class LeadForm(OperationForm):
    lead = forms.ModelChoiceField(label=_("lead"), required=False,
                                  queryset=Staff.objects.filter(is_active=True))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None:
            self.fields["lead"].queryset = Staff.objects.filter(is_active=True).exclude(pk=obj.pk)
            if not self.is_bound:
                self.initial["lead"] = obj.lead_id


SET_LEAD = Operation(
    title=_("Set lead"),
    perform=lambda staff, data, actor: actions.set_staff_lead(staff, lead=data["lead"],
                                                              actor=actor),
    done_message=_("Lead set."),
    form_class=LeadForm,
    help_text=_("Overdue tasks of this staff member are escalated to the lead; without one, "
                "to the owner."),
)
REVOKE_TOKEN = Operation(
    title=_("Revoke API tokens"),
    perform=lambda token, data, actor: actions.revoke_api_token(token, actor=actor),
    done_message=_("%(count)d API token(s) revoked."),
)


def role_names(names) -> str:
    labels = dict(Role.choices)
    return "、".join(str(labels.get(name, name)) for name in names) or "—"


@admin.register(Staff)
class StaffAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("username", "display_name", "roles_display", "is_active", "last_login",
                    "date_joined")
    list_filter = ("is_active", ("groups", RelatedDropdownFilter),
                   ("last_login", DateRangeFilter))
    search_fields = ("username", "display_name", "email")
    ordering = ("username",)
    fieldsets = (
        (_("Account"), {"fields": ("username", "display_name", "email", "phone", "is_active")}),
        (_("Roles"), {"fields": ("roles_display", "lead")}),
        (_("Activity"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "display_name", "email", "password1",
                                        "password2", "roles")}),)
    add_form = StaffCreationForm
    actions = ["deactivate_selected"]
    actions_detail = ["deactivate_one", "change_roles", "create_token", "set_lead"]

    has_deactivate_staff_permission = permission_check("accounts.change_staff")
    has_create_token_permission = permission_check("accounts.add_apitoken")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("groups")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # no edit action: roles and activity change through actions only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # leavers are deactivated, never deleted (the log refers to them)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        staff = actions.create_staff(data["username"], password=data["password1"],
                                     roles=data["roles"], actor=request.user,
                                     display_name=data.get("display_name", ""),
                                     email=data.get("email", ""))
        adopt(obj, staff)

    def detail_action_possible(self, staff: Staff, action_name: str) -> bool:
        return staff.is_active  # neither deactivate nor issue tokens for a leaver

    @display(description=_("roles"))
    def roles_display(self, staff: Staff) -> str:
        return role_names(group.name for group in staff.groups.all())

    @action(description=_("Set lead"), permissions=["deactivate_staff"], icon="supervisor_account",
            url_path="lead")
    def set_lead(self, request, object_id):
        return run_single(self, request, object_id, SET_LEAD)

    @admin.action(description=_("Deactivate selected staff"), permissions=["deactivate_staff"])
    def deactivate_selected(self, request, queryset):
        return run_bulk(self, request, queryset, DEACTIVATE)

    @action(description=_("Deactivate"), permissions=["deactivate_staff"], icon="person_off",
            url_path="deactivate")
    def deactivate_one(self, request, object_id):
        return run_single(self, request, object_id, DEACTIVATE)

    @action(description=_("Create API token"), permissions=["create_token"], icon="key",
            url_path="create-token")
    def create_token(self, request, object_id):
        return run_single(self, request, object_id, CREATE_TOKEN)

    @action(description=_("Change roles"), permissions=["deactivate_staff"],
            icon="admin_panel_settings", url_path="change-roles")
    def change_roles(self, request, object_id):
        return run_single(self, request, object_id, CHANGE_ROLES)

    def get_urls(self):
        return [*security.two_factor_urls(self.admin_site), *super().get_urls()]


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """Roles are kept in code (``accounts/roles.py``) and synced by a command."""

    list_display = ("role_display", "code", "member_count", "permission_count")
    search_fields = ("name",)
    ordering = ("id",)  # created in the order of ``Role``: owner first
    fields = ("role_display", "code", "member_list", "permissions")

    def get_queryset(self, request):
        return (super().get_queryset(request)
                .annotate(members=Count("user", distinct=True),
                          permission_total=Count("permissions", distinct=True)))

    @display(description=_("role"))
    def role_display(self, group: Group) -> str:
        return role_names([group.name])

    @display(description=_("code"), ordering="name")
    def code(self, group: Group) -> str:
        return group.name

    @display(description=_("member count"), ordering="members")
    def member_count(self, group: Group) -> int:
        return group.members

    @display(description=_("permission count"), ordering="permission_total")
    def permission_count(self, group: Group) -> int:
        return group.permission_total

    @display(description=_("members"))
    def member_list(self, group: Group) -> str:
        return "、".join(str(staff) for staff in group.user_set.all()) or "—"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("name", "staff", "prefix", "is_active_display", "created_at", "last_used_at",
                    "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), ("created_at", DateRangeFilter))
    list_select_related = ("staff",)
    search_fields = ("name", "prefix", "staff__username")
    fields = ("name", "staff", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke_selected"]

    has_revoke_token_permission = permission_check("accounts.change_apitoken")

    @display(description=_("active"), boolean=True)
    def is_active_display(self, token: ApiToken) -> bool:
        return token.is_active

    @admin.action(description=_("Revoke selected API tokens"), permissions=["revoke_token"])
    def revoke_selected(self, request, queryset):
        return run_bulk(self, request, queryset, REVOKE_TOKEN)


@admin.register(StaffSession)
class StaffSessionAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """Who is logged in until when. The session key is a secret: never shown or linked."""

    list_display = ("staff", "expire_date")
    list_display_links = None
    list_select_related = ("staff",)
    list_filter = (("staff", RelatedDropdownFilter),)
    search_fields = ("staff__username",)
    fields = ("staff", "expire_date")
    actions = None


@admin.register(OperationLog)
class OperationLogAdmin(IndexedSearchMixin, ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("created_at", "actor", "action_display", "object_type_display",
                    "object_repr", "note")
    list_filter = (("actor", RelatedDropdownFilter), ActionFilter, ObjectTypeFilter,
                   ("created_at", DateRangeFilter))
    list_select_related = ("actor",)
    search_fields = ("object_repr__startswith", "object_id__exact", "action__exact")
    search_help_text = _("The object (such as an order number) or its beginning, an exact "
                         "object id or action code.")

    def get_fields(self, request, obj=None):
        return ["created_at", "actor", "action_display", "object_type_display", "object_id",
                "object_repr", self._changes_column(request), "note"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def _changes_column(self, request):
        def build():
            @display(description=_("before → after"))
            def changes(entry: OperationLog) -> str:
                shown = present(entry, request.user)
                return "; ".join(f"{c.label}: {c.before} → {c.after}" if c.before
                                 else f"{c.label}: {c.after}" for c in shown.changes) or "—"
            return changes
        return per_request(request, "operation_changes", build)

    @display(description=_("action"), ordering="action")
    def action_display(self, entry: OperationLog) -> str:
        return action_label(entry.action)

    @display(description=_("object type"), ordering="object_type")
    def object_type_display(self, entry: OperationLog) -> str:
        return object_type_name(entry.object_type)


# The console site itself: unfold's login page plus the redirect target Django's template
# carries, and the index page named for what it is to the team.
admin.site.login_template = "console/login.html"
admin.site.login_form = ConsoleLoginForm
admin.site.index_title = _("Workbench")
