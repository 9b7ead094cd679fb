"""Listing API: check a draft without saving it, read findings and scores, re-audit a stored
product, start a bulk audit, and list a product through the quality gate.

Thin: ``require_perm`` first, then one action or query. Messages and fixes are in the
request's language (``Accept-Language``).
"""

import base64
import binascii
from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog import queries as catalog_queries
from zhanggui.catalog.models import ListingReason, ListingStatus
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.listing import actions, queries, rules, tasks
from zhanggui.listing.errors import InvalidDraft
from zhanggui.listing.media import image_facts_from_bytes
from zhanggui.listing.models import AuditRunStatus, GoodsKind, Severity

router = Router()


class FindingOut(Schema):
    rule: str
    severity: Severity
    field: str
    message: str
    suggestion: str
    params: dict
    start: int | None = Field(None, description="character offset in the field (wording)")
    end: int | None = None


def _finding_out(finding) -> dict[str, Any]:
    message, fix = rules.render(rules.Finding(finding.rule, finding.severity, finding.field,
                                              finding.params or {}, finding.start, finding.end))
    return {"rule": finding.rule, "severity": finding.severity, "field": finding.field,
            "message": message, "suggestion": fix, "params": finding.params or {},
            "start": finding.start, "end": finding.end}


class ScoreOut(Schema):
    product_id: int
    product_code: str
    title: str
    score: int = Field(description="0–100")
    blocking_count: int
    warning_count: int
    hint_count: int
    audited_at: datetime
    is_stale: bool = Field(description="the product changed after this audit")

    @staticmethod
    def resolve_product_code(obj) -> str:
        return obj.product.code

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.product.title

    @staticmethod
    def resolve_is_stale(obj) -> bool:
        return obj.product.updated_at > obj.audited_at


class ProductAuditOut(ScoreOut):
    findings: list[FindingOut]

    @staticmethod
    def resolve_findings(obj) -> list[dict[str, Any]]:
        return [_finding_out(f) for f in queries.list_findings(obj.product_id)]


class ScoreFilter(FilterSchema):
    rule: str | None = Field(None, description="only products with a finding of this rule")
    severity: Severity | None = None
    max_score: int | None = Field(None, ge=0, le=100)


class DraftSku(Schema):
    code: str = Field(min_length=1, max_length=60)
    option_values: dict[str, Any] = {}
    price_amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    weight_grams: int = Field(0, ge=0)
    available: int | None = Field(None, description="stock; null when unknown")
    is_active: bool = True


class DraftMedia(Schema):
    kind: str = Field("image", pattern="^(image|video)$")
    url: str = Field("", max_length=300)
    content_base64: str | None = Field(None, description="image bytes, checked with Pillow")
    file_format: str = Field("", max_length=10)
    size_bytes: int = Field(0, ge=0)
    width: int = Field(0, ge=0)
    height: int = Field(0, ge=0)
    duration_seconds: int = Field(0, ge=0)
    is_main: bool = False


class DraftIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    subtitle: str = Field("", max_length=200)
    description: str = ""
    category_id: Id | None = Field(None, description="its attributes, keywords, kind of goods")
    goods_kind: GoodsKind | None = Field(None, description="overrides the category's kind")
    attributes: dict[str, Any] = {}
    skus: list[DraftSku] = []
    media: list[DraftMedia] = []


class TitleAnalysisOut(Schema):
    words: list[str]
    core_words: list[str]
    attribute_words: list[str]
    repeated: dict[str, int]
    bytes: int


class CheckOut(Schema):
    score: int
    can_list: bool = Field(description="no blocking finding")
    findings: list[FindingOut]
    title_analysis: TitleAnalysisOut


class ListIn(Schema):
    reason: ListingReason = ListingReason.NEW
    override_reason: str = Field("", max_length=200,
                                 description="owner only: list despite blocking findings")


class ListedOut(Schema):
    product_id: int
    status: ListingStatus
    status_reason: str
    score: int | None


class AuditRunOut(Schema):
    id: int
    status: AuditRunStatus
    product_count: int
    blocked_count: int
    average_score: Decimal | None
    created_at: datetime
    finished_at: datetime | None


def _media_facts(item: DraftMedia) -> rules.MediaFacts:
    if item.kind == "image" and item.content_base64:
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidDraft(
                problem=f"media {item.url or '?'}: content_base64 is not base64") from None
        return image_facts_from_bytes(data, url=item.url or "upload", is_main=item.is_main)
    return rules.MediaFacts(kind=item.kind, url=item.url, file_format=item.file_format.lower(),
                            size_bytes=item.size_bytes, width=item.width, height=item.height,
                            duration_seconds=item.duration_seconds, is_main=item.is_main)


def _draft_facts(payload: DraftIn, lexicons) -> rules.ProductFacts:
    kind, keywords, definitions = "general", (), ()
    if payload.category_id is not None:
        context = queries.CategoryContext(lexicons).of(catalog_queries.get_category(
            payload.category_id))
        kind, keywords = context["goods_kind"], context["core_keywords"]
        definitions = context["definitions"]
    skus = tuple(rules.SkuFacts(code=s.code, label=" / ".join(map(str, s.option_values.values())),
                                price_amount=s.price_amount, weight_grams=s.weight_grams,
                                available=s.available, is_active=s.is_active)
                 for s in payload.skus)
    return rules.ProductFacts(
        title=payload.title, subtitle=payload.subtitle, description=payload.description,
        goods_kind=payload.goods_kind or kind, core_keywords=keywords,
        attribute_definitions=definitions, attributes=payload.attributes, skus=skus,
        media=tuple(_media_facts(m) for m in payload.media))


@router.post("/check", response={200: CheckOut, **ERRORS})
def check_draft(request, payload: DraftIn):
    """Run every check on a draft product without saving anything."""
    require_perm(request, "listing.run_audit")
    lexicons = queries.lexicon_set()
    facts = _draft_facts(payload, lexicons)
    findings = rules.check_product(facts, lexicons, queries.policy())
    analysis = rules.analyse_title(facts.title, core_keywords=facts.core_keywords,
                                   attribute_values=tuple(facts.attributes.values()))
    return {"score": rules.score(findings),
            "can_list": not any(f.severity == rules.BLOCKING for f in findings),
            "findings": [_finding_out(f) for f in findings],
            "title_analysis": analysis.__dict__}


@router.get("/scores", response={200: list[ScoreOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_scores(request, filters: Query[ScoreFilter]):
    """Audited products, worst score first."""
    require_perm(request, "listing.view_productscore", "listing.view_finding")
    return queries.list_scores(**filters.model_dump())


@router.get("/products/{product_id}", response={200: ProductAuditOut, **ERRORS})
def get_product_audit(request, product_id: int):
    """The latest audit of a product: score and findings (404 until it has been audited)."""
    require_perm(request, "listing.view_productscore", "listing.view_finding")
    return queries.get_score(product_id)


@router.post("/products/{product_id}/audit", response={200: ProductAuditOut, **ERRORS})
def audit_product(request, product_id: int):
    """Run the checks on a stored product now and store the findings (e.g. after an update
    through the catalog API)."""
    require_perm(request, "listing.run_audit", "listing.view_productscore",
                 "listing.view_finding")
    actions.audit_product(catalog_queries.get_product(product_id), actor=request.user)
    return queries.get_score(product_id)


@router.post("/products/{product_id}/list", response={200: ListedOut, **ERRORS})
def list_product(request, product_id: int, payload: ListIn):
    """List (上架) a product: refused (409 ``listing_blocked``) while a blocking finding
    stands; the owner may override with ``override_reason`` (others get 403)."""
    require_perm(request, "catalog.change_product")
    product = actions.list_product(catalog_queries.get_product(product_id), actor=request.user,
                                   reason=payload.reason,
                                   override_reason=payload.override_reason or None)
    score = queries.get_score(product.pk)
    return {"product_id": product.pk, "status": product.status,
            "status_reason": product.status_reason, "score": score.score}


@router.post("/audit-runs", response={201: AuditRunOut, **ERRORS})
def start_audit_run(request):
    """Audit the whole catalog in the background (in-process unless a broker is set)."""
    require_perm(request, "listing.run_audit")
    run = actions.queue_audit_run(actor=request.user)
    tasks.launch(run)
    run.refresh_from_db()
    return Status(201, run)
