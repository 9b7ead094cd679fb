"""Shared by the flash-sale tests: Redis (DB 14, a key prefix of its own per test) and
readers of the counters. Skips with a reason when Redis is not reachable."""

import json
import uuid
from types import SimpleNamespace

import pytest
import redis

from zhanggui.orders import flash_sale

REDIS_URL = "redis://127.0.0.1:6379/14"


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def new_prefix() -> str:
    return f"test:{{flash-{uuid.uuid4().hex[:16]}}}"


class Counters:
    """Reads the Redis side of one prefix."""

    def __init__(self, client: redis.Redis, prefix: str):
        self.client, self.prefix = client, prefix

    def stock(self, sku_id) -> int | None:
        value = self.client.hget(f"{self.prefix}:stock", str(sku_id))
        return None if value is None else int(value)

    def cap(self, sale_id) -> int | None:
        value = self.client.hget(f"{self.prefix}:sale:{sale_id}", "cap")
        return None if value is None else int(value)

    def buyer(self, sale_id, buyer_id) -> int:
        return int(self.client.hget(f"{self.prefix}:buyers:{sale_id}", str(buyer_id)) or 0)

    def pending(self) -> dict[str, dict]:
        return {t: json.loads(r) for t, r in self.client.hgetall(f"{self.prefix}:pending").items()}

    def confirmed(self) -> dict[str, dict]:
        return {t: json.loads(r) for t, r in self.client.hgetall(f"{self.prefix}:confirmed").items()}

    def call(self, name: str, *args):
        """Run a script on this prefix directly (the Lua tests, without settings)."""
        _client, scripts = flash_sale.connection()
        return scripts[name](args=[self.prefix, *args])

    def drop(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}:*"))
        if keys:
            self.client.delete(*keys)


@pytest.fixture
def flash(settings):
    """The Redis flash-sale path on, on Redis DB 14 under a key prefix of this test's own."""
    if not redis_reachable():
        pytest.skip("the flash-sale path needs Redis at 127.0.0.1:6379 (CI has it)")
    settings.ZHANGGUI_FLASH_SALE_REDIS = True
    settings.ZHANGGUI_FLASH_SALE_REDIS_URL = REDIS_URL
    settings.ZHANGGUI_FLASH_SALE_KEY_PREFIX = new_prefix()
    flash_sale.forget()
    counters = Counters(redis.Redis.from_url(REDIS_URL, decode_responses=True),
                        settings.ZHANGGUI_FLASH_SALE_KEY_PREFIX)
    yield SimpleNamespace(counters=counters, prefix=counters.prefix)
    counters.drop()
    flash_sale.forget()
