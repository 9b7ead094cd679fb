"""Permission-matrix rows of the webhooks API (``/api/v1/webhooks``; setups in
``tests/integrations/matrix_cases.py``). ``rows(Row, V1)`` builds them with the matrix's own
``Row`` (``tests/api/matrix.py`` adds them; importing ``matrix`` here would be circular)."""

from tests.integrations import matrix_cases as webhook_cases


def rows(Row, V1) -> list:
    WH = f"{V1}/webhooks"
    return [
        Row("GET", WH, webhook_cases.list_endpoints, "integrations.view_webhookendpoint"),
        Row("POST", WH, webhook_cases.create_endpoint, "integrations.add_webhookendpoint", 201),
        Row("GET", f"{WH}/{{endpoint_id}}", webhook_cases.get_endpoint,
            "integrations.view_webhookendpoint"),
        Row("POST", f"{WH}/{{endpoint_id}}/enable", webhook_cases.enable_endpoint,
            "integrations.change_webhookendpoint"),
        Row("POST", f"{WH}/{{endpoint_id}}/disable", webhook_cases.disable_endpoint,
            "integrations.change_webhookendpoint"),
        Row("GET", f"{WH}/{{endpoint_id}}/deliveries", webhook_cases.list_deliveries,
            "integrations.view_webhookdelivery"),
        Row("POST", f"{WH}/{{endpoint_id}}/replay", webhook_cases.replay_event,
            "integrations.change_webhookendpoint"),
        Row("POST", f"{WH}/{{endpoint_id}}/replay-range", webhook_cases.replay_range,
            "integrations.change_webhookendpoint"),
    ]
