"""The live API. Thin: ``require_perm`` first, then one action or query."""

from ninja import Router

router = Router()
