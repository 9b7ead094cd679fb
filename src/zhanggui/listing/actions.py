"""Listing writes: audits (one product or the whole catalog) and listing through the gate.

Findings are derived data: ``audit_product`` replaces a product's findings and score with
fresh ones, ``audit_catalog`` does it for every product in batches, and ``list_product``
always re-audits before it lists. The console runs ``audit_product`` after every product
or SKU save; the API offers it as ``POST /listing/products/{id}/audit``.
"""

from statistics import mean

from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.catalog import actions as catalog_actions
from zhanggui.catalog.models import ListingReason, ListingStatus, Product
from zhanggui.listing import queries, rules
from zhanggui.listing.errors import ListingBlocked, OverrideNotAllowed
from zhanggui.listing.models import AuditRun, AuditRunStatus, Finding, ProductScore

OVERRIDE_PERMISSION = "listing.override_listing_block"


def _store(product: Product, findings: list[rules.Finding], now) -> ProductScore:
    Finding.objects.filter(product=product).delete()
    Finding.objects.bulk_create(
        Finding(product=product, rule=f.rule, severity=f.severity, field=f.field[:80],
                params=f.params, start=f.start, end=f.end, audited_at=now) for f in findings)
    counts = {severity: sum(1 for f in findings if f.severity == severity)
              for severity in (rules.BLOCKING, rules.WARNING, rules.HINT)}
    score, _created = ProductScore.objects.update_or_create(product=product, defaults={
        "score": rules.score(findings), "blocking_count": counts[rules.BLOCKING],
        "warning_count": counts[rules.WARNING], "hint_count": counts[rules.HINT],
        "audited_at": now})
    return score


def _check(products: list[Product]) -> list[tuple[Product, list[rules.Finding]]]:
    lexicons, policy = queries.lexicon_set(), queries.policy()
    context = queries.CategoryContext(lexicons)
    return [(product, rules.check_product(facts, lexicons, policy))
            for product, facts in queries.facts_for(products, context)]


@transaction.atomic
def audit_product(product: Product, *, actor: Staff | None) -> ProductScore:
    """Run every check on ``product`` and store its findings and score (replacing the old)."""
    product = queries.products_to_audit([product.pk]).get()
    [(product, findings)] = _check([product])
    score = _store(product, findings, timezone.now())
    log_operation(product, action="listing.audit_product", actor=actor,
                  after={"score": score.score, "blocking": score.blocking_count,
                         "warnings": score.warning_count})
    return score


@transaction.atomic
def queue_audit_run(*, actor: Staff | None) -> AuditRun:
    """Create a queued bulk audit; ``tasks.launch`` runs it after commit."""
    run = AuditRun.objects.create(actor=actor)
    log_operation(run, action="listing.queue_audit_run", actor=actor)
    return run


def audit_catalog(*, actor: Staff | None, run: AuditRun | None = None,
                  product_ids: list[int] | None = None, batch_size: int = 200) -> AuditRun:
    """Audit every product (or ``product_ids``), one transaction per batch so a large
    catalog never holds one long write lock; records totals on the ``AuditRun``.

    A failure marks the run failed with the error and re-raises; batches already stored
    stay (each product's findings are replaced as a whole, never half-written).
    """
    if run is None:
        run = queue_audit_run(actor=actor)
    AuditRun.objects.filter(pk=run.pk).update(status=AuditRunStatus.RUNNING)
    scores: list[int] = []
    blocked = 0
    try:
        ids = list(queries.products_to_audit(product_ids).values_list("id", flat=True))
        for offset in range(0, len(ids), batch_size):
            with transaction.atomic():
                batch = list(queries.products_to_audit(ids[offset:offset + batch_size]))
                now = timezone.now()
                for product, findings in _check(batch):
                    score = _store(product, findings, now)
                    scores.append(score.score)
                    blocked += score.blocking_count > 0
    except Exception as exc:
        AuditRun.objects.filter(pk=run.pk).update(status=AuditRunStatus.FAILED, error=str(exc),
                                                  finished_at=timezone.now())
        raise
    with transaction.atomic():
        run = AuditRun.objects.select_for_update().get(pk=run.pk)
        run.status, run.finished_at = AuditRunStatus.DONE, timezone.now()
        run.product_count, run.blocked_count = len(scores), blocked
        run.average_score = round(mean(scores), 2) if scores else None
        run.save()
        log_operation(run, action="listing.audit_catalog", actor=actor,
                      after={"products": run.product_count, "blocked": blocked,
                             "average_score": str(run.average_score)})
    return run


def _blocking_summary(findings: list[rules.Finding]) -> str:
    messages = []
    for finding in findings:
        if finding.severity == rules.BLOCKING:
            message, _fix = rules.render(finding)
            messages.append(message)
    return "；".join(messages)


@transaction.atomic
def list_product(product: Product, *, actor: Staff | None, override_reason: str | None = None,
                 reason: str = ListingReason.NEW) -> Product:
    """List (上架) ``product`` after a fresh audit.

    Refuses while a blocking finding stands, unless ``actor`` holds
    ``listing.override_listing_block`` (the owner) and gives ``override_reason``, which is
    written to the operation log with the findings overridden.

    Raises:
        ListingBlocked: blocking findings and no override reason (409).
        OverrideNotAllowed: an override reason from someone without the permission (403).
        ListingNotAllowed: from ``catalog.set_listing_status`` (e.g. no active SKU).
    """
    product = queries.products_to_audit([product.pk]).get()
    [(product, findings)] = _check([product])
    _store(product, findings, timezone.now())
    blocking = [f for f in findings if f.severity == rules.BLOCKING]
    override_reason = (override_reason or "").strip()
    if blocking and override_reason:
        if actor is None or not actor.has_perm(OVERRIDE_PERMISSION):
            raise OverrideNotAllowed()
        log_operation(product, action="listing.override_listing_block", actor=actor,
                      after={"rules": [f.rule for f in blocking],
                             "findings": _blocking_summary(findings)},
                      note=override_reason)
    elif blocking:
        raise ListingBlocked(findings=_blocking_summary(findings))
    return catalog_actions.set_listing_status(product, status=ListingStatus.LISTED, reason=reason,
                                              actor=actor)
