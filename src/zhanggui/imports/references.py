"""Records imported rows refer to — customers, products and SKUs, categories, warehouses —
matched by code, created in bulk when missing, and cached for the rest of the run so
that no row costs a query of its own.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from zhanggui.catalog.models import Category, ListingStatus, Product, Sku
from zhanggui.customers.models import Customer
from zhanggui.imports.rules import LineDraft
from zhanggui.inventory.models import Warehouse

BATCH_SIZE = 5000
IN_CHUNK = 5000
IMPORT_CATEGORY_NAME = "导入商品"  # created products land here until someone files them
IMPORT_WAREHOUSE_CODE = "IMPORTED"  # shipments of history whose warehouse is unknown


def in_chunks(items: list[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def existing_by_code(model, codes: Iterable[str], fields: tuple[str, ...] = ("code", "pk")):
    """Rows of ``model`` whose code is in ``codes`` as value tuples, in IN-list chunks."""
    codes = list(codes)
    for chunk in in_chunks(codes):
        yield from model.objects.filter(code__in=chunk).values_list(*fields)


class References:
    def __init__(self, counts: Counter):
        self.counts = counts
        self.customers: dict[str, int] = {}
        self.skus: dict[str, int] = {}
        self.products: dict[str, int] = {}
        self.warehouses: dict[str, int] = {}
        self.categories: dict[str, int] = {}

    def ensure_customers(self, wanted: dict[str, Customer]) -> None:
        """Match ``wanted`` (code → unsaved customer) by code; create those missing."""
        missing = [code for code in wanted if code not in self.customers]
        if not missing:
            return
        self.customers.update(existing_by_code(Customer, missing))
        new = [wanted[code] for code in missing if code not in self.customers]
        Customer.objects.bulk_create(new, batch_size=BATCH_SIZE)
        self.customers.update((c.code, c.pk) for c in new)
        self.counts["customers_created"] += len(new)

    def ensure_skus(self, lines: Iterable[LineDraft]) -> None:
        """Match the lines' SKUs by code; create missing SKUs, and their products (by
        product code) in the import category, as drafts priced at the first price seen."""
        wanted: dict[str, LineDraft] = {}
        for line in lines:
            if line.sku_code not in self.skus:
                wanted.setdefault(line.sku_code, line)
        if not wanted:
            return
        self.skus.update(existing_by_code(Sku, wanted))
        missing = [line for code, line in wanted.items() if code not in self.skus]
        if not missing:
            return
        self._ensure_products(missing)
        new = [Sku(product_id=self.products[line.product_code], code=line.sku_code,
                   option_values=line.options, price_amount=line.unit_price_amount,
                   cost_amount=line.unit_cost_amount) for line in missing]
        Sku.objects.bulk_create(new, batch_size=BATCH_SIZE)
        self.skus.update((s.code, s.pk) for s in new)
        self.counts["skus_created"] += len(new)

    def _ensure_products(self, lines: list[LineDraft]) -> None:
        wanted: dict[str, LineDraft] = {}
        for line in lines:
            if line.product_code not in self.products:
                wanted.setdefault(line.product_code, line)
        if not wanted:
            return
        self.products.update(existing_by_code(Product, wanted))
        category_id = self.category_id((IMPORT_CATEGORY_NAME,))
        new = [Product(code=code, title=(line.title or code)[:120], category_id=category_id,
                       option_names=list(line.options), status=ListingStatus.DRAFT)
               for code, line in wanted.items() if code not in self.products]
        Product.objects.bulk_create(new, batch_size=BATCH_SIZE)
        self.products.update((p.code, p.pk) for p in new)
        self.counts["products_created"] += len(new)

    def category_id(self, path: tuple[str, ...]) -> int:
        """The category at ``path`` (names from the root), created level by level."""
        key = " / ".join(path)
        if key in self.categories:
            return self.categories[key]
        parent = None
        for level, name in enumerate(path, start=1):
            node = Category.objects.filter(parent=parent, name=name).first()
            if node is None:
                node = Category.objects.create(parent=parent, name=name, level=level)
                self.counts["categories_created"] += 1
            parent = node
        self.categories[key] = parent.pk
        return parent.pk

    def ensure_warehouses(self, codes: Iterable[str]) -> None:
        missing = sorted({c for c in codes if c and c not in self.warehouses})
        if not missing:
            return
        self.warehouses.update(existing_by_code(Warehouse, missing))
        new = [Warehouse(code=code, name=code) for code in missing if code not in self.warehouses]
        Warehouse.objects.bulk_create(new)
        self.warehouses.update((w.code, w.pk) for w in new)
        self.counts["warehouses_created"] += len(new)

    def import_warehouse_id(self) -> int:
        """An inactive warehouse for shipments of history whose warehouse is unknown."""
        if IMPORT_WAREHOUSE_CODE not in self.warehouses:
            warehouse, created = Warehouse.objects.get_or_create(
                code=IMPORT_WAREHOUSE_CODE, defaults={"name": "导入历史", "is_active": False})
            self.warehouses[IMPORT_WAREHOUSE_CODE] = warehouse.pk
            self.counts["warehouses_created"] += int(created)
        return self.warehouses[IMPORT_WAREHOUSE_CODE]
