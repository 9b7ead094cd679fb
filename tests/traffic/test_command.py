"""``zhanggui create_ingest_key``: prints the secret once with the script tag to paste."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zhanggui.accounts.queries import get_staff_for_token
from zhanggui.traffic.queries import is_ingest_only

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_working_key_and_the_script_tag(owner):
    out = StringIO()
    call_command("create_ingest_key", "myshop", "--user", owner.username,
                 "--endpoint", "https://admin.example.com/api/v1/traffic/events", stdout=out)
    text = out.getvalue()
    secret = next(word for word in text.split() if word.startswith("zg_"))
    staff = get_staff_for_token(secret)
    assert staff.username == "storefront-myshop" and is_ingest_only(staff)
    assert ('<script src="https://admin.example.com/static/traffic/zg.js" '
            'data-endpoint="https://admin.example.com/api/v1/traffic/events" '
            f'data-key="{secret}" defer></script>') in text


def test_the_command_refuses_a_bad_name_or_an_unknown_actor():
    with pytest.raises(CommandError):
        call_command("create_ingest_key", "my shop", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("create_ingest_key", "shop", "--user", "nobody-here", stdout=StringIO())
