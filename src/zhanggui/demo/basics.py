"""Roles, the demo staff (one login per role) and the three warehouses."""

from datetime import timedelta

from zhanggui.accounts.actions import create_staff
from zhanggui.accounts.models import Staff
from zhanggui.accounts.roles import Role, sync_roles
from zhanggui.core.regions import get_province
from zhanggui.demo.context import Clock, bulk_insert
from zhanggui.demo.data_people import DEMO_PASSWORD, STAFF
from zhanggui.demo.plans import WarehouseInfo
from zhanggui.inventory.models import Warehouse, WarehouseKind

# (code, name, kind, province adcode, city): east, south and southwest China, and the
# drop-ship supplier's warehouse (demo/dropship_plan.py).
WAREHOUSES = (
    ("HZ01", "杭州自营仓", WarehouseKind.OWN, "330000", "杭州"),
    ("GZ01", "广州云仓（第三方）", WarehouseKind.THIRD_PARTY, "440000", "广州"),
    ("CD01", "成都自营仓", WarehouseKind.OWN, "510000", "成都"),
    ("YW01", "义乌一件代发仓（供应商）", WarehouseKind.DROP_SHIP, "330000", "义乌"),
)


def seed_staff() -> dict[str, Staff]:
    """Sync the role groups, then one staff member per role (username = role code).

    A username already taken is kept as it is (its password is not changed).
    """
    sync_roles()
    staff = {}
    for role, display_name in STAFF:
        assert role in Role.values, role
        existing = Staff.objects.filter(username=role).first()
        staff[role] = existing or create_staff(role, password=DEMO_PASSWORD, roles=[role],
                                               actor=None, display_name=display_name)
    return staff


def seed_warehouses(clock: Clock) -> list[WarehouseInfo]:
    opened = clock.at(clock.first_day - timedelta(days=400), 9)
    rows = [Warehouse(code=code, name=name, kind=kind, province_code=province, city=city,
                      created_at=opened, updated_at=opened)
            for code, name, kind, province, city in WAREHOUSES]
    bulk_insert(Warehouse, rows)
    return [WarehouseInfo(pk=w.pk, code=w.code, province_code=w.province_code,
                          region=get_province(w.province_code).group) for w in rows]
