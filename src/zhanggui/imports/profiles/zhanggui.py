"""The ``zhanggui`` template: the project's own documented layout, one per kind.

Headers are the field names (``order_id``, ``placed_at`` …); the Chinese headers below
are accepted too, so a template filled in from a Chinese spreadsheet also loads.
Example files: ``templates.example_rows`` and the console's download link.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.imports.fields import FIELDS_BY_KIND
from zhanggui.imports.profiles.base import Column, Options, Profile

CHINESE_HEADERS = {
    "product_code": "商品编码", "title": "商品标题", "sku_code": "SKU编码", "price_amount": "售价",
    "cost_amount": "成本价", "category": "类目", "brand": "品牌", "description": "描述",
    "options": "规格", "weight_grams": "重量(克)", "barcode": "条码", "status": "状态",
    "customer_id": "客户编号", "nickname": "昵称", "name": "姓名", "phone": "手机",
    "email": "邮箱", "gender": "性别", "birthday": "生日", "province": "省份", "city": "城市",
    "country": "国家", "note": "备注",
    "order_id": "订单编号", "placed_at": "下单时间", "paid_at": "付款时间",
    "shipped_at": "发货时间", "completed_at": "完成时间", "cancelled_at": "取消时间",
    "customer_name": "买家昵称", "recipient_name": "收货人", "recipient_phone": "收货人手机",
    "district": "区县", "address": "详细地址", "buyer_note": "买家留言", "seller_note": "卖家备注",
    "currency": "币种", "discount_amount": "优惠金额", "shipping_amount": "运费",
    "total_amount": "应付金额", "paid_amount": "实付金额", "refunded_amount": "退款金额",
    "payment_method": "支付方式", "product_title": "商品标题",
    "quantity": "数量", "unit_price": "单价", "line_total_amount": "行金额",
    "unit_cost_amount": "单位成本", "warehouse_code": "仓库编码",
    "tracking_number": "物流单号", "carrier": "物流公司",
}
VALUE_MAPS = {
    "products": {"status": {"草稿": "draft", "上架": "listed", "已上架": "listed", "下架": "delisted",
                            "已下架": "delisted"}},
    "customers": {"gender": {"男": "male", "女": "female", "未知": ""}},
    "orders": {
        "status": {"待付款": "pending_payment", "已付款": "paid", "已审核": "reviewed",
                   "已发货": "shipped", "已签收": "delivered", "已完成": "completed",
                   "已取消": "cancelled", "已关闭": "closed"},
        "payment_method": {"支付宝": "alipay", "微信": "wechat", "微信支付": "wechat",
                           "银联": "unionpay", "银行卡": "card"},
    },
}
# Fields a platform layout needs but the own template leaves out (they are derived).
NOT_IN_TEMPLATE = {"payment_state", "fulfillment_state", "full_address", "item_kinds",
                   "tax_amount", "goods_amount"}


def _profile(kind: str, label) -> Profile:
    columns = tuple(
        Column(name, (name, CHINESE_HEADERS[name]) if name in CHINESE_HEADERS else (name,))
        for name in FIELDS_BY_KIND[kind] if name not in NOT_IN_TEMPLATE)
    return Profile(name="zhanggui", kind=kind, label=label, columns=columns,
                   options=Options(value_maps=VALUE_MAPS[kind]),
                   description=_("Zhanggui's own template; see docs/imports.md."))


PROFILES = (
    _profile("products", _("Zhanggui template: products")),
    _profile("customers", _("Zhanggui template: customers")),
    _profile("orders", _("Zhanggui template: orders")),
)
