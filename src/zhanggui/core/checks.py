"""System checks of the personal-data keys (``zhanggui check --deploy``)."""

from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from zhanggui.core import crypto


@register(Tags.security, deploy=True)
def check_personal_data_keys(app_configs=None, **kwargs) -> list:
    """Warn when the personal-data keys are derived from SECRET_KEY instead of set."""
    problems = []
    if crypto.data_keys_are_derived():
        problems.append(Warning(
            "ZHANGGUI_DATA_KEYS is not set: personal data is encrypted with a key derived "
            "from SECRET_KEY.",
            hint="Generate a key with python -c \"from cryptography.fernet import Fernet; "
                 "print(Fernet.generate_key().decode())\", set ZHANGGUI_DATA_KEYS=<key>,derived, run "
                 "`zhanggui reencrypt_personal_data`, then drop ',derived' (README, Personal "
                 "data).",
            id="zhanggui.W001"))
    if crypto.blind_index_key_is_derived():
        problems.append(Warning(
            "ZHANGGUI_BLIND_INDEX_KEY is not set: the phone-search index uses a key derived "
            "from SECRET_KEY.",
            hint="Set ZHANGGUI_BLIND_INDEX_KEY to a long random string (e.g. another Fernet "
                 "key) and run `zhanggui reencrypt_personal_data`.",
            id="zhanggui.W002"))
    return problems


@register(Tags.security)
def check_personal_data_keys_valid(app_configs=None, **kwargs) -> list:
    """Every key in ZHANGGUI_DATA_KEYS must be a Fernet key (checked on every start)."""
    try:
        crypto.configured_data_keys()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="zhanggui.E001")]
    return []
