""""My numbers" (我的指标) on each person's workbench: their own targets whose period holds
today, against the actuals (``team.queries.my_numbers``). No permission beyond being staff:
everyone sees only their own. Hidden (None) without such targets: one query then."""

from zhanggui.console.admin.team_view import present_all
from zhanggui.team.queries import my_numbers


def team_panel(user) -> dict | None:
    rows = my_numbers(user)
    if not rows:
        return None
    shown = present_all(rows)
    return {"rows": shown, "behind": sum(row["attention"] for row in shown)}
