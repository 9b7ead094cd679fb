"""Douyin shop (抖店) order export (抖店后台 → 订单管理 → 批量导出), CSV (UTF-8 with BOM)
or .xlsx.

One row per sub order (子订单编号: one SKU line) of a main order (主订单编号: what the buyer
paid for at once); the rows of a main order are grouped into one order. The amounts are
per sub order — 商品单价 × 商品数量 is the line, 订单应付金额 and 运费 are the sub order's
share of the payable and of shipping — so the order's payable and shipping are the sums
over its rows (``summed_fields``) and the discount is what the lines and shipping exceed
the payable by. Douyin writes ids and times with a trailing tab, which the readers strip.
Column names: ``docs/channel-imports.md``.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.imports.profiles.base import Column, Options, Profile

STATUS_MAP = {
    "待支付": "pending_payment",
    "待付款": "pending_payment",
    "待发货": "paid",
    "已支付": "paid",
    "备货中": "paid",
    "部分发货": "shipped",
    "已发货": "shipped",
    "售后中": "shipped",  # a return or refund under way; its outcome is a later export's
    "已完成": "completed",
    "已关闭": "closed",  # closed after payment becomes cancelled (see imports.rules)
    "已取消": "closed",
}

PROFILE = Profile(
    name="douyin", kind="orders", label=_("Douyin shop (抖店) order export"),
    columns=(
        Column("order_id", ("主订单编号",)),
        Column("product_title", ("选购商品",)),
        Column("options", ("商品规格",), parser="spec"),
        Column("quantity", ("商品数量",)),
        Column("sku_code", ("商家编码",)),
        Column("unit_price", ("商品单价", "商品金额")),
        Column("total_amount", ("订单应付金额",)),
        Column("shipping_amount", ("运费",)),
        Column("placed_at", ("订单提交时间",)),
        Column("paid_at", ("支付完成时间",)),
        Column("shipped_at", ("发货时间",)),
        Column("completed_at", ("订单完成时间",)),
        Column("status", ("订单状态",)),
        Column("cancel_reason", ("取消原因",)),
        Column("recipient_name", ("收件人",)),
        Column("recipient_phone", ("收件人手机号",)),
        Column("province", ("省",)),
        Column("city", ("市",)),
        Column("district", ("区",)),
        Column("address", ("详细地址", "街道")),
        Column("buyer_note", ("买家留言",)),
        Column("seller_note", ("商家备注",)),
        Column("carrier", ("快递公司",)),
        Column("tracking_number", ("快递单号", "运单号")),
    ),
    options=Options(timezone="Asia/Shanghai", default_channel="douyin",
                    value_maps={"status": STATUS_MAP},
                    summed_fields=("total_amount", "shipping_amount"),
                    payment_method="wechat", currency="CNY"),
    description=_("One row per sub order; the sub orders of a main order (主订单编号) make "
                  "one order."),
)
