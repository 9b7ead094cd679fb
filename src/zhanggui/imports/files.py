"""Where uploaded import files are kept, and their SHA-256.

Uploads are stored under ``settings.ZHANGGUI_IMPORTS_DIR`` (default ``<VAR_DIR>/imports``),
which must be a volume shared with the Celery workers when they run on other hosts.
"""

import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile


def imports_dir() -> Path:
    configured = getattr(settings, "ZHANGGUI_IMPORTS_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "imports"


def safe_name(name: str) -> str:
    """A file name without directories or characters a file system may refuse."""
    name = Path(name or "upload").name
    return re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", name)[:120] or "upload"


def store_upload(upload: UploadedFile) -> Path:
    """Save an uploaded file in a folder of its own; return its path."""
    folder = imports_dir() / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name(upload.name)
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return path


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
