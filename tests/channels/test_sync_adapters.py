"""The adapters: the platforms' CSV columns, and the API push against a fake platform
server started here (it checks the HMAC signature, refuses some items, fails once with
a 500)."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from tests.channels.sync_factories import (
    channel_export_dir,  # noqa: F401 (fixture)
    make_channel,
    make_listing,
    make_rule,
    stocked_sku,
)
from zhanggui.channels import actions_sync, adapters
from zhanggui.channels.adapters import Line, csv_text
from zhanggui.channels.models import PublishedQuantity

pytestmark = pytest.mark.django_db
SECRET = "s3cret-签名"


class FakePlatform(BaseHTTPRequestHandler):
    """POST /stock/batch-update: 401 on a bad signature, 500 on the first call when asked,
    else per-item results (items in ``refused`` are refused)."""

    server_version = "FakePlatform/1"

    def do_POST(self):
        state = self.server.state
        body = self.rfile.read(int(self.headers["Content-Length"]))
        state["requests"].append({"path": self.path, "body": json.loads(body),
                                  "key": self.headers.get("X-App-Key")})
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, self.headers.get("X-Signature", "")):
            return self._answer(401, {"error": "bad signature"})
        if state["fail_first"]:
            state["fail_first"] = False
            return self._answer(500, {"error": "busy"})
        items = json.loads(body)["items"]
        return self._answer(200, {"results": [
            {"sku_code": i["sku_code"], "ok": False, "error": "item offline"}
            if i["sku_code"] in state["refused"] else {"sku_code": i["sku_code"], "ok": True}
            for i in items]})

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def platform(monkeypatch):
    monkeypatch.setattr(adapters, "BACKOFF_SECONDS", 0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePlatform)
    server.state = {"requests": [], "fail_first": False, "refused": set()}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def api_channel(server, secret=SECRET):
    channel = make_channel("douyin", adapter="api", api_url=f"http://127.0.0.1:{server.server_port}/open",
                           api_key="app-1", api_secret=secret)
    make_rule(channel)
    return channel


def listed_skus(channel, count, units=7):
    skus = [stocked_sku(units) for _ in range(count)]
    for sku in skus:
        make_listing(channel, sku)
    return skus


def test_each_platforms_csv_has_its_columns():
    taobao, jd, own = make_channel("taobao"), make_channel("jd"), make_channel("own", platform="own")
    line = [Line(sku_id=1, sku_code="A-1", external_id="998", quantity=4)]
    assert csv_text(taobao, line).splitlines() == ["宝贝ID,商家编码,库存", "998,A-1,4"]
    assert csv_text(jd, line).splitlines()[0] == "商品编号,商家SKU编码,库存数量"
    assert csv_text(own, line).splitlines()[0] == "item_id,sku_code,quantity"


def test_api_push_batches_retries_a_500_and_keeps_refused_items_pending(platform):
    channel = api_channel(platform)
    skus = listed_skus(channel, 60)
    platform.state.update(fail_first=True, refused={skus[3].code, skus[55].code})
    actions_sync.recompute()
    run = actions_sync.publish(channel)
    requests = platform.state["requests"]
    # The first batch of 50 twice (a 500, then accepted), then the last 10.
    assert [len(r["body"]["items"]) for r in requests] == [50, 50, 10]
    assert {r["path"] for r in requests} == {"/open/stock/batch-update"}
    assert requests[0]["key"] == "app-1" and requests[0]["body"]["app_key"] == "app-1"
    assert (run.status, run.line_count) == ("partly", 60)
    refused = run.lines.filter(ok=False)
    assert {(line.sku_id, line.error) for line in refused} == {
        (skus[3].pk, "item offline"), (skus[55].pk, "item offline")}
    pending = PublishedQuantity.objects.filter(published_quantity__isnull=True)
    assert set(pending.values_list("sku_id", flat=True)) == {skus[3].pk, skus[55].pk}
    # The next push sends only what is still pending.
    platform.state["refused"] = set()
    again = actions_sync.publish(channel)
    assert (again.status, again.line_count) == ("ok", 2)


def test_a_4xx_is_never_retried(platform):
    channel = api_channel(platform, secret="wrong")
    listed_skus(channel, 3)
    actions_sync.recompute()
    run = actions_sync.publish(channel)
    assert len(platform.state["requests"]) == 1
    assert run.status == "failed"
    assert all(line.error.startswith("HTTP 401") for line in run.lines.all())
    assert not PublishedQuantity.objects.filter(published_quantity__isnull=False).exists()


def test_an_unreachable_platform_is_retried_then_the_run_fails(platform, monkeypatch):
    channel = api_channel(platform)
    listed_skus(channel, 2)
    platform.shutdown()
    platform.server_close()  # nothing listens on the port any more
    sleeps = []
    monkeypatch.setattr(adapters, "RETRIES", 2)
    monkeypatch.setattr(adapters, "BACKOFF_SECONDS", 0.25)
    # The adapters module's own view of ``time`` only: ``time.sleep`` itself is shared by
    # every thread of the process.
    monkeypatch.setattr(adapters, "time", SimpleNamespace(sleep=sleeps.append, time=time.time))
    actions_sync.recompute()
    run = actions_sync.publish(channel)
    assert sleeps == [0.25, 0.5]
    assert run.status == "failed" and "URLError" in run.error
    assert run.lines.filter(ok=False).count() == 2
