"""Built-in format profiles and the lookup of a profile by name (built-in or saved)."""

from django.utils.translation import gettext as _

from zhanggui.core.errors import NotFound
from zhanggui.imports.profiles import douyin, jd, online_retail, pinduoduo, shopify, taobao, zhanggui
from zhanggui.imports.profiles.base import Profile

BUILTIN: dict[tuple[str, str], Profile] = {
    (p.name, p.kind): p
    for p in (*zhanggui.PROFILES, taobao.PROFILE, jd.PROFILE, pinduoduo.PROFILE, douyin.PROFILE,
              shopify.PROFILE, online_retail.PROFILE)
}


def builtin_names(kind: str) -> list[str]:
    return [name for name, k in BUILTIN if k == kind]


def get_builtin(name: str, kind: str) -> Profile:
    """The built-in profile ``name`` for ``kind``.

    Raises:
        NotFound: no built-in profile of that name reads that kind.
    """
    try:
        return BUILTIN[(name, kind)]
    except KeyError:
        raise NotFound(_("No format %(name)s for %(kind)s; choose one of %(names)s."),
                       name=name, kind=kind, names=", ".join(builtin_names(kind))) from None
