"""The one task kind the tests use (no app ships it): registered on demand."""

from zhanggui.tasks.registry import TaskKind, register_kind

TEST_KIND = TaskKind(code="test_followup", label="Test follow-up", role="service", sla_hours=4,
                     resolutions=(("refunded", "Refunded"), ("fixed", "Fixed it")))
OTHER_KIND = TaskKind(code="test_stock_check", label="Test stock check", role="warehouse",
                      sla_hours=24, resolutions=())


def test_kinds() -> tuple[TaskKind, TaskKind]:
    return register_kind(TEST_KIND), register_kind(OTHER_KIND)


test_kinds.__test__ = False  # a helper, not a test (some test modules import it)
