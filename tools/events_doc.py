"""Write docs/events.md from the event catalogue (``zhanggui.events.catalogue``):

    .venv/bin/python tools/events_doc.py          # rewrite the file
    .venv/bin/python tools/events_doc.py --check  # exit 1 when the file is not current (tests)
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DOC = ROOT / "docs" / "events.md"

INTRO = """# Domain events

<!-- Written by tools/events_doc.py from src/zhanggui/events/catalogue.py: do not edit by hand. -->

The shop's domain events, as other systems will receive them. Each event is written to the
outbox table (`events_event`) in the same database transaction as the change that causes it:
a change that rolls back leaves no event, and every committed change has its event. Every
event has:

- `event_id`: a UUID that never changes, also on a re-send. Receivers deduplicate on it.
- `type` and `version`: the catalogue entry below. A version only gains optional fields. A
  field removed or changed in meaning makes a new version.
- `subject_type` and `subject_id`: the object the event is about.
- `occurred_at`: when it happened.
- `data`: the object's figures at that moment. Amounts are decimal strings in the order's
  currency, and times are ISO 8601 with a zone.

Payloads carry no personal data (names, phones, addresses). A receiver reads those through the
API, with its own token's permissions.

Orders, customers and products that arrive by import write no event each (an import of a
year's orders would send hundreds of thousands): the import writes one `import.applied`, in the
transaction of its rows, and a receiver syncs the lists it names (docs/api-sync.md). Webhook
delivery is described in docs/integrations.md.
"""


def render() -> str:
    from zhanggui.events.catalogue import CATALOGUE

    parts = [INTRO, "## Catalogue\n", "| type | version | subject | when |", "|---|---|---|---|"]
    parts += [f"| `{t.name}` | {t.version} | {t.subject_type} | {t.summary} |"
              for t in CATALOGUE.values()]
    for t in CATALOGUE.values():
        schema = json.dumps(t.json_schema(), indent=2, ensure_ascii=False)
        parts += ["", f"## `{t.name}` (version {t.version})", "", t.summary, "",
                  "```json", schema, "```"]
    return "\n".join(parts) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print(f"{DOC} is not current: run tools/events_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
