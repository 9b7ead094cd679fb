"""The console's import pages: upload → dry-run preview → run in the background."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tests.imports.conftest import business_digest
from zhanggui.imports import tasks
from zhanggui.imports.examples import example_csv
from zhanggui.imports.models import ImportProfile, ImportRun
from zhanggui.orders.models import Order

BAD_ORDERS = (b"order_id,placed_at,sku_code,quantity,unit_price\r\n"
              b"X1,2024-01-01,S1,1,5\r\nX2,someday,S1,1,5\r\n")


def _upload(client, content: bytes, kind="orders", format_name="zhanggui", name="orders.csv"):
    return client.post(reverse("admin:imports_importrun_new"), {
        "kind": kind, "format_name": format_name, "channel": "",
        "file": SimpleUploadedFile(name, content, content_type="text/csv")})


@pytest.fixture
def inline(settings, imports_dir):
    settings.ZHANGGUI_IMPORTS_INLINE = True


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.mark.django_db
def test_upload_previews_then_runs_on_confirm(owner_client, inline):
    assert owner_client.get(reverse("admin:imports_importrun_new")).status_code == 200

    response = _upload(owner_client, example_csv("orders"))

    dry_run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{dry_run.pk}/run/")
    assert dry_run.is_dry_run and dry_run.status == "succeeded" and not Order.objects.exists()
    page = owner_client.get(response.url)
    assert page.status_code == 200
    assert "A1001" in page.content.decode() and page.context["can_confirm"]
    status = owner_client.get(reverse("admin:imports_importrun_status", args=[dry_run.pk])).json()
    assert (status["status"], status["created"], status["is_finished"]) == ("succeeded", 2, True)

    confirmed = owner_client.post(reverse("admin:imports_importrun_confirm", args=[dry_run.pk]))

    run = ImportRun.objects.get(is_dry_run=False)
    assert confirmed.url.endswith(f"/{run.pk}/run/")
    assert (run.status, run.created_count, run.file_sha256) == ("succeeded", 2, dry_run.file_sha256)
    assert Order.objects.count() == 2


@pytest.mark.django_db
def test_errors_are_shown_and_downloadable_and_cannot_be_confirmed(owner_client, inline):
    response = _upload(owner_client, BAD_ORDERS)

    run = ImportRun.objects.get()
    page = owner_client.get(response.url)
    assert run.status == "failed" and not page.context["can_confirm"]
    assert "someday" in page.content.decode()
    report = owner_client.get(reverse("admin:imports_importrun_errors", args=[run.pk]))
    lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[1].startswith("main,3,placed_at,someday,")
    owner_client.post(reverse("admin:imports_importrun_confirm", args=[run.pk]))
    assert ImportRun.objects.count() == 1 and not Order.objects.exists()


@pytest.mark.django_db
def test_lists_and_example_templates_render(owner_client, inline):
    _upload(owner_client, example_csv("customers"), kind="customers", name="c.csv")

    assert owner_client.get(reverse("admin:imports_importrun_changelist")).status_code == 200
    assert owner_client.get(reverse("admin:imports_importprofile_changelist")).status_code == 200
    template = owner_client.get(reverse("admin:imports_importrun_template", args=["products"]))
    assert template.status_code == 200 and template.content == example_csv("products")


@pytest.mark.django_db
def test_role_without_permission_gets_403_and_nothing_changes(client, inline):
    client.force_login(factories.make_staff("service"))
    before = business_digest()

    assert client.get(reverse("admin:imports_importrun_new")).status_code == 403
    assert _upload(client, example_csv("orders")).status_code == 403
    assert client.get(reverse("admin:imports_importprofile_editor")).status_code == 403

    assert not ImportRun.objects.exists() and business_digest() == before


@pytest.mark.django_db(transaction=True)
def test_confirmed_run_executes_in_a_background_thread(client, settings, imports_dir):
    owner = factories.make_staff("owner")
    client.force_login(owner)
    settings.ZHANGGUI_IMPORTS_INLINE = False

    _upload(client, example_csv("orders"))
    tasks.wait_for_background_runs()
    dry_run = ImportRun.objects.get()
    client.post(reverse("admin:imports_importrun_confirm", args=[dry_run.pk]))
    tasks.wait_for_background_runs()

    run = ImportRun.objects.get(is_dry_run=False)
    assert (dry_run.status, run.status, run.actor) == ("succeeded", "succeeded", owner)
    assert Order.objects.count() == 2


@pytest.mark.django_db
def test_profile_editor_maps_a_sample_and_saves(owner_client, owner, imports_dir):
    sample = b"Ref;Kunde;Menge\r\nA;1;2\r\n"
    editor = reverse("admin:imports_importprofile_editor")

    mapping = owner_client.post(editor, {"step": "sample", "kind": "customers", "encoding": "",
                                         "delimiter": "",
                                         "sample": SimpleUploadedFile("s.csv", sample)})
    assert mapping.status_code == 200 and mapping.context["header"] == ["Ref", "Kunde", "Menge"]

    preview = owner_client.post(editor, {"step": "mapping", "name": "crm", "map_0": "customer_id",
                                         "map_1": "nickname", "map_2": "", "preview": "1"})
    assert preview.context["previews"][0]["cells"] == ["A", "1"]

    saved = owner_client.post(editor, {"step": "mapping", "name": "crm", "map_0": "customer_id",
                                       "map_1": "nickname", "map_2": "", "save": "1"})
    assert saved.status_code == 302
    profile = ImportProfile.objects.get(name="crm")
    assert (profile.kind, profile.columns, profile.created_by) == (
        "customers", {"Ref": "customer_id", "Kunde": "nickname"}, owner)

    edit = owner_client.get(editor + f"?profile={profile.pk}")
    assert edit.status_code == 200 and edit.context["form"].initial["map_1"] == "nickname"


SKIP_ORDERS = (b"order_id,placed_at,sku_code,quantity,unit_price\r\n"
               b"X1,2024-01-01,S1,1,5\r\nX2,2024-01-01,S1,1,5\r\nX2,2024-01-01,S2,0,5\r\n"
               b"X3,2024-01-02,S1,1,5\r\n")


@pytest.mark.django_db
def test_skip_invalid_checkbox_imports_the_valid_orders_and_reports_the_rest(owner_client, inline,
                                                                             settings):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = owner_client.get(reverse("admin:imports_importrun_new"))
    assert "Skip invalid records (import the rest)" in form.content.decode()

    response = owner_client.post(reverse("admin:imports_importrun_new"), {
        "kind": "orders", "format_name": "zhanggui", "channel": "", "skip_invalid": "on",
        "file": SimpleUploadedFile("orders.csv", SKIP_ORDERS, content_type="text/csv")})

    dry_run = ImportRun.objects.get()
    assert (dry_run.mode, dry_run.status) == ("skip_invalid", "completed_with_skips")
    page = owner_client.get(response.url)
    content = page.content.decode()
    assert page.context["can_confirm"] and page.context["sibling_count"] == 1
    assert "2 valid records will be imported; 1 invalid records will be skipped." in content
    assert "would be skipped" in content

    confirmed = owner_client.post(reverse("admin:imports_importrun_confirm", args=[dry_run.pk]))

    run = ImportRun.objects.get(is_dry_run=False)
    assert (run.mode, run.status, run.imported_record_count, run.skipped_record_count) == (
        "skip_invalid", "completed_with_skips", 2, 1)
    assert set(Order.objects.values_list("external_id", flat=True)) == {"X1", "X3"}
    result = owner_client.get(confirmed.url).content.decode()
    assert "2 records imported (2 rows)" in result and "1 records skipped (2 rows)" in result
    report = owner_client.get(reverse("admin:imports_importrun_errors", args=[run.pk]))
    lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[1:] == ["main,3,order_id,X2,skipped: order X2 has an error on line 4",
                         "main,4,quantity,0,must not be zero"]


@pytest.mark.django_db
def test_without_the_checkbox_the_upload_is_all_or_nothing(owner_client, inline):
    _upload(owner_client, SKIP_ORDERS)

    dry_run = ImportRun.objects.get()
    assert (dry_run.mode, dry_run.status, dry_run.can_be_confirmed) == (
        "all_or_nothing", "failed", False)
