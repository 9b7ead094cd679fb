"""The refresh writes every derived table (rollups included) to Parquet once per version,
listed in the manifest like the facts; a reader only registers views over the files."""

import uuid
from dataclasses import replace

from django.utils import timezone

from tests import factories
from zhanggui.analytics import reader, rollups, storage, warehouse
from zhanggui.traffic.models import Event


def _new_event(visitor: str, kind: str = "page_view") -> None:
    Event.objects.create(event_id=uuid.uuid4(), kind=kind, visitor_id=visitor, session_id=f"{visitor}-s",
                         source="direct", channel="own", device="desktop", search_term="coat",
                         result_count=0, occurred_at=timezone.now())


def _derived_files() -> dict[str, list[str]]:
    tables = storage.read_manifest().tables
    return {name: tables[name] for name in rollups.DERIVED}


def _summed(name: str) -> list[tuple]:
    """A derived table's rows, with the rows of one key summed: a table appended to may hold
    a key twice (every query over it sums), a rewritten one once. Its counts are its BIGINT
    columns; the key is the others."""
    if not rollups.DERIVED[name].append_from:
        return sorted(reader.query(f"SELECT * FROM {name}"), key=repr)
    columns = reader.query(f"SELECT column_name, data_type FROM information_schema.columns "
                           f"WHERE table_name = '{name}' ORDER BY ordinal_position")
    keys = [f'"{c}"' for c, kind in columns if kind != "BIGINT"]
    sums = [f'sum("{c}")' for c, kind in columns if kind == "BIGINT"]
    return sorted(reader.query(f"SELECT {', '.join(keys + sums)} FROM {name} GROUP BY ALL"), key=repr)


def test_a_refresh_lists_every_derived_table_in_the_manifest_with_its_files(store):
    warehouse.refresh()
    manifest, root = storage.read_manifest(), storage.root()
    for name, files in _derived_files().items():
        assert files and all((root / f).is_file() for f in files), name
        assert manifest.derived[name] == rollups.DERIVED[name].digest()
        assert reader.query(f"SELECT count(*) FROM {name}")[0][0] == manifest.rows[name]
    assert manifest.rows["visit_days"] > 0 and manifest.rows["paid_order_facts"] == 4


def test_a_fresh_reader_creates_views_only_and_answers(store, settings):
    settings.ZHANGGUI_WAREHOUSE_IN_MEMORY = False
    reader.forget()
    assert reader.query("SELECT sum(paid_amount) FROM order_hours")[0][0] == 510  # 110 + 200 + 100 + 100
    kinds = reader.query("SELECT DISTINCT table_type FROM information_schema.tables")
    assert kinds == [("VIEW",)]
    assert set(storage.read_manifest().tables) == reader.tables()


def test_a_refresh_with_nothing_new_keeps_the_derived_files(store):
    before = _derived_files()
    result = warehouse.refresh()
    assert set(result.derived.values()) == {"kept"}
    assert _derived_files() == before


def test_new_events_append_a_part_to_their_rollups_and_equal_a_rebuild(store):
    before = _derived_files()
    _new_event("v8")
    _new_event("v8", "search")
    factories.make_order(sku=store["sku"], status="paid")
    result = warehouse.refresh()
    files = _derived_files()
    for name in ("visit_days", "search_days"):
        assert result.derived[name] == "appended"
        assert files[name][:-1] == before[name] and files[name][-1].startswith(f"{name}/p")
    assert result.derived["paid_order_facts"] == "written"  # the orders were rewritten
    assert result.derived["category_tree"] == "kept"
    incremental = {name: _summed(name) for name in rollups.DERIVED}
    assert warehouse.rebuild().derived == dict.fromkeys(result.derived, "written")
    reader.current_version()
    assert {name: _summed(name) for name in rollups.DERIVED} == incremental


def test_appended_parts_of_a_rollup_are_compacted(store, monkeypatch):
    monkeypatch.setattr(warehouse, "MAX_PARTS", 2)
    _new_event("w1")
    assert warehouse.refresh().derived["visit_days"] == "appended"
    _new_event("w2")
    assert warehouse.refresh().derived["visit_days"] == "written"
    assert len(_derived_files()["visit_days"]) == 1
    assert reader.query("SELECT sum(events) FROM visit_days") == [(Event.objects.count(),)]


def test_a_derived_table_whose_sql_changed_is_written_again(store, monkeypatch):
    sql = rollups.DERIVED["order_hours"].sql.replace("count(*) AS orders", "count(*) * 2 AS orders")
    changed = replace(rollups.DERIVED["order_hours"], sql=sql)
    monkeypatch.setitem(rollups.DERIVED, "order_hours", changed)
    result = warehouse.refresh()
    assert result.derived["order_hours"] == "written" and result.derived["visit_days"] == "kept"
    assert reader.query("SELECT sum(orders) FROM order_hours") == [(8,)]


def test_a_loaded_version_still_answers_after_a_new_one_is_published(store):
    reader.current_version()
    db = reader._state["db"]  # the views of the version loaded: not reloaded by this cursor
    before = db.cursor().execute("SELECT count(*) FROM line_facts").fetchall()
    factories.make_order(sku=store["sku"], status="paid")
    result = warehouse.refresh()
    assert result.derived["line_facts"] == "written"
    # The old version's files stay on disk (storage.KEEP_OLD_SECONDS) for queries still on it.
    assert db.cursor().execute("SELECT count(*) FROM line_facts").fetchall() == before
    assert reader.query("SELECT count(*) FROM line_facts")[0][0] == before[0][0] + 1
