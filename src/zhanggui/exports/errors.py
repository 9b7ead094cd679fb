from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError, InvalidInput, NotFound


class ExportNotFound(NotFound):
    code = "export_not_found"
    default_message = _("The export was not found.")


class UnknownExportKind(InvalidInput):
    code = "unknown_export_kind"
    default_message = _("Unknown export kind: %(kind)s.")


class ExportNotReady(DomainError):
    code = "export_not_ready"
    default_message = _("The export is not ready: its file is not there.")
    http_status = 409
