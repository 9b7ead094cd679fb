"""schemathesis hooks of ``tools/fuzz.py``: the run must keep the identities it fuzzes with.

The owner token may revoke tokens and deactivate staff, and a fuzzer tries small ids first,
so a case that would revoke one of the run's own tokens or deactivate its staff members is
dropped; every other id is fuzzed as usual. ``ZHANGGUI_FUZZ_KEEP_TOKENS`` and
``ZHANGGUI_FUZZ_KEEP_STAFF`` hold those ids (comma-separated). Loaded by file path through
``SCHEMATHESIS_HOOKS``.
"""

import os

import schemathesis


def _ids(variable: str) -> set[int]:
    return {int(value) for value in os.environ.get(variable, "").split(",") if value}


KEPT = {"token_id": _ids("ZHANGGUI_FUZZ_KEEP_TOKENS"), "staff_id": _ids("ZHANGGUI_FUZZ_KEEP_STAFF")}


def _as_int(value) -> int | None:
    # The API parses path ids leniently ("01", " 1", "+1" all mean 1).
    try:
        return int(str(value).strip())
    except ValueError:
        return None


@schemathesis.hook
def filter_case(context, case) -> bool:
    parameters = case.path_parameters or {}
    return not any(_as_int(parameters.get(name)) in ids for name, ids in KEPT.items()
                   if name in parameters)
