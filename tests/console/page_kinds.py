"""The vocabulary of the page matrix: the walk over the URL resolver, ``Page`` (who may open
a pattern and how to fill it), the role sets, and ``model_pages`` (a model's admin pages).
``page_matrix`` and ``page_rows_*`` build the table with it."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from zhanggui.accounts.roles import Role

ROLES = [role.value for role in Role]


# ---- the walk ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    key: str  # the pattern's name with its namespace, or its route when it has no name
    route: str
    pattern: URLPattern

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry, route, inner)
        else:
            key = f"{namespace}{entry.name}" if entry.name else route
            yield Pattern(key, route, entry)


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver()))


def is_api(pattern: Pattern) -> bool:
    return pattern.route.startswith("api/")


def console_patterns() -> list[Pattern]:
    """Every pattern outside the API (the API's operations are walked through its schema)."""
    return [p for p in all_patterns() if not is_api(p)]


def fill(pattern: Pattern, values: dict[str, Any]) -> str:
    """The URL of a route pattern with its parameters filled in."""
    assert isinstance(pattern.pattern.pattern, RoutePattern) or not pattern.parameters
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern.route)


def first_pk(model: type[models.Model]) -> Any:
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} to open: every_kind() must make one"
    return obj.pk


# ---- the table --------------------------------------------------------------------------

NOBODY = "nobody"  # a signed-in staff member without any role
ANONYMOUS = "anonymous"
EVERYONE = frozenset([*ROLES, NOBODY])  # every signed-in staff member
LOGIN = "login"  # anonymous visitors are sent to the login page, ?next= this page


def roles(*names: str) -> frozenset[str]:
    return frozenset(("owner", *names))


OWNER = roles()
# Every role of the shop's staff: a supplier's account (role "supplier") sees its orders only.
ALL_ROLES = frozenset(ROLES) - {"supplier"}
STORE_VIEW = roles("operator", "service", "warehouse", "finance", "analyst")  # orders & co.
STOCK_VIEW = roles("operator", "warehouse", "finance", "analyst")
CUSTOMER_VIEW = roles("operator", "service", "finance", "analyst")
PRICING_VIEW = roles("operator", "finance")
LISTING_VIEW = roles("operator", "designer")
REPORTS_VIEW = roles("operator", "analyst")
REPORTS_READ = roles("operator", "analyst", "finance")  # the report pages themselves


@dataclass(frozen=True)
class Page:
    """How a URL pattern answers a GET.

    Attributes:
        roles: who may open it; every other signed-in staff member gets ``denied``.
        params: the URL's parameters, from the store ``every_kind()`` built.
        url: the whole URL, for a regular-expression pattern.
        redirect: where it sends those who may open it (a 302), instead of a 200.
        denied: what the others get (the admin answers 403; 404 for an app index).
        anonymous: ``LOGIN``, or the status/redirect a visitor who is not signed in gets.
        post_only: it changes something, so a GET is refused (405) for everyone signed in.
    """

    roles: frozenset[str]
    params: Callable[[dict], dict] = lambda store: {}
    url: Callable[[dict], str] | None = None
    redirect: Callable[[dict], str] | None = None
    denied: int = 403
    anonymous: Any = LOGIN
    post_only: bool = False


def _pk(model_label: str) -> Callable[[dict], dict]:
    def params(store: dict) -> dict:
        return {"object_id": first_pk(admin_model(model_label))}
    return params


def admin_model(model_label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(model_label)


def model_pages(model_label: str, view: frozenset[str], add: frozenset[str] = frozenset(),
                delete: frozenset[str] = frozenset()) -> dict[str, Page]:
    """The admin's pages of a model: list, add, change (read-only for viewers), delete,
    history, and the old ``<id>/`` URL that redirects to the change page."""
    app_label, model_name = model_label.split(".")
    name = f"admin:{app_label}_{model_name}"
    obj = _pk(model_label)
    return {
        f"{name}_changelist": Page(view),
        f"{name}_add": Page(add),
        f"{name}_change": Page(view, obj),
        f"{name}_delete": Page(delete, obj),
        f"{name}_history": Page(view, obj),
        f"{app_label}/{model_name}/<path:object_id>/": Page(
            EVERYONE, obj, redirect=lambda store: f"/{app_label}/{model_name}/"
                                                  f"{obj(store)['object_id']}/change/"),
    }


def _object(key: str, field_name: str = "object_id") -> Callable[[dict], dict]:
    return lambda store: {field_name: store[key].pk}
