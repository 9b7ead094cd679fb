from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import InvalidInput


class InvalidEvents(InvalidInput):
    """Some events of a batch are not valid; ``problems`` lists each with its index."""

    code = "invalid_events"
    default_message = _("%(count)d event(s) of the batch are not valid; nothing was stored.")

    def __init__(self, problems: list[dict], **params):
        self.problems = problems
        super().__init__(count=len({p["index"] for p in problems}), **params)


class BatchTooLarge(InvalidInput):
    code = "batch_too_large"
    default_message = _("A batch holds at most %(limit)d events; this one has %(size)d.")


class EmptyBatch(InvalidInput):
    code = "empty_batch"
    default_message = _("The batch holds no events.")
