"""The debtor's people kept by the collector (DESIGN §1.5: talk to the right person): add one,
correct one, mark one as no longer working there. Each change is told on the debtor's
timeline, in the reader's language (`work.timeline_texts.contacts`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_edit_contacts
from dunwell.ledger.models import Contact, ContactRole, Counterparty, TimelineEntry
from dunwell.ledger.phones import PhoneError, format_phone, read_phone
from dunwell.work.errors import WorkError

ROLE_FIELDS = tuple(role.value for role in ContactRole)

# What the timeline names when a field changed (the reader's language).
FIELD_LABELS: dict[str, StrOrPromise] = {
    "name": _("name"),
    "position": _("position"),
    **{role.value: role.label for role in ContactRole},
    "phone": _("phone"),
    "phone_alt": _("second phone"),
    "phone_ext": _("extension"),
    "phone_alt_ext": _("second phone's extension"),
    "email": _("e-mail"),
    "language": _("language"),
    "notes": _("note"),
    "active": _("works there"),
}
FIELDS = tuple(FIELD_LABELS)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    position = forms.CharField(label=_("Position"), required=False, max_length=255)
    orders = forms.BooleanField(label=ContactRole.ORDERS.label, required=False)
    accepts = forms.BooleanField(label=ContactRole.ACCEPTS.label, required=False)
    accountant = forms.BooleanField(label=ContactRole.ACCOUNTANT.label, required=False)
    decides_payments = forms.BooleanField(
        label=ContactRole.DECIDES_PAYMENTS.label,
        required=False,
        help_text=_("One person per debtor: marking this one unmarks the other."),
    )
    signs = forms.BooleanField(label=ContactRole.SIGNS.label, required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    phone_alt = forms.CharField(label=_("Second phone"), required=False, max_length=32)
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[])
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(
        label=_("Works there"),
        required=False,
        initial=True,
        help_text=_(
            "Untick when the person no longer works there: their name stays in the history."
        ),
    )

    def __init__(
        self,
        *args: Any,
        region: str = "",
        counterparty: Counterparty | None = None,
        contact: Contact | None = None,
        back: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        self.counterparty = counterparty
        self.contact = contact
        self.back = back
        self.fields["language"].choices = [("", "—"), *settings.LANGUAGES]  # type: ignore[attr-defined]

    def _phone(self, name: str) -> str:
        """E.164, a local number read with the debtor's country (as the "Wrong person" path);
        an extension written after it ("x 12", "доб. 12") goes to `<name>_ext`."""
        value = self.cleaned_data.get(name, "")
        try:
            phone, self.cleaned_data[f"{name}_ext"] = read_phone(value, self.region)
        except PhoneError:
            raise forms.ValidationError(
                _("“%(value)s” is not a phone number."), params={"value": value}
            ) from None
        return phone

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_phone_alt(self) -> str:
        return self._phone("phone_alt")

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict[str, Any]:
        """Refuse a phone or e-mail that is already another active contact's of this debtor:
        the same person twice splits their calls and promises (one who no longer works there
        may hand the number on: allowed)."""
        cleaned = super().clean() or {}
        if self.counterparty is None:
            return cleaned
        for field, other in clashes(self.counterparty, cleaned, self.contact).items():
            self.add_error(
                field, clash_message(self.counterparty, field, cleaned, other, self.back)
            )
        return cleaned


def written_phone(phone: str, extension: str) -> str:
    """The phone as the form shows it again, as people write it: `+373 691 23 456 доб. 12`
    in Russian (`read_phone` reads the word for an extension of each language)."""
    return display_phone(phone, extension) if phone else ""


def display_phone(e164: str, extension: str = "") -> str:
    """`+373 691 23 456` for `+37369123456` (the number as people write it), `ext. 12` after."""
    shown = format_phone(e164)
    if extension:
        shown += " " + _("ext. %(extension)s") % {"extension": extension}
    return shown


def clashes(
    counterparty: Counterparty, values: dict[str, Any], contact: Contact | None = None
) -> dict[str, Contact]:
    """The form's fields (phone, phone_alt, email) whose value another ACTIVE contact of the
    debtor already has (either phone; the e-mail in any case), with that contact."""
    wanted = {f: values.get(f) or "" for f in ("phone", "phone_alt", "email")}
    # Two people behind one switchboard differ by their extension.
    pairs = {f: (wanted[f], values.get(f"{f}_ext") or "") for f in ("phone", "phone_alt")}
    if not any(wanted.values()):
        return {}
    phones = {wanted["phone"], wanted["phone_alt"]} - {""}
    query = Q(phone__in=phones) | Q(phone_alt__in=phones)
    if wanted["email"]:
        query |= Q(email__iexact=wanted["email"])
    others = Contact.objects.filter(query, counterparty=counterparty, active=True).order_by("pk")
    if contact is not None:
        others = others.exclude(pk=contact.pk)
    found: dict[str, Contact] = {}
    for other in others:
        theirs = {(other.phone, other.phone_ext), (other.phone_alt, other.phone_alt_ext)}
        for field in ("phone", "phone_alt"):
            if wanted[field] and pairs[field] in theirs:
                found.setdefault(field, other)
        if wanted["email"] and wanted["email"].lower() == other.email.lower():
            found.setdefault("email", other)
    return found


class ContactClash(WorkError):
    """`save_contact` refused a phone or e-mail that another active contact of the debtor has
    (`clashes`): `found` names, per field, who has it."""

    def __init__(self, values: dict[str, Any], found: dict[str, Contact]) -> None:
        field, other = next(iter(found.items()))
        super().__init__(clash_text(field, values, other))
        self.found = found


def clash_text(field: str, values: dict[str, Any], other: Contact) -> str:
    """ "+373 69 123 456 is already Ion Popescu's number." """
    if field == "email":
        return _("%(email)s is already %(name)s's e-mail.") % {
            "email": values[field],
            "name": other.name,
        }
    return _("%(number)s is already %(name)s's number.") % {
        "number": display_phone(values[field], values.get(f"{field}_ext") or ""),
        "name": other.name,
    }


def clash_message(
    counterparty: Counterparty, field: str, values: dict[str, Any], other: Contact, back: str
) -> str:
    """ "+373 69 123 456 is already Ion Popescu's number. Edit Ion Popescu instead", linked."""
    text = clash_text(field, values, other)
    url = reverse("work:contact_edit", args=[counterparty.pk, other.pk])
    if back:
        url += "?" + urlencode({"next": back})
    return format_html(
        '{} <a href="{}" class="contact-clash">{}</a>',
        text,
        url,
        _("Edit %(name)s instead") % {"name": other.name},
    )


def country_name(code: str) -> str:
    """The country a local number is read in, named in the reader's language ("Republica
    Moldova", "Молдова" for MD; CLDR's names as Babel ships them); the code when unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(translation.to_locale(translation.get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return str(locale.territories.get(code.upper(), code))


def initial_of(contact: Contact) -> dict[str, Any]:
    initial = {field: getattr(contact, field) for field in FIELDS}
    for field in ("phone", "phone_alt"):
        initial[field] = written_phone(initial[field], initial.pop(f"{field}_ext"))
    return initial


def save_contact(
    by: User, counterparty: Counterparty, contact: Contact | None, values: dict[str, Any]
) -> Contact:
    """Add a contact (`contact` None) or change one; `values` are a valid `ContactForm`'s. One
    person decides payments per debtor: marking one unmarks the other. A phone or e-mail that
    another active contact of the debtor has is refused (`ContactClash`, the rule of
    `clashes`, which the form asks first), checked under the debtor's lock so that two saves
    at once cannot both pass. The timeline tells who changed what (nothing when nothing
    changed)."""
    if not can_edit_contacts(by, counterparty.pk):
        raise WorkError(_("You may not change this debtor's contacts."))
    values = {"phone_ext": "", "phone_alt_ext": "", **values}
    with transaction.atomic():
        Counterparty.objects.select_for_update().filter(pk=counterparty.pk).first()
        found = clashes(counterparty, values, contact)
        if found:
            raise ContactClash(values, found)
        if contact is None:
            contact = Contact(counterparty=counterparty)
            changed = [f for f in FIELDS if values.get(f) and f not in ("name", "active")]
            action = "added"
        else:
            contact = Contact.objects.select_for_update().get(
                pk=contact.pk, counterparty=counterparty
            )
            changed = [f for f in FIELDS if getattr(contact, f) != values[f]]
            if not changed:
                return contact
            action = "changed"
            if changed == ["active"]:
                action = "reactivated" if values["active"] else "deactivated"
        for field in FIELDS:
            setattr(contact, field, values[field])
        if contact.decides_payments and contact.active:
            Contact.objects.filter(counterparty=counterparty, decides_payments=True).exclude(
                pk=contact.pk
            ).update(decides_payments=False)
        contact.save()
        entry = TimelineEntry(
            counterparty=counterparty,
            at=timezone.now(),
            actor=by,
            kind=f"work.contact.{action}",
            data={
                "contact": contact.pk,
                "name": contact.name,
                "fields": changed,
                "imported": bool(contact.external_id),
            },
        )
        from dunwell.work.timeline_texts import contact_text

        entry.summary = contact_text(entry.data, action)
        entry.save()
    return contact
