"""Saving the desk's rules: canned replies refuse unknown variables; rules and the policy
check their input and change nothing when refused."""

from datetime import time

import pytest

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.service import actions_desk
from zhanggui.service.errors import InvalidRule, UnknownCannedVariable
from zhanggui.service.models import AssignmentRule, AutoReplyRule, CannedReply, ServicePolicy

pytestmark = pytest.mark.django_db


def test_a_canned_reply_with_an_unknown_variable_is_refused():
    for body in ("{name}您好", "您好{0}", "{nickname.upper}", "价格{"):
        with pytest.raises(UnknownCannedVariable):
            actions_desk.save_canned_reply(None, title="问候", body=body, actor=None)
    assert not CannedReply.objects.exists()
    reply = actions_desk.save_canned_reply(None, title="问候", body="{nickname}您好，我是{agent}",
                                           actor=None)
    assert OperationLog.objects.filter(action="service.save_canned_reply").count() == 1
    with pytest.raises(UnknownCannedVariable):
        actions_desk.save_canned_reply(reply, title="问候", body="{phone}", actor=None)
    reply.refresh_from_db()
    assert reply.body == "{nickname}您好，我是{agent}"
    with pytest.raises(InvalidRule):
        actions_desk.save_canned_reply(None, title="问候", body="重复的标题", actor=None)


def test_auto_reply_rules_need_keywords_and_known_channels():
    with pytest.raises(InvalidRule):
        actions_desk.save_auto_reply_rule(None, name="空", keywords=[" "], reply="x", actor=None)
    with pytest.raises(InvalidRule):
        actions_desk.save_auto_reply_rule(None, name="传真", keywords=["发货"], reply="x",
                                          channels=["fax"], actor=None)
    rule = actions_desk.save_auto_reply_rule(None, name="发货", keywords=["发货", "发货", "KuaiDi"],
                                             reply="48小时内发货", channels=["chat"], actor=None)
    assert rule.keywords == ["发货", "kuaidi"] and AutoReplyRule.objects.count() == 1


def test_assignment_rules_take_only_agents_who_may_answer():
    agent, packer = factories.make_staff("service"), factories.make_staff("warehouse")
    with pytest.raises(InvalidRule):
        actions_desk.save_assignment_rule(None, name="投诉", agents=[packer], actor=None)
    with pytest.raises(InvalidRule):
        actions_desk.save_assignment_rule(None, name="投诉", agents=[agent], kind="praise",
                                          actor=None)
    rule = actions_desk.save_assignment_rule(None, name="投诉", agents=[agent], kind="complaint",
                                             min_severity="high", actor=None)
    assert list(rule.agents.all()) == [agent] and AssignmentRule.objects.count() == 1


def test_the_policy_checks_its_hours_and_days():
    values = {"first_response_minutes": 5, "resolution_hours": 12, "working_start": time(9),
              "working_end": time(21), "working_days": "54321", "inquiry_conversion_hours": 24,
              "csat_link_days": 7}
    for bad in ({"working_days": "0"}, {"working_end": time(8)}, {"resolution_hours": 0}):
        with pytest.raises(InvalidRule):
            actions_desk.save_service_policy(actor=None, **{**values, **bad})
    assert not ServicePolicy.objects.exists()
    policy = actions_desk.save_service_policy(actor=None, **values)
    assert policy.working_days == "12345" and ServicePolicy.objects.count() == 1
