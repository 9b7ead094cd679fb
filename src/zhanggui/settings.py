"""Django settings for Zhanggui.

Everything a deployment changes comes from environment variables:

- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/db``; default a SQLite file under ``var/``.
- ``REDIS_URL``: e.g. ``redis://127.0.0.1:6379/0``; enables the Redis cache and the Celery
  broker. Without it tasks run eagerly in-process and the cache is per-process memory.
- ``ZHANGGUI_SECRET_KEY``, ``ZHANGGUI_DEBUG``, ``ZHANGGUI_ALLOWED_HOSTS``,
  ``ZHANGGUI_VAR_DIR``, ``ZHANGGUI_TIME_ZONE``, ``ZHANGGUI_SECURE`` (HTTPS-only cookies).
"""

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from zhanggui.beat import SCHEDULE

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ZHANGGUI_VAR_DIR", Path.cwd() / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("ZHANGGUI_DEBUG", False)
SECRET_KEY = os.environ.get(
    "ZHANGGUI_SECRET_KEY", "insecure-development-key-set-ZHANGGUI_SECRET_KEY-in-production"
)
ALLOWED_HOSTS = os.environ.get("ZHANGGUI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "zhanggui.core",
    "zhanggui.accounts",
    "zhanggui.events",
    "zhanggui.catalog",
    "zhanggui.inventory",
    "zhanggui.suppliers",
    "zhanggui.listing",
    "zhanggui.customers",
    "zhanggui.pricing",
    "zhanggui.channels",
    "zhanggui.orders",
    "zhanggui.fulfillment",
    "zhanggui.aftersales",
    "zhanggui.imports",
    "zhanggui.traffic",
    "zhanggui.marketing",
    "zhanggui.service",
    "zhanggui.live",
    "zhanggui.analytics",
    "zhanggui.insights",
    "zhanggui.team",
    "zhanggui.exports",
    "zhanggui.tasks",
    "zhanggui.console",
    "zhanggui.demo",
    "zhanggui.backup",
    "zhanggui.integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "zhanggui.traffic.cors.IngestCorsMiddleware",  # CORS for the storefront event endpoint only
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhanggui.console.security.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # An API POST with an Idempotency-Key runs in one transaction with its key (after the
    # session's account is known).
    "zhanggui.integrations.idempotency.IdempotencyMiddleware",
    # Last: turns a lockout found while authenticating into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhanggui.urls"
WSGI_APPLICATION = "zhanggui.wsgi.application"
ASGI_APPLICATION = "zhanggui.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of django-unfold's templates (the header's alert bell).
        "DIRS": [BASE_DIR / "console" / "overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "zhanggui.console.navigation.unread_alerts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhanggui.sqlite3'}"),
        conn_max_age=int(os.environ.get("ZHANGGUI_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE transactions take the
    # write lock up front so two writers never deadlock on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Staff"
SESSION_ENGINE = "zhanggui.accounts.sessions"
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while the account or the client address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE = SCHEDULE  # every periodic task: zhanggui/beat.py

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("ZHANGGUI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded product media (the listing checks read their bytes); on several hosts, a shared
# volume or an object store configured as Django's default storage.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("ZHANGGUI_MEDIA_DIR", VAR_DIR / "media"))
# The analytics warehouse (Parquet files + manifest); on several hosts, a shared volume.
ZHANGGUI_WAREHOUSE_DIR = Path(os.environ.get("ZHANGGUI_WAREHOUSE_DIR", VAR_DIR / "warehouse"))
# How each web process reads the warehouse. false (the default): views over the Parquet files
# of every table, the derived tables and rollups (written once per version by the refresh)
# included: about 520 MB per process at 10 million traffic events, first load under a second.
# true, for an install with one web process: every table but the raw events and stock
# movements is also loaded into that process's memory.
ZHANGGUI_WAREHOUSE_IN_MEMORY = _env_bool("ZHANGGUI_WAREHOUSE_IN_MEMORY", False)
# Which engine runs the metric registry's queries: "duckdb" (in each web process) or "spark"
# (Apache Spark over the same Parquet warehouse; docs/spark.md). SPARK_MASTER is "local[2]"
# or a cluster's URL (spark://host:7077, yarn, k8s://…); SPARK_WAREHOUSE_URI is where Spark
# reads the warehouse's files (default: ZHANGGUI_WAREHOUSE_DIR; an s3a:// bucket the files
# are synced to); SPARK_CONF is a JSON object of further Spark settings (fs.s3a.endpoint, …).
ZHANGGUI_ANALYTICS_ENGINE = os.environ.get("ZHANGGUI_ANALYTICS_ENGINE", "duckdb")
ZHANGGUI_SPARK_MASTER = os.environ.get("ZHANGGUI_SPARK_MASTER", "local[2]")
ZHANGGUI_SPARK_WAREHOUSE_URI = os.environ.get("ZHANGGUI_SPARK_WAREHOUSE_URI", "")
ZHANGGUI_SPARK_CONF = os.environ.get("ZHANGGUI_SPARK_CONF", "{}")
# Demand forecasts (zhanggui.insights) after each warehouse refresh, at most once per
# FORECAST_EVERY_MINUTES. JOBS > 1 forks worker processes: for a Celery worker of the solo or
# threads pool (a prefork worker forecasts in-process anyway), never a web process.
ZHANGGUI_FORECAST_AFTER_REFRESH = _env_bool("ZHANGGUI_FORECAST_AFTER_REFRESH", True)
ZHANGGUI_FORECAST_EVERY_MINUTES = int(os.environ.get("ZHANGGUI_FORECAST_EVERY_MINUTES", "60"))
ZHANGGUI_FORECAST_JOBS = int(os.environ.get("ZHANGGUI_FORECAST_JOBS", "1"))
# Basket analysis (insights.basket): mine the last 90 days after a refresh, once a day.
ZHANGGUI_BASKET_AFTER_REFRESH = _env_bool("ZHANGGUI_BASKET_AFTER_REFRESH", True)
# Recommendations (insights.recommend_run): after each warehouse refresh, learn from the
# paid orders of the last DAYS days; "for you" leaves out what the customer bought within
# EXCLUDE_DAYS days.
ZHANGGUI_RECOMMEND_AFTER_REFRESH = _env_bool("ZHANGGUI_RECOMMEND_AFTER_REFRESH", True)
ZHANGGUI_RECOMMEND_DAYS = int(os.environ.get("ZHANGGUI_RECOMMEND_DAYS", "365"))
ZHANGGUI_RECOMMEND_EXCLUDE_DAYS = int(os.environ.get("ZHANGGUI_RECOMMEND_EXCLUDE_DAYS", "30"))
# Customer value (insights.clv_run): fitted after each warehouse refresh; CLV over the horizon,
# discounted per 30-day month by the rate (a fraction; 0 = not discounted).
ZHANGGUI_CLV_AFTER_REFRESH = _env_bool("ZHANGGUI_CLV_AFTER_REFRESH", True)
ZHANGGUI_CLV_HORIZON_DAYS = int(os.environ.get("ZHANGGUI_CLV_HORIZON_DAYS", "365"))
ZHANGGUI_CLV_MONTHLY_DISCOUNT = float(os.environ.get("ZHANGGUI_CLV_MONTHLY_DISCOUNT", "0"))
# KPI anomalies (insights.anomaly_run): the same weekday (× hour) of the last WEEKS weeks is
# the baseline; a period is flagged beyond K scaled MADs (the spread never below
# RELATIVE_FLOOR × the median, nor RATE_FLOOR / COUNT_FLOOR, nor the sampling noise); a rate
# only over at least MIN_VOLUME visitors, yuan of GMV or payment attempts in the period, a sum
# only when its baseline reaches MIN_VOLUME (yuan, orders, visitors of one source). The
# hourly beat scores the last complete hour (ZHANGGUI_ANOMALY_HOURLY=false turns it off).
ZHANGGUI_ANOMALIES = {
    "WEEKS": int(os.environ.get("ZHANGGUI_ANOMALY_WEEKS", "8")),
    "K": float(os.environ.get("ZHANGGUI_ANOMALY_K", "3.5")),
    "MIN_HISTORY": 4,
    "RELATIVE_FLOOR": 0.05,
    "RATE_FLOOR": 0.005,
    "COUNT_FLOOR": 1.0,
    "MIN_VOLUME": {"visitors": 200, "gmv": 2000, "attempts": 30, "orders": 10,
                   "source_visitors": 50},
}
ZHANGGUI_ANOMALY_HOURLY = _env_bool("ZHANGGUI_ANOMALY_HOURLY", True)
# Scheduled backups (zhanggui.backup.tasks.backup_task) go here; the newest KEEP are kept.
ZHANGGUI_BACKUP_DIR = Path(os.environ.get("ZHANGGUI_BACKUP_DIR", VAR_DIR / "backups"))
ZHANGGUI_BACKUP_KEEP = int(os.environ.get("ZHANGGUI_BACKUP_KEEP", "14"))
# Exports written in the background (zhanggui.exports) go here and are deleted after KEEP_DAYS;
# with several hosts, a shared volume (the worker writes, a web process serves).
ZHANGGUI_EXPORT_DIR = Path(os.environ.get("ZHANGGUI_EXPORT_DIR", VAR_DIR / "exports"))
ZHANGGUI_EXPORT_KEEP_DAYS = int(os.environ.get("ZHANGGUI_EXPORT_KEEP_DAYS", "7"))
# Without a broker, exports are written in a thread of the web process (not eagerly inside
# the request, which would make the page wait for the whole file); tests turn it off.
ZHANGGUI_EXPORTS_IN_THREAD = not REDIS_URL
# Flash sales (限时秒杀) with REDIS_URL set: each flash-sale SKU's remaining units and each
# buyer's units are reserved in Redis atomically before the order is written (docs/flash-sale.md);
# false (or no Redis) uses the database's conditional updates alone. A reservation with no
# order after RECONCILE_SECONDS (its worker died) is given back by the reconciliation task.
ZHANGGUI_FLASH_SALE_REDIS = _env_bool("ZHANGGUI_FLASH_SALE_REDIS", True) and bool(REDIS_URL)
ZHANGGUI_FLASH_SALE_RECONCILE_SECONDS = int(os.environ.get("ZHANGGUI_FLASH_SALE_RECONCILE_SECONDS", "60"))
# Webhook targets on loopback or private addresses: refused unless this is set (it follows
# ZHANGGUI_DEBUG, so development may send to a receiver on this machine).
ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = _env_bool("ZHANGGUI_WEBHOOK_ALLOW_PRIVATE", DEBUG)
# Channel stock sync: the bulk-stock CSV files written for channels published by file; a
# full recompute and push of every channel every 15 minutes (the safety net of the
# debounced push after each stock change).
ZHANGGUI_CHANNEL_EXPORT_DIR = Path(os.environ.get("ZHANGGUI_CHANNEL_EXPORT_DIR",
                                                  VAR_DIR / "channel-exports"))
with contextlib.suppress(OSError):  # WhiteNoise expects the folder; collectstatic fills it.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders when collectstatic has not run (demo, tests).
WHITENOISE_USE_FINDERS = True

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if _env_bool("ZHANGGUI_SECURE", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    # What `check --deploy` asks for; turn off only if other subdomains are not HTTPS-only.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("ZHANGGUI_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("ZHANGGUI_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts only from this site or with the response's
# nonce; Alpine.js (the console's widgets, from django-unfold) evaluates its attribute
# expressions, which needs 'unsafe-eval'; inline style attributes need 'unsafe-inline' for
# styles (no nonce there, or browsers would ignore 'unsafe-inline').
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, UNSAFE_EVAL],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login and API-token throttling (django-axes, attempts stored in the database so every web
# process sees them): after LOGIN_FAILURE_LIMIT failures for one account, or from one client
# address, further attempts are refused for LOGIN_LOCKOUT_MINUTES; failures before that are
# answered more slowly each time (ZHANGGUI_LOGIN_DELAY_SECONDS, doubling, at most 4 s).
AXES_FAILURE_LIMIT = int(os.environ.get("ZHANGGUI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ZHANGGUI_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "zhanggui.console.security.lockout_response"
AXES_ENABLE_ADMIN = False  # the console's own page lists attempts and unlocks them
AXES_VERBOSE = False
# Behind N trusted proxies (a load balancer), the client address is the Nth from the right
# of X-Forwarded-For; otherwise only the connection's address counts (the header is forgeable).
_PROXY_COUNT = int(os.environ.get("ZHANGGUI_PROXY_COUNT", "0"))
if _PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = _PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
ZHANGGUI_LOGIN_DELAY_SECONDS = float(os.environ.get("ZHANGGUI_LOGIN_DELAY_SECONDS", "0.5"))

# Second factor (django-otp): TOTP apps and one-time recovery codes, optional for any staff;
# required for the owner role when the shop turns it on (console: Team and audit → Security
# policy, or this variable as the initial value).
OTP_TOTP_ISSUER = os.environ.get("ZHANGGUI_OTP_ISSUER", "Zhanggui")
ZHANGGUI_OWNER_SECOND_FACTOR_DEFAULT = _env_bool("ZHANGGUI_OWNER_SECOND_FACTOR", False)

# Mail (alerts to the owner): sent only when ZHANGGUI_EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("ZHANGGUI_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("ZHANGGUI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ZHANGGUI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ZHANGGUI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("ZHANGGUI_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("ZHANGGUI_EMAIL_FROM", "zhanggui@localhost")
ZHANGGUI_ALERT_EMAILS = bool(EMAIL_HOST)
# A send that hangs must fail before the outbox takes the message back (claim minutes below).
EMAIL_TIMEOUT = int(os.environ.get("ZHANGGUI_EMAIL_TIMEOUT_SECONDS", "30"))

# Links in messages to customers (rating a ticket, unsubscribing) start with this address.
ZHANGGUI_PUBLIC_URL = os.environ.get("ZHANGGUI_PUBLIC_URL", "http://localhost:8000")
# Message-IDs of campaign and service mail end with this domain.
ZHANGGUI_MAIL_DOMAIN = os.environ.get("ZHANGGUI_MAIL_DOMAIN", "zhanggui.localhost")

# The daily briefing (insights.briefing): built for yesterday at BRIEFING_AT and e-mailed to
# the staff holding insights.receive_briefing at BRIEFING_EMAIL_AT (shop time, "HH:MM"; the
# beat checks every 5 minutes), and after a warehouse refresh when yesterday's is missing.
ZHANGGUI_BRIEFING_AT = os.environ.get("ZHANGGUI_BRIEFING_AT", "07:30")
ZHANGGUI_BRIEFING_EMAIL_AT = os.environ.get("ZHANGGUI_BRIEFING_EMAIL_AT", "08:00")
ZHANGGUI_BRIEFING_AFTER_REFRESH = _env_bool("ZHANGGUI_BRIEFING_AFTER_REFRESH", True)

# Campaign messages (docs/campaigns.md): the sender of each channel (a dotted path; SMS and
# push have only the console sender, which logs, until a provider adapter is configured) and
# the minutes after which a message a worker claimed but never finished is taken back.
# (Channels not named keep marketing.senders.DEFAULT_SENDERS.)
ZHANGGUI_SENDERS = {channel: path for channel, path in (
    ("email", os.environ.get("ZHANGGUI_SENDER_EMAIL")),
    ("sms", os.environ.get("ZHANGGUI_SENDER_SMS")),
    ("push", os.environ.get("ZHANGGUI_SENDER_PUSH"))) if path}
ZHANGGUI_OUTBOX_CLAIM_MINUTES = int(os.environ.get("ZHANGGUI_OUTBOX_CLAIM_MINUTES", "10"))

# The service desk's mail (docs/service.md): replies are sent from ZHANGGUI_SERVICE_EMAIL;
# mail to it is read from this IMAP mailbox every minute (nothing when no host is set) or
# posted to the inbound-mail endpoint by a mail relay.
ZHANGGUI_SERVICE_EMAIL = os.environ.get("ZHANGGUI_SERVICE_EMAIL", "")
ZHANGGUI_IMAP_HOST = os.environ.get("ZHANGGUI_IMAP_HOST", "")
ZHANGGUI_IMAP_PORT = int(os.environ.get("ZHANGGUI_IMAP_PORT", "993"))
ZHANGGUI_IMAP_USER = os.environ.get("ZHANGGUI_IMAP_USER", "")
ZHANGGUI_IMAP_PASSWORD = os.environ.get("ZHANGGUI_IMAP_PASSWORD", "")
ZHANGGUI_IMAP_FOLDER = os.environ.get("ZHANGGUI_IMAP_FOLDER", "INBOX")

# Customer lifecycle stages (GLOSSARY): days since the last paid order that end each stage
# (new: first paid order within "new" days; lost: beyond "dormant").
ZHANGGUI_LIFECYCLE_DAYS = {
    "new": int(os.environ.get("ZHANGGUI_LIFECYCLE_NEW_DAYS", "30")),
    "active": int(os.environ.get("ZHANGGUI_LIFECYCLE_ACTIVE_DAYS", "90")),
    "at_risk": int(os.environ.get("ZHANGGUI_LIFECYCLE_AT_RISK_DAYS", "180")),
    "dormant": int(os.environ.get("ZHANGGUI_LIFECYCLE_DORMANT_DAYS", "365")),
}

# Business settings: the guides' rules of thumb, overridable per deployment.
ZHANGGUI = {
    "CURRENCY": "CNY",
    "UNPAID_ORDER_TIMEOUT_MINUTES": int(os.environ.get("ZHANGGUI_UNPAID_TIMEOUT_MINUTES", "30")),
    # Automatic review (docs/review.md) queued when an order is paid; off: only the 5-minute
    # sweep and a person's recheck evaluate paid orders.
    "AUTO_REVIEW_ON_PAYMENT": os.environ.get("ZHANGGUI_AUTO_REVIEW_ON_PAYMENT", "1") != "0",
    "LOW_STOCK_THRESHOLD": 50,
    # Promotion eligibility pre-check: event price at or below the lowest price of the last
    # PROMOTION_LOWEST_PRICE_DAYS days, and at least PROMOTION_MIN_SALES units sold.
    "PROMOTION_LOWEST_PRICE_DAYS": 30,
    "PROMOTION_MIN_SALES": 50,
    "AUTO_COMPLETE_DAYS": 10,
    # Analytics: the repurchase-rate window (JD shows 30 and 90 days).
    "REPURCHASE_WINDOW_DAYS": 90,
    # Analytics: a change against an earlier period (环比, 同比) is a percentage only when the
    # earlier figure (for a ratio: its denominator) is at least this, by unit; below it the
    # report shows the two numbers, and a base of zero "new" or "—" (docs/analytics.md).
    "COMPARISON_MIN_BASE": {"count": 20, "money": "100.00"},
    # Risky operations that alert the owner: a refund above this amount; a bulk price
    # change touching more than this many SKUs, or moving any price by more than this
    # fraction (0.3 = 30 %).
    "ALERT_REFUND_AMOUNT": "2000.00",
    "ALERT_BULK_PRICE_ITEMS": 20,
    "ALERT_PRICE_CHANGE_RATE": "0.3",
    # Exports with more rows than this are written in the background (a job with progress
    # and a download link); smaller ones are answered right away.
    "EXPORT_BACKGROUND_ROWS": int(os.environ.get("ZHANGGUI_EXPORT_BACKGROUND_ROWS", "5000")),
    # Channel stock sync (docs/channel-sync.md): a channel whose pushes take this many minutes
    # or more is slow (its oversell guard holds back the last units); stock changes are
    # gathered for this many seconds before one recompute and push.
    "CHANNEL_SLOW_MINUTES": int(os.environ.get("ZHANGGUI_CHANNEL_SLOW_MINUTES", "5")),
    "CHANNEL_SYNC_DEBOUNCE_SECONDS": int(os.environ.get("ZHANGGUI_CHANNEL_SYNC_DEBOUNCE_SECONDS", "5")),
    # Incremental sync of the API's lists (docs/api-sync.md): a change is listed once it is
    # this many seconds old (on PostgreSQL also once every older writing transaction ended).
    "SYNC_SETTLE_SECONDS": int(os.environ.get("ZHANGGUI_SYNC_SETTLE_SECONDS", "2")),
    # How long the API keeps an Idempotency-Key and its first answer (docs/integrations.md).
    "IDEMPOTENCY_KEY_HOURS": int(os.environ.get("ZHANGGUI_IDEMPOTENCY_KEY_HOURS", "24")),
    # Webhooks (docs/integrations.md): a receiver's answer is awaited this long; a delivery is
    # retried with backoff this many hours; an endpoint is turned off (and the owner alerted)
    # once it has failed this many attempts in a row over at least this many hours.
    "WEBHOOK_TIMEOUT_SECONDS": int(os.environ.get("ZHANGGUI_WEBHOOK_TIMEOUT_SECONDS", "10")),
    "WEBHOOK_RETRY_HOURS": int(os.environ.get("ZHANGGUI_WEBHOOK_RETRY_HOURS", "72")),
    "WEBHOOK_DISABLE_AFTER_FAILURES": int(os.environ.get("ZHANGGUI_WEBHOOK_DISABLE_AFTER_FAILURES", "100")),
    "WEBHOOK_DISABLE_AFTER_HOURS": int(os.environ.get("ZHANGGUI_WEBHOOK_DISABLE_AFTER_HOURS", "24")),
}
# Storefront origins allowed to send behaviour events cross-origin (comma-separated,
# e.g. https://shop.example.com; "*" allows any). See docs/traffic.md.
ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS = [o.strip() for o in os.environ.get(
    "ZHANGGUI_TRAFFIC_ALLOWED_ORIGINS", "").split(",") if o.strip()]

# --- Personal data at rest (zhanggui.core.crypto; README "Personal data") -----------------
# Names, phones and street addresses are encrypted with these Fernet keys: comma-separated,
# newest first (the newest encrypts, every one decrypts; `reencrypt_personal_data` moves rows
# to the newest). Phones are found through an HMAC-SHA256 blind index under its own key.
# Unset (demo, tests): both are derived from SECRET_KEY and `check --deploy` warns.
ZHANGGUI_DATA_KEYS = [k.strip() for k in os.environ.get("ZHANGGUI_DATA_KEYS", "").split(",")
                      if k.strip()]
ZHANGGUI_BLIND_INDEX_KEY = os.environ.get("ZHANGGUI_BLIND_INDEX_KEY", "").strip()
# --- end personal data ----------------------------------------------------------------------

UNFOLD = {
    "SITE_TITLE": _("Zhanggui"),
    "SITE_HEADER": _("Zhanggui back office"),
    "SITE_SUBHEADER": _("Store operations"),
    "SITE_SYMBOL": "storefront",
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": False,
    "SHOW_VIEW_ON_SITE": False,
    "ACCOUNT": {"navigation": "zhanggui.console.navigation.account_links"},
    "STYLES": ["zhanggui.console.navigation.stylesheet"],
    "DASHBOARD_CALLBACK": "zhanggui.console.navigation.dashboard",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        # Built per request: one group per domain, each entry only for staff who may open it.
        "navigation": "zhanggui.console.navigation.sidebar_navigation",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHANGGUI_LOG_LEVEL", "WARNING")},
}
