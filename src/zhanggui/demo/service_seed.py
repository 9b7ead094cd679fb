"""The demo's service desk: canned replies, keyword auto-replies, two assignment rules and
about 300 tickets over the last 90 days across channels and kinds.

``seed_service(rng, now=...)`` is the hook the demo calls after the orders are written. The
rules are saved through the actions; the history is written in bulk with its own
timestamps, as the rest of the demo's history is. Most first replies come within the
3-minute clock and most tickets are resolved within 24 working hours, some are late
(``escalated_at`` set, as the sweep would have); about 60 % of the closed tickets are rated;
some inquiries convert — the ticket names an order its customer placed within the next day.
The last two days' tickets are still open or waiting.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from zhanggui.accounts.models import Staff
from zhanggui.customers.models import Customer
from zhanggui.demo.context import bulk_insert, minutes
from zhanggui.orders.models import Order
from zhanggui.service import actions_desk, queries, rules
from zhanggui.service.models import (
    CannedReply,
    Ticket,
    TicketChannel,
    TicketKind,
    TicketMessage,
    TicketMessageDirection,
    TicketStatus,
)

# A little over a year, as the service report compares a period with the same one last year.
DAYS = 400
TICKETS = 1300
CANNED = (
    ("问候", "{nickname}您好，我是客服{agent}，很高兴为您服务，请问有什么可以帮您？", ""),
    ("发货时间", "{nickname}您好，您的订单{order_number}当前状态：{order_status}。"
               "我们一般在付款后48小时内发货，请您耐心等待。", "inquiry"),
    ("物流查询", "{nickname}您好，订单{order_number}的运单号是{tracking_number}，"
               "您可以在快递官网或我们的订单页查看物流进度。", "inquiry"),
    ("退货流程", "{nickname}您好，签收7天内可申请无理由退货：在订单{order_number}页面点“申请售后”，"
               "选择退货原因并寄回商品即可，我们收到后1–3天内退款。", ""),
    ("投诉致歉", "{nickname}您好，非常抱歉给您带来不好的体验！您反馈的问题我们已记录，"
               "{agent}会在24小时内给您处理结果。", "complaint"),
    ("感谢建议", "{nickname}您好，感谢您的宝贵建议，我们已转给相关同事，会认真考虑改进。", "suggestion"),
    ("结束语", "感谢您的耐心，如还有其他问题随时联系我们，祝您生活愉快！", ""),
)
AUTO_REPLIES = (
    ("发货咨询", ["发货"], "亲，付款后48小时内发货，节假日顺延，请耐心等待哦～"),
    ("快递查询", ["快递"], "亲，物流信息可在“我的订单”中查看，人工客服马上为您跟进～"),
    ("退货咨询", ["退货"], "亲，签收7天内支持无理由退货，在订单页“申请售后”即可～"),
    ("发票咨询", ["发票"], "亲，发票可在订单完成后于订单页申请，电子发票3个工作日内开具～"),
)
INQUIRIES = (
    ("什么时候发货", "你好，我昨天拍的，什么时候发货呀？"),
    ("尺码咨询", "我身高165体重55公斤，穿什么码合适？"),
    ("有没有现货", "这款还有现货吗？想今天下单"),
    ("快递查询", "快递三天没更新了，帮我查一下"),
    ("优惠咨询", "现在下单有优惠券可以用吗？"),
    ("发票问题", "可以开发票吗？公司报销要用"),
    ("退货咨询", "不太合适，想退货怎么操作？"),
    ("颜色咨询", "实物颜色和图片一样吗？"),
)
COMPLAINTS = (
    ("product", "收到的商品有破损", "收到的东西外包装破了，里面也有裂痕，太失望了"),
    ("logistics", "物流太慢", "说好48小时发货，一周了还没收到"),
    ("service", "客服态度差", "上次问问题客服半天不回，回了也很敷衍"),
    ("price", "降价了要求补差价", "刚买完就降价二十块，能不能补差价？"),
    ("aftersales", "退款迟迟不到账", "退货寄回去一周了退款还没到"),
)
SUGGESTIONS = (
    ("包装建议", "建议包装再加厚一点，冬天容易压坏"),
    ("增加颜色", "希望这款能出个浅蓝色"),
    ("会员建议", "积分能不能抵更多钱，现在太少了"),
)
AGENT_ANSWERS = ("亲，已经帮您查询了，今天会安排发出～", "好的亲，已为您登记，稍后给您处理结果",
                 "抱歉让您久等了，已经加急处理", "亲，建议选M码，如不合适支持换货哦",
                 "已为您备注优先发货，请留意物流信息")
RATINGS = (5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1)


@dataclass
class _Plan:
    ticket: Ticket
    messages: list[TicketMessage]


def _desk_rules(agents: list[Staff]) -> list[CannedReply]:
    replies = [actions_desk.save_canned_reply(None, title=t, body=b, kind=k, actor=None)
               for t, b, k in CANNED]
    for position, (name, words, reply) in enumerate(AUTO_REPLIES, start=1):
        actions_desk.save_auto_reply_rule(None, name=name, keywords=words, reply=reply,
                                          channels=["chat", "platform"], position=position,
                                          actor=None)
    if agents:
        actions_desk.save_assignment_rule(None, name="严重投诉给组长", kind="complaint",
                                          min_severity="high", agents=agents[:1], position=1,
                                          actor=None)
        actions_desk.save_assignment_rule(None, name="其余平均分配", agents=agents, position=2,
                                          actor=None)
    return replies


def _opened(rng: random.Random, now: datetime) -> datetime:
    day = now - timedelta(days=rng.randint(0, DAYS - 1))
    hour = rng.choice([9, 10, 10, 11, 13, 14, 15, 16, 19, 20, 20, 21, 22, 23, 2])
    moment = day.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return min(moment, now - timedelta(minutes=rng.randint(5, 90)))


def _content(rng: random.Random) -> tuple[str, str, str, str, str]:
    """(kind, nature, severity, subject, body)."""
    roll = rng.random()
    if roll < 0.70:
        return ("inquiry", "", "low", *rng.choice(INQUIRIES))
    if roll < 0.88:
        nature, subject, body = rng.choice(COMPLAINTS)
        severity = rng.choice(["low", "medium", "medium", "high", "high", "critical"])
        return "complaint", nature, severity, subject, body
    return ("suggestion", "", "low", *rng.choice(SUGGESTIONS))


def _contact(channel: str, customer: Customer | None, rng: random.Random) -> str:
    if customer is None:
        return f"访客{rng.randint(1000, 9999)}"
    if channel == TicketChannel.EMAIL:
        return customer.email or f"{customer.code.lower()}@example.com"
    if channel == TicketChannel.PHONE:
        return customer.phone or ""
    return customer.nickname


def _conversion_order(rng, customer_orders: dict[int, list[Order]], opened: datetime,
                      customer: Customer | None) -> Order | None:
    if customer is None:
        return None
    for order in customer_orders.get(customer.pk, ()):
        if opened < order.placed_at <= opened + timedelta(hours=24):
            return order
    return None


class _Builder:
    def __init__(self, rng, now, agents, hours, policy):
        self.rng, self.now, self.agents, self.hours, self.policy = rng, now, agents, hours, policy

    def clocks(self, opened: datetime) -> tuple[datetime, datetime]:
        return (rules.add_working_minutes(opened, self.policy.first_response_minutes, self.hours),
                rules.add_working_minutes(opened, self.policy.resolution_hours * 60, self.hours))

    def first_reply(self, ticket: Ticket) -> datetime:
        start = rules.next_opening(ticket.opened_at, self.hours)
        if ticket.channel == TicketChannel.PHONE:
            return ticket.opened_at + minutes(self.rng, 0, 1)  # the call was answered
        late = self.rng.random() < 0.12
        return start + (minutes(self.rng, 4, 45) if late else minutes(self.rng, 0.3, 2.9))

    def resolution(self, ticket: Ticket, replied: datetime) -> datetime:
        late = self.rng.random() < 0.10
        work = self.rng.uniform(26, 40) * 60 if late else self.rng.uniform(5, 300)
        if ticket.kind == TicketKind.COMPLAINT and not late:
            work = self.rng.uniform(60, 20 * 60)
        return max(replied, rules.add_working_minutes(replied, work, self.hours))

    def build(self, customer, order, channel, opened) -> _Plan:
        rng = self.rng
        kind, nature, severity, subject, body = _content(rng)
        first_due, resolution_due = self.clocks(opened)
        agent = rng.choice(self.agents) if self.agents else None
        ticket = Ticket(channel=channel, kind=kind, nature=nature, severity=severity,
                        subject=subject, customer=customer, order=order,
                        contact=_contact(channel, customer, rng), assignee=agent,
                        opened_at=opened, first_response_due_at=first_due,
                        resolution_due_at=resolution_due, created_at=opened)
        messages = [TicketMessage(direction=TicketMessageDirection.INBOUND, body=body, sent_at=opened)]
        auto = next((r for r in AUTO_REPLIES if r[1][0] in body), None)
        if auto and channel in (TicketChannel.CHAT, TicketChannel.PLATFORM):
            messages.append(TicketMessage(direction=TicketMessageDirection.OUTBOUND, body=auto[2],
                                          sent_at=opened, is_auto_reply=True))
        self._answer(ticket, messages, agent)
        ticket.updated_at = max(m.sent_at for m in messages)
        return _Plan(ticket, messages)

    def _answer(self, ticket: Ticket, messages: list[TicketMessage], agent) -> None:
        rng, now = self.rng, self.now
        replied = self.first_reply(ticket)
        recent = now - ticket.opened_at < timedelta(days=2)
        if replied >= now or (recent and rng.random() < 0.15):
            ticket.status = TicketStatus.OPEN  # not answered yet
        else:
            ticket.first_responded_at = replied
            messages.append(TicketMessage(direction=TicketMessageDirection.OUTBOUND, author=agent,
                                          body=rng.choice(AGENT_ANSWERS), sent_at=replied))
            if ticket.kind == TicketKind.COMPLAINT:
                messages.append(TicketMessage(direction=TicketMessageDirection.NOTE, author=agent,
                                              body="已登记，跟进处理结果", sent_at=replied))
            self._finish(ticket, replied, recent)
        ticket.escalated_at = _escalated_at(ticket, now)

    def _finish(self, ticket: Ticket, replied: datetime, recent: bool) -> None:
        rng, now = self.rng, self.now
        resolved = self.resolution(ticket, replied)
        if resolved >= now or (recent and rng.random() < 0.4):
            ticket.status = rng.choice([TicketStatus.OPEN, TicketStatus.PENDING])
            return
        ticket.resolved_at, ticket.status = resolved, TicketStatus.RESOLVED
        closed = resolved + minutes(rng, 10, 48 * 60)
        if closed < now:
            ticket.status, ticket.closed_at = TicketStatus.CLOSED, closed
            if rng.random() < 0.6:
                rating = rng.choice(RATINGS[3:] if ticket.kind == "complaint" else RATINGS)
                ticket.rating = rating
                ticket.rated_at = min(closed + minutes(rng, 5, 24 * 60), now)
                ticket.rating_comment = {5: "很满意，回复很快", 1: "问题没解决"}.get(rating, "")


def _escalated_at(ticket: Ticket, now: datetime) -> datetime | None:
    """When the minute sweep would have escalated it: a minute after the first clock that
    ran out (None when none did)."""
    first = ticket.first_responded_at or now
    if first > ticket.first_response_due_at:
        return ticket.first_response_due_at + timedelta(minutes=1)
    if (ticket.resolved_at or now) > ticket.resolution_due_at:
        return ticket.resolution_due_at + timedelta(minutes=1)
    return None


def _number_tickets(plans: list[_Plan], tz) -> None:
    used = set(Ticket.objects.values_list("number", flat=True))
    per_day: dict[str, int] = {}
    for plan in sorted(plans, key=lambda p: p.ticket.opened_at):
        day = plan.ticket.opened_at.astimezone(tz).date()
        sequence = per_day.get(day, rules.next_ticket_sequence(used, day) - 1) + 1
        per_day[day] = sequence
        plan.ticket.number = rules.ticket_number(day, sequence)


def seed_service(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Write the service desk's rules and its last ``DAYS`` days of tickets; returns counts."""
    agents = list(Staff.objects.filter(is_active=True, groups__name="service").order_by("pk"))
    _desk_rules(agents)
    policy = queries.lock_policy()
    hours = queries.working_hours(policy)
    since = now - timedelta(days=DAYS)
    customers = list(Customer.objects.filter(orders__placed_at__gte=since).distinct()
                     .order_by("pk")[:2000])
    customer_orders: dict[int, list[Order]] = {}
    for order in Order.objects.filter(placed_at__gte=since).order_by("placed_at"):
        customer_orders.setdefault(order.customer_id, []).append(order)
    builder = _Builder(rng, now, agents, hours, policy)
    channels = [TicketChannel.CHAT] * 10 + [TicketChannel.PLATFORM] * 4 + [
        TicketChannel.EMAIL] * 3 + [TicketChannel.PHONE] * 3
    plans = []
    for _index in range(TICKETS):
        customer = rng.choice(customers) if customers and rng.random() < 0.9 else None
        opened = _opened(rng, now)
        channel = rng.choice(channels)
        order = None
        mine = customer_orders.get(customer.pk, []) if customer else []
        if mine and rng.random() < 0.35:  # an inquiry that converts: paid within a day
            placed = rng.choice(mine)
            opened = min(placed.placed_at - minutes(rng, 5, 20 * 60), now)
            order = _conversion_order(rng, customer_orders, opened, customer)
        elif mine and rng.random() < 0.5:
            earlier = [o for o in mine if o.placed_at < opened]
            order = rng.choice(earlier) if earlier else None
        if opened < since:
            opened = since + minutes(rng, 60, 600)
        plans.append(builder.build(customer, order, channel, opened))
    _number_tickets(plans, hours.tz)
    bulk_insert(Ticket, [p.ticket for p in plans])
    messages = []
    for plan in plans:
        for message in plan.messages:
            message.ticket = plan.ticket
            messages.append(message)
    bulk_insert(TicketMessage, messages)
    return {"tickets": len(plans), "messages": len(messages),
            "rated": Ticket.objects.filter(rating__isnull=False).count(),
            "converted": Ticket.objects.filter(~Q(order=None), kind="inquiry").count()}

