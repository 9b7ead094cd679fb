"""The segments' domain errors (stable codes for the API and the console)."""

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput


class SegmentInvalid(InvalidInput):
    """A definition (or a segment's other fields) that cannot be saved: the message names
    the condition (1-based) and its field when the problem is in one."""

    code = "segment_invalid"
    default_message = _("Invalid segment: %(problem)s")


class SegmentConditionInvalid(SegmentInvalid):
    default_message = _("Invalid segment: condition %(index)s (%(field)s): %(problem)s")


class SegmentCodeTaken(Conflict):
    code = "segment_code_taken"
    default_message = _("A segment with code %(code)s already exists.")


class SegmentNotEvaluable(Conflict):
    code = "segment_not_evaluable"
    default_message = _("An experiment arm's segment has no definition: its members are "
                        "written by its experiment.")
