"""Saved views of the debtor list (issue 16, item 2): per user, shared by a supervisor with the
team, changed only by the owner, one of them the default the list opens with."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty, Document
from dunwell.work import saved_views
from dunwell.work.errors import WorkError
from dunwell.work.models import SavedView

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_user_saves_the_current_filters_under_a_name_and_opens_them_again(
    collector: User, debtor: Counterparty
) -> None:
    client = client_for(collector)
    response = client.post(
        reverse("work:view_save"), {"name": "  Big  ones ", "query": "sort=-total&country=RO&x=1"}
    )
    view = SavedView.objects.get()
    assert (view.owner, view.name, view.shared) == (collector, "Big ones", False)
    assert view.query == "country=RO&sort=-total"  # only the list's own parameters, in order
    assert response["Location"] == f"/work/debtors/?country=RO&sort=-total&view={view.pk}"
    page = client.get(response["Location"]).content.decode()
    assert 'aria-current="page" data-view="Big ones"' in page


def test_saving_needs_a_name_unique_per_owner(collector: User, teammate: User) -> None:
    saved_views.save_view(collector, "Mine", "sort=name")
    with pytest.raises(WorkError, match="give the view a name"):
        saved_views.save_view(collector, "   ", "")
    with pytest.raises(WorkError, match="already have a view"):
        saved_views.save_view(collector, "mine", "")
    assert saved_views.save_view(teammate, "Mine", "").owner == teammate


def test_filters_with_errors_are_not_saved(collector: User) -> None:
    response = client_for(collector).post(
        reverse("work:view_save"), {"name": "Broken", "query": "amount_min=5"}
    )
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_only_managers_share_and_the_team_sees_what_their_supervisor_shares(
    collector: User, teammate: User, supervisor: User, outsider: User
) -> None:
    with pytest.raises(WorkError, match="shares views"):
        saved_views.save_view(collector, "For all", "", shared=True)
    shared = saved_views.save_view(supervisor, "Team: 90+", "bucket=90%2B", shared=True)
    private = saved_views.save_view(supervisor, "Mine only", "sort=name")
    assert list(saved_views.visible_views(collector)) == [shared]
    assert list(saved_views.visible_views(teammate)) == [shared]
    assert list(saved_views.visible_views(outsider)) == []
    assert set(saved_views.visible_views(supervisor)) == {shared, private}
    page = client_for(collector).get(reverse("work:debtors")).content.decode()
    assert "Team: 90+" in page and "shared by sofia" in page
    assert "Mine only" not in page


def test_only_the_owner_renames_or_deletes_a_view(
    collector: User, teammate: User, supervisor: User, outsider: User
) -> None:
    shared = saved_views.save_view(supervisor, "Team view", "", shared=True)
    for user, status in ((collector, 403), (teammate, 403), (outsider, 404)):
        client = client_for(user)
        rename = client.post(reverse("work:view_rename", args=[shared.pk]), {"name": "Hacked"})
        assert rename.status_code == status
        assert client.post(reverse("work:view_delete", args=[shared.pk])).status_code == status
    shared.refresh_from_db()
    assert shared.name == "Team view"
    owner = client_for(supervisor)
    owner.post(reverse("work:view_rename", args=[shared.pk]), {"name": "Team: oldest first"})
    assert SavedView.objects.get().name == "Team: oldest first"
    owner.post(reverse("work:view_delete", args=[shared.pk]))
    assert not SavedView.objects.exists()


def test_a_default_view_opens_the_plain_list_until_it_is_unset(
    collector: User,
    supervisor: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    make_counterparty(collector=collector, name="Moldovan SRL", country="MD")
    make_counterparty(collector=collector, name="Romanian SRL")
    shared = saved_views.save_view(supervisor, "Moldova", "country=MD", shared=True)
    client = client_for(collector)
    client.post(reverse("work:view_default", args=[shared.pk]))
    response = client.get(reverse("work:debtors"))
    assert response["Location"] == f"/work/debtors/?country=MD&view={shared.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Moldovan SRL" in page and "Romanian SRL" not in page
    client.post(reverse("work:view_default", args=[shared.pk]))  # again: unset
    assert client.get(reverse("work:debtors")).status_code == 200


def test_a_default_that_is_no_longer_shared_is_ignored(
    collector: User, supervisor: User, make_user: Callable[..., User]
) -> None:
    shared = saved_views.save_view(supervisor, "Moldova", "country=MD", shared=True)
    saved_views.set_default_view(collector, shared)
    collector.supervisor = make_user("new-boss", Role.SUPERVISOR)
    collector.save()
    assert saved_views.default_view(collector) is None
    assert client_for(collector).get(reverse("work:debtors")).status_code == 200
    with pytest.raises(WorkError):
        saved_views.set_default_view(collector, shared)
