"""The Django admin shows the rows the program writes as a record (an import's run, the
timeline, credit checks and their approval requests, generated documents, the ladder's
state) but never adds, changes or deletes them by hand; they still go with the counterparty
they belong to when that is deleted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty, ImportKind, ImportRun, TimelineEntry

pytestmark = pytest.mark.django_db

RECORDS = [
    "ledger/importrun",
    "ledger/timelineentry",
    "ladder/ladderevent",
    "ladder/documentprogress",
    "ladder/dailyrun",
    "credit/creditcheck",
    "credit/creditapprovalrequest",
    "credit/ruleacknowledgement",
    "legal/generateddocument",
]


@pytest.fixture
def admin_client(make_user: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_user("adam", Role.ADMIN, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("record", RECORDS)
def test_no_record_is_added_by_hand(admin_client: Client, record: str) -> None:
    listing = admin_client.get(f"/admin/{record}/")
    assert listing.status_code == 200
    assert f'href="/admin/{record}/add/"' not in listing.content.decode()
    assert admin_client.get(f"/admin/{record}/add/").status_code == 403
    assert admin_client.post(f"/admin/{record}/add/", {}).status_code == 403


def test_an_import_is_shown_but_not_changed_or_deleted_in_the_admin(
    admin_client: Client,
) -> None:
    run = ImportRun.objects.create(
        kind=ImportKind.DOCUMENTS,
        file_name="facturi.csv",
        status=ImportRun.Status.DONE,
        rows_total=10,
        rows_done=10,
        created=9,
        rejected=1,
    )
    listing = admin_client.get("/admin/ledger/importrun/").content.decode()
    assert "facturi.csv" in listing and 'value="delete_selected"' not in listing
    page = admin_client.get(f"/admin/ledger/importrun/{run.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "facturi.csv" in text and 'name="file_name"' not in text
    assert f"/admin/ledger/importrun/{run.pk}/delete/" not in text
    changed = admin_client.post(
        f"/admin/ledger/importrun/{run.pk}/change/",
        {"kind": "payments", "file_name": "x.csv", "status": "failed", "rows_total": "0"},
    )
    assert changed.status_code == 403
    assert (
        admin_client.post(f"/admin/ledger/importrun/{run.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.post(
        "/admin/ledger/importrun/",
        {"action": "delete_selected", "_selected_action": [run.pk], "post": "yes"},
    ).status_code in (200, 302)
    run.refresh_from_db()
    assert (run.file_name, run.status, run.rows_total) == ("facturi.csv", "done", 10)


def test_a_timeline_entry_is_not_forged_but_goes_with_its_counterparty(
    admin_client: Client, make_counterparty: Callable[..., Counterparty]
) -> None:
    debtor = make_counterparty(name="Alpha SRL")
    entry = TimelineEntry.objects.create(
        counterparty=debtor, at=timezone.now(), kind="ladder.task_created", summary="Call"
    )
    assert (
        admin_client.post(
            f"/admin/ledger/timelineentry/{entry.pk}/change/", {"summary": "Paid in full"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            f"/admin/ledger/timelineentry/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.summary == "Call"
    # Deleting the counterparty (audited) still takes its history along.
    confirm = admin_client.get(f"/admin/ledger/counterparty/{debtor.pk}/delete/")
    assert "permission to delete" not in confirm.content.decode()
    admin_client.post(f"/admin/ledger/counterparty/{debtor.pk}/delete/", {"post": "yes"})
    assert not Counterparty.objects.filter(pk=debtor.pk).exists()
    assert not TimelineEntry.objects.filter(counterparty_id=debtor.pk).exists()
