"""Campaign actions: drafts, preparing the audience and coupons, sending to the outbox,
skip reasons, quiet hours, budget and cancelling."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests import factories
from tests.marketing.campaign_factories import (
    add_members,
    campaign_fields,
    make_campaign,
    make_contact,
    make_five_fold_template,
    make_segment,
)
from zhanggui.accounts.models import OperationLog
from zhanggui.marketing import campaigns
from zhanggui.marketing.errors_campaigns import (
    CampaignEnded,
    CampaignNotEditable,
    CampaignOverBudget,
    CampaignStateError,
    InvalidCampaign,
)
from zhanggui.marketing.models import (
    Campaign,
    ContactPolicy,
    Message,
    MessageStatus,
    Recipient,
    RecipientStatus,
    Unsubscribe,
)
from zhanggui.pricing.models import Coupon

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_quiet_hours():
    return ContactPolicy.objects.create(quiet_start=time(0, 0), quiet_end=time(0, 0))



@pytest.fixture(autouse=True)
def _english():
    """The problems are matched in the source language (the shop's default is Chinese)."""
    with translation.override("en"):
        yield

def test_a_campaign_is_created_as_a_numbered_draft_and_logged():
    segment = make_segment([make_contact()])
    campaign = make_campaign(segment)
    assert campaign.status == "draft"
    assert campaign.code == f"CP{campaign.pk:06d}"
    assert OperationLog.objects.filter(action="marketing.create_campaign",
                                       object_id=str(campaign.pk)).exists()


@pytest.mark.parametrize(("overrides", "fragment"), [
    ({"channels": ["fax"]}, "channels"),
    ({"channels": []}, "channels"),
    ({"body": "{nickname} {price}"}, "price"),
    ({"body": "{nickname.__class__}"}, "nickname.__class__"),
    ({"body": "unbalanced {"}, "{"),
    ({"budget_amount": Decimal("-1")}, "budget"),
    ({"body": "   "}, "empty"),
])
def test_a_bad_campaign_is_refused_with_the_problem_and_nothing_is_saved(overrides, fragment):
    segment = make_segment([make_contact()])
    fields = campaign_fields(segment, coupon_template=make_five_fold_template(), **overrides)
    with pytest.raises(InvalidCampaign, match=fragment.replace("{", r"\{")) as error:
        campaigns.create_campaign(actor=None, **fields)
    assert error.value.code == "invalid_campaign"
    assert not Campaign.objects.exists()


def test_the_period_must_end_after_it_starts_and_the_audience_be_active():
    segment = make_segment([make_contact()])
    now = timezone.now()
    with pytest.raises(InvalidCampaign, match="period"):
        campaigns.create_campaign(actor=None, **campaign_fields(
            segment, coupon_template=make_five_fold_template(), ends_at=now - timedelta(days=1)))
    with pytest.raises(InvalidCampaign, match="segment"):
        make_campaign(make_segment([], active=False))


def test_an_offer_is_a_coupon_or_a_promotion_never_both():
    segment = make_segment([make_contact()])
    promotion = factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"))
    with pytest.raises(InvalidCampaign, match="not both"):
        make_campaign(segment, promotion=promotion)
    with pytest.raises(InvalidCampaign, match="coupon"):
        campaigns.create_campaign(actor=None, **campaign_fields(segment, promotion=promotion))
    campaign = make_campaign(segment, coupon=False, promotion=promotion)
    assert campaign.promotion == promotion


def test_only_a_draft_can_be_changed():
    segment = make_segment([make_contact()])
    campaign = make_campaign(segment)
    campaigns.update_campaign(campaign, actor=None, name="五折召回")
    campaign.refresh_from_db()
    assert campaign.name == "五折召回"
    campaigns.prepare_campaign(campaign, actor=None)
    with pytest.raises(CampaignNotEditable):
        campaigns.update_campaign(campaign, actor=None, name="again")
    campaign.refresh_from_db()
    assert campaign.name == "五折召回"


def test_preparing_freezes_the_members_without_guests_and_issues_one_coupon_each():
    members = [make_contact(), make_contact(), make_contact(guest=True)]
    segment = make_segment(members)
    campaign = make_campaign(segment)

    result = campaigns.prepare_campaign(campaign, actor=None)

    assert (result.added, result.coupons_issued) == (2, 2)
    recipients = list(campaign.recipients.select_related("coupon"))
    assert {r.customer_id for r in recipients} == {members[0].pk, members[1].pk}
    assert all(r.coupon.customer_id == r.customer_id for r in recipients)
    assert all(r.coupon.template_id == campaign.coupon_template_id for r in recipients)
    campaign.refresh_from_db()
    assert campaign.status == "scheduled" and campaign.prepared_at is not None


def test_preparing_again_adds_only_new_members_and_issues_no_second_coupon():
    first = make_contact()
    segment = make_segment([first])
    campaign = make_campaign(segment)
    campaigns.prepare_campaign(campaign, actor=None)
    late = make_contact()
    add_members(segment, [late])

    again = campaigns.prepare_campaign(campaign, actor=None)

    assert (again.added, again.coupons_issued, again.recipients) == (1, 1, 2)
    assert Recipient.objects.filter(campaign=campaign).count() == 2
    assert Coupon.objects.filter(template=campaign.coupon_template).count() == 2
    assert campaigns.prepare_campaign(campaign, actor=None).coupons_issued == 0
    assert Coupon.objects.filter(template=campaign.coupon_template).count() == 2


def test_sending_queues_one_rendered_message_per_recipient_and_channel(no_quiet_hours):
    customer = make_contact()
    campaign = make_campaign(make_segment([customer]), channels=["email", "sms"],
                             budget_amount=Decimal("20.00"))
    campaigns.prepare_campaign(campaign, actor=None)

    result = campaigns.send_campaign(campaign, actor=None)

    assert result.queued == 2
    messages = {m.channel: m for m in Message.objects.filter(campaign=campaign)}
    email = messages["email"]
    coupon = Recipient.objects.get(campaign=campaign).coupon
    assert email.idempotency_key == f"c{campaign.pk}:{customer.pk}:email"
    assert coupon.code in email.body
    assert "5-fold" in email.body or "5 折" in email.body
    assert "/unsubscribe/" in email.body
    assert email.subject == f"{customer.nickname}，好久不见"
    assert result.estimated_cost == Decimal("10.05")  # fixed 10 + one SMS at 0.05
    campaign.refresh_from_db()
    assert campaign.status == "sending"


def test_sending_again_queues_nothing_new(no_quiet_hours):
    campaign = make_campaign(make_segment([make_contact(), make_contact()]))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    keys = set(Message.objects.values_list("idempotency_key", flat=True))

    again = campaigns.send_campaign(campaign, actor=None)

    assert again.queued == 0
    assert set(Message.objects.values_list("idempotency_key", flat=True)) == keys


def test_unsubscribed_capped_and_unreachable_recipients_are_skipped_with_a_reason(no_quiet_hours):
    unsubscribed, capped, no_email, fine = (make_contact(), make_contact(),
                                            make_contact(email=False), make_contact())
    Unsubscribe.objects.create(customer=unsubscribed, channel="", source="staff")
    no_quiet_hours.max_messages = 1
    no_quiet_hours.save()
    earlier = make_campaign(make_segment([capped]), coupon=False)
    Message.objects.create(idempotency_key="old", campaign=earlier, customer=capped,
                           channel="email", body="x", status=MessageStatus.SENT,
                           send_after=timezone.now(), sent_at=timezone.now() - timedelta(days=1))
    campaign = make_campaign(make_segment([unsubscribed, capped, no_email, fine]))
    campaigns.prepare_campaign(campaign, actor=None)

    result = campaigns.send_campaign(campaign, actor=None)

    assert result.queued == 1
    reasons = dict(campaign.recipients.values_list("customer_id", "skip_reason"))
    assert reasons == {unsubscribed.pk: "unsubscribed", capped.pk: "capped",
                       no_email.pk: "no_address", fine.pk: ""}
    assert Message.objects.filter(campaign=campaign).get().customer == fine


def test_in_quiet_hours_messages_wait_for_their_end_in_the_shop_time_zone():
    ContactPolicy.objects.create(quiet_start=time(21, 0), quiet_end=time(9, 0))
    tz = timezone.get_current_timezone()
    late_evening = datetime.combine(timezone.localdate(), time(22, 30), tzinfo=tz)
    campaign = make_campaign(make_segment([make_contact()]),
                             starts_at=late_evening, ends_at=late_evening + timedelta(days=3))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    message = Message.objects.get(campaign=campaign)
    expected = datetime.combine(timezone.localdate() + timedelta(days=1), time(9, 0), tzinfo=tz)
    assert message.send_after == expected


def test_sending_over_budget_is_refused_and_nothing_is_queued(no_quiet_hours):
    no_quiet_hours.sms_cost_amount = Decimal("1.00")
    no_quiet_hours.save()
    campaign = make_campaign(make_segment([make_contact(), make_contact()]), channels=["sms"],
                             budget_amount=Decimal("11.00"), fixed_cost_amount=Decimal("10.00"))
    campaigns.prepare_campaign(campaign, actor=None)

    with pytest.raises(CampaignOverBudget) as error:
        campaigns.send_campaign(campaign, actor=None)

    assert error.value.code == "campaign_over_budget"
    assert not Message.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == "scheduled"
    assert not campaign.recipients.exclude(status=RecipientStatus.PENDING).exists()


def test_a_draft_cannot_be_sent_and_an_ended_campaign_cannot_be_prepared():
    campaign = make_campaign(make_segment([make_contact()]))
    with pytest.raises(CampaignStateError):
        campaigns.send_campaign(campaign, actor=None)
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=1))
    with pytest.raises(CampaignEnded):
        campaigns.prepare_campaign(campaign, actor=None)
    assert not Recipient.objects.exists()


def test_cancelling_needs_a_reason_and_cancels_the_queued_messages(no_quiet_hours):
    campaign = make_campaign(make_segment([make_contact(), make_contact()]))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    with pytest.raises(InvalidCampaign):
        campaigns.cancel_campaign(campaign, reason=" ", actor=None)

    campaigns.cancel_campaign(campaign, reason="offer mistake", actor=None)

    campaign.refresh_from_db()
    assert campaign.status == "cancelled" and campaign.cancel_reason == "offer mistake"
    assert set(Message.objects.values_list("status", flat=True)) == {"cancelled"}
    assert set(campaign.recipients.values_list("skip_reason", flat=True)) == {"cancelled"}
    with pytest.raises(CampaignStateError):
        campaigns.send_campaign(campaign, actor=None)
    with pytest.raises(CampaignStateError):
        campaigns.cancel_campaign(campaign, reason="again", actor=None)


def test_cancelling_voids_the_coupons_of_recipients_never_reached_only(no_quiet_hours):
    campaign = make_campaign(make_segment([make_contact(), make_contact()]))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    reached, waiting = campaign.recipients.order_by("pk")
    Recipient.objects.filter(pk=reached.pk).update(status=RecipientStatus.SENT)

    campaigns.cancel_campaign(campaign, reason="offer mistake", actor=None)

    statuses = dict(Coupon.objects.values_list("pk", "status"))
    assert statuses == {reached.coupon_id: "issued", waiting.coupon_id: "void"}
    log = OperationLog.objects.get(action="pricing.void_coupons")
    assert log.after["voided"] == 1 and log.after["reason"] == "campaign cancelled"


def test_a_campaign_with_everyone_skipped_is_sent_at_once(no_quiet_hours):
    customer = make_contact(email=False)
    campaign = make_campaign(make_segment([customer]))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    campaign.refresh_from_db()
    assert campaign.status == "sent"


def test_an_ab_tested_campaign_holds_out_its_holdout_and_gives_each_arm_its_coupon(
        no_quiet_hours):
    from zhanggui.marketing.experiments import ArmSpec, create_experiment

    customers = [make_contact() for _ in range(40)]
    campaign = make_campaign(make_segment(customers))
    twenty = make_five_fold_template(name="八折券", discount_rate=Decimal("0.20"))
    create_experiment("winback-ab", name="五折还是八折", actor=None, campaign=campaign, arms=[
        ArmSpec("half", "五折", Decimal("0.4")),
        ArmSpec("eighty", "八折", Decimal("0.4"), coupon_template=twenty),
        ArmSpec("holdout", "对照", Decimal("0.2"), is_holdout=True)])

    result = campaigns.prepare_campaign(campaign, actor=None)

    recipients = list(campaign.recipients.select_related("coupon"))
    held = [r for r in recipients if r.arm == "holdout"]
    assert held and result.held_out == len(held)
    assert all(r.status == "held_out" and r.coupon is None for r in held)
    assert all(r.coupon.template_id == twenty.pk for r in recipients if r.arm == "eighty")
    assert all(r.coupon.template_id == campaign.coupon_template_id
               for r in recipients if r.arm == "half")
    assert result.coupons_issued == len(recipients) - len(held)
    sent = campaigns.send_campaign(campaign, actor=None)
    assert sent.queued == len(recipients) - len(held)
    assert not Message.objects.filter(recipient__arm="holdout").exists()
