"""Write imported customers and products (with their SKUs) in bulk.

Customers are matched on their code (``<channel>-<customer id>``), products and SKUs on
their codes. A record the file describes exactly as stored is skipped; one that differs
in a field the file gives is updated (fields the file leaves empty keep their value).
Callers run ``write`` inside the import's transaction.
"""

from collections import Counter, defaultdict
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.catalog import rules as catalog_rules
from zhanggui.catalog.models import ListingStatus, Product, Sku
from zhanggui.customers.models import Customer
from zhanggui.imports.keys import customer_code
from zhanggui.imports.mapping import MappedRow, RowError
from zhanggui.imports.references import (
    BATCH_SIZE,
    IMPORT_CATEGORY_NAME,
    References,
    in_chunks,
)

CUSTOMER_ATTRIBUTES = {"nickname": "nickname", "name": "name", "phone": "phone",
                       "email": "email", "gender": "gender", "birthday": "birthday",
                       "province": "province_code", "city": "city", "country": "country",
                       "note": "note"}
PRODUCT_ATTRIBUTES = {"title": "title", "brand": "brand", "description": "description",
                      "status": "status"}
SKU_ATTRIBUTES = {"price_amount": "price_amount", "cost_amount": "cost_amount",
                  "weight_grams": "weight_grams", "barcode": "barcode", "options": "option_values"}


def _attributes(values: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {target: values[source] for source, target in names.items() if source in values}


def _apply_changes(obj: models.Model, attributes: dict[str, Any]) -> list[str]:
    """Set the attributes that differ; return their names."""
    changed = [name for name, value in attributes.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, attributes[name])
    return changed


def _by_code(model, codes: list[str]) -> dict[str, Any]:
    found = {}
    for chunk in in_chunks(codes):
        found.update((obj.code, obj) for obj in model.objects.filter(code__in=chunk))
    return found


def _save_changes(model, objects: list[models.Model], fields: set[str]) -> None:
    if objects:
        now = timezone.now()
        for obj in objects:
            obj.updated_at = now
        model.objects.bulk_update(objects, sorted(fields | {"updated_at"}), batch_size=BATCH_SIZE)


class CustomerWriter:
    def __init__(self, *, channel: str, references: References, counts: Counter):
        self.channel = channel
        self.references = references
        self.counts = counts

    def write(self, rows: list[MappedRow]) -> list[RowError]:
        by_code = {customer_code(self.channel, row.values["customer_id"]): row for row in rows}
        existing = _by_code(Customer, list(by_code))
        new, changed, fields = [], [], set()
        for code, row in by_code.items():
            attributes = _attributes(row.values, CUSTOMER_ATTRIBUTES)
            customer = existing.get(code)
            if customer is None:
                new.append(Customer(code=code, channel=self.channel, **attributes))
                continue
            names = _apply_changes(customer, attributes)
            if names:
                changed.append(customer)
                fields.update(names)
        Customer.objects.bulk_create(new, batch_size=BATCH_SIZE)
        _save_changes(Customer, changed, fields)
        self.references.customers.update((c.code, c.pk) for c in [*new, *existing.values()])
        self.counts["customers_created"] += len(new)
        self.counts["customers_updated"] += len(changed)
        self.counts["customers_skipped"] += len(by_code) - len(new) - len(changed)
        return []

    def check(self, rows: list[MappedRow]) -> list[RowError]:
        """What ``write`` would refuse, without writing: nothing (a valid row is a customer)."""
        return []


class ProductWriter:
    """Rows are SKUs; the product-level values of a product come from its first row."""

    def __init__(self, *, references: References, counts: Counter):
        self.references = references
        self.counts = counts
        self.new_option_names: dict[str, list[str]] = {}  # products the check found new

    def check(self, rows: list[MappedRow]) -> list[RowError]:
        """What ``write`` would refuse, without writing (the check pass of the skip mode):
        the same checks against the stored products and SKUs, a new product having the
        option names of its first row in the file."""
        skus = _by_code(Sku, [row.values["sku_code"] for row in rows])
        products = _by_code(Product, list({row.values["product_code"] for row in rows}))
        problems = []
        for row in rows:
            code = row.values["product_code"]
            product = products.get(code)
            if product is None:
                names = self.new_option_names.setdefault(code, list(row.values.get("options", {})))
                product = Product(code=code, option_names=names)
            problem = self._sku_problem(row, product, skus.get(row.values["sku_code"]))
            if problem:
                problems.append(problem)
        return problems

    def write(self, rows: list[MappedRow]) -> list[RowError]:
        by_product: dict[str, list[MappedRow]] = defaultdict(list)
        for row in rows:
            by_product[row.values["product_code"]].append(row)
        products = self._write_products(by_product)
        return self._write_skus(rows, products)

    def _category_id(self, values: dict[str, Any]) -> int | None:
        path = tuple(p.strip() for p in values.get("category", "").replace(">", "/").split("/")
                     if p.strip())
        return self.references.category_id(path) if path else None

    def _write_products(self, by_product: dict[str, list[MappedRow]]) -> dict[str, Product]:
        existing = _by_code(Product, list(by_product))
        new, changed, fields = [], [], set()
        for code, product_rows in by_product.items():
            values = product_rows[0].values
            attributes = _attributes(values, PRODUCT_ATTRIBUTES)
            category_id = self._category_id(values)
            if category_id:
                attributes["category_id"] = category_id
            product = existing.get(code)
            if product is None:
                attributes.setdefault("category_id", self.references.category_id((IMPORT_CATEGORY_NAME,)))
                product = Product(code=code, option_names=list(values.get("options", {})), **attributes)
                if product.status != ListingStatus.DRAFT:
                    product.status_changed_at = timezone.now()
                new.append(product)
                existing[code] = product
                continue
            names = _apply_changes(product, attributes)
            if names:
                changed.append(product)
                fields.update(names)
        Product.objects.bulk_create(new, batch_size=BATCH_SIZE)
        _save_changes(Product, changed, fields)
        self.counts["products_created"] += len(new)
        self.counts["products_updated"] += len(changed)
        self.counts["products_skipped"] += len(by_product) - len(new) - len(changed)
        self.references.products.update((code, p.pk) for code, p in existing.items())
        return existing

    def _write_skus(self, rows: list[MappedRow], products: dict[str, Product]) -> list[RowError]:
        existing = _by_code(Sku, [row.values["sku_code"] for row in rows])
        new, changed, fields, problems = [], [], set(), []
        for row in rows:
            product = products[row.values["product_code"]]
            attributes = _attributes(row.values, SKU_ATTRIBUTES)
            problem = self._sku_problem(row, product, existing.get(row.values["sku_code"]))
            if problem:
                problems.append(problem)
                continue
            sku = existing.get(row.values["sku_code"])
            if sku is None:
                new.append(Sku(product_id=product.pk, code=row.values["sku_code"], **attributes))
                continue
            names = _apply_changes(sku, attributes)
            if names:
                changed.append(sku)
                fields.update(names)
        Sku.objects.bulk_create(new, batch_size=BATCH_SIZE)
        _save_changes(Sku, changed, fields)
        self.references.skus.update((s.code, s.pk) for s in [*new, *existing.values()])
        self.counts["skus_created"] += len(new)
        self.counts["skus_updated"] += len(changed)
        self.counts["skus_skipped"] += len(rows) - len(new) - len(changed) - len(problems)
        return problems

    @staticmethod
    def _sku_problem(row: MappedRow, product: Product, sku: Sku | None) -> RowError | None:
        if sku is not None and sku.product_id != product.pk:
            return RowError(row.line, "sku_code", _("this SKU code belongs to another product"),
                            row.values["sku_code"])
        options = row.values.get("options", sku.option_values if sku else {})
        problems = catalog_rules.option_problems(product.option_names, options)
        if problems:
            return RowError(row.line, "options", "; ".join(problems), str(options))
        return None
