"""The Taobao/Tmall order export (GBK, as Taobao writes it) with its item-detail file."""

from decimal import Decimal

import pytest

from tests.imports.conftest import business_digest, errors_of, run_import, write_csv
from zhanggui.aftersales.models import Refund
from zhanggui.customers.models import Customer
from zhanggui.fulfillment.models import Shipment
from zhanggui.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

ORDER_HEADER = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "总金额",
                "买家实际支付金额", "订单状态", "买家留言", "收货人姓名", "收货地址", "联系手机",
                "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司",
                "订单备注", "宝贝总数量", "退款金额"]
ADDRESS = "浙江省 杭州市 西湖区 文三路100号(310000)"
ORDERS = [
    ['="1001"', "tb_小明", "ming@x.com", "150.00", "0.00", "150.00", "150.00", "交易成功", "尽快发货",
     "王小明", ADDRESS, "'13800000001", "2024-03-01 10:00:00", "2024-03-01 10:01:00",
     "连衣裙，T恤", "2", "SF1000000001", "顺丰速运", "老客户", "2", "0.00"],
    ['="1002"', "tb_小红", "", "60.00", "10.00", "70.00", "70.00", "交易关闭", "", "李小红",
     "广东省 深圳市 南山区 科技园1号", "13900000002", "2024-03-02 09:00:00", "2024-03-02 09:05:00",
     "T恤", "1", "", "", "", "1", "70.00"],
    ['="1003"', "tb_小明", "", "60.00", "0.00", "60.00", "0.00", "等待买家付款", "", "王小明", ADDRESS,
     "13800000001", "2024-03-03 12:00:00", "", "T恤", "1", "", "", "", "1", "0.00"],
    ['="1004"', "tb_阿强", "", "60.00", "0.00", "60.00", "0.00", "交易关闭", "", "张强", ADDRESS,
     "13700000003", "2024-03-04 12:00:00", "", "T恤", "1", "", "", "", "1", "0.00"],
    ['="1005"', "tb_小红", "", "120.00", "0.00", "120.00", "120.00", "卖家已发货，等待买家确认", "", "李小红",
     "广东省 深圳市 南山区 科技园1号", "13900000002", "2024-03-05 08:00:00", "2024-03-05 08:01:00",
     "T恤", "1", "YT2000000001", "圆通速递", "", "2", "0.00"],
]
ITEM_HEADER = ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注",
               "订单状态", "商家编码"]
ITEMS = [
    ['="1001"', "法式连衣裙", "100.00", "1", "", "颜色分类：红色;尺码：M", "", "", "交易成功",
     "TB-DRESS-R-M"],
    ['="1001"', "纯棉T恤", "60.00", "1", "", "颜色分类：白色", "", "", "交易成功", ""],
    ['="1002"', "纯棉T恤", "60.00", "1", "", "颜色分类：白色", "", "", "交易关闭", ""],
    ['="1003"', "纯棉T恤", "60.00", "1", "", "颜色分类：白色", "", "", "等待买家付款", ""],
    ['="1004"', "纯棉T恤", "60.00", "1", "", "颜色分类：白色", "", "", "交易关闭", ""],
    ['="1005"', "纯棉T恤", "60.00", "2", "", "颜色分类：白色", "", "", "卖家已发货", ""],
]


@pytest.fixture
def files(tmp_path):
    orders = write_csv(tmp_path / "ExportOrderList.csv", [ORDER_HEADER, *ORDERS], encoding="gbk")
    items = write_csv(tmp_path / "ExportOrderDetailList.csv", [ITEM_HEADER, *ITEMS], encoding="gbk")
    return orders, items


def test_order_file_joined_with_item_file(files):
    orders, items = files

    run = run_import(orders, "orders", "taobao", item_path=items)

    assert run.status == "succeeded", run.message
    assert run.rows_read == len(ORDERS) + len(ITEMS)
    statuses = dict(Order.objects.values_list("external_id", "status"))
    assert statuses == {"1001": "completed", "1002": "cancelled", "1003": "pending_payment",
                        "1004": "closed", "1005": "shipped"}
    first = Order.objects.get(external_id="1001")
    assert (first.channel, first.number, first.customer.code) == ("taobao", "taobao-1001", "taobao-tb_小明")
    assert (first.goods_amount, first.discount_amount, first.total_amount, first.paid_amount) == (
        Decimal("160.00"), Decimal("10.00"), Decimal("150.00"), Decimal("150.00"))
    assert (first.province_code, first.city, first.district, first.address_detail) == (
        "330000", "杭州市", "西湖区", "文三路100号")
    assert (first.recipient_phone, first.buyer_note, first.seller_note) == (
        "13800000001", "尽快发货", "老客户")
    dress = first.lines.get(sku_code="TB-DRESS-R-M")
    assert dress.option_values == {"颜色分类": "红色", "尺码": "M"}
    assert first.payments.get().method == "alipay"


def test_refunds_and_shipments_as_the_export_says(files):
    orders, items = files

    run_import(orders, "orders", "taobao", item_path=items)

    closed_paid = Order.objects.get(external_id="1002")
    assert (closed_paid.paid_amount, closed_paid.refunded_amount) == (Decimal("70.00"), Decimal("70.00"))
    assert Refund.objects.get(order=closed_paid).amount == Decimal("70.00")
    unpaid = Order.objects.get(external_id="1003")
    assert (unpaid.paid_amount, unpaid.paid_at) == (Decimal("0.00"), None)
    assert set(Shipment.objects.values_list("carrier", "tracking_number")) == {
        ("sf", "SF1000000001"), ("yto", "YT2000000001")}
    for shipment in Shipment.objects.all():  # each parcel holds its orders' lines, packed
        lines = OrderLine.objects.filter(shipment_lines__shipment=shipment)
        assert {line.order_id for line in lines} >= {shipment.order_id}
        assert all(sl.quantity == sl.packed_quantity == sl.order_line.quantity
                   for sl in shipment.lines.select_related("order_line"))
    assert Customer.objects.filter(channel="taobao").count() == 3


def test_same_title_variants_share_one_product(files):
    orders, items = files

    run_import(orders, "orders", "taobao", item_path=items)

    shirts = Order.objects.get(external_id="1005").lines.get().sku
    assert shirts.product.title == "纯棉T恤" and shirts.product.status == "draft"
    assert shirts.code.startswith("taobao-")


def test_reimport_of_taobao_files_changes_nothing(files):
    orders, items = files
    run_import(orders, "orders", "taobao", item_path=items)
    before = business_digest()

    again = run_import(orders, "orders", "taobao", item_path=items)

    assert (again.created_count, again.skipped_count) == (0, 5)
    assert business_digest() == before


def test_order_of_several_items_needs_the_item_file(files):
    orders, _items = files

    run = run_import(orders, "orders", "taobao")

    assert errors_of(run) == [("", 2, "宝贝种类")]
    assert not Order.objects.exists()


def test_item_rows_without_their_order_are_reported(tmp_path, files):
    orders, _items = files
    items = write_csv(tmp_path / "items.csv", [ITEM_HEADER, *ITEMS, ['="9999"', "袜子", "5", "1", "", "",
                                                                     "", "", "", ""]],
                      encoding="utf-8-sig")

    run = run_import(orders, "orders", "taobao", item_path=items)

    assert errors_of(run) == [("items", 8, "订单编号")]
    assert not Order.objects.exists()


def test_line_columns_of_the_order_file_are_optional_with_the_item_file(tmp_path):
    keep = [i for i, h in enumerate(ORDER_HEADER) if h not in ("宝贝总数量", "宝贝标题")]
    orders = write_csv(tmp_path / "orders.csv", [[row[i] for i in keep] for row in [ORDER_HEADER, *ORDERS]])
    items = write_csv(tmp_path / "items.csv", [ITEM_HEADER, *ITEMS])

    run = run_import(orders, "orders", "taobao", item_path=items)

    assert run.status == "succeeded", run.message
    assert Order.objects.count() == len(ORDERS)
