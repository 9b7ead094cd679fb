"""Personal data at rest: Fernet encryption with key rotation, and a keyed blind index.

Keys come from settings (``ZHANGGUI_DATA_KEYS``: Fernet keys, newest first;
``ZHANGGUI_BLIND_INDEX_KEY``: the HMAC key of the blind index). When a setting is empty the
key is derived from ``SECRET_KEY`` so the demo and the tests run without configuration;
``core.checks`` warns about that under ``check --deploy``.

- ``encrypt`` always uses the newest key; ``decrypt`` tries every key (``MultiFernet``), so
  rows written under an older key keep reading until ``reencrypt_personal_data`` moves them.
- A token that no configured key opens raises ``PersonalDataKeyError``: never garbage,
  never an empty string.
- ``phone_index`` is an HMAC-SHA256 of the normalised phone number: the same number typed
  as ``138 0013 8000``, ``+86-138-0013-8000`` or ``13800138000`` gets the same digest, so an
  exact search works on the encrypted column without revealing the number.
"""

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA_KEY_PURPOSE = b"zhanggui.personal-data.v1"
BLIND_INDEX_KEY_PURPOSE = b"zhanggui.blind-index.v1"
PHONE_SEPARATORS = re.compile(r"[\s\-().·]")
DERIVED = "derived"  # in ZHANGGUI_DATA_KEYS: the key derived from SECRET_KEY


class PersonalDataKeyError(Exception):
    """A stored value could not be decrypted with any key in ``ZHANGGUI_DATA_KEYS``."""


def _derive(secret_key: str, purpose: bytes) -> bytes:
    return hmac.new(secret_key.encode(), purpose, hashlib.sha256).digest()


def data_keys_are_derived() -> bool:
    """Whether the key that encrypts is the one derived from SECRET_KEY."""
    keys = getattr(settings, "ZHANGGUI_DATA_KEYS", None)
    return not keys or keys[0] == DERIVED


def blind_index_key_is_derived() -> bool:
    return not getattr(settings, "ZHANGGUI_BLIND_INDEX_KEY", "")


@dataclass(frozen=True)
class _Keyring:
    data_keys: tuple[str, ...]  # newest first, ``derived`` resolved
    every_key: MultiFernet
    newest_key: Fernet
    blind_index_hmac: "hmac.HMAC"  # keyed, empty: copied for each value


@lru_cache(maxsize=8)
def _keyring(data_keys: tuple[str, ...], blind_index_key: str, secret_key: str) -> _Keyring:
    derived = base64.urlsafe_b64encode(_derive(secret_key, DATA_KEY_PURPOSE)).decode()
    keys = tuple(derived if key == DERIVED else key for key in data_keys or (DERIVED,))
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured(
                f"ZHANGGUI_DATA_KEYS: key {position} is not a Fernet key "
                f"(32 url-safe base64-encoded bytes): {error}") from None
    index_key = (blind_index_key.encode() if blind_index_key
                 else _derive(secret_key, BLIND_INDEX_KEY_PURPOSE))
    return _Keyring(keys, MultiFernet(fernets), fernets[0],
                    hmac.new(index_key, digestmod=hashlib.sha256))


def _current() -> _Keyring:
    """The keys of the current settings (resolved once per distinct configuration).

    Raises:
        ImproperlyConfigured: a key in ZHANGGUI_DATA_KEYS is not a Fernet key.
    """
    return _keyring(tuple(getattr(settings, "ZHANGGUI_DATA_KEYS", None) or ()),
                    getattr(settings, "ZHANGGUI_BLIND_INDEX_KEY", "") or "", settings.SECRET_KEY)


def configured_data_keys() -> tuple[str, ...]:
    """The Fernet keys in force, newest first: the one derived from SECRET_KEY when unset.
    The word ``derived`` in the list stands for that key, so an installation that ran
    without keys can move to its own: ``ZHANGGUI_DATA_KEYS=<new key>,derived``.

    Raises:
        ImproperlyConfigured: a key in ZHANGGUI_DATA_KEYS is not a Fernet key.
    """
    return _current().data_keys


def encrypt(text: str) -> str:
    """A Fernet token of ``text`` under the newest key."""
    return _current().every_key.encrypt(text.encode()).decode()


def decrypt(token: str, *, what: str = "a personal-data value") -> str:
    """The plain text of ``token``.

    Raises:
        PersonalDataKeyError: no configured key decrypts it (a missing or wrong key in
            ZHANGGUI_DATA_KEYS, or a value that is not a token of ours).
    """
    try:
        return _current().every_key.decrypt(token.encode()).decode()
    except InvalidToken:
        raise PersonalDataKeyError(
            f"No key in ZHANGGUI_DATA_KEYS decrypts {what}: the key it was encrypted with is "
            f"not configured (or the stored value is not a Zhanggui token).") from None


def is_current(token: str) -> bool:
    """Whether ``token`` is already encrypted under the newest key."""
    try:
        _current().newest_key.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def normalise_phone(phone: str) -> str:
    """The phone number as digits: full-width digits folded, spaces, dashes, dots and
    brackets dropped, and a mainland prefix (+86, 0086, 86 before 11 digits) removed."""
    number = PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", phone or ""))
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            return number[len(prefix):]
    if number.startswith("86") and len(number) == 13:
        return number[2:]
    return number


def blind_index(value: str) -> str:
    """HMAC-SHA256 of ``value`` under the blind-index key, hex (64 characters)."""
    mac = _current().blind_index_hmac.copy()
    mac.update(value.encode())
    return mac.hexdigest()


def phone_index(phone: str) -> str:
    """The blind index of a phone number however it is formatted; empty for no number."""
    number = normalise_phone(phone)
    return blind_index(number) if number else ""
