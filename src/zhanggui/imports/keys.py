"""Pure keys and snapshots of imported records: the codes they are matched on (see
``docs/imports.md``, Keys), carriers by name, and addresses split from one text."""

import hashlib
import json
from typing import Any

from zhanggui.imports.parsers import split_address

GUEST = "guest"


def _fit(text: str, max_length: int, channel: str = "") -> str:
    """``text`` if it fits, else a stable digest (with the channel as readable prefix)."""
    if len(text) <= max_length:
        return text
    digest = hashlib.sha1(text.encode()).hexdigest()[:20]
    return f"{channel[:max_length - 22]}-{digest}" if channel else digest[:max_length]


def customer_code(channel: str, customer_id: str | None) -> str:
    """The code of an imported customer: ``<channel>-<id>``; guests share ``<channel>:guest``."""
    if not customer_id:
        return _fit(f"{channel}:{GUEST}", 40, channel)
    return _fit(f"{channel}-{customer_id}", 40, channel)


def order_number(channel: str, order_id: str) -> str:
    return _fit(f"{channel}-{order_id}", 40, channel)


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def sku_code_for(values: dict[str, Any], channel: str) -> str:
    """The SKU code of a line: the file's code, else derived from title and options."""
    if values.get("sku_code"):
        return values["sku_code"]
    return f"{channel[:40]}-{_digest(values.get('product_title', ''), values.get('options', {}))}"


def product_code_for(values: dict[str, Any], channel: str) -> str:
    """The product code of a line: the file's, else its SKU code, else derived from the title
    (so a title's variants become SKUs of one product)."""
    if values.get("product_code"):
        return values["product_code"]
    if values.get("sku_code"):
        return _fit(values["sku_code"], 40, channel)
    return f"{channel[:20]}-{_digest(values.get('product_title', ''))}"



CARRIER_NAMES = (
    ("顺丰", "sf"), ("sf", "sf"), ("中通", "zto"), ("zto", "zto"), ("圆通", "yto"),
    ("yto", "yto"), ("申通", "sto"), ("sto", "sto"), ("韵达", "yunda"), ("yunda", "yunda"),
    ("京东", "jd"), ("jd", "jd"), ("ems", "ems"), ("邮政", "ems"), ("极兔", "jt"), ("j&t", "jt"),
)


def carrier_code(name: str) -> str:
    """The ``fulfillment.Carrier`` of a carrier name (顺丰速运 → sf), or "" when unknown."""
    folded = name.casefold()
    for fragment, code in CARRIER_NAMES:
        if fragment in folded:
            return code
    return ""


def recipient_address(header: dict[str, Any]) -> tuple[str, str, str, str]:
    """(province code, city, district, street) from separate fields, or split from a full
    Chinese address (Taobao's 收货地址) when the file gives only that."""
    if "full_address" in header and "province" not in header and "address" not in header:
        province, city, district, street = split_address(header["full_address"])
        return province, city[:40], district[:40], street[:200]
    return (header.get("province", ""), header.get("city", ""), header.get("district", ""),
            header.get("address", ""))
