"""The console's admin classes keep no Django admin log: every write goes through an action,
and the operation log the actions write is the audit trail."""


class OperationLogOnly:
    """Mixed into a ModelAdmin: Django's LogEntry rows are never written."""

    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None
