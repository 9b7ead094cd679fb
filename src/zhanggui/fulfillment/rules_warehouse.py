"""Pure rules of the warehouse floor: how parcels group into waves, how a wave's lines
become a pick list walked in bin order, what a scan at the packing bench means, what a
plausible parcel weight is, and the numbers of an electronic waybill range. No database."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

SINGLE, MULTI = "single", "multi"  # WaveKind values

# Express carriers take parcels up to 50 kg (heavier goods go by freight): a weight above
# this is a typo at the bench (grams entered as milligrams, a scale left in tare).
MAX_PARCEL_GRAMS = 50_000

WRONG_ITEM, ALREADY_PACKED = "wrong_item", "already_packed"


def wave_kind(units: int) -> str:
    """A parcel of one unit is picked straight into its box (single-item wave); a parcel
    of more units is picked into the cart and sorted after picking (multi-item wave)."""
    return SINGLE if units == 1 else MULTI


def chunks(items: Sequence, size: int) -> list[Sequence]:
    """``items`` cut into consecutive chunks of at most ``size`` (``size`` < 1: one chunk)."""
    if size < 1:
        return [items] if items else []
    return [items[start:start + size] for start in range(0, len(items), size)]


def wave_number(day: date, sequence: int) -> str:
    """W + yymmdd + a four-digit sequence of the day: W2612060001."""
    return f"W{day:%y%m%d}{sequence:04d}"


def wave_number_prefix(day: date) -> str:
    return f"W{day:%y%m%d}"


def next_wave_sequence(numbers: Iterable[str], day: date) -> int:
    """The next sequence of the day after the wave numbers already given that day."""
    prefix = wave_number_prefix(day)
    used = [int(number[len(prefix):]) for number in numbers
            if number.startswith(prefix) and number[len(prefix):].isdigit()]
    return max(used, default=0) + 1


_CHUNK = re.compile(r"(\d+)")


def bin_sort_key(bin_location: str) -> tuple:
    """Natural order of bin locations (A-2 before A-10, case-insensitive); SKUs without a
    bin come last."""
    text = (bin_location or "").strip()
    if not text:
        return (1, ())
    parts = tuple((0, int(part), "") if part.isdigit() else (1, 0, part.upper())
                  for part in _CHUNK.split(text) if part)
    return (0, parts)


@dataclass(frozen=True)
class PickInput:
    """One parcel line of a wave, as the pick list needs it."""

    shipment_id: int
    sku_id: int
    sku_code: str
    title: str
    quantity: int
    bin_location: str = ""


@dataclass
class PickRow:
    """One stop of the picker: a bin and a SKU, the units to take, and for sorting after
    picking the slot (tote) of each parcel and its units."""

    bin_location: str
    sku_id: int
    sku_code: str
    title: str
    quantity: int = 0
    slots: list[tuple[int, int, int]] = field(default_factory=list)  # (slot, shipment, units)


def parcel_slots(shipment_ids: Iterable[int]) -> dict[int, int]:
    """Slot number (1, 2, …) of each parcel of a wave, in parcel-id order."""
    return {shipment_id: slot for slot, shipment_id in enumerate(sorted(set(shipment_ids)), 1)}


def pick_rows(lines: Iterable[PickInput]) -> list[PickRow]:
    """Group a wave's parcel lines per (bin, SKU): total units and each parcel's slot, in
    bin order (natural), then SKU code."""
    lines = list(lines)
    slots = parcel_slots(line.shipment_id for line in lines)
    rows: dict[tuple[str, int], PickRow] = {}
    for line in sorted(lines, key=lambda line: (line.shipment_id, line.sku_id)):
        key = (line.bin_location or "", line.sku_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = PickRow(line.bin_location or "", line.sku_id, line.sku_code,
                                      line.title)
        row.quantity += line.quantity
        slot = slots[line.shipment_id]
        if row.slots and row.slots[-1][0] == slot:
            row.slots[-1] = (slot, line.shipment_id, row.slots[-1][2] + line.quantity)
        else:
            row.slots.append((slot, line.shipment_id, line.quantity))
    return sorted(rows.values(), key=lambda row: (bin_sort_key(row.bin_location),
                                                  row.sku_code, row.sku_id))


@dataclass(frozen=True)
class PackLine:
    line_id: int
    sku_id: int
    quantity: int
    packed_quantity: int


def scan_target(lines: Sequence[PackLine], sku_id: int | None) -> tuple[int | None, str]:
    """Which line a scanned SKU fills: ``(line id, "")``, or ``(None, refusal)`` —
    ``wrong_item`` when the parcel holds no such SKU (or the code is no SKU at all),
    ``already_packed`` when every unit of it is already in the box."""
    matching = [line for line in lines if sku_id is not None and line.sku_id == sku_id]
    if not matching:
        return None, WRONG_ITEM
    for line in sorted(matching, key=lambda line: line.line_id):
        if line.packed_quantity < line.quantity:
            return line.line_id, ""
    return None, ALREADY_PACKED


def all_packed(lines: Iterable[PackLine]) -> bool:
    lines = list(lines)
    return bool(lines) and all(line.packed_quantity == line.quantity for line in lines)


def weight_is_plausible(weight_grams: int | None) -> bool:
    return weight_grams is not None and 0 < weight_grams <= MAX_PARCEL_GRAMS


def waybill_remaining(next_number: int, last_number: int) -> int:
    """Numbers left in a range (``last`` 0: no range loaded)."""
    return max(0, last_number - next_number + 1) if last_number else 0


def waybill_text(prefix: str, number: int, digits: int) -> str:
    """Prefix + zero-padded number: ``SF`` 42 with 10 digits → ``SF0000000042``."""
    return f"{prefix}{number:0{max(digits, 1)}d}"
