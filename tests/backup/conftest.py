import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """MEDIA_ROOT in a folder of the test's own, with two product files in it."""
    root = tmp_path / "media"
    (root / "products" / "2026").mkdir(parents=True)
    (root / "products" / "2026" / "cover.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    (root / "products" / "detail 详情.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 3000)
    settings.MEDIA_ROOT = root
    return root
