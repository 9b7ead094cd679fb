"""Segments evaluated in the warehouse and materialised after each refresh.

``refresh_segments`` computes the customer features once (``customer_features``, in a DuckDB
connection of its own over the current version's files), evaluates every active rule and
model segment's definition over them (``segment_sql``), and writes the members of each
through ``customers.segments.replace_segment_members`` (the difference only) and every
non-guest customer's scores through ``replace_customer_scores``. Experiment-arm segments
are not evaluated: marketing writes their members.

``preview`` evaluates a draft definition now, without saving anything (the console's and the
API's preview), through the web process's warehouse reader.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
from celery import shared_task
from django.utils import timezone

from zhanggui.analytics import customer_features, reader, segment_sql
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.extract import EXTRACTS, read_rows
from zhanggui.core.errors import DomainError
from zhanggui.customers import segment_rules
from zhanggui.customers import segments as segment_actions
from zhanggui.customers.models_segments import Segment, SegmentKind

logger = logging.getLogger(__name__)
PREVIEW_ROWS = 20
SCORE_COLUMNS = "customer_id, lifecycle_stage, rfm_segment, spending_tier, paid_orders, last_paid_at"


@dataclass
class SegmentRun:
    customers: int
    segments: dict[str, int]  # code → members
    skipped: dict[str, str]  # code → why (a stored definition that no longer validates)
    scores: dict[str, int]


def evaluable_segments():
    return Segment.objects.filter(is_active=True).exclude(kind=SegmentKind.EXPERIMENT).order_by("pk")


def member_ids(db, definition: dict, table: str = "customer_features") -> list[int]:
    """The ids of the customers of ``table`` the definition selects."""
    condition, params = segment_sql.compile_definition(definition)
    found = db.execute(f"SELECT customer_id FROM {table} WHERE {condition}", params).fetchnumpy()
    return found["customer_id"].tolist()


def evaluate_one(db, definition: dict, now: datetime | None = None) -> list[int]:
    """The members of one definition as of ``now``, computing only the features it tests
    (a segment on the profile and the orders does not read the events)."""
    fields = segment_rules.fields_of(segment_rules.validate_definition(definition))
    condition, params = segment_sql.compile_definition(definition)
    sql = (f"WITH customer_features AS ({customer_features.features_sql(fields)}) "
           f"SELECT customer_id FROM customer_features WHERE {condition}")
    found = db.execute(sql, customer_features.bind(sql, {**customer_features.parameters(now), **params})
                       ).fetchnumpy()
    return found["customer_id"].tolist()


def refresh_segments(*, now: datetime | None = None, with_scores: bool = True) -> SegmentRun:
    """Evaluate every active rule/model segment as of ``now`` and store members and scores.

    Raises:
        WarehouseEmpty: no warehouse (or none with the customer tables) yet.
    """
    now = now or timezone.now()
    db = customer_features.open_snapshot()
    try:
        chosen = list(evaluable_segments())
        customers = customer_features.materialise(db, now, fields=_fields(chosen, with_scores))
        done, skipped = _store_members(db, chosen, now)
        scores = store_scores(db, now) if with_scores else {}
    finally:
        db.close()
    return SegmentRun(customers=customers, segments=done, skipped=skipped, scores=scores)


def _store_members(db, chosen: list[Segment], now: datetime) -> tuple[dict[str, int], dict[str, str]]:
    done, skipped = {}, {}
    for segment in chosen:
        try:
            ids = member_ids(db, segment.definition)
        except DomainError as error:
            skipped[segment.code] = str(error)
            logger.warning("segment %s not evaluated: %s", segment.code, error)
            continue
        done[segment.code] = segment_actions.replace_segment_members(
            segment, ids, measured_at=now).member_count
    return done, skipped


def refresh_segments_using(fields: set[str], fresh_tables: tuple[str, ...], *,
                           now: datetime | None = None) -> SegmentRun:
    """Re-evaluate the active segments whose definition tests one of ``fields``, reading the
    warehouse tables ``fresh_tables`` from the database now instead of the warehouse.

    For what is computed on top after a refresh and stored below (churn risk and CLV,
    ``insights.clv_run``): the warehouse copies it only at its next refresh, so the segments
    on it are evaluated again once it is stored, over the same snapshot otherwise.

    Raises:
        WarehouseEmpty: no warehouse (or none with the customer tables) yet.
    """
    now = now or timezone.now()
    chosen = [s for s in evaluable_segments() if _tests_any(s, fields)]
    if not chosen:
        return SegmentRun(customers=0, segments={}, skipped={}, scores={})
    db = customer_features.open_snapshot()
    try:
        for table in fresh_tables:
            _replace_with_database_rows(db, table)
        customers = customer_features.materialise(db, now, fields=_fields(chosen, False))
        done, skipped = _store_members(db, chosen, now)
    finally:
        db.close()
    return SegmentRun(customers=customers, segments=done, skipped=skipped, scores={})


def _tests_any(segment: Segment, fields: set[str]) -> bool:
    try:
        return bool(segment_rules.fields_of(segment_rules.validate_definition(segment.definition)) & fields)
    except DomainError:
        return False


def _replace_with_database_rows(db, table: str) -> None:
    """The view ``table`` of the snapshot becomes the extract's rows read now (its columns
    cast to the warehouse's types; tables with times are not supported here)."""
    extract = next(e for e in EXTRACTS if e.table == table)
    rows = [row for batch in read_rows(extract) for row in batch]
    arrow = pa.table([pa.array([row[i] for row in rows]) if rows else pa.nulls(0)
                      for i in range(len(extract.columns))], names=extract.names)
    db.register(f"{table}_now", arrow)
    casts = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in extract.columns)
    db.execute(f"DROP VIEW IF EXISTS {table}")
    db.execute(f"CREATE VIEW {table} AS SELECT {casts} FROM {table}_now")


def _fields(chosen: list[Segment], with_scores: bool) -> set[str]:
    """The features the segments test (and the stored scores need): only those are computed."""
    fields = set(SCORE_COLUMNS.replace(" ", "").split(",")) if with_scores else set()
    for segment in chosen:
        try:
            fields |= segment_rules.fields_of(segment_rules.validate_definition(segment.definition))
        except DomainError:
            continue  # skipped below, with the reason
    return fields


def store_scores(db, now: datetime) -> dict[str, int]:
    tz = timezone.get_current_timezone()
    rows = db.execute(f"SELECT {SCORE_COLUMNS} FROM customer_features").fetchall()
    aware = ((cid, stage, rfm, tier, orders, timezone.make_aware(last, tz) if last else None)
             for cid, stage, rfm, tier, orders, last in rows)
    return segment_actions.replace_customer_scores(aware, computed_at=now)


@dataclass
class Preview:
    count: int
    customer_ids: list[int]


def preview(definition: dict, *, now: datetime | None = None) -> Preview:
    """How many customers a (draft) definition selects now, and the first ``PREVIEW_ROWS``
    by id; nothing is saved.

    Raises:
        SegmentInvalid / SegmentConditionInvalid: the definition does not validate.
        WarehouseEmpty: no warehouse yet.
    """
    condition, params = segment_sql.compile_definition(definition)
    if not set(customer_features.TABLES) <= reader.tables():
        raise WarehouseEmpty()
    fields = segment_rules.fields_of(segment_rules.validate_definition(definition))
    sql = (f"WITH customer_features AS ({customer_features.features_sql(fields)}) "
           f"SELECT customer_id, count(*) OVER () FROM customer_features WHERE {condition} "
           f"ORDER BY customer_id LIMIT {PREVIEW_ROWS}")
    rows = reader.query(sql, customer_features.bind(sql, {**customer_features.parameters(now), **params}))
    return Preview(count=rows[0][1] if rows else 0, customer_ids=[row[0] for row in rows])


@shared_task(name="zhanggui.analytics.segment_refresh.refresh_segments_task")
def refresh_segments_task() -> dict:
    """After a warehouse refresh: segments and scores (eager in-process without Redis)."""
    try:
        run = refresh_segments()
    except WarehouseEmpty:
        return {}
    return {"customers": run.customers, "segments": run.segments, "skipped": run.skipped}


def after_refresh_job(run) -> None:
    """Registered with ``analytics.after_refresh`` (``apps.py``): enqueue the evaluation."""
    refresh_segments_task.delay()
