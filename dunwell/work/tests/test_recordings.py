"""Call recordings are audio, checked by content, within a size limit, and served only through a
permission-checked view as a download; there is no open /media/ (issue 9, item 7)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty
from dunwell.work.models import CallActivity

pytestmark = pytest.mark.usefixtures("frozen")

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40
EVIL = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_call(user: User, cp: Counterparty, name: str, content: bytes) -> Any:
    return client_for(user).post(
        reverse("work:call", args=[cp.pk]),
        {"outcome": "no_answer", "recording": SimpleUploadedFile(name, content, "text/html")},
        follow=True,
    )


def test_an_html_file_is_refused_as_a_recording(debtor: Counterparty, collector: User) -> None:
    page = _post_call(collector, debtor, "evil.html", EVIL).content.decode()
    assert "Recording: only audio files (MP3, WAV, OGG, M4A, WebM) are accepted." in page
    assert not CallActivity.objects.exists()


def test_the_refusal_is_in_the_collectors_language(debtor: Counterparty, collector: User) -> None:
    collector.language = "ro"
    collector.save()
    page = _post_call(collector, debtor, "evil.mp3", EVIL).content.decode()
    assert "Înregistrare: sunt acceptate doar fișiere audio" in page


def test_a_recording_over_the_limit_is_refused(debtor: Counterparty, collector: User) -> None:
    with override_settings(WORK_RECORDING_MAX_BYTES=1024 * 1024):
        page = _post_call(collector, debtor, "call.wav", WAV + b"\x00" * (1024 * 1024))
    assert "Recording: the file is larger than 1 MB." in page.content.decode()
    assert not CallActivity.objects.exists()


def test_audio_is_kept_under_the_name_of_what_it_is_and_downloaded_by_those_who_see_the_debtor(
    debtor: Counterparty, collector: User, supervisor: User, teammate: User, outsider: User
) -> None:
    _post_call(collector, debtor, "evil.html", WAV)  # audio content, a lying name
    call = CallActivity.objects.get()
    assert (call.recording.name or "").endswith(".wav")
    url = reverse("work:call_recording", args=[call.pk])
    for user in (collector, supervisor):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "audio/wav"
        assert response["Content-Disposition"].startswith("attachment")
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert body == WAV
    for user in (teammate, outsider):
        assert client_for(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_there_is_no_open_media_url_even_in_debug() -> None:
    import dunwell.urls

    try:
        with override_settings(DEBUG=True):
            reloaded = importlib.reload(dunwell.urls)
            patterns = [str(p.pattern) for p in reloaded.urlpatterns]
        assert not any("media" in p for p in patterns), patterns
    finally:
        importlib.reload(dunwell.urls)
        clear_url_caches()


@pytest.mark.parametrize("language", ["uk", "ro"])
def test_a_recording_uploaded_with_the_outcome_plays_on_the_debtors_timeline(
    debtor: Counterparty, collector: User, supervisor: User, language: str
) -> None:
    """The supervisor listening to a collector's call found no player on the debtor card: a
    recording uploaded with the outcome was reachable only from a closed task's page."""
    import re

    _post_call(collector, debtor, "call.wav", WAV)
    call = CallActivity.objects.get()
    User.objects.filter(pk=supervisor.pk).update(language=language)
    page = client_for(supervisor).get(reverse("work:debtor", args=[debtor.pk])).content.decode()
    url = reverse("work:call_recording", args=[call.pk])
    row = next(r for r in re.findall(r"<tr.*?</tr>", page, re.S) if "<audio" in r)
    assert f'<audio controls preload="none" src="{url}">' in row
    assert {"uk": "Дзвінок: немає відповіді", "ro": "Apel: fără răspuns"}[language] in row
    response = client_for(supervisor).get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
