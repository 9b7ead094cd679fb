from django.test import Client

from tests.api.support import staff_of
from zhanggui.api import api


def test_docs_page_is_served_to_a_logged_in_user(db):
    client = Client()
    client.force_login(staff_of("analyst"))

    response = client.get("/api/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_openapi_schema_lists_every_router(db):
    client = Client()
    client.force_login(staff_of("analyst"))

    schema = client.get("/api/openapi.json").json()

    paths = schema["paths"]
    tags = {tag for operations in paths.values() for op in operations.values()
            for tag in op["tags"]}
    assert {"accounts", "catalog", "inventory", "customers", "orders", "fulfillment",
            "aftersales"} <= tags
    for prefix, router in api._routers:
        if router.path_operations:  # every mounted router with an operation is documented
            assert any(path.startswith(f"/api{prefix}") for path in paths), prefix
    assert {"TokenAuth", "StaffSessionAuth"} <= set(schema["components"]["securitySchemes"])
    cost = schema["components"]["schemas"]["SkuOut"]["properties"]["cost_amount"]
    assert {"type": "null"} in cost["anyOf"]
