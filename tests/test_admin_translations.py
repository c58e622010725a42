"""The Django admin is shipped to the administrator (README: `admin` also uses /admin/), so its
own labels read in the user's language. Django 5.2's Romanian (and partly Ukrainian) catalogues
lack some ("Show counts", "Reset password", the selector widget's "Choose all %s"); the project
catalogue (LOCALE_PATHS) supplies them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import django
import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation

from dunwell.accounts.models import Role, User

DJANGO = Path(django.__file__).parent
SOURCES = {
    "django": [
        DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
        DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    ],
    "djangojs": [DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"],
}
ENTRY = re.compile(
    r'(?:msgctxt "(?P<ctx>.*)"\n)?msgid "(?P<id>(?:.|\n")*?)"\n(?:msgid_plural|msgstr)'
)
# Written the same in the language too (a format, a technical term, "August" in Romanian).
SAME = {"…", "%(class_name)s %(instance)s", "Email", "salt", "hash", "August", "S"}


def source_messages(domain: str) -> list[tuple[str | None, str]]:
    out = []
    for path in SOURCES[domain]:
        for match in ENTRY.finditer(path.read_text(encoding="utf-8")):
            msgid = match.group("id").replace('"\n"', "").replace('\\"', '"')
            if msgid:
                out.append((match.group("ctx"), msgid))
    return out


@pytest.mark.parametrize("language", ["ro", "uk", "ru"])
def test_every_admin_and_auth_label_is_translated(language: str) -> None:
    with translation.override(language):
        missing = [
            msgid
            for context, msgid in source_messages("django")
            if (translation.pgettext(context, msgid) if context else translation.gettext(msgid))
            == msgid
            and msgid not in SAME
        ]
    assert not missing, missing[:10]


@pytest.mark.parametrize("language", ["ro", "uk", "ru"])
def test_every_admin_script_label_is_translated(language: str) -> None:
    # as the admin's jsi18n view (JavaScriptCatalog) builds its catalogue
    catalogue = DjangoTranslation(
        language, domain="djangojs", localedirs=[str(DJANGO / "contrib/admin/locale")]
    )
    missing = [
        msgid
        for context, msgid in source_messages("djangojs")
        if (catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)) == msgid
        and msgid not in SAME
    ]
    assert not missing, missing[:10]


@pytest.mark.django_db
def test_the_romanian_administrator_reads_the_admin_in_romanian(
    make_user: Callable[..., User],
) -> None:
    admin = make_user("ana", Role.ADMIN, is_staff=True, is_superuser=True, language="ro")
    client = Client()
    client.force_login(admin)
    users = client.get("/admin/accounts/user/").content.decode()
    assert "Arată numărătorile" in users and "Show counts" not in users
    change = client.get(f"/admin/accounts/user/{admin.pk}/change/").content.decode()
    assert "Resetează parola" in change and "Reset password" not in change
    assert "Parolele nu sunt păstrate în clar" in change
    script = client.get("/admin/jsi18n/").content.decode()
    assert "Alege toate (%s)" in script


# Written the same in Romanian as in English.
SAME_IN_ROMANIAN = {"segment", "contract", "contact", "total", "document"}


@pytest.mark.parametrize("language", ["ro", "uk", "ru"])
def test_every_field_of_our_admin_pages_is_named_in_the_language(language: str) -> None:
    """A field without a verbose name is named from its code ("rows total", "counterparty"),
    which no catalogue translates: the admin's columns, filters and forms read English."""
    from django.contrib import admin

    shown = set(admin.site._registry)
    shown |= {inline.model for page in admin.site._registry.values() for inline in page.inlines}
    missing = []
    for model in shown:
        if not model._meta.app_config.name.startswith("dunwell"):
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            with translation.override("en"):
                english = str(field.verbose_name)
            with translation.override(language):
                named = str(field.verbose_name)
            if english.isupper() or (language == "ro" and english in SAME_IN_ROMANIAN):
                continue  # DOCX, PDF; a word written the same
            if named == english:
                missing.append(f"{model._meta.label}.{field.name}: {english}")
    assert not missing, missing[:10]


@pytest.mark.django_db
def test_the_ukrainian_administrator_reads_names_and_permissions_in_ukrainian(
    make_user: Callable[..., User],
) -> None:
    from dunwell.ledger.models import ImportKind, ImportRun

    ImportRun.objects.create(kind=ImportKind.DOCUMENTS, file_name="a.csv", rows_total=3)
    admin = make_user("olena", Role.ADMIN, is_staff=True, is_superuser=True, language="uk")
    client = Client()
    client.force_login(admin)
    index = client.get("/admin/").content.decode()
    assert "Фонові завдання" in index and "Результати завдань" in index
    assert "Tasks Database Backend" not in index and "Task Results" not in index
    imports = client.get("/admin/ledger/importrun/").content.decode()
    assert "Рядків у файлі" in imports and "Рядків відхилено" in imports
    assert "За статус" in imports
    assert "Rows total" not in imports and "За status" not in imports
    change = client.get(f"/admin/accounts/user/{admin.pk}/change/").content.decode()
    assert "Облік дебіторської заборгованості | документ | Може додавати: документ" in change
    assert "Can add" not in change and "Can view" not in change
    groups = client.get("/admin/auth/group/add/").content.decode()
    assert "Може переглядати: користувач" in groups and "Can view" not in groups
