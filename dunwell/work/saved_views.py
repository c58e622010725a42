"""Saved views of the debtor list (issue 16, item 2): services that change them and the reads
the list needs. A view is a name and the list's query string; who sees and changes which view
is decided in accounts/visibility.py."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_change_saved_view,
    can_share_views,
    saved_view_filter,
)
from dunwell.work.errors import WorkError
from dunwell.work.models import DebtorListPreference, SavedView

NAME_MAX = SavedView._meta.get_field("name").max_length or 80
QUERY_MAX = SavedView._meta.get_field("query").max_length or 1000


def visible_views(user: User) -> QuerySet[SavedView]:
    """The user's own views, then those their supervisor shares with the team."""
    return (
        SavedView.objects.filter(saved_view_filter(user))
        .select_related("owner")
        .order_by("name", "id")
    )


def visible_view(user: User, view_id: int) -> SavedView:
    """A view the user may see, else 404 (never reveal that another user's view exists)."""
    try:
        return visible_views(user).get(pk=view_id)
    except SavedView.DoesNotExist:
        raise Http404 from None


def default_view(user: User, views: list[SavedView] | None = None) -> SavedView | None:
    """The view the list opens with, if it is still one the user sees (`views`: the user's
    visible views when the caller has them already)."""
    chosen = (
        DebtorListPreference.objects.filter(user=user)
        .values_list("default_view_id", flat=True)
        .first()
    )
    if chosen is None:
        return None
    if views is None:
        views = list(visible_views(user).filter(pk=chosen))
    return next((v for v in views if v.pk == chosen), None)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise WorkError(_("Name: give the view a name."))
    if len(name) > NAME_MAX:
        raise WorkError(_("Name: at most %(max)d characters.") % {"max": NAME_MAX})
    return name


def _check_unique(user: User, name: str, exclude: int | None = None) -> None:
    same = SavedView.objects.filter(owner=user, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise WorkError(_("Name: you already have a view called “%(name)s”.") % {"name": name})


def _check_owner(user: User, view: SavedView) -> None:
    if not can_change_saved_view(user, view):
        raise WorkError(_("Only the person who saved this view can change it."))


@transaction.atomic
def save_view(user: User, name: str, query: str, shared: bool = False) -> SavedView:
    """Save the list's current filters and sort under a name (`query`: validated by the list's
    form before it gets here)."""
    name = _clean_name(name)
    if shared and not can_share_views(user):
        raise WorkError(_("Only a supervisor or the director shares views with a team."))
    if len(query) > QUERY_MAX:
        raise WorkError(_("These filters are too long to save."))
    _check_unique(user, name)
    return SavedView.objects.create(owner=user, name=name, query=query, shared=shared)


@transaction.atomic
def rename_view(user: User, view: SavedView, name: str) -> SavedView:
    _check_owner(user, view)
    name = _clean_name(name)
    _check_unique(user, name, exclude=view.pk)
    view.name = name
    view.save(update_fields=["name"])
    return view


@transaction.atomic
def delete_view(user: User, view: SavedView) -> None:
    """Delete a view; whoever had it as their default opens the plain list again."""
    _check_owner(user, view)
    view.delete()


@transaction.atomic
def set_default_view(user: User, view: SavedView | None) -> None:
    """The view the user's debtor list opens with (None: the plain list)."""
    if view is not None and not visible_views(user).filter(pk=view.pk).exists():
        raise WorkError(_("This view is not available to you."))
    DebtorListPreference.objects.update_or_create(user=user, defaults={"default_view": view})
