"""JD (京东) POP seller order export (京东商家后台 → 订单管理 → 订单导出).

One row per SKU of an order; the order-level columns (订单金额, 结算金额, 应付金额, 运费金额,
times, customer, address) repeat on every row of the order, so the rows of an order are
grouped on 订单号 and its values are read from the first row. 京东价 is the unit list
price; 结算金额 is what the buyer owes after JD's and the shop's discounts (余额支付
included; 应付金额 is the part still paid online), so the discount is what the lines exceed
it by. A deleted order ("(删除)" before the status, e.g. the parent of a split order whose
sales are in its child orders) is closed — cancelled and refunded when it had been paid.
Column names: ``docs/channel-imports.md``.
"""

from django.utils.translation import gettext_lazy as _

from zhanggui.imports.profiles.base import Column, Options, Profile

_STATUSES = {
    "等待付款": "pending_payment",
    "等待出库": "paid",
    "等待打印": "paid",
    "等待打包": "paid",
    "等待发货": "paid",
    "锁定": "paid",  # a paid order held (cancel request, risk check) — not shipped
    "暂停": "paid",
    "等待确认收货": "shipped",
    "已发货": "shipped",
    "完成": "completed",
    "已完成": "completed",
    "已取消": "closed",  # closed after payment becomes cancelled (see imports.rules)
    "取消": "closed",
}

STATUS_MAP = {
    **_STATUSES,
    **{f"{mark}{label}": "closed"
       for label in _STATUSES for mark in ("(删除)", "（删除）")},
}

PROFILE = Profile(
    name="jd", kind="orders", label=_("JD (京东) order export"),
    columns=(
        Column("order_id", ("订单号", "订单编号")),
        Column("product_title", ("商品名称",)),
        Column("quantity", ("订购数量", "商品数量")),
        Column("unit_price", ("京东价", "商品单价")),
        Column("sku_code", ("商家SKU", "商家编码", "货号")),
        Column("placed_at", ("下单时间",)),
        Column("goods_amount", ("订单金额",)),
        Column("total_amount", ("结算金额",)),
        Column("shipping_amount", ("运费金额",)),
        Column("status", ("订单状态",)),
        Column("customer_id", ("下单帐号", "下单账号")),
        Column("customer_name", ("下单帐号", "下单账号")),
        Column("recipient_name", ("客户姓名",)),
        Column("full_address", ("客户地址",)),
        Column("recipient_phone", ("联系电话",)),
        Column("buyer_note", ("订单备注",)),
        Column("seller_note", ("商家备注",)),
        Column("paid_at", ("付款确认时间",)),
        Column("completed_at", ("订单完成时间",)),
        Column("shipped_at", ("出库时间",)),
        Column("carrier", ("承运商", "快递公司")),
        Column("tracking_number", ("运单号",)),
    ),
    options=Options(timezone="Asia/Shanghai", default_channel="jd",
                    value_maps={"status": STATUS_MAP}, payment_method="card", currency="CNY"),
    description=_("One row per SKU of an order; order-level columns repeat on each row."),
)
