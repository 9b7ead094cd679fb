"""Pure rules for customers' personal data: masking and phone validation."""

import re

PERSONAL_DATA_PERMISSION = "customers.view_personal_data"
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def mask_phone(phone: str) -> str:
    """138****5678 for a mainland mobile; otherwise keep the first 3 and last 2 characters."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "****" + phone[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]


def mask_name(name: str) -> str:
    """张** for 张三丰: the family name (first character) stays."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_address(detail: str) -> str:
    """Keep the first 6 characters of a street address, hide the rest."""
    if not detail:
        return ""
    return detail[:6] + "****"


def mask_email(email: str) -> str:
    if "@" not in email:
        return mask_name(email)
    local, domain = email.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


def is_valid_phone(phone: str) -> bool:
    return bool(MAINLAND_MOBILE.match(phone))
