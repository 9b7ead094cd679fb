"""What every phase of the generator shares: options, the simulated clock, seeded random
streams and small helpers (weighted picks, bulk writes with historical timestamps)."""

import bisect
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone

T = TypeVar("T")
FULL_ORDERS = 31_000
FULL_CUSTOMERS = 9_000
BATCH_SIZE = 2_000
# A year up to today, and the 90 days before it: a report's same period last year (30 days
# by default) and its rolling windows (refund rate 30 days, repurchase 90 days) then have a
# history as full as this year's, so every year-over-year figure compares like with like.
HISTORY_DAYS = 365 + 90


@dataclass(frozen=True)
class SeedOptions:
    """How big and from which seed; ``today`` pins the clock (None: the real clock)."""

    scale: float = 1.0
    seed: int = 2026
    today: date | None = None

    @property
    def order_count(self) -> int:
        return max(300, round(FULL_ORDERS * self.scale))

    @property
    def customer_count(self) -> int:
        return max(80, round(FULL_CUSTOMERS * self.scale))

    @property
    def products_per_leaf(self) -> int:
        return max(3, round(12 * min(1.0, max(0.25, self.scale))))


@dataclass
class Clock:
    """The simulated present. History covers the ``HISTORY_DAYS`` days up to and including
    today."""

    now: datetime
    tz: ZoneInfo

    @classmethod
    def for_options(cls, options: SeedOptions) -> "Clock":
        tz = ZoneInfo(settings.TIME_ZONE)
        if options.today is None:
            now = timezone.now().astimezone(tz).replace(second=0, microsecond=0)
        else:  # a pinned day is seen at 20:30, the evening peak, so runs are repeatable
            now = datetime.combine(options.today, time(20, 30), tzinfo=tz)
        return cls(now=now, tz=tz)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=HISTORY_DAYS - 1)

    def at(self, day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute, second), tzinfo=self.tz)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def day_index(self, moment: datetime) -> int:
        return (self.local(moment).date() - self.first_day).days

    def during(self, rng: random.Random, moment: datetime, start_hour: int,
               end_hour: int) -> datetime:
        """``moment``, or when it falls outside working hours, early next working time."""
        local = self.local(moment)
        if start_hour <= local.hour < end_hour:
            return moment
        day = local.date() + timedelta(days=1 if local.hour >= end_hour else 0)
        return self.at(day, start_hour) + minutes(rng, 0, 90)


def stream(options: SeedOptions, name: str) -> random.Random:
    """An independent random stream per phase, so phases do not shift each other.
    (String seeds are hashed with SHA-512, not Python's randomised ``hash``.)"""
    return random.Random(f"zhanggui-demo:{options.seed}:{name}")


class Picker:
    """Weighted choice over a fixed population with precomputed cumulative weights."""

    def __init__(self, items: Sequence[T], weights: Sequence[int | float]):
        if not items:
            raise ValueError("nothing to pick from")
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def weighted(pairs: Iterable[tuple[T, int]]) -> Picker:
    pairs = list(pairs)
    return Picker([item for item, _w in pairs], [weight for _item, weight in pairs])


def minutes(rng: random.Random, low: float, high: float) -> timedelta:
    """A random duration between ``low`` and ``high`` minutes, to the second."""
    return timedelta(seconds=rng.randint(int(low * 60), int(high * 60)))


def chunked(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@contextmanager
def historical_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk writes keep the ``created_at``/``updated_at`` the simulation chose instead of
    the wall clock (``auto_now``/``auto_now_add`` are switched off meanwhile). A model's
    ``SYNC_FIELD`` (the time the row was written, which the API's sync follows) keeps the
    wall clock."""
    switched = [f for model in model_classes for f in model._meta.concrete_fields
                if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
                and f.name != getattr(model, "SYNC_FIELD", None)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in switched]
    for f in switched:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert in batches; primary keys come back (SQLite ≥ 3.35 and PostgreSQL return them)."""
    with historical_timestamps(model):
        for batch in chunked(objects):
            model.objects.bulk_create(batch)
