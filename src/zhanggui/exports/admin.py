"""Console of exports: "My exports" (every staff member sees their own; the owner sees
all), and the job's progress page, status and download from ``views``. Jobs change only
through actions: nothing here adds, edits or deletes."""

from django.contrib import admin
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from zhanggui.exports import queries, views
from zhanggui.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ModelAdmin):
    list_display = ("id", "title", "file_format", "status_badge", "rows_written", "rows_total",
                    "requested_by", "created_at", "finished_at", "page_link")
    list_filter = ("status", "file_format", "kind")
    list_display_links = None
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def get_queryset(self, request):
        return queries.list_jobs(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Found among every job, so that someone else's job is refused (403), not "missing".
        try:
            return ExportJob.objects.get(pk=int(object_id))
        except (ValueError, ExportJob.DoesNotExist):
            return None

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or queries.can_see(request.user, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @display(description=_("status"), label={"done": "success", "failed": "danger",
                                             "running": "info", "queued": "warning"})
    def status_badge(self, obj: ExportJob) -> str:
        return obj.status

    @display(description=_("details"))
    def page_link(self, obj: ExportJob) -> str:
        return format_html('<a class="text-primary-600" href="{}">{}</a>',
                           views.job_page_url(obj), _("open"))

    def get_urls(self):
        site = self.admin_site

        def page(request, job_id):
            return views.job_page(request, site, job_id)

        return [
            path("<int:job_id>/page/", site.admin_view(page), name="exports_exportjob_page"),
            path("<int:job_id>/status.json", site.admin_view(views.job_status),
                 name="exports_exportjob_status"),
            path("<int:job_id>/download/", site.admin_view(views.download),
                 name="exports_exportjob_download"),
            *super().get_urls(),
        ]
