"""Adding a webhook subscription answers with a redirect (Post/Redirect/Get): the page it leads
to shows the signing secret once, and reloading it neither shows the secret again nor adds a
second subscription (F5 and "resubmit" on the answer to the form added one more)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from dunwell.accounts.models import Role, User
from dunwell.webhooks.models import Subscription
from dunwell.webhooks.services import secret_of

pytestmark = pytest.mark.django_db
NEW = "/integrations/webhooks/new/"
SHOWN_ONCE = {
    "en": "was shown once, when it was added, and cannot be shown again. If you lost it, add "
    "the subscription again and delete this one.",
    "uk": "було показано один раз, під час її додавання, і більше показати його не можна. "
    "Якщо ви його втратили, додайте підписку знову, а цю видаліть.",
    "ru": "был показан один раз, при её добавлении, и больше показан быть не может. Если вы "
    "его потеряли, добавьте подписку заново, а эту удалите.",
    "ro": "a fost afișat o singură dată, la adăugarea lui, și nu mai poate fi afișat. Dacă "
    "l-ați pierdut, adăugați din nou abonamentul și ștergeți-l pe acesta.",
}


def shown_secret(page: str) -> str | None:
    match = re.search(r'<code id="secret">([^<]+)</code>', page)
    return match.group(1) if match else None


@pytest.mark.parametrize("language", ["en", "uk", "ru", "ro"])
def test_the_signing_secret_is_shown_once_and_a_reload_adds_nothing(
    make_user: Callable[..., User], language: str
) -> None:
    client = Client()
    client.force_login(make_user("ada", Role.ADMIN, language=language))
    answer = client.post(NEW, {"url": "https://erp.example.com/hook", "events": ["task.created"]})
    assert answer.status_code == 302
    subscription = Subscription.objects.get()
    assert answer["Location"] == f"/integrations/webhooks/{subscription.pk}/created/"
    first = client.get(answer["Location"])
    assert "no-store" in first["Cache-Control"]
    secret = shown_secret(first.content.decode())
    # The secret shown is the one deliveries are signed with (services.send_one).
    assert secret is not None and secret == secret_of(subscription)
    session = Session.objects.get(session_key=client.session.session_key)
    assert secret not in session.session_data + json.dumps(session.get_decoded())

    again = client.get(answer["Location"]).content.decode()
    assert shown_secret(again) is None and secret not in again
    assert SHOWN_ONCE[language] in again.replace("\n", " ")
    assert Subscription.objects.count() == 1
