"""Media facts for the checks: images are measured from their real bytes with Pillow when
the file is in media storage; otherwise (an external URL) the stored metadata is used and
the finding says so. Videos are checked from stored metadata (duration, resolution)."""

import io
from urllib.parse import urlparse

from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from zhanggui.catalog.models import ProductMedia
from zhanggui.listing.rules import MediaFacts

_FORMATS = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "gif",
            "bmp": "bmp", "tif": "tiff", "tiff": "tiff", "mpo": "jpeg"}


def storage_name(url: str) -> str | None:
    """The media-storage name of ``url``: a relative path, or a path under ``MEDIA_URL``;
    ``None`` for an external URL."""
    parsed = urlparse(url)
    if parsed.scheme or parsed.netloc:
        return None
    path = parsed.path
    media_url = settings.MEDIA_URL or ""
    if media_url and media_url != "/" and path.startswith(media_url):
        path = path[len(media_url):]
    path = path.lstrip("/")
    return path or None


def image_facts_from_bytes(data: bytes, *, url: str, is_main: bool = False) -> MediaFacts:
    """Measure an image from its bytes: format, size, dimensions (``readable=False`` when
    Pillow cannot identify it)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            file_format = (image.format or "").lower()
            width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return MediaFacts(kind="image", url=url, size_bytes=len(data), is_main=is_main,
                          verified=True, readable=False)
    return MediaFacts(kind="image", url=url, file_format=_FORMATS.get(file_format, file_format),
                      size_bytes=len(data), width=width, height=height, is_main=is_main,
                      verified=True)


def _from_metadata(media: ProductMedia) -> MediaFacts:
    file_format = _FORMATS.get(media.file_format.lower(), media.file_format.lower())
    return MediaFacts(kind=media.kind, url=media.url, file_format=file_format,
                      size_bytes=media.size_bytes, width=media.width, height=media.height,
                      duration_seconds=media.duration_seconds, is_main=media.is_main)


def media_facts(media: ProductMedia) -> MediaFacts:
    """Facts of one stored media row (image bytes read from storage when they are there)."""
    if media.kind != "image":
        return _from_metadata(media)
    name = storage_name(media.url)
    if name is None or not default_storage.exists(name):
        return _from_metadata(media)
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    return image_facts_from_bytes(data, url=media.url, is_main=media.is_main)
