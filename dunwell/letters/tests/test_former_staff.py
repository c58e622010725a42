"""Someone who no longer works at the debtor (`Contact.active`, marked on the card) is written
to and called no more: the letters addressed the former decider by name, the mailing put their
address on the envelope and My day's call button dialled them."""

from __future__ import annotations

from typing import Any

import pytest

from dunwell.letters.services import _contacts_of
from dunwell.telephony.selectors import contacts_to_call

from .conftest import situation_of

pytestmark = pytest.mark.django_db


def test_the_former_decider_is_neither_addressed_nor_called(debtor: Any, frozen: Any) -> None:
    # the fixture's decider Ana Pop and accountant Ion Rusu (opted out); one more with a phone
    gone = debtor.contacts.get(name="Ana Pop")
    gone.phone = "+40721000001"
    gone.save(update_fields=["phone"])
    stays = debtor.contacts.create(name="Elena Stan", email="elena@nord.example",
                                   phone="+40721000002")  # fmt: skip
    assert situation_of(debtor.pk).addressee.name == "Ana Pop"  # type: ignore[union-attr]
    assert contacts_to_call([debtor.pk])[debtor.pk].pk == gone.pk
    gone.active = False
    gone.save(update_fields=["active"])
    addressee = situation_of(debtor.pk).addressee
    assert addressee is not None and addressee.name == "Ion Rusu"  # the accountant, next
    assert "Ana Pop" not in {c.name for c in _contacts_of([debtor.pk])[debtor.pk]}
    assert contacts_to_call([debtor.pk])[debtor.pk].pk == stays.pk
