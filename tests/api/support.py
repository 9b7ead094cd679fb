"""Helpers of the API tests: a JSON client, staff of a role, and a database fingerprint."""

import itertools
import json
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.db import models
from django.test import Client

from tests import factories
from zhanggui.accounts.actions import create_api_token, create_staff
from zhanggui.accounts.models import Staff

APPS = ("accounts", "catalog", "inventory", "customers", "orders", "fulfillment", "aftersales")
NOBODY = "nobody"
_seq = itertools.count(1)


def staff_of(role: str) -> Staff:
    """A new staff member of ``role``; ``"nobody"`` has no role at all."""
    if role == NOBODY:
        return create_staff(f"nobody{next(_seq)}", password=factories.PASSWORD, roles=[],
                            actor=None)
    return factories.make_staff(role)


class ApiClient:
    """A Django test client speaking JSON, authenticated with a fresh bearer token."""

    def __init__(self, staff: Staff | None, *, language: str | None = None):
        self.staff = staff
        self.client = Client()
        self.headers: dict[str, str] = {}
        self.secret = None
        if staff is not None:
            _token, self.secret = create_api_token(staff, name="tests", actor=staff)
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {self.secret}"
        if language:
            self.headers["HTTP_ACCEPT_LANGUAGE"] = language

    def request(self, method: str, path: str, body: Any = None, query: dict | None = None,
                **headers):
        if query:
            path = f"{path}?{urlencode(query, doseq=True)}"
        extra = {**self.headers, **headers}
        if body is None:
            return self.client.generic(method.upper(), path, **extra)
        return self.client.generic(method.upper(), path, json.dumps(body),
                                   content_type="application/json", **extra)

    def get(self, path: str, **query):
        return self.request("GET", path, query=query)

    def post(self, path: str, body: Any = None, **headers):
        return self.request("POST", path, {} if body is None else body, **headers)

    def patch(self, path: str, body: Any):
        return self.request("PATCH", path, body)


def row_counts() -> dict[str, int]:
    """Row counts of every table of the business apps (the operation log included)."""
    return {model._meta.label: model._default_manager.count()
            for label in APPS for model in apps.get_app_config(label).get_models()}


def stored_fields(obj: models.Model | None) -> dict[str, Any] | None:
    """The stored values of ``obj`` as the database holds them now."""
    if obj is None:
        return None
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


def fingerprint(target: models.Model | None = None) -> tuple:
    return row_counts(), stored_fields(target)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    data = response.json()
    assert data["code"] == code, data
    assert data["message"]
    return data
