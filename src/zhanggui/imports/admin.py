"""Console of imports: the list of runs (read-only; runs change only through actions), the
saved custom profiles, and the custom pages of ``views``/``profile_views``.

Uploading, confirming and editing profiles need ``imports.run_import``.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from zhanggui.imports import actions, profile_views, views
from zhanggui.imports.models import ImportProfile, ImportRun


def _can_run(request: HttpRequest) -> bool:
    return request.user.has_perm(views.RUN_PERMISSION)


@admin.register(ImportRun)
class ImportRunAdmin(ModelAdmin):
    list_display = ("id", "kind", "format_name", "channel", "file_name", "status_badge",
                    "is_dry_run", "rows_read", "created_count", "updated_count",
                    "skipped_count", "failed_count", "skipped_record_count", "actor",
                    "created_at", "page_link")
    list_filter = ("kind", "status", "mode", "is_dry_run", "format_name", "channel")
    search_fields = ("file_name", "file_sha256", "channel")
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    actions_list = ["new_import", "custom_profiles"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_run_import_permission(self, request, obj=None) -> bool:
        return _can_run(request)

    @display(description=_("status"), label={"succeeded": "success", "failed": "danger",
                                             "completed_with_skips": "warning",
                                             "running": "info", "validating": "info",
                                             "queued": "warning"})
    def status_badge(self, obj: ImportRun) -> str:
        return obj.status

    @display(description=_("details"))
    def page_link(self, obj: ImportRun) -> str:
        return format_html('<a class="text-primary-600" href="{}">{}</a>',
                           views.run_page_url(obj), _("open"))

    @action(description=_("New import"), url_path="new-import", permissions=["run_import"],
            icon="upload_file")
    def new_import(self, request: HttpRequest):
        return redirect(reverse("admin:imports_importrun_new"))

    @action(description=_("Custom profiles"), url_path="custom-profiles", icon="tune")
    def custom_profiles(self, request: HttpRequest):
        return redirect(reverse("admin:imports_importprofile_changelist"))

    def get_urls(self):
        site = self.admin_site

        def page(view):
            return site.admin_view(lambda request, *args, **kwargs: view(request, site, *args, **kwargs))

        return [
            path("new/", page(views.upload_view), name="imports_importrun_new"),
            path("<int:run_id>/run/", page(views.run_page), name="imports_importrun_page"),
            path("<int:run_id>/status.json", site.admin_view(views.run_status),
                 name="imports_importrun_status"),
            path("<int:run_id>/errors.csv", site.admin_view(views.error_report),
                 name="imports_importrun_errors"),
            path("<int:run_id>/confirm/", site.admin_view(views.confirm_run),
                 name="imports_importrun_confirm"),
            path("template/<str:kind>.csv", site.admin_view(views.example_file),
                 name="imports_importrun_template"),
            *super().get_urls(),
        ]


@admin.register(ImportProfile)
class ImportProfileAdmin(ModelAdmin):
    list_display = ("name", "kind", "created_by", "updated_at", "edit_link")
    list_filter = ("kind",)
    search_fields = ("name",)
    readonly_fields = ("name", "kind", "columns", "options", "created_by", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return _can_run(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return _can_run(request)

    @display(description=_("mapping"))
    def edit_link(self, obj: ImportProfile) -> str:
        url = reverse("admin:imports_importprofile_editor") + f"?profile={obj.pk}"
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, _("edit"))

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:imports_importprofile_editor"))

    def delete_model(self, request, obj: ImportProfile) -> None:
        actions.delete_import_profile(obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for profile in queryset:
            actions.delete_import_profile(profile, actor=request.user)

    def get_urls(self):
        site = self.admin_site
        editor = site.admin_view(
            lambda request: profile_views.profile_editor(request, site))
        return [path("editor/", editor, name="imports_importprofile_editor"), *super().get_urls()]
