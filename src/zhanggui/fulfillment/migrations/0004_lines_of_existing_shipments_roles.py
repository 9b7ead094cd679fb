"""Every existing shipment (one per order before parcels had lines) gets its order's lines,
already packed; the shop gets its fulfillment policy row; the roles get the new permissions."""

from django.db import migrations

from zhanggui.accounts.roles import create_app_permissions, sync_roles

LINES_OF_EXISTING_SHIPMENTS = """
INSERT INTO fulfillment_shipmentline (shipment_id, order_line_id, sku_id, quantity, packed_quantity)
SELECT s.id, l.id, l.sku_id, l.quantity, l.quantity
FROM fulfillment_shipment s JOIN orders_orderline l ON l.order_id = s.order_id
WHERE s.id = (SELECT MIN(s2.id) FROM fulfillment_shipment s2 WHERE s2.order_id = s.order_id)
"""


def forwards(apps, schema_editor):
    schema_editor.execute(LINES_OF_EXISTING_SHIPMENTS)
    apps.get_model("fulfillment", "FulfillmentPolicy").objects.get_or_create(pk=1)
    create_app_permissions(apps, "fulfillment")
    sync_roles(apps, app_labels=["fulfillment"])


class Migration(migrations.Migration):
    dependencies = [
        ("fulfillment", "0003_parcels_waves_carriers_tracking"),
        ("orders", "0007_console_list_filter_indexes"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
