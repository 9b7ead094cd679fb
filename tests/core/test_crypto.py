"""Personal data at rest: encryption, key rotation, the blind index and the deploy check."""

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection

from tests import factories
from zhanggui.core import crypto
from zhanggui.core.crypto import PersonalDataKeyError
from zhanggui.customers.models import Address, Customer

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("typed", ["13800138000", "138 0013 8000", "138-0013-8000",
                                   "+86 138 0013 8000", "+86-13800138000", "0086 13800138000",
                                   "8613800138000", "１３８００１３８０００"])
def test_a_phone_typed_any_way_gets_the_same_blind_index(typed):
    assert crypto.phone_index(typed) == crypto.phone_index("13800138000")


def test_different_phones_and_keys_give_different_indexes(settings):
    digest = crypto.phone_index("13800138000")
    assert len(digest) == 64 and digest != crypto.phone_index("13800138001")
    assert crypto.phone_index("") == "" and crypto.phone_index(" - ") == ""
    settings.ZHANGGUI_BLIND_INDEX_KEY = "another-blind-index-key-for-the-test"
    assert crypto.phone_index("13800138000") != digest


def test_encrypt_round_trip_is_randomised():
    first, second = crypto.encrypt("张三丰"), crypto.encrypt("张三丰")
    assert first != second and "张三丰" not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == "张三丰"


def test_the_database_column_holds_ciphertext_and_the_model_reads_plain_text(db):
    customer = factories.make_customer()
    address = customer.addresses.get()

    raw_phone = _raw("customers_customer", "phone", customer.pk)
    raw_detail = _raw("customers_address", "detail", address.pk)

    assert raw_phone.startswith("gAAAAA") and customer.phone not in raw_phone
    assert "文三路" not in raw_detail and "张三丰" not in _raw("customers_customer", "name",
                                                            customer.pk)
    assert _raw("customers_customer", "phone_index", customer.pk) == crypto.phone_index(
        customer.phone)
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.name, fresh.phone) == ("张三丰", customer.phone)
    assert Address.objects.get(pk=address.pk).detail == "西湖区文三路 100 号"


def test_an_empty_value_stays_empty_and_can_be_filtered_on(db):
    customer = factories.make_customer()
    Customer.objects.filter(pk=customer.pk).update(email="")

    assert _raw("customers_customer", "email", customer.pk) == ""
    assert Customer.objects.filter(email="").count() == 1


def test_lookups_that_cannot_work_on_ciphertext_are_refused(db):
    with pytest.raises(FieldError, match="encrypted"):
        list(Customer.objects.filter(phone="13800000001"))
    with pytest.raises(FieldError, match="encrypted"):
        list(Customer.objects.filter(name__icontains="张"))


def test_a_wrong_key_cannot_decrypt_and_says_so(db, settings):
    settings.ZHANGGUI_DATA_KEYS = [KEY_A]
    customer = factories.make_customer()

    settings.ZHANGGUI_DATA_KEYS = [KEY_B]
    with pytest.raises(PersonalDataKeyError, match=r"No key in ZHANGGUI_DATA_KEYS decrypts "
                                                   r"customers\.Customer"):
        Customer.objects.get(pk=customer.pk)
    with pytest.raises(PersonalDataKeyError):
        crypto.decrypt(_raw("customers_customer", "phone", customer.pk))


def test_rows_written_under_the_old_key_read_after_a_new_key_is_added(db, settings):
    settings.ZHANGGUI_DATA_KEYS = [KEY_A]
    customer = factories.make_customer()

    settings.ZHANGGUI_DATA_KEYS = [KEY_B, KEY_A]
    newer = factories.make_customer()

    assert Customer.objects.get(pk=customer.pk).phone == customer.phone
    assert Fernet(KEY_B).decrypt(_raw("customers_customer", "phone", newer.pk).encode()).decode() \
        == newer.phone


def test_the_derived_key_can_be_listed_to_move_off_it(db, settings):
    customer = factories.make_customer()  # written under the key derived from SECRET_KEY

    settings.ZHANGGUI_DATA_KEYS = [KEY_B, "derived"]

    assert Customer.objects.get(pk=customer.pk).phone == customer.phone
    assert not crypto.data_keys_are_derived()


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.ZHANGGUI_DATA_KEYS = [KEY_A, "not-a-fernet-key"]

    with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key"):
        crypto.encrypt("x")
    assert [m.id for m in run_checks(tags=["security"])
            if m.id.startswith("zhanggui.E")] == ["zhanggui.E001"]


def test_check_deploy_warns_while_the_keys_are_derived(settings):
    settings.ZHANGGUI_DATA_KEYS = []
    settings.ZHANGGUI_BLIND_INDEX_KEY = ""
    derived = {m.id for m in run_checks(include_deployment_checks=True)}

    settings.ZHANGGUI_DATA_KEYS = [KEY_A]
    settings.ZHANGGUI_BLIND_INDEX_KEY = "a-long-random-blind-index-key-0123456789"
    configured = {m.id for m in run_checks(include_deployment_checks=True)}

    assert {"zhanggui.W001", "zhanggui.W002"} <= derived
    assert not {"zhanggui.W001", "zhanggui.W002"} & configured
    assert "zhanggui.W001" not in {m.id for m in run_checks()}  # deploy only
