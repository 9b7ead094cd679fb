"""Permission-matrix rows of issue 18: channels and their stock sync, team KPIs, live
sessions. ``rows(Row, V1)`` builds them with the matrix's own ``Row`` (``tests/api/matrix.py``
adds them; importing ``matrix`` here would be circular)."""

from tests.channels import matrix_cases_listings as channel_cases
from tests.channels import matrix_cases_sync as sync_cases
from tests.live import matrix_cases_live as live_cases
from tests.team import matrix_cases_team as team_cases


def rows(Row, V1) -> list:
    ROWS = []
    # Channels, listings, price conflicts (tests/channels/matrix_cases_listings.py).
    CH = f"{V1}/channels"
    ROWS += [
        Row("GET", CH, channel_cases.list_channels, "channels.view_channel"),
        Row("GET", f"{CH}/{{channel_id}}", channel_cases.get_channel, "channels.view_channel"),
        Row("GET", f"{CH}/listings", channel_cases.list_listings, "channels.view_channellisting"),
        Row("POST", f"{CH}/listings", channel_cases.create_listing, "channels.add_channellisting", 201),
        Row("GET", f"{CH}/listings/{{listing_id}}", channel_cases.get_listing,
            "channels.view_channellisting"),
        Row("PATCH", f"{CH}/listings/{{listing_id}}", channel_cases.update_listing,
            "channels.change_channellisting"),
        Row("POST", f"{CH}/listings/{{listing_id}}/list", channel_cases.list_listing,
            "channels.change_channellisting"),
        Row("POST", f"{CH}/listings/{{listing_id}}/delist", channel_cases.delist_listing,
            "channels.change_channellisting"),
        Row("GET", f"{CH}/price-conflicts", channel_cases.price_conflicts,
            "channels.view_channellisting"),
    ]
    # Channel stock sync (tests/channels/matrix_cases_sync.py).
    ROWS += [
        Row("GET", f"{CH}/published-quantities", sync_cases.quantities,
            "channels.view_publishedquantity"),
        Row("GET", f"{CH}/publish-runs", sync_cases.runs, "channels.view_publishrun"),
        Row("GET", f"{CH}/publish-runs/{{run_id}}", sync_cases.run, "channels.view_publishrun"),
        Row("POST", f"{CH}/sync/recompute", sync_cases.recompute, "channels.publish_stock"),
        Row("POST", f"{CH}/{{channel_id}}/publish", sync_cases.publish, "channels.publish_stock"),
        Row("GET", f"{CH}/sync-rules", sync_cases.rules, "channels.view_syncrule"),
        Row("POST", f"{CH}/sync-rules", sync_cases.create_rule, "channels.add_syncrule", 201),
        Row("PATCH", f"{CH}/sync-rules/{{rule_id}}", sync_cases.update_rule,
            "channels.change_syncrule"),
        Row("DELETE", f"{CH}/sync-rules/{{rule_id}}", sync_cases.delete_rule,
            "channels.delete_syncrule"),
    ]
    # Team targets, reviews and "my numbers" (tests/team/matrix_cases_team.py).
    TEAM = f"{V1}/team"
    ROWS += [
        Row("GET", f"{TEAM}/me/numbers", team_cases.my_numbers, None),
        Row("GET", f"{TEAM}/kpis", team_cases.kpis, "team.view_kpitarget"),
        Row("GET", f"{TEAM}/dashboard", team_cases.dashboard, "team.view_kpitarget"),
        Row("GET", f"{TEAM}/targets", team_cases.list_targets, "team.view_kpitarget"),
        Row("POST", f"{TEAM}/targets", team_cases.create_target, "team.add_kpitarget", status=201),
        Row("POST", f"{TEAM}/targets/copy", team_cases.copy_targets, "team.add_kpitarget",
            status=201),
        Row("GET", f"{TEAM}/targets/{{target_id}}", team_cases.get_target, "team.view_kpitarget"),
        Row("PATCH", f"{TEAM}/targets/{{target_id}}", team_cases.change_target,
            "team.change_kpitarget"),
        Row("DELETE", f"{TEAM}/targets/{{target_id}}", team_cases.delete_target,
            "team.delete_kpitarget"),
        Row("GET", f"{TEAM}/reviews", team_cases.list_reviews, "team.view_performancereview"),
        Row("POST", f"{TEAM}/reviews", team_cases.create_review, "team.add_performancereview",
            status=201),
        Row("GET", f"{TEAM}/reviews/{{review_id}}", team_cases.get_review,
            "team.view_performancereview"),
        Row("PATCH", f"{TEAM}/reviews/{{review_id}}", team_cases.change_review,
            "team.change_performancereview"),
        Row("POST", f"{TEAM}/reviews/{{review_id}}/finalise", team_cases.finalise_review,
            "team.change_performancereview"),
    ]
    # Live sessions (tests/live/matrix_cases_live.py).
    LIVE = f"{V1}/live/sessions"
    ROWS += [
        Row("GET", LIVE, live_cases.list_, "live.view_livesession"),
        Row("GET", f"{LIVE}/{{session_id}}", live_cases.detail, "live.view_livesession"),
        Row("POST", LIVE, live_cases.create, "live.add_livesession", status=201),
        Row("PATCH", f"{LIVE}/{{session_id}}", live_cases.update, "live.change_livesession"),
        Row("POST", f"{LIVE}/{{session_id}}/segments", live_cases.add_segment,
            "live.change_livesession", status=201),
        Row("PUT", f"{LIVE}/{{session_id}}/segments/{{segment_id}}", live_cases.update_segment,
            "live.change_livesession"),
        Row("DELETE", f"{LIVE}/{{session_id}}/segments/{{segment_id}}", live_cases.remove_segment,
            "live.change_livesession"),
        Row("POST", f"{LIVE}/{{session_id}}/order", live_cases.reorder, "live.change_livesession"),
        Row("POST", f"{LIVE}/{{session_id}}/start", live_cases.start, "live.run_session"),
        Row("POST", f"{LIVE}/{{session_id}}/end", live_cases.end, "live.run_session"),
        Row("POST", f"{LIVE}/{{session_id}}/cancel", live_cases.cancel, "live.run_session"),
        Row("POST", f"{LIVE}/{{session_id}}/metrics/import", live_cases.import_metrics,
            "live.run_session"),
        Row("PUT", f"{LIVE}/{{session_id}}/metrics", live_cases.enter_metrics, "live.run_session"),
        Row("PUT", f"{LIVE}/{{session_id}}/review", live_cases.review, "live.review_session"),
    ]
    return ROWS
