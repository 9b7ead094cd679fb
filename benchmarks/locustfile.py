"""The load scenario against the production shape (`make serve-prod`), driven by
``benchmarks/load.py``; on its own:

    ZG_LOAD_CONFIG=seed.json ZG_LOAD_RECORD=out.json locust -f benchmarks/locustfile.py \\
        --headless --host http://127.0.0.1:8000 -u 38 -r 38 --run-time 120s \\
        FlashSaleBuyer StaffDashboard TrafficIngest

User classes (pick them by name on the command line):

- ``FlashSaleBuyer``: a storefront client placing the flash sale's orders for the buyers of
  the seed, one buyer after the other: price the cart (``POST /api/v1/pricing/price-cart``,
  the flash-sale SKU and another one), then place the order (``POST /api/v1/orders``, one
  flash-sale unit). Each buyer is served once; when every buyer has been, the run ends.
- ``StaffDashboard``: a staff member logged in to the console (a session): the workbench,
  the report pages, and the reports' JSON API with the staff's token, 2–5 s apart (the time
  a person takes to read a page).
- ``TrafficIngest``: the storefront's behaviour events in batches of 20
  (``POST /api/v1/traffic/events``).
- ``CeilingClient``: ``GET /api/v1/accounts/me`` with a token — the cheapest authenticated
  JSON answer, i.e. the most this stack answers; stops after ``ceiling_requests`` in all.

Bounded: by the buyers (or ``ceiling_requests``) in count and by ``--run-time``; it refuses
any host but 127.0.0.1. Every request is recorded (name, status, start, milliseconds) and
written as JSON to ``ZG_LOAD_RECORD`` when the run ends.
"""

import itertools
import json
import os
import re
import sys
import time
import uuid

if __name__ == "__main__":  # `make bench` runs every script here: this one is load.py's
    print("benchmarks/locustfile.py is run by locust (see benchmarks/load.py), not on its own",
          file=sys.stderr)
    sys.exit(0)

from datetime import UTC, datetime
from urllib.parse import urlsplit

import gevent
from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

with open(os.environ["ZG_LOAD_CONFIG"], encoding="utf-8") as _config:
    CONFIG = json.load(_config)
RECORDS: list[tuple[str, int, float, float]] = []  # name, status, start (epoch s), ms
_buyers = iter(CONFIG["buyers"])
_active_buyers = itertools.count()
_finished_buyers = itertools.count()
_ceiling_left = itertools.count()
STATE = {"buyers_done": False}
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
RECIPIENT = {"name": "张三丰", "phone": "13800000000", "province_code": "330000", "city": "杭州",
             "address_detail": "西湖区文三路 100 号"}


@events.init.add_listener
def refuse_other_hosts(environment, **_kwargs):
    if urlsplit(environment.host or "").hostname != "127.0.0.1":
        raise SystemExit(f"the load scenario runs against 127.0.0.1 only, not {environment.host!r}")


@events.request.add_listener
def record(name, response_time, response, exception, start_time=None, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    if exception is not None and not status:
        status = 0  # connection refused, reset, timed out: counted as a server error
    RECORDS.append((name, status, start_time or time.time() - response_time / 1000, response_time))


@events.quitting.add_listener
def write_records(environment, **_kwargs):
    with open(os.environ["ZG_LOAD_RECORD"], "w", encoding="utf-8") as out:
        json.dump({"records": RECORDS}, out)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _quit(environment) -> None:
    """End the run: from a greenlet of its own (a user's greenlet is among those that
    ``quit`` kills, and the run would then only end at ``--run-time``)."""
    if not STATE["buyers_done"] and environment.runner is not None:
        gevent.spawn(environment.runner.quit)
    STATE["buyers_done"] = True


class FlashSaleBuyer(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        next(_active_buyers)

    @task
    def buy(self):
        buyer = next(_buyers, None)
        if buyer is None:
            # The last client to run out of buyers ends the run (dashboards and ingestion too).
            if next(_finished_buyers) + 1 >= CONFIG["buyer_clients"]:
                _quit(self.environment)
            raise StopUser()
        headers = _bearer(CONFIG["storefront_token"])
        self.client.post("/api/v1/pricing/price-cart", name="price_cart", headers=headers, json={
            "customer_id": buyer, "province_code": "330000",
            "lines": [{"sku_id": CONFIG["flash_sku"], "quantity": 1},
                      {"sku_id": CONFIG["other_sku"], "quantity": 1}]})
        self.client.post("/api/v1/orders", name="place_order", headers=headers, json={
            "customer_id": buyer, "recipient": RECIPIENT,
            "lines": [{"sku_id": CONFIG["flash_sku"], "quantity": 1}]})


class StaffDashboard(FastHttpUser):
    # A person reads a dashboard before opening the next one: 2–5 s between pages.
    wait_time = between(2, 5)
    pages = ("/", "/reports/overview/", "/reports/sales/")
    reports = ("overview", "sales", "customers", "traffic")

    def on_start(self):
        login = self.client.get("/login/", name="dashboard_login")
        token = CSRF.search(login.content or b"")
        self.client.post("/login/?next=/", name="dashboard_login", data={
            "username": CONFIG["staff_username"], "password": CONFIG["staff_password"],
            "csrfmiddlewaretoken": token.group(1).decode() if token else "", "next": "/"})

    @task
    def console_pages(self):
        for page in self.pages:
            if STATE["buyers_done"]:
                raise StopUser()
            self.client.get(page, name="dashboard")

    @task
    def report_api(self):
        for name in self.reports:
            if STATE["buyers_done"]:
                raise StopUser()
            self.client.get(f"/api/v1/analytics/reports/{name}", name="dashboard",
                            headers=_bearer(CONFIG["staff_token"]))


class TrafficIngest(FastHttpUser):
    wait_time = constant(0.2)

    @task
    def send_batch(self):
        if STATE["buyers_done"]:
            raise StopUser()
        now = datetime.now(UTC).isoformat()
        visitor = uuid.uuid4().hex
        events_ = [{"event_id": str(uuid.uuid4()), "kind": kind, "visitor_id": visitor,
                    "session_id": visitor[:16], "device": "mobile", "occurred_at": now,
                    "product_id": CONFIG["flash_product"], "source": "direct"}
                   for kind in ["page_view", "product_view"] * 9 + ["add_to_cart", "checkout_start"]]
        self.client.post("/api/v1/traffic/events", name="traffic_events",
                         headers=_bearer(CONFIG["storefront_token"]), json={"events": events_})


class CeilingClient(FastHttpUser):
    wait_time = constant(0)

    @task
    def me(self):
        if next(_ceiling_left) >= CONFIG["ceiling_requests"]:
            _quit(self.environment)
            raise StopUser()
        self.client.get("/api/v1/accounts/me", name="ceiling", headers=_bearer(CONFIG["staff_token"]))


# Exact numbers of clients per class (not weights): the driver sets them in the config.
FlashSaleBuyer.fixed_count = CONFIG.get("buyer_clients", 1)
StaffDashboard.fixed_count = CONFIG.get("dashboard_clients", 1)
TrafficIngest.fixed_count = CONFIG.get("ingest_clients", 1)
CeilingClient.fixed_count = CONFIG.get("buyer_clients", 1)
