"""Why a backup or a restore was refused. A refused restore has changed nothing."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, DomainError, InvalidInput


class BackupError(DomainError):
    code = "backup_error"
    default_message = _("The backup or restore failed.")


class ArchiveInvalid(BackupError, InvalidInput):
    code = "archive_invalid"
    default_message = _("The file is not a readable Zhanggui backup: %(reason)s")


class ChecksumMismatch(BackupError, InvalidInput):
    code = "checksum_mismatch"
    default_message = _("The backup is damaged: %(item)s does not match its checksum in the "
                        "backup's manifest. Nothing was restored.")


class DatabaseNotEmpty(BackupError, Conflict):
    code = "database_not_empty"
    default_message = _("The database already holds shop data (%(tables)s). Restore only into "
                        "a fresh installation (`zhanggui migrate` on an empty database). "
                        "Nothing was changed.")


class MigrationMismatch(BackupError, Conflict):
    code = "migration_mismatch"
    default_message = _("The database's migrations differ from the backup's. Applied here but "
                        "not in the backup: %(extra)s. In the backup but not applied here: "
                        "%(missing)s. Install the Zhanggui version that made the backup and "
                        "migrate to the same state. Nothing was changed.")


class MediaConflict(BackupError, Conflict):
    code = "media_conflict"
    default_message = _("Media files already exist with other contents: %(paths)s. Nothing was "
                        "changed.")


class MediaChanged(BackupError):
    code = "media_changed"
    default_message = _("The media file %(path)s changed while it was being backed up; run the "
                        "backup again.")
