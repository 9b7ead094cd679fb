"""Page-matrix rows of the team (issue 18 item 5): the team dashboard and a staff member's
page, KPI targets and performance reviews (owner only: the team permissions are the
owner's). ``make_team_objects(store)`` adds what the pages open (a target and a draft review): call it
in ``page_store.every_kind``."""

from datetime import date
from decimal import Decimal

from tests.console.page_kinds import OWNER, Page, _pk, model_pages

PAGES: dict[str, Page] = {
    "admin:team_dashboard": Page(OWNER),
    "admin:team_staff": Page(OWNER, lambda store: {"staff_id": store["owner"].pk}),
    **model_pages("team.kpitarget", OWNER, OWNER, OWNER),
    **model_pages("team.performancereview", OWNER, OWNER, OWNER),
    "admin:team_performancereview_finalise": Page(OWNER, _pk("team.performancereview")),
}


def make_team_objects(store: dict) -> None:
    """An operator with a GMV target of November 2026 and a draft review of it."""
    from tests import factories
    from zhanggui.team import actions

    operator = factories.make_staff("operator")
    actions.set_target(operator, kpi="gmv", period_start=date(2026, 11, 1),
                       period_end=date(2026, 11, 30), target_value=Decimal("1000"), actor=None)
    actions.write_review(operator, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30),
                         score=80, comments="稳定", actor=None)
