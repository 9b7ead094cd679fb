"""Background tasks of membership (eager in-process unless REDIS_URL is set); scheduled
daily by celery beat."""

from celery import shared_task

from zhanggui.customers.points import expire_points
from zhanggui.pricing.membership import review_tiers


@shared_task(name="zhanggui.pricing.tasks.expire_points_task")
def expire_points_task() -> int:
    """What is left of every points lot past its expiry expires; returns the points."""
    return expire_points()


@shared_task(name="zhanggui.pricing.tasks.review_tiers_task")
def review_tiers_task() -> dict:
    """Members due for their tier review are re-tiered on the review period's basis."""
    return review_tiers()
