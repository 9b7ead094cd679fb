"""The kinds of task other apps register (``register_kind`` from their ``tasks_kinds.py``,
imported by their ``AppConfig.ready()``)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.tasks.errors import UnknownTaskKind

# Every kind may also be resolved with these.
GENERIC_RESOLUTIONS: tuple[tuple[str, str], ...] = (
    ("fixed", _("Fixed")),
    ("not_an_issue", _("Not an issue")),
    ("duplicate", _("Duplicate")),
)


@dataclass(frozen=True)
class TaskKind:
    code: str  # e.g. "order_held"
    label: str  # gettext_lazy
    role: str  # default owner role: a ``Role`` value
    sla_hours: float  # default due = opened_at + sla_hours
    resolutions: tuple[tuple[str, str], ...] = ()  # besides the generic ones

    def allowed_resolutions(self) -> tuple[tuple[str, str], ...]:
        """The kind's own resolutions, then the generic ones it does not redefine."""
        own = {code for code, _label in self.resolutions}
        return (*self.resolutions, *[(c, label) for c, label in GENERIC_RESOLUTIONS if c not in own])

    def resolution_label(self, code: str) -> str:
        return str(dict(self.allowed_resolutions()).get(code, code))


_KINDS: dict[str, TaskKind] = {}


def register_kind(kind: TaskKind) -> TaskKind:
    """Register ``kind``; registering the same definition again returns the registered one.

    Raises:
        ValueError: the role is not a ``Role``, the SLA is not positive, or another
            definition already holds the code (a programming error, found at start-up).
    """
    if kind.role not in Role.values:
        raise ValueError(f"task kind {kind.code}: unknown role {kind.role!r}")
    if not kind.sla_hours > 0:
        raise ValueError(f"task kind {kind.code}: sla_hours must be positive")
    if not kind.code or len(kind.code) > 40:
        raise ValueError(f"task kind code must be 1 to 40 characters: {kind.code!r}")
    registered = _KINDS.get(kind.code)
    if registered is not None:
        if registered != kind:
            raise ValueError(f"task kind {kind.code} is already registered differently")
        return registered
    _KINDS[kind.code] = kind
    return kind


def unregister_kind(code: str) -> None:
    """Forget a kind (tests that register their own kind clean up with it)."""
    _KINDS.pop(code, None)


def get_kind(code: str) -> TaskKind:
    """Raises: UnknownTaskKind."""
    try:
        return _KINDS[code]
    except KeyError:
        raise UnknownTaskKind(kind=code) from None


def find_kind(code: str) -> TaskKind | None:
    """The registered kind, or None (a kind no app registers any more)."""
    return _KINDS.get(code)


def resolutions_for(code: str) -> tuple[tuple[str, str], ...]:
    """The resolutions a task of this kind may end with, ``(code, label)``; the generic ones
    for a kind no app registers any more."""
    kind = _KINDS.get(code)
    return kind.allowed_resolutions() if kind is not None else GENERIC_RESOLUTIONS


def all_kinds() -> list[TaskKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.label) for kind in all_kinds()]


def kind_label(code: str) -> str:
    """The kind's label, or its code when no app registers it (any more)."""
    kind = _KINDS.get(code)
    return str(kind.label) if kind is not None else code
