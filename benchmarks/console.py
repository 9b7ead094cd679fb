"""Benchmark: every console list and report page on PostgreSQL with 1,000,000 orders.

    .venv/bin/python benchmarks/console.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zg_bench_console \\
        .venv/bin/python benchmarks/console.py

Uses its own PostgreSQL database (default ``zg_bench_console``), built once by
``benchmarks/console_data.py`` (the demo store multiplied to 1,000,000 orders with their
lines, payments, shipments, movements, reservations and log) and reused afterwards; it is
migrated at the start, so new indexes are measured. The pages are found by walking the
sidebar (``console.navigation.sidebar_navigation``) as the owner, so pages added later are
measured without changing this script: each list at its default ordering, with each of its
filters set to one real choice (date filters to the last 30 days) and with a search for a
value taken from its first row; each report page as it opens and with its channel filter.
Each page is requested once to warm up (its SQL statements counted then) and ``REPEAT``
times timed, through Django's test client in this process.

Prints one JSON object on stdout (progress and the baseline on stderr):

- ``orders``: orders in the database; ``pages``: pages measured.
- ``p50_ms`` / ``p95_ms``: over every timed request; ``max_ms`` and ``slowest_page``: the
  page with the highest median.
- ``max_queries_per_page``: the most SQL statements one page issued.
- ``search_p95_ms``: the header search (``admin:console_search``) with an order number, a
  tracking number, a phone, a SKU code, a product title word and a customer nickname; null
  while that page does not exist.
- ``server_errors``: responses with a status of 500 or more.

Baseline, same run (stderr): the first page's SELECT of every list run as raw SQL on the
same connection, i.e. what the database alone needs for the rows a list shows.
"""

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import console_data  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
DATE_FILTER_DAYS = 30


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _prepare(url: str) -> dict:
    data = console_data.ensure(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, stdout=sys.stderr)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    from zhanggui.analytics.models import WarehouseRun

    if not WarehouseRun.objects.exists():
        started = time.perf_counter()
        call_command("warehouse", "rebuild", stdout=sys.stderr)
        log(f"warehouse rebuilt in {time.perf_counter() - started:.1f} s")
    return data


def _owner():
    from zhanggui.accounts.models import Staff
    from zhanggui.accounts.roles import Role

    return Staff.objects.filter(groups__name=Role.OWNER, is_active=True).order_by("id").first()


def _filter_params(spec, today) -> dict | None:
    """One real choice of a changelist filter, as query parameters."""
    from django.contrib.admin import (
        BooleanFieldListFilter,
        ChoicesFieldListFilter,
        EmptyFieldListFilter,
    )
    from unfold.contrib.filters.admin import RangeDateFilter
    from unfold.contrib.filters.admin.mixins import AutocompleteMixin

    if isinstance(spec, RangeDateFilter):
        start = today - timedelta(days=DATE_FILTER_DAYS)
        return {f"{spec.parameter_name}_from": start.isoformat(),
                f"{spec.parameter_name}_to": today.isoformat()}
    if isinstance(spec, AutocompleteMixin):  # no choices listed: one related row's key
        related = spec.field.related_model._default_manager.order_by("pk").first()
        return {spec.lookup_kwarg: str(related.pk)} if related else None
    if isinstance(spec, BooleanFieldListFilter | EmptyFieldListFilter):
        return {spec.expected_parameters()[0]: "1"}
    if isinstance(spec, ChoicesFieldListFilter):
        values = [value for value, _label in spec.field.flatchoices if value not in ("", None)]
        return {spec.lookup_kwarg: values[len(values) // 2]} if values else None
    choices = [choice[0] if isinstance(choice, list | tuple) else choice  # (value, label) or value
               for choice in getattr(spec, "lookup_choices", [])]
    choices = [value for value in choices if value not in ("", None)]
    name = getattr(spec, "lookup_kwarg", None) or getattr(spec, "parameter_name", None)
    if not choices or not name:
        return None
    return {name: choices[len(choices) // 2]}


def _search_value(model_admin, request, row) -> str | None:
    from django.core.exceptions import ObjectDoesNotExist

    fields = [f.lstrip("^=@") for f in model_admin.get_search_fields(request)]
    if not fields or row is None:
        return None
    parts = fields[0].split("__")
    if parts[-1] in ("exact", "iexact", "startswith", "istartswith", "contains", "icontains"):
        parts = parts[:-1]
    value = row
    try:
        for part in parts:
            value = getattr(value, part)
    except ObjectDoesNotExist:
        return None
    return str(value) if value not in (None, "") else None


def _list_pages(title: str, link: str, model_admin, owner, today) -> list:
    """(label, url) of a list as it opens, with each filter, and with a search."""
    from django.test import RequestFactory

    request = RequestFactory().get(link)
    request.user = owner
    changelist = model_admin.get_changelist_instance(request)
    pages = [(f"{title}", link)]
    for spec in changelist.filter_specs:
        params = _filter_params(spec, today)
        if params:
            pages.append((f"{title} ?{spec.title}", f"{link}?{urlencode(params)}"))
    first = next(iter(changelist.result_list), None)
    value = _search_value(model_admin, request, first)
    if value:
        pages.append((f"{title} search", f"{link}?{urlencode({'q': value})}"))
    return pages


def _walk(owner, today) -> tuple[list, list]:
    """Every page reachable from the sidebar, as (label, url); and the raw list queries."""
    from django.test import RequestFactory
    from django.urls import resolve

    from zhanggui.console.navigation import sidebar_navigation

    request = RequestFactory().get("/")
    request.user = owner
    pages, raw_queries = [], []
    for group in sidebar_navigation(request):
        for item in group["items"]:
            title, link = f"{group['title']} / {item['title']}", item["link"]
            model_admin = getattr(resolve(link).func, "model_admin", None)
            if model_admin is None:  # a custom page: as it opens, and with its channel filter
                pages.append((title, link))
                pages.append((f"{title} ?channel", f"{link}?{urlencode({'channel': 'own'})}"))
                continue
            pages.extend(_list_pages(title, link, model_admin, owner, today))
            raw_queries.append((title, model_admin, link))
    return pages, raw_queries


def _time(client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url, follow=True)
    return (time.perf_counter() - started) * 1000, response.status_code


def _measure(client, pages) -> tuple[dict, dict, int, list]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    medians, queries, errors, samples = {}, {}, 0, []
    for label, url in pages:
        with CaptureQueriesContext(connection) as captured:
            _elapsed, status = _time(client, url)
        queries[label] = len(captured)
        times = []
        for _ in range(REPEAT):
            elapsed, status = _time(client, url)
            times.append(elapsed)
            errors += status >= 500
        samples.extend(times)
        medians[label] = statistics.median(times)
        log(f"{medians[label]:8.1f} ms {queries[label]:3d} q  {status}  {label}  {url}")
    return medians, queries, errors, samples


def _search_terms() -> list[str]:
    from zhanggui.catalog.models import Product, Sku
    from zhanggui.customers.models import Customer
    from zhanggui.fulfillment.models import Shipment
    from zhanggui.orders.models import Order

    order = Order.objects.order_by("-placed_at", "-id").first()
    shipment = Shipment.objects.order_by("-shipped_at", "-id").first()
    sku = Sku.objects.order_by("id").first()
    product = Product.objects.order_by("id").first()
    customer = Customer.objects.exclude(nickname="").order_by("id").first()
    return [order.number, shipment.tracking_number, order.recipient_phone, sku.code,
            product.title[:2], customer.nickname]


def _search(client) -> tuple[float | None, int]:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("admin:console_search")
    except NoReverseMatch:
        return None, 0
    samples, errors = [], 0
    for term in _search_terms():
        _time(client, f"{url}?{urlencode({'q': term})}")
        for _ in range(REPEAT):
            elapsed, status = _time(client, f"{url}?{urlencode({'q': term})}")
            samples.append(elapsed)
            errors += status >= 500
        log(f"search {term!r}: {statistics.median(samples[-REPEAT:]):.1f} ms")
    return percentile(samples, 0.95), errors


def _baseline(raw_queries, owner) -> list[float]:
    """The first page's SELECT of each list (default ordering), raw on the connection."""
    from django.db import connection
    from django.test import RequestFactory

    medians = []
    for title, model_admin, link in raw_queries:
        request = RequestFactory().get(link)
        request.user = owner
        changelist = model_admin.get_changelist_instance(request)
        sql, params = changelist.queryset[:changelist.list_per_page].query.sql_with_params()
        times = []
        with connection.cursor() as cursor:
            for _ in range(REPEAT + 1):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(times[1:]))
        log(f"raw {medians[-1]:8.1f} ms  {title}")
    return medians


def main() -> None:
    url = os.environ.get("DATABASE_URL", console_data.DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("benchmarks/console.py measures PostgreSQL: set DATABASE_URL")
    data = _prepare(url)
    from django.test import Client
    from django.utils import timezone

    owner = _owner()
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    pages, raw_queries = _walk(owner, timezone.localdate())
    log(f"{len(pages)} pages from the sidebar")
    medians, queries, errors, samples = _measure(client, pages)
    search_p95, search_errors = _search(client)
    baseline = _baseline(raw_queries, owner)
    log(f"baseline (raw first-page SQL of {len(baseline)} lists): "
        f"p50 {percentile(baseline, 0.5):.1f} ms, p95 {percentile(baseline, 0.95):.1f} ms, "
        f"max {max(baseline):.1f} ms")
    slowest = max(medians, key=medians.get)
    print(json.dumps({
        "orders": data["orders"],
        "pages": len(pages),
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "max_ms": round(medians[slowest], 1),
        "slowest_page": slowest,
        "max_queries_per_page": max(queries.values()),
        "search_p95_ms": None if search_p95 is None else round(search_p95, 1),
        "server_errors": errors + search_errors,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
