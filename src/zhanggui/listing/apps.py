from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingConfig(AppConfig):
    name = "zhanggui.listing"
    verbose_name = _("Listing quality")
