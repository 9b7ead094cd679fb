"""PDF documents: valid PDFs, one page per parcel, the tracking number and the recipient
on the label, the lines on the slip, the bins on the pick list; printing labels is dated."""


import pytest
from django.utils import translation

from tests import factories
from tests.fulfillment.support import parcel_of, stocked_sku
from zhanggui.accounts.models import OperationLog
from zhanggui.fulfillment import documents, waves, waybills
from zhanggui.fulfillment.models import CarrierService, Shipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse():
    return factories.make_warehouse()


@pytest.fixture
def staff():
    return factories.make_staff("owner")


def _text(document) -> str:
    """The text WeasyPrint laid out on the pages (what the PDF shows)."""
    found = []

    def walk(box):
        text = getattr(box, "text", None)
        if text:
            found.append(text)
        for child in getattr(box, "children", ()):
            walk(child)
    for page in document.pages:
        walk(page._page_box)
    return " ".join(found)


def _numbered(warehouse, count, staff, **order):
    CarrierService.objects.filter(carrier="sf", level="express").update(
        waybill_prefix="SF", waybill_next=1, waybill_last=99999, waybill_digits=10)
    service = CarrierService.objects.get(carrier="sf", level="express")
    sku = stocked_sku(warehouse, 1000, bin_location="A-1")
    parcels = [parcel_of([(sku, 1 + i % 2)], **order) for i in range(count)]
    waybills.assign_tracking_numbers(parcels, service=service, actor=staff)
    return [Shipment.objects.get(pk=p.pk) for p in parcels]


def test_labels_one_page_per_parcel_with_tracking_number_and_recipient(warehouse, staff):
    parcels = _numbered(warehouse, 3, staff)

    with translation.override("zh-hans"):
        document = documents.labels_document(parcels)
        pdf = documents.labels_pdf(parcels)
        recipient = translation.gettext("Recipient")

    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(document.pages) == 3
    width, height = document.pages[0].width, document.pages[0].height
    assert (round(width * 25.4 / 96), round(height * 25.4 / 96)) == (100, 150)  # px → mm
    text = _text(document)
    for parcel in parcels:
        assert parcel.tracking_number in text and parcel.order.number in text
    assert "张三丰" in text and "13800000000" in text and "西湖区文三路 100 号" in text
    assert recipient != "Recipient" and recipient in text  # the labels are translated
    assert warehouse.name in text


def test_print_labels_dates_the_parcels_and_logs(warehouse, staff):
    parcels = _numbered(warehouse, 2, staff)
    pdf = documents.print_labels(parcels, actor=staff)
    assert pdf.startswith(b"%PDF-")
    assert Shipment.objects.filter(label_printed_at__isnull=False).count() == 2
    assert OperationLog.objects.filter(action="fulfillment.print_label", actor=staff).count() == 2


def test_packing_slips_list_lines_quantities_and_the_buyer_note(warehouse, staff):
    shirt, mug = stocked_sku(warehouse), stocked_sku(warehouse)
    parcel = parcel_of([(shirt, 2), (mug, 1)], buyer_note="请用纸箱包装")
    other = parcel_of([(mug, 1)])

    document = documents.packing_slips_document([parcel, other])

    assert len(document.pages) == 2
    assert documents.packing_slips_pdf([parcel]).startswith(b"%PDF-")
    text = _text(document)
    assert shirt.code in text and mug.code in text and "请用纸箱包装" in text
    assert "张三丰" not in text  # no personal data on the slip


def test_pick_list_pdf_walks_the_bins(warehouse, staff):
    a10 = stocked_sku(warehouse, bin_location="A-10")
    a2 = stocked_sku(warehouse, bin_location="A-2")
    parcel_of([(a10, 2), (a2, 1)])
    parcel_of([(a10, 1), (a2, 3)])
    [wave] = waves.build_waves(actor=staff)

    document = documents.pick_list_document(wave)

    assert documents.pick_list_pdf(wave).startswith(b"%PDF-")
    text = _text(document)
    assert wave.number in text and text.index("A-2") < text.index("A-10")


def test_a_batch_of_labels_is_one_pdf_with_a_page_per_parcel(warehouse, staff):
    # How fast 100 labels render is measured by benchmarks/fulfillment.py, not here.
    parcels = _numbered(warehouse, 12, staff)
    document = documents.labels_document(parcels)
    pdf = document.write_pdf()
    assert len(document.pages) == 12 and pdf.startswith(b"%PDF-")
