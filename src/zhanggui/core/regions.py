"""China's provincial-level divisions (GB/T 2260 adcodes), their region groups and
the merchant convention of "remote" regions (偏远地区) priced or excluded separately.

Province codes change rarely; city and district codes are free text on addresses.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionGroup(models.TextChoices):
    NORTH = "north", _("North China")
    NORTHEAST = "northeast", _("Northeast China")
    EAST = "east", _("East China")
    CENTRAL = "central", _("Central China")
    SOUTH = "south", _("South China")
    SOUTHWEST = "southwest", _("Southwest China")
    NORTHWEST = "northwest", _("Northwest China")
    HK_MO_TW = "hk_mo_tw", _("Hong Kong, Macau and Taiwan")


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    name_en: str
    group: RegionGroup
    is_remote: bool = False


_G = RegionGroup
PROVINCES: tuple[Province, ...] = (
    Province("110000", "北京", "Beijing", _G.NORTH),
    Province("120000", "天津", "Tianjin", _G.NORTH),
    Province("130000", "河北", "Hebei", _G.NORTH),
    Province("140000", "山西", "Shanxi", _G.NORTH),
    Province("150000", "内蒙古", "Inner Mongolia", _G.NORTH, is_remote=True),
    Province("210000", "辽宁", "Liaoning", _G.NORTHEAST),
    Province("220000", "吉林", "Jilin", _G.NORTHEAST),
    Province("230000", "黑龙江", "Heilongjiang", _G.NORTHEAST),
    Province("310000", "上海", "Shanghai", _G.EAST),
    Province("320000", "江苏", "Jiangsu", _G.EAST),
    Province("330000", "浙江", "Zhejiang", _G.EAST),
    Province("340000", "安徽", "Anhui", _G.EAST),
    Province("350000", "福建", "Fujian", _G.EAST),
    Province("360000", "江西", "Jiangxi", _G.EAST),
    Province("370000", "山东", "Shandong", _G.EAST),
    Province("410000", "河南", "Henan", _G.CENTRAL),
    Province("420000", "湖北", "Hubei", _G.CENTRAL),
    Province("430000", "湖南", "Hunan", _G.CENTRAL),
    Province("440000", "广东", "Guangdong", _G.SOUTH),
    Province("450000", "广西", "Guangxi", _G.SOUTH),
    Province("460000", "海南", "Hainan", _G.SOUTH),
    Province("500000", "重庆", "Chongqing", _G.SOUTHWEST),
    Province("510000", "四川", "Sichuan", _G.SOUTHWEST),
    Province("520000", "贵州", "Guizhou", _G.SOUTHWEST),
    Province("530000", "云南", "Yunnan", _G.SOUTHWEST),
    Province("540000", "西藏", "Tibet", _G.SOUTHWEST, is_remote=True),
    Province("610000", "陕西", "Shaanxi", _G.NORTHWEST),
    Province("620000", "甘肃", "Gansu", _G.NORTHWEST, is_remote=True),
    Province("630000", "青海", "Qinghai", _G.NORTHWEST, is_remote=True),
    Province("640000", "宁夏", "Ningxia", _G.NORTHWEST, is_remote=True),
    Province("650000", "新疆", "Xinjiang", _G.NORTHWEST, is_remote=True),
    Province("710000", "台湾", "Taiwan", _G.HK_MO_TW),
    Province("810000", "香港", "Hong Kong", _G.HK_MO_TW),
    Province("820000", "澳门", "Macau", _G.HK_MO_TW),
)

PROVINCES_BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}
PROVINCE_CHOICES: list[tuple[str, str]] = [(p.code, p.name) for p in PROVINCES]


def get_province(code: str) -> Province | None:
    return PROVINCES_BY_CODE.get(code)


def find_province_by_name(text: str) -> Province | None:
    """The province whose short name starts ``text`` (e.g. "浙江省杭州市…" → 浙江)."""
    for province in PROVINCES:
        if text.startswith(province.name):
            return province
    return None


def province_field(verbose_name=None, **kwargs) -> models.CharField:
    """A CharField holding a province adcode, with the province names as choices."""
    kwargs.setdefault("max_length", 6)
    kwargs.setdefault("choices", PROVINCE_CHOICES)
    kwargs.setdefault("blank", True)
    kwargs.setdefault("db_index", True)
    return models.CharField(verbose_name or _("province"), **kwargs)
