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


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI document names each schema by its class name: two classes of one name
    (an ``EventOut`` of traffic and one of tracking) would be documented as one, and clients
    and the fuzz run would read one operation's answers against the other's schema."""
    from collections import defaultdict

    from ninja import Schema

    import zhanggui.api  # noqa: F401  (every router and its schemas imported)

    by_name = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("zhanggui."):
            by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}


def test_no_two_choices_used_by_the_api_share_a_name():
    """Ninja documents a ``TextChoices`` field as a schema named after the class: two classes of
    one name (a ticket's ``Severity`` and a listing finding's) were documented as one, and the
    fuzz run read listing answers against the ticket's values."""
    from collections import defaultdict

    from django.db import models

    import zhanggui.api  # noqa: F401  (every router and its schemas imported)

    by_name = defaultdict(set)
    for choices in _subclasses(models.TextChoices):
        if choices.__module__.startswith("zhanggui."):
            by_name[choices.__name__].add(f"{choices.__module__}.{choices.__qualname__}")
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}
