"""Pinduoduo (拼多多) merchant order export (商家后台 → 订单查询 → 导出订单), CSV.

A Pinduoduo order holds one SKU, so the file has one row per order (a repeated 订单号 is
a duplicate). 商品总价(元) is the list price × quantity; 店铺优惠折扣(元) and 平台优惠折扣(元)
are the discounts; 用户实付金额(元) is what the buyer paid, shipping (邮费) included; the
platform writes long numbers and times with a trailing tab, which the readers strip.
Status labels combine the shipping state with a refund ("已发货，退款成功"): refunded
orders are cancelled (refunded in full), orders refunded before shipping as well.
Column names: ``docs/channel-imports.md``.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.imports.profiles.base import Column, Options, Profile

STATUS_MAP = {
    "待支付": "pending_payment",
    "待付款": "pending_payment",
    "待发货": "paid",
    "未发货": "paid",
    "已发货，待签收": "shipped",
    "已发货，待收货": "shipped",
    "已发货": "shipped",
    "已签收": "completed",
    "已收货": "completed",
    "交易成功": "completed",
    "已取消": "closed",  # closed after payment becomes cancelled (see imports.rules)
    "未发货，退款成功": "cancelled",
    "已发货，退款成功": "cancelled",
    "已签收，退款成功": "cancelled",
    "已取消，退款成功": "cancelled",
}

PROFILE = Profile(
    name="pinduoduo", kind="orders", label=_("Pinduoduo (拼多多) order export"),
    columns=(
        Column("order_id", ("订单号",)),
        Column("product_title", ("商品",)),
        Column("options", ("商品规格",), parser="spec"),
        Column("quantity", ("商品数量(件)", "商品数量（件）", "商品数量")),
        Column("line_total_amount", ("商品总价(元)", "商品总价（元）")),
        Column("total_amount", ("用户实付金额(元)", "用户实付金额（元）")),
        Column("shipping_amount", ("邮费(元)", "邮费（元）")),
        Column("status", ("订单状态",)),
        Column("placed_at", ("订单成交时间", "拼单成功时间", "支付时间")),
        Column("paid_at", ("支付时间",)),
        Column("shipped_at", ("发货时间",)),
        Column("completed_at", ("确认收货时间",)),
        Column("recipient_name", ("收货人",)),
        Column("recipient_phone", ("手机", "收货人手机")),
        Column("province", ("省",)),
        Column("city", ("市",)),
        Column("district", ("区",)),
        Column("address", ("街道", "详细地址")),
        Column("sku_code", ("商家编码-SKU维度",)),
        Column("product_code", ("商家编码-商品维度",)),
        Column("tracking_number", ("快递单号",)),
        Column("carrier", ("快递公司",)),
        Column("seller_note", ("商家备注",)),
        Column("buyer_note", ("买家留言",)),
        Column("payment_reference", ("支付ID",)),
    ),
    options=Options(timezone="Asia/Shanghai", default_channel="pinduoduo",
                    value_maps={"status": STATUS_MAP}, one_row_per_order=True,
                    payment_method="wechat", currency="CNY"),
    description=_("One row per order (a Pinduoduo order holds one SKU)."),
)
