"""Example files of the ``zhanggui`` template, one per kind (downloadable in the console;
the same rows are documented in ``docs/imports.md``)."""

import csv
import io

from zhanggui.imports.profiles import get_builtin

EXAMPLES: dict[str, list[dict[str, str]]] = {
    "products": [
        {"product_code": "TS001", "title": "纯棉短袖T恤", "sku_code": "TS001-WHT-M",
         "price_amount": "79.00", "cost_amount": "32.00", "category": "服饰 / T恤",
         "brand": "掌柜", "options": "颜色:白色;尺码:M", "weight_grams": "180",
         "barcode": "6901234567001", "status": "listed"},
        {"product_code": "TS001", "title": "纯棉短袖T恤", "sku_code": "TS001-WHT-L",
         "price_amount": "79.00", "cost_amount": "32.00", "category": "服饰 / T恤",
         "brand": "掌柜", "options": "颜色:白色;尺码:L", "weight_grams": "190",
         "barcode": "6901234567002", "status": "listed"},
    ],
    "customers": [
        {"customer_id": "C0001", "nickname": "小明", "name": "王小明", "phone": "13800000001",
         "email": "xiaoming@example.com", "gender": "male", "birthday": "1990-05-01",
         "province": "浙江", "city": "杭州", "country": "中国", "note": "老客户"},
        {"customer_id": "C0002", "nickname": "小红", "name": "李小红", "phone": "13900000002",
         "gender": "female", "province": "广东", "city": "深圳"},
    ],
    "orders": [
        {"order_id": "A1001", "placed_at": "2024-03-01 10:15:00", "status": "completed",
         "paid_at": "2024-03-01 10:16:00", "customer_id": "C0001", "customer_name": "小明",
         "recipient_name": "王小明", "recipient_phone": "13800000001", "province": "浙江",
         "city": "杭州", "district": "西湖区", "address": "文三路100号",
         "shipping_amount": "0.00", "discount_amount": "10.00", "total_amount": "148.00",
         "payment_method": "alipay", "carrier": "顺丰速运", "tracking_number": "SF1000000001",
         "sku_code": "TS001-WHT-M", "product_code": "TS001", "product_title": "纯棉短袖T恤",
         "options": "颜色:白色;尺码:M", "quantity": "1", "unit_price": "79.00",
         "warehouse_code": "WH-HZ"},
        {"order_id": "A1001", "sku_code": "TS001-WHT-L", "product_code": "TS001",
         "product_title": "纯棉短袖T恤", "options": "颜色:白色;尺码:L", "quantity": "1",
         "unit_price": "79.00", "warehouse_code": "WH-HZ"},
        {"order_id": "A1002", "placed_at": "2024-03-02 20:00:00", "status": "paid",
         "customer_id": "C0002", "recipient_name": "李小红", "recipient_phone": "13900000002",
         "province": "广东", "city": "深圳", "address": "南山区科技园1号",
         "shipping_amount": "8.00", "sku_code": "TS001-WHT-M", "product_title": "纯棉短袖T恤",
         "quantity": "2", "unit_price": "79.00"},
    ],
}


def template_header(kind: str) -> list[str]:
    return [column.field for column in get_builtin("zhanggui", kind).columns]


def example_csv(kind: str) -> bytes:
    """The example file of ``kind``: UTF-8 with BOM, so that Excel opens it correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=template_header(kind), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(EXAMPLES[kind])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
