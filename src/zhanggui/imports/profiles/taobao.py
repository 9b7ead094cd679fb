"""Taobao / Tmall seller order export (订单报表) and its item-detail file (宝贝报表).

The order file has one row per order. Its lines come from the item-detail file,
joined on 订单编号; without that file an order becomes one line from 宝贝标题 and
宝贝总数量, which is only allowed when 宝贝种类 is 1.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.imports.profiles.base import Column, Options, Profile

STATUS_MAP = {
    "等待买家付款": "pending_payment",
    "买家已付款，等待卖家发货": "paid",
    "等待卖家发货": "paid",
    "等待卖家发货，即：买家已付款": "paid",
    "买家已付款": "paid",
    "卖家部分发货": "shipped",
    "卖家已发货，等待买家确认": "shipped",
    "卖家已发货": "shipped",
    "等待买家确认收货": "shipped",
    "等待买家确认收货，即：卖家已发货": "shipped",
    "交易成功": "completed",
    "交易关闭": "closed",  # closed after payment becomes cancelled (see rules)
    "付款以前，卖家或买家主动关闭交易": "closed",
    "交易被淘宝关闭": "closed",
}

PROFILE = Profile(
    name="taobao", kind="orders", label=_("Taobao / Tmall order export"),
    columns=(
        Column("order_id", ("订单编号", "订单号")),
        Column("customer_id", ("买家会员名", "买家昵称")),
        Column("customer_name", ("买家会员名", "买家昵称")),
        Column("goods_amount", ("买家应付货款",)),
        Column("line_total_amount", ("买家应付货款",)),
        Column("shipping_amount", ("买家应付邮费",)),
        Column("total_amount", ("总金额",)),
        Column("paid_amount", ("买家实际支付金额",)),
        Column("status", ("订单状态",)),
        Column("buyer_note", ("买家留言",)),
        Column("recipient_name", ("收货人姓名",)),
        Column("full_address", ("收货地址",)),
        Column("recipient_phone", ("联系手机", "联系电话")),
        Column("placed_at", ("订单创建时间",)),
        Column("paid_at", ("订单付款时间",)),
        Column("completed_at", ("确认收货时间",)),
        Column("shipped_at", ("发货时间",)),
        Column("product_title", ("宝贝标题",)),
        Column("item_kinds", ("宝贝种类",)),
        Column("tracking_number", ("物流单号", "运单号")),
        Column("carrier", ("物流公司",)),
        Column("seller_note", ("订单备注",)),
        Column("quantity", ("宝贝总数量",)),
        Column("refunded_amount", ("退款金额",)),
        Column("cancel_reason", ("订单关闭原因",)),
        Column("payment_reference", ("支付单号",)),
    ),
    item_columns=(
        Column("order_id", ("订单编号", "订单号")),
        Column("product_title", ("标题", "宝贝标题")),
        Column("unit_price", ("价格", "单价")),
        Column("quantity", ("购买数量", "数量")),
        Column("sku_code", ("商家编码", "外部系统编号", "商家编号")),
        Column("options", ("商品属性", "销售属性")),
    ),
    options=Options(timezone="Asia/Shanghai", default_channel="taobao",
                    value_maps={"status": STATUS_MAP}, one_row_per_order=True,
                    payment_method="alipay", currency="CNY"),
    description=_("Order file plus, for orders of several items, the item-detail file "
                  "(--item-file)."),
)
