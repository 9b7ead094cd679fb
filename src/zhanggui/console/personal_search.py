"""Exact phone search on the console's changelists and autocompletes.

Phone numbers are encrypted (``core.fields.EncryptedCharField``), so a ``search_fields``
entry cannot match them. An admin lists its phone fields in ``phone_search_fields`` and a
search term also matches rows whose blind index equals the term's, however the phone was
typed (``138 0013 8000``, ``+86-138-0013-8000``). Names and street addresses are encrypted
too and have no index: they cannot be searched.
"""

from django.http import HttpRequest

from zhanggui.core import crypto


class PhoneSearchMixin:
    """``phone_search_fields``: lookups (``"phone"``, ``"addresses__phone"``) whose blind
    index (``<lookup>_index``) a search term is matched against, exactly."""

    phone_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digest = crypto.phone_index(search_term.strip()) if self.phone_search_fields else ""
        if digest:
            for lookup in self.phone_search_fields:
                results |= queryset.filter(**{f"{lookup}_index": digest})
                may_have_duplicates = may_have_duplicates or "__" in lookup
        return results, may_have_duplicates
