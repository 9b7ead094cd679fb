"""Import runs, their row errors, and saved custom format profiles.

An ``ImportRun`` records one import of one file (or a Taobao order file plus its
item-detail file): who ran it, the file's SHA-256, the counts and the outcome. Rows
that failed validation are kept as ``ImportRowError`` rows (line, column, reason) for
the downloadable error report. ``ImportProfile`` is a column mapping a user saved for a
layout none of the built-in profiles matches.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    PRODUCTS = "products", _("products")
    CUSTOMERS = "customers", _("customers")
    ORDERS = "orders", _("orders")


class ImportProfile(models.Model):
    """A saved mapping of a file's columns to the fields of a kind (a custom profile)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    columns = models.JSONField(
        _("column mapping"), default=dict, blank=True,
        help_text=_("Header of the file → field of the kind, e.g. {\"Order No.\": \"order_id\"}"),
    )
    options = models.JSONField(
        _("options"), default=dict, blank=True,
        help_text=_("date_format, timezone, encoding, delimiter, default_status, value_maps…"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    VALIDATING = "validating", _("validating")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    COMPLETED_WITH_SKIPS = "completed_with_skips", _("partly imported")
    FAILED = "failed", _("failed")


FINISHED_STATUSES = (RunStatus.SUCCEEDED, RunStatus.COMPLETED_WITH_SKIPS, RunStatus.FAILED)


class RunMode(models.TextChoices):
    """All or nothing (the default): any invalid row and nothing is written. Skip invalid:
    every record (order, product with its SKUs, customer) whose rows are all valid is
    written, the others are reported."""

    ALL_OR_NOTHING = "all_or_nothing", _("all or nothing")
    SKIP_INVALID = "skip_invalid", _("skip invalid records")


class ImportRun(models.Model):
    """One import of a file. Business rows it wrote are applied whole or not at all — in
    the skip-invalid mode, whole records: the valid ones together, the invalid ones not."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    format_name = models.CharField(_("format"), max_length=60)
    profile = models.ForeignKey(
        ImportProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs",
        verbose_name=_("custom profile"),
    )
    profile_snapshot = models.JSONField(_("profile used"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=30)
    file_name = models.CharField(_("file name"), max_length=255)
    file_path = models.CharField(_("stored file"), max_length=500, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    item_file_name = models.CharField(_("item-detail file name"), max_length=255, blank=True)
    item_file_path = models.CharField(_("stored item-detail file"), max_length=500, blank=True)
    item_file_sha256 = models.CharField(_("item-detail file SHA-256"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices,
                              default=RunStatus.QUEUED, db_index=True)
    mode = models.CharField(_("mode"), max_length=20, choices=RunMode.choices,
                            default=RunMode.ALL_OR_NOTHING)
    is_dry_run = models.BooleanField(_("dry run"), default=False)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped (unchanged)"), default=0)
    failed_count = models.PositiveIntegerField(_("rows failed"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    imported_record_count = models.PositiveIntegerField(
        _("records imported"), default=0,
        help_text=_("valid records applied (created, updated or unchanged); for a dry run, "
                    "those that would be"))
    imported_row_count = models.PositiveIntegerField(_("rows imported"), default=0)
    skipped_record_count = models.PositiveIntegerField(_("records skipped (invalid)"), default=0)
    skipped_row_count = models.PositiveIntegerField(
        _("rows skipped (invalid)"), default=0,
        help_text=_("rows that failed and the valid rows of the records they belong to"))
    progress = models.FloatField(_("progress"), default=0.0)
    details = models.JSONField(_("details"), default=dict, blank=True)
    preview = models.JSONField(_("preview rows"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("run by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-id"]
        permissions = [("run_import", _("Can run imports"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_skip_invalid(self) -> bool:
        return self.mode == RunMode.SKIP_INVALID

    @property
    def can_be_confirmed(self) -> bool:
        """A finished dry run with something to import: no errors, or (skip mode) some
        valid records."""
        if not self.is_dry_run:
            return False
        return self.status == RunStatus.SUCCEEDED or (
            self.status == RunStatus.COMPLETED_WITH_SKIPS and self.imported_record_count > 0)


class ImportRowError(models.Model):
    """A row that failed validation: its line number, the column and the reason — or, in
    the skip-invalid mode, a valid row left out because another row of its record failed
    (``is_sibling``), so that the report names every line that was not imported."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors",
                            verbose_name=_("import run"))
    source = models.CharField(_("file"), max_length=10, blank=True,
                              help_text=_("empty for the main file, 'items' for the item-detail file"))
    line = models.PositiveIntegerField(_("line"))
    column = models.CharField(_("column"), max_length=120, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    is_sibling = models.BooleanField(
        _("skipped with its record"), default=False,
        help_text=_("the row itself is valid; another row of its record is not"))

    class Meta:
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.line} {self.column}: {self.reason}"
