"""Page-matrix rows of livestream sessions (issue 18): the session admin with its start, end
and cancel steps, the run sheet, the metrics page (upload and entry: POST only), the review
page and the live report's first address (a redirect to ``/reports/live/``).
``live_rows()`` makes the session they open (call it from the store's ``every_kind``)."""

from tests.console.page_kinds import REPORTS_READ, Page, _pk, model_pages, roles

_VIEW = roles("operator", "finance", "analyst")
_RUN = roles("operator")


def _session(store: dict) -> dict:
    from zhanggui.live.models import LiveSession

    return {"pk": LiveSession.objects.order_by("pk").first().pk}


PAGES: dict[str, Page] = {
    **model_pages("live.livesession", _VIEW, add=_RUN),
    "admin:live_livesession_start_one": Page(_RUN, _pk("live.livesession")),
    "admin:live_livesession_end_one": Page(_RUN, _pk("live.livesession")),
    "admin:live_livesession_cancel_one": Page(_RUN, _pk("live.livesession")),
    "admin:live_run_sheet": Page(_VIEW, _session),
    "admin:live_metrics": Page(_VIEW, _session),
    "admin:live_metrics_import": Page(_RUN, _session, post_only=True),
    "admin:live_metrics_enter": Page(_RUN, _session, post_only=True),
    "admin:live_review": Page(_VIEW, _session),
    # the live report's first address forwards to the analytics report ``live``
    "admin:live_report": Page(REPORTS_READ, redirect=lambda store: "/reports/live/"),
}


def live_rows() -> None:
    """A session that ran (ended, with figures) for the pages to open."""
    from tests.live.live_factories import ended_session, metrics_csv
    from zhanggui.live.actions_metrics import import_metrics

    session = ended_session()
    import_metrics(session, metrics_csv([(0, 10, 5, 30, 1, 0, 2, 1, "99.00")]), actor=None)
