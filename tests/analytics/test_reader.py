"""The reader: a view over the files of every table of the manifest (facts and the derived
tables the refresh wrote), replaced when a refresh publishes new files; or tables in memory."""

import uuid

from django.utils import timezone

from tests import factories
from zhanggui.analytics import reader, rollups, storage, warehouse
from zhanggui.analytics.extract import EXTRACTS
from zhanggui.traffic.models import Event

TABLES = [e.table for e in EXTRACTS] + list(rollups.DERIVED)
ROLLUPS = {name for name, derived in rollups.DERIVED.items() if derived.rollup}


def _contents(tables=TABLES) -> dict:
    return {table: sorted(reader.query(f"SELECT * FROM {table}"), key=repr) for table in tables}


def _new_event(visitor: str) -> Event:
    return Event.objects.create(event_id=uuid.uuid4(), kind="page_view", visitor_id=visitor,
                                session_id=f"{visitor}-s", source="direct", channel="own",
                                device="desktop", occurred_at=timezone.now())


def test_a_refresh_is_loaded_incrementally_and_equals_a_fresh_load(store):
    version = reader.current_version()
    before = reader.query("SELECT count(*) FROM events")[0][0]
    _new_event("v9")
    factories.make_order(sku=store["sku"], status="paid")
    result = warehouse.refresh()
    manifest = storage.read_manifest()
    assert len(manifest.tables["events"]) == 2  # a part was appended
    assert reader.current_version() == result.version > version
    assert reader.query("SELECT count(*) FROM events")[0][0] == before + 1
    incremental = _contents()
    reader.forget()
    assert _contents() == incremental


def test_a_version_with_nothing_new_reloads_nothing(store, monkeypatch):
    reader.current_version()
    warehouse.refresh()  # nothing changed: the same files, a new manifest
    statements = []
    original = reader._in_transaction
    monkeypatch.setattr(reader, "_in_transaction",
                        lambda db, sqls: statements.extend(sqls) or original(db, sqls))
    assert reader.current_version() == storage.read_manifest().version
    assert statements == []  # every table kept its files: nothing to load


def test_buyer_firsts_hold_each_buyers_first_paid_order(store):
    firsts = reader.query("SELECT count(*), count(*) FILTER (WHERE is_guest) FROM buyer_firsts")[0]
    assert firsts == (3, 0)  # A, B and D paid; C never did


def test_appended_parts_are_compacted_into_one_file(store, monkeypatch):
    monkeypatch.setattr(warehouse, "MAX_PARTS", 3)
    reader.current_version()
    for n in range(4):
        _new_event(f"w{n}")
        warehouse.refresh()
        files = storage.read_manifest().tables["events"]
        assert len(files) == [2, 3, 1, 2][n]  # the third refresh compacts
    assert files[0].startswith("events/c")
    assert reader.query("SELECT count(*) FROM events")[0][0] == Event.objects.count()
    incremental = _contents()
    warehouse.rebuild()
    reader.forget()
    assert _contents() == incremental


def test_in_memory_tables_give_the_same_rows_as_the_views(store, settings):
    _new_event("v9")
    warehouse.refresh()
    settings.ZHANGGUI_WAREHOUSE_IN_MEMORY = False
    reader.forget()
    kinds = set(reader.query("SELECT table_type FROM information_schema.tables"))
    assert kinds == {("VIEW",)}  # the derived tables and rollups too: nothing held in memory
    assert set(TABLES) <= reader.tables()
    views = _contents()
    settings.ZHANGGUI_WAREHOUSE_IN_MEMORY = True
    reader.forget()
    kinds = dict(reader.query("SELECT table_name, table_type FROM information_schema.tables"))
    assert kinds["events"] == "VIEW"  # the raw events stay on disk: their rollups answer the reports
    assert kinds["visit_days"] == kinds["orders"] == "BASE TABLE"
    assert _contents() == views
    assert reader.query("SELECT sum(events) FROM visit_days") == reader.query("SELECT count(*) FROM events")


def test_every_part_of_a_table_has_the_same_schema(store):
    import pyarrow.parquet as pq

    _new_event("v9")
    warehouse.refresh()
    root = storage.root()
    for table, files in storage.read_manifest().tables.items():
        schemas = {pq.read_schema(root / f).remove_metadata() for f in files}
        assert len(schemas) == 1, table


def test_queries_keep_answering_while_new_versions_are_loaded(store):
    import threading

    reader.current_version()
    stop, seen, errors = threading.Event(), [], []

    def read() -> None:
        try:
            while not stop.is_set():
                # Within one query the events table is one version: all old rows or all new.
                seen.append(reader.query("SELECT count(*), count(DISTINCT id) FROM events")[0])
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for n in range(5):
            _new_event(f"r{n}")
            warehouse.refresh()
            reader.current_version()
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert not errors and seen
    counts = [count for count, _distinct in seen]
    assert all(count == distinct for count, distinct in seen)  # no row seen twice
    assert min(counts) >= Event.objects.count() - 5 and max(counts) <= Event.objects.count()
    assert reader.query("SELECT count(*) FROM events")[0][0] == Event.objects.count()


def test_while_a_version_loads_queries_read_the_one_before_without_waiting(store, monkeypatch):
    import threading

    before = reader.query("SELECT count(*) FROM events")[0][0]
    _new_event("v9")
    warehouse.refresh()
    started, release = threading.Event(), threading.Event()
    original = reader._in_transaction

    def slow_load(db, statements):
        started.set()
        assert release.wait(10)
        original(db, statements)

    monkeypatch.setattr(reader, "_in_transaction", slow_load)
    loader = threading.Thread(target=reader.current_version)
    loader.start()
    try:
        assert started.wait(10)
        # The loader holds the new version back: this thread reads the old one, whole.
        assert reader.query("SELECT count(*) FROM events")[0][0] == before
        assert reader.query("SELECT sum(events) FROM visit_days")[0][0] == before
    finally:
        release.set()
        loader.join()
    assert reader.query("SELECT count(*) FROM events")[0][0] == before + 1
    assert reader.query("SELECT sum(events) FROM visit_days")[0][0] == before + 1
