"""Unique business numbers in the formats the actions and carriers use."""

import random
from datetime import datetime

from zhanggui.fulfillment.models import Carrier
from zhanggui.orders.models import PaymentMethod

# Carrier → (prefix, digits) of its waybill numbers.
TRACKING_FORMATS = {
    Carrier.SF: ("SF", 13), Carrier.ZTO: ("7", 13), Carrier.YTO: ("YT", 13),
    Carrier.STO: ("77", 11), Carrier.YUNDA: ("43", 13), Carrier.JD: ("JDVA", 11),
    Carrier.EMS: ("98", 11), Carrier.JTEXPRESS: ("JT", 13),
}


class Numbers:
    """Draws order, after-sales and tracking numbers, never the same one twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            number = make()
            if number not in self.used:
                self.used.add(number)
                return number

    def order(self, local_placed_at: datetime) -> str:
        """As ``orders.actions``: local time to the minute plus six random digits."""
        stamp = f"{local_placed_at:%y%m%d%H%M}"
        return self._unique(lambda: f"{stamp}{self.rng.randrange(10**6):06d}")

    def aftersales(self, local_requested_at: datetime) -> str:
        """As ``aftersales.actions``: AS, the local date and eight random digits."""
        stamp = f"AS{local_requested_at:%y%m%d}"
        return self._unique(lambda: f"{stamp}{self.rng.randrange(10**8):08d}")

    def tracking(self, carrier: str) -> str:
        prefix, digits = TRACKING_FORMATS[carrier]
        return self._unique(lambda: f"{prefix}{self.rng.randrange(10**digits):0{digits}d}")

    def transaction(self, method: str, local_paid_at: datetime) -> str:
        """A payment provider's transaction id (Alipay and WeChat Pay styles)."""
        serial = f"{self.rng.randrange(10**10):010d}"
        if method == PaymentMethod.WECHAT:
            return f"4200{local_paid_at:%Y%m%d}{serial}{self.rng.randrange(10**6):06d}"
        if method == PaymentMethod.ALIPAY:
            return f"{local_paid_at:%Y%m%d}2200{serial}{self.rng.randrange(10**6):06d}"
        return f"U{local_paid_at:%Y%m%d%H%M%S}{serial}"
