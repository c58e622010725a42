"""Adding and correcting a debtor's contacts from the debtor card and the call card."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_edit_contacts
from dunwell.ledger.models import Contact
from dunwell.work import selectors
from dunwell.work.contacts import (
    ContactClash,
    ContactForm,
    clash_message,
    country_name,
    initial_of,
    save_contact,
)
from dunwell.work.errors import WorkError


def _back(request: HttpRequest, counterparty_id: int) -> str:
    """Where the form returns: the call card it was opened from, else the debtor card."""
    asked = request.POST.get("next") or request.GET.get("next") or ""
    if asked and url_has_allowed_host_and_scheme(
        asked, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return asked
    return reverse("work:debtor", args=[counterparty_id]) + "#contacts"


@login_required
def contact_edit(
    request: HttpRequest, counterparty_id: int, contact_id: int | None = None
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    counterparty = selectors.visible_counterparty(user, counterparty_id)
    if not can_edit_contacts(user, counterparty.pk, seen=True):
        raise PermissionDenied
    contact = (
        get_object_or_404(Contact, pk=contact_id, counterparty=counterparty)
        if contact_id is not None
        else None
    )
    back = _back(request, counterparty.pk)
    if request.method == "POST":
        form = ContactForm(
            request.POST,
            region=counterparty.country,
            counterparty=counterparty,
            contact=contact,
            back=back,
        )
        if form.is_valid():
            try:
                saved = save_contact(user, counterparty, contact, form.cleaned_data)
            except ContactClash as exc:  # saved by another meanwhile: on its field, as clean()
                for field, other in exc.found.items():
                    form.add_error(
                        field, clash_message(counterparty, field, form.cleaned_data, other, back)
                    )
            except WorkError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Contact saved: %(name)s.") % {"name": saved.name})
                return redirect(back)
    else:
        form = ContactForm(
            initial=initial_of(contact) if contact else None, region=counterparty.country
        )
    return render(
        request,
        "work/contact_form.html",
        {
            "cp": counterparty,
            "contact": contact,
            "form": form,
            "back": back,
            "country": country_name(counterparty.country),
            "imported": bool(contact and contact.external_id),
        },
        status=400 if request.method == "POST" else 200,
    )
