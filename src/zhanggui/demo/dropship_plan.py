"""Which demo goods are drop-shipped (一件代发): three in four home goods, stocked only in the
supplier's warehouse YW01 (its stock comes from the supplier's feed, not from purchase orders)."""

from zlib import crc32

from zhanggui.demo.plans import SkuInfo

DROP_SHIP_WAREHOUSE = "YW01"
DROP_SHIP_CATEGORY = "home"


def is_drop_ship(sku: SkuInfo) -> bool:
    """All SKUs of a product go the same way (decided by the product's title)."""
    return sku.top.key == DROP_SHIP_CATEGORY and crc32(sku.product_title.encode()) % 4 != 0
