"""Demo buyers: names, mainland mobiles, addresses across provinces weighted by online
shopping activity, and how often each will buy (many one-time buyers, a loyal core)."""

import random
from datetime import date, timedelta

from zhanggui.core.regions import get_province
from zhanggui.customers.models import Address, Customer, CustomerTag, Gender
from zhanggui.demo import data_people as people
from zhanggui.demo.context import Clock, SeedOptions, bulk_insert, stream, weighted
from zhanggui.demo.plans import AddressInfo, CustomerInfo

# (share in percent, fewest orders, most orders) of a year's buyers.
SEGMENTS = ((12, 0, 0), (45, 1, 1), (22, 2, 3), (13, 4, 9), (8, 10, 40))


def _cities() -> dict[str, list[tuple[str, str, list[str]]]]:
    parsed = {}
    for province, text in people.CITIES.items():
        parsed[province] = []
        for part in text.split(";"):
            head, districts = part.split(":")
            city, postal = head.split("/")
            parsed[province].append((city, postal, districts.split(",")))
    return parsed


CITIES = _cities()


class PersonMaker:
    """Draws plausible buyers; phone numbers are unique."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = weighted(people.SURNAMES)
        self.provinces = weighted(people.PROVINCE_WEIGHTS)
        self.segments = weighted(((low, high), share) for share, low, high in SEGMENTS)
        self.phones: set[str] = set()

    def name(self, gender: str) -> str:
        pool = {Gender.FEMALE: people.FEMALE_GIVEN, Gender.MALE: people.MALE_GIVEN}.get(
            gender, people.NEUTRAL_GIVEN)
        given = self.rng.choice(pool)
        if self.rng.randrange(100) < 70:
            given = self.rng.choice(people.NEUTRAL_GIVEN + pool) + given
        return self.surnames.pick(self.rng) + given

    def phone(self) -> str:
        while True:
            number = self.rng.choice(people.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def nickname(self, name: str, phone: str) -> str:
        roll = self.rng.randrange(100)
        if roll < 35:
            return (self.rng.choice(people.NICKNAME_ADJECTIVES)
                    + self.rng.choice(people.NICKNAME_NOUNS))
        if roll < 60:
            return f"tb{phone[-4:]}{self.rng.randrange(10**4):04d}"
        if roll < 80:
            return "小" + name[-1] + self.rng.choice(("", "同学", "酱", "呀"))
        return name[0] + self.rng.choice(("先生", "女士", "老师", "姐"))

    def address(self, province: str, name: str, phone: str, *, office: bool) -> AddressInfo:
        city, postal, districts = self.rng.choice(CITIES[province])
        street = self.rng.choice(people.STREETS)
        number = self.rng.randint(1, 999)
        if office:
            detail = (f"{street}{number}号{self.rng.choice(people.COMMUNITIES)[:2]}"
                      f"{self.rng.choice(people.OFFICE_PARKS)}{self.rng.randint(2, 28)}楼")
        else:
            detail = (f"{street}{number}号{self.rng.choice(people.COMMUNITIES)}"
                      f"{self.rng.randint(1, 30)}栋{self.rng.randint(1, 4)}单元"
                      f"{self.rng.randint(1, 32)}{self.rng.randint(1, 4):02d}室")
        return AddressInfo(name=name, phone=phone, province_code=province, city=city,
                           district=self.rng.choice(districts), detail=detail, postal_code=postal,
                           is_remote=get_province(province).is_remote)


def plan_customers(options: SeedOptions) -> list[CustomerInfo]:
    rng = stream(options, "customers")
    maker = PersonMaker(rng)
    return [_customer(rng, maker, n) for n in range(options.customer_count)]


def _customer(rng: random.Random, maker: PersonMaker, n: int) -> CustomerInfo:
    roll = rng.randrange(100)
    gender = Gender.FEMALE if roll < 62 else (Gender.MALE if roll < 96 else Gender.UNKNOWN)
    name, phone = maker.name(gender), maker.phone()
    province = maker.provinces.pick(rng)
    addresses = [maker.address(province, name, phone, office=rng.randrange(100) < 15)]
    if rng.randrange(100) < 20:  # an office nearby, or the parents' home elsewhere
        other = province if rng.randrange(100) < 70 else maker.provinces.pick(rng)
        recipient = name if other == province else maker.name(Gender.UNKNOWN)
        addresses.append(maker.address(other, recipient, phone if other == province
                                       else maker.phone(), office=other == province))
    low, high = maker.segments.pick(rng)
    email = ""
    if rng.randrange(100) < 25:
        email = f"{rng.randrange(10**8, 10**10)}@{weighted(people.EMAIL_DOMAINS).pick(rng)}"
    birthday = None
    if rng.randrange(100) < 55:
        birthday = date(rng.randint(1968, 2006), rng.randint(1, 12), rng.randint(1, 28))
    return CustomerInfo(code=f"C{10000001 + n}", nickname=maker.nickname(name, phone), name=name,
                        phone=phone, email=email, gender=gender, birthday=birthday,
                        addresses=addresses, planned_orders=_planned_orders(rng, low, high))


def _planned_orders(rng: random.Random, low: int, high: int) -> int:
    if high <= low:
        return low
    # Skewed towards the low end: most regulars buy a few times, a few buy very often.
    return low + int((high - low) * rng.random() ** 2.2)


def write_customers(options: SeedOptions, clock: Clock, customers: list[CustomerInfo]) -> int:
    """Write buyers (signed up before their first order) with addresses and tags."""
    rng = stream(options, "customer-rows")
    rows = []
    for info in customers:
        if info.first_order_at is not None:
            joined = info.first_order_at - timedelta(days=rng.randint(0, 120) * rng.randrange(2),
                                                     minutes=rng.randint(3, 600))
        else:
            history = (clock.today - clock.first_day).days * 24 * 60
            joined = clock.at(clock.first_day, 9) + timedelta(minutes=rng.randint(0, history))
            joined = min(joined, clock.now - timedelta(hours=1))
        default = info.addresses[0]
        rows.append(Customer(
            code=info.code, nickname=info.nickname, name=info.name, phone=info.phone,
            email=info.email, gender=info.gender, birthday=info.birthday,
            province_code=default.province_code, city=default.city, created_at=joined,
            updated_at=joined))
    bulk_insert(Customer, rows)
    for info, row in zip(customers, rows, strict=True):
        info.pk = row.pk
    bulk_insert(Address, [
        Address(customer=row, recipient_name=a.name, phone=a.phone,
                province_code=a.province_code, city=a.city, district=a.district, detail=a.detail,
                postal_code=a.postal_code, is_default=n == 0, created_at=row.created_at,
                updated_at=row.created_at)
        for info, row in zip(customers, rows, strict=True) for n, a in enumerate(info.addresses)])
    _write_tags(clock, customers)
    return len(rows)


def _write_tags(clock: Clock, customers: list[CustomerInfo]) -> None:
    names = ("VIP", "新客", "沉睡客户", "复购客户")
    tags = [CustomerTag(name=name) for name in names]
    bulk_insert(CustomerTag, tags)
    by_name = {t.name: t for t in tags}
    through = Customer.tags.through
    rows = []
    for info in customers:
        for name in _tag_names(clock, info):
            rows.append(through(customer_id=info.pk, customertag_id=by_name[name].pk))
    through.objects.bulk_create(rows, batch_size=2000)


def _tag_names(clock: Clock, info: CustomerInfo) -> list[str]:
    if info.first_order_at is None:
        return []
    names = []
    if info.order_count >= 10:
        names.append("VIP")
    if info.order_count >= 2:
        names.append("复购客户")
    if info.first_order_at > clock.now - timedelta(days=30):
        names.append("新客")
    if info.last_order_at < clock.now - timedelta(days=180):
        names.append("沉睡客户")
    return names
