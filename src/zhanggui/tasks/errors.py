from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, DomainError, InvalidInput


class UnknownTaskKind(DomainError):
    code = "unknown_task_kind"
    default_message = _("Unknown task kind: %(kind)s.")
    http_status = 422


class InvalidResolution(InvalidInput):
    code = "invalid_task_resolution"
    default_message = _("“%(resolution)s” is not a resolution of this kind of task.")


class TaskNotOpen(Conflict):
    code = "task_not_open"
    default_message = _("The task is already resolved.")


class InvalidAssignee(InvalidInput):
    code = "invalid_task_assignee"
    default_message = _("%(staff)s cannot take tasks: the account is inactive or may not see tasks.")


class EmptyComment(InvalidInput):
    code = "empty_task_comment"
    default_message = _("The comment is empty.")


class InvalidTaskRoute(InvalidInput):
    code = "invalid_task_route"
    default_message = _("Invalid task route: %(problem)s")
