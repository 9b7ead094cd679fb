"""The Celery beat schedule: every periodic task and how often it runs (seconds).
Settings use it as ``CELERY_BEAT_SCHEDULE``; the README lists what each does."""

import os

SCHEDULE = {
    "expire-unpaid-orders": {
        "task": "zhanggui.orders.tasks.expire_unpaid_orders_task",
        "schedule": 60.0,
    },
    "review-unchecked-orders": {
        "task": "zhanggui.orders.tasks.review_unchecked_orders",
        "schedule": 300.0,
    },
    "refresh-analytics-warehouse": {
        "task": "zhanggui.analytics.tasks.refresh_warehouse_task",
        "schedule": 60.0 * int(os.environ.get("ZHANGGUI_WAREHOUSE_REFRESH_MINUTES", "5")),
    },
    "delete-expired-exports": {
        "task": "zhanggui.exports.tasks.delete_expired_exports_task",
        "schedule": 3600.0,
    },
    "sweep-abnormal-parcels": {
        "task": "zhanggui.fulfillment.tasks.sweep_abnormal_parcels_task",
        "schedule": 900.0,
    },
    "sweep-drop-ship": {
        "task": "zhanggui.fulfillment.tasks.sweep_drop_ship_task",
        "schedule": 300.0,
    },
    "escalate-overdue-tasks": {
        "task": "zhanggui.tasks.tasks.escalate_overdue",
        "schedule": 600.0,
    },
    "sweep-overdue-purchase-orders": {
        "task": "zhanggui.suppliers.tasks.sweep_overdue_purchase_orders_task",
        "schedule": 3600.0,
    },
    "sweep-ticket-clocks": {
        "task": "zhanggui.service.tasks.sweep_ticket_clocks_task",
        "schedule": 60.0,
    },
    "poll-service-mailbox": {
        "task": "zhanggui.service.tasks.poll_mailbox_task",
        "schedule": 60.0,
    },
    "dispatch-campaign-messages": {
        "task": "zhanggui.marketing.tasks.dispatch_due_messages",
        "schedule": 60.0,
    },
    "expire-points": {
        "task": "zhanggui.pricing.tasks.expire_points_task",
        "schedule": 3600.0,
    },
    "review-member-tiers": {
        "task": "zhanggui.pricing.tasks.review_tiers_task",
        "schedule": 86400.0,
    },
    "detect-hourly-anomalies": {
        "task": "zhanggui.insights.tasks_anomalies.detect_last_hour_task", "schedule": 3600.0},
    "deliver-webhooks": {
        "task": "zhanggui.integrations.tasks.deliver_webhooks_task", "schedule": 5.0},
    "purge-idempotency-keys": {
        "task": "zhanggui.integrations.tasks.purge_idempotency_keys_task", "schedule": 3600.0},
    "reconcile-flash-sales": {
        "task": "zhanggui.orders.tasks.reconcile_flash_sales_task",
        "schedule": 30.0,
    },
    "sync-all-channels": {
        "task": "zhanggui.channels.tasks.sync_all_task", "schedule": 900.0},
    "build-daily-briefing": {"task": "zhanggui.insights.tasks_briefing.morning_briefing_task",
                             "schedule": 300.0},
    "email-daily-briefing": {"task": "zhanggui.insights.tasks_briefing.email_briefing_task",
                             "schedule": 300.0},
}
