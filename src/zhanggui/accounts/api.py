"""Accounts API: who am I, my API tokens, staff, and the operation log.

Thin: parse, ``require_perm`` first, call one action or query, render.

Token permissions: holding API tokens is a permission of its own, ``accounts.add_apitoken``
(the owner has it; grant it to a role whose members run integrations). With it a staff
member creates tokens for themself and revokes their own; ``accounts.view_apitoken`` lists
their own tokens; revoking someone else's token also needs ``accounts.change_apitoken``.
"""

from datetime import datetime

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts import actions, queries
from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.errors import NotFound
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id, Moment

router = Router()


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    roles: list[str]
    permissions: list[str]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class NewTokenOut(TokenOut):
    secret: str = Field(description="The token itself. Shown only this once; store it now.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=80)


class StaffOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    is_active: bool
    roles: list[str]
    last_login: datetime | None
    date_joined: datetime

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return sorted(group.name for group in obj.groups.all())


class StaffFilter(FilterSchema):
    search: str | None = None
    role: str | None = None
    is_active: bool | None = None


class OperationOut(Schema):
    id: int
    actor_id: int | None
    actor_username: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None
    note: str
    created_at: datetime

    @staticmethod
    def resolve_actor_username(obj) -> str | None:
        return obj.actor.username if obj.actor_id else None


class OperationFilter(FilterSchema):
    actor_id: Id | None = None
    action: str | None = None
    object_type: str | None = Field(None, description="e.g. `orders.order`")
    object_id: str | None = None
    created_from: Moment | None = Field(None, description="inclusive")
    created_to: Moment | None = Field(None, description="exclusive")


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request):
    """The caller: any authenticated staff member may read their own identity."""
    user = request.user
    return {"id": user.pk, "username": user.username, "display_name": user.display_name,
            "email": user.email, "roles": queries.staff_roles(user),
            "permissions": sorted(user.get_all_permissions())}


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_tokens(request):
    require_perm(request, "accounts.view_apitoken")
    return queries.list_api_tokens(request.user)


@router.post("/tokens", response={201: NewTokenOut, **ERRORS})
def create_token(request, payload: TokenIn):
    require_perm(request, "accounts.add_apitoken")
    token, secret = actions.create_api_token(request.user, name=payload.name, actor=request.user)
    token.secret = secret
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS})
def revoke_token(request, token_id: int):
    require_perm(request, "accounts.add_apitoken")
    token = queries.get_api_token(token_id)
    if token.staff_id != request.user.pk and not request.user.has_perm("accounts.change_apitoken"):
        raise NotFound()  # someone else's token: as if it did not exist
    return actions.revoke_api_token(token, actor=request.user)


@router.get("/staff", response={200: list[StaffOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_staff(request, filters: Query[StaffFilter]):
    require_perm(request, "accounts.view_staff")
    return queries.list_staff(**filters.model_dump())


@router.post("/staff/{staff_id}/deactivate", response={200: StaffOut, **ERRORS})
def deactivate_staff(request, staff_id: int):
    require_perm(request, "accounts.change_staff")
    actions.deactivate_staff(queries.get_staff(staff_id), actor=request.user)
    return queries.get_staff(staff_id)


@router.get("/operation-log", response={200: list[OperationOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_operations(request, filters: Query[OperationFilter]):
    require_perm(request, "accounts.view_operationlog")
    return queries.list_operations(**filters.model_dump())
