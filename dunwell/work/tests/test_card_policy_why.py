"""The debtor card says which pressure scale applies and why (DESIGN §1.4: the strategy
follows the segment; new customers get a stricter ladder). The card showed the scale's name
alone ("Новый клиент"), so nobody could tell whether it came from the segment or was set for
this debtor, nor what made it stricter."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder import services as ladder_services
from dunwell.ladder.models import Policy
from dunwell.ledger.models import Counterparty, Segment

pytestmark = pytest.mark.django_db


def policy_why(user: User, debtor: Counterparty) -> str:
    client = Client()
    client.force_login(user)
    html = client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    found = re.search(r'<small id="policy-why">(.*?)</small>', html, re.S)
    assert found, "the card does not say why its pressure scale applies"
    return re.sub(r"\s+", " ", found.group(1)).strip()


def test_a_new_customer_reads_the_scale_of_its_segment_and_what_makes_it_stricter(
    make_counterparty: Callable[..., Counterparty], collector: User
) -> None:
    debtor = make_counterparty(collector=collector, segment=Segment.objects.get(code="new"))
    collector.language = "ru"
    collector.save()
    assert policy_why(collector, debtor) == (
        "Шкала сегмента «Новый клиент». Строже и раньше: напоминание до срока оплаты, "
        "претензия на 7-й день."
    )


def test_a_debtor_with_its_own_scale_says_it_is_not_the_segments(
    make_counterparty: Callable[..., Counterparty], collector: User, director: User
) -> None:
    debtor = make_counterparty(collector=collector, segment=Segment.objects.get(code="key"))
    new = Policy.objects.get(code="new")
    ladder_services.assign_policy(counterparty=debtor, policy=new, user=director)
    collector.language = "ro"
    collector.save()
    assert policy_why(collector, debtor).startswith(
        "Scara proprie a acestui debitor, nu cea a segmentului său. Mai strict și mai devreme:"
    )
