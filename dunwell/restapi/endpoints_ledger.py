"""The ledger over the API: push (endpoints_push.py) and read, within the token user's
visibility."""

from __future__ import annotations

from ninja import Router

from dunwell.restapi import endpoints_push

router = Router(tags=["ledger"])
endpoints_push.register(router)
