"""How quantities reach a platform (``Channel.adapter``): every adapter takes the lines to
publish and answers, line by line, whether the platform took them.

- ``CsvAdapter``: the platform's bulk stock file (批量修改库存), written into
  ``ZHANGGUI_CHANNEL_EXPORT_DIR`` and downloaded from the publish log to upload by hand.
- ``ApiAdapter``: a JSON push to the platform's open API (``POST {api_url}/stock/batch-update``,
  signed with HMAC-SHA256; docs/channel-sync.md describes the exact shape). Python's own
  ``urllib`` does the HTTP: the project depends on no HTTP client, and one POST needs none.
"""

import csv
import hashlib
import hmac
import io
import json
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib import error as urlerror
from urllib import request as urlrequest

from django.conf import settings
from django.utils import timezone

from zhanggui.channels.models import AdapterKind, Channel, Platform


@dataclass(frozen=True)
class Line:
    sku_id: int
    sku_code: str
    external_id: str
    quantity: int
    previous_quantity: int | None = None


@dataclass(frozen=True)
class LineResult:
    sku_id: int
    ok: bool
    error: str = ""


@dataclass
class PushResult:
    results: list[LineResult]
    file_name: str = ""
    error: str = ""  # why the push as a whole failed (nothing reached the platform)
    extra: dict = field(default_factory=dict)


class ChannelAdapter(ABC):
    @abstractmethod
    def push(self, channel: Channel, lines: Sequence[Line]) -> PushResult:
        """Send ``lines`` to the channel; one result per line, in the same order."""


# ---- CSV --------------------------------------------------------------------------------

# The platforms' bulk stock templates: (item id, SKU code, quantity) column names.
CSV_COLUMNS: dict[str, tuple[str, str, str]] = {
    Platform.TAOBAO: ("宝贝ID", "商家编码", "库存"),
    Platform.JD: ("商品编号", "商家SKU编码", "库存数量"),
    Platform.PINDUODUO: ("商品ID", "SKU编码", "库存"),
    Platform.DOUYIN: ("商品ID", "商家编码", "库存"),
    Platform.XIAOHONGSHU: ("商品ID", "SKU编码", "库存"),
}
DEFAULT_COLUMNS = ("item_id", "sku_code", "quantity")


def export_dir() -> Path:
    return Path(settings.ZHANGGUI_CHANNEL_EXPORT_DIR)


def export_path(file_name: str) -> Path | None:
    """The stored file of a publish run, or None for a name that is not a plain file name
    in the export folder (or no longer exists)."""
    if not file_name or Path(file_name).name != file_name:
        return None
    path = export_dir() / file_name
    return path if path.is_file() else None


def csv_text(channel: Channel, lines: Sequence[Line]) -> str:
    item, code, quantity = CSV_COLUMNS.get(channel.platform, DEFAULT_COLUMNS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([item, code, quantity])
    for line in lines:
        writer.writerow([line.external_id, line.sku_code, line.quantity])
    return out.getvalue()


class CsvAdapter(ChannelAdapter):
    """Writes the file (UTF-8 with BOM, as the platforms' Excel templates are read); every
    line counts as published once the file is written."""

    def push(self, channel: Channel, lines: Sequence[Line]) -> PushResult:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = f"{channel.code}-stock-{stamp}-{uuid.uuid4().hex[:6]}.csv"
        folder = export_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(csv_text(channel, lines), encoding="utf-8-sig")
        return PushResult([LineResult(line.sku_id, True) for line in lines], file_name=name)


# ---- API --------------------------------------------------------------------------------

BATCH_SIZE = 50
PATH = "/stock/batch-update"
TIMEOUT_SECONDS = 10.0
RETRIES = 3
BACKOFF_SECONDS = 0.5


class RetryableError(Exception):
    """A 5xx answer, a timeout or a refused connection: worth another try."""


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def request_body(channel: Channel, lines: Sequence[Line], timestamp: int) -> bytes:
    return json.dumps({"app_key": channel.api_key, "timestamp": timestamp,
                       "items": [{"sku_code": line.sku_code, "item_id": line.external_id,
                                  "quantity": line.quantity} for line in lines]},
                      ensure_ascii=False, separators=(",", ":")).encode()


class ApiAdapter(ChannelAdapter):
    """Batches of at most ``BATCH_SIZE`` lines; a batch is tried again after a 5xx answer, a
    timeout or a refused connection (``retries`` more times, waiting ``backoff`` × 2ⁿ
    seconds), never after a 4xx. When a batch still fails, the lines after it are not sent."""

    def __init__(self, *, timeout: float | None = None, retries: int | None = None,
                 backoff: float | None = None, sleep=None) -> None:
        self.timeout = TIMEOUT_SECONDS if timeout is None else timeout
        self.retries = RETRIES if retries is None else retries
        self.backoff = BACKOFF_SECONDS if backoff is None else backoff
        self.sleep = sleep or time.sleep

    def push(self, channel: Channel, lines: Sequence[Line]) -> PushResult:
        results: list[LineResult] = []
        failure = ""
        for start in range(0, len(lines), BATCH_SIZE):
            batch = lines[start:start + BATCH_SIZE]
            if failure:
                results += [LineResult(line.sku_id, False, "not sent") for line in batch]
                continue
            try:
                results += self._send(channel, batch)
            except RetryableError as exc:
                failure = str(exc)
                results += [LineResult(line.sku_id, False, failure[:200]) for line in batch]
        return PushResult(results, error=failure)

    def _send(self, channel: Channel, batch: Sequence[Line]) -> list[LineResult]:
        for attempt in range(self.retries + 1):
            try:
                return self._post(channel, batch)
            except RetryableError:
                if attempt == self.retries:
                    raise
                self.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    def _post(self, channel: Channel, batch: Sequence[Line]) -> list[LineResult]:
        body = request_body(channel, batch, int(time.time()))
        req = urlrequest.Request(
            channel.api_url.rstrip("/") + PATH, data=body, method="POST",
            headers={"Content-Type": "application/json", "X-App-Key": channel.api_key,
                     "X-Signature": signature(channel.api_secret, body)})
        try:
            with urlrequest.urlopen(req, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urlerror.HTTPError as exc:
            if exc.code >= 500:
                raise RetryableError(f"HTTP {exc.code}") from None
            detail = exc.read()[:150].decode(errors="replace")
            return [LineResult(line.sku_id, False, f"HTTP {exc.code} {detail}"[:200]) for line in batch]
        except (urlerror.URLError, TimeoutError, ConnectionError) as exc:
            raise RetryableError(f"{type(exc).__name__}: {exc}") from None
        except ValueError:
            raise RetryableError("the answer is not JSON") from None
        return _line_results(batch, answer)


def _line_results(batch: Sequence[Line], answer: dict) -> list[LineResult]:
    """Match the platform's per-item answers to the lines by SKU code; an item it did not
    answer for counts as refused."""
    by_code = {str(item.get("sku_code")): item for item in answer.get("results", [])
               if isinstance(item, dict)}
    results = []
    for line in batch:
        item = by_code.get(line.sku_code)
        if item is None:
            results.append(LineResult(line.sku_id, False, "no answer for this item"))
        else:
            ok = bool(item.get("ok"))
            results.append(LineResult(line.sku_id, ok, "" if ok else str(item.get("error", ""))[:200]))
    return results


ADAPTERS: dict[str, type[ChannelAdapter]] = {AdapterKind.CSV: CsvAdapter, AdapterKind.API: ApiAdapter}


def adapter_for(channel: Channel) -> ChannelAdapter:
    return ADAPTERS.get(channel.adapter, CsvAdapter)()
