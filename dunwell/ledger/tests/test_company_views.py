"""The Import page on a fresh database: the company form first, then users may be uploaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import BankAccount, Company, ImportRun


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("adrian", Role.ADMIN)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


COMPANY = {
    "code": "main",
    "name": "Carpați SRL",
    "country": "RO",
    "currency": "RON",
    "tax_id": "RO18547290",
    "time_zone": "",
}


def test_an_administrator_on_a_fresh_database_is_asked_for_the_company_first(
    admin: User,
) -> None:
    client = client_for(admin)
    for name in ("ledger:imports", "ledger:import_new"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("ledger:company_new")
    page = client.get(reverse("ledger:company_new"))
    assert "Before the first import" in page.content.decode()


def test_the_company_form_creates_the_company_and_leads_to_the_upload(admin: User) -> None:
    response = client_for(admin).post(reverse("ledger:company_new"), COMPANY, follow=True)
    assert response.redirect_chain[-1][0] == reverse("ledger:import_new")
    assert "Company Carpați SRL created: now import its data." in response.content.decode()
    company = Company.objects.get()
    assert (company.time_zone, company.calendar_country, company.tax_id) == (
        "Europe/Bucharest",
        "RO",
        "18547290",
    )


def test_a_bad_tax_id_is_shown_on_its_field_and_nothing_is_created(admin: User) -> None:
    response = client_for(admin).post(reverse("ledger:company_new"), {**COMPANY, "tax_id": "12345"})
    assert response.status_code == 200
    assert response.context["form"].errors["tax_id"] == ["Invalid CUI '12345'"]
    assert not Company.objects.exists()


def test_a_bad_tax_id_is_explained_in_the_administrators_language(admin: User) -> None:
    """It was python-stdnum's English ("invalid CUI '12345': The number has an invalid
    length.") on a Ukrainian page."""
    User.objects.filter(pk=admin.pk).update(language="uk")
    client = client_for(admin)
    response = client.post(reverse("ledger:company_new"), {**COMPANY, "tax_id": "12345"})
    assert response.context["form"].errors["tax_id"] == ["Неправильний CUI '12345'"]
    response = client.post(
        reverse("ledger:company_new"), {**COMPANY, "country": "DE", "tax_id": "FR40303265045"}
    )
    assert response.context["form"].errors["tax_id"] == ["Номер ПДВ 'FR40303265045' не з країни DE"]


def test_finance_without_a_company_is_told_an_administrator_creates_it(
    make_user: Callable[..., User],
) -> None:
    finance = make_user("fiona", Role.FINANCE)
    client = client_for(finance)
    page = client.get(reverse("ledger:import_new"))
    assert page.status_code == 200
    assert "There is no company yet: an administrator creates it" in page.content.decode()
    assert client.get(reverse("ledger:company_new")).status_code == 403
    assert client.post(reverse("ledger:company_new"), COMPANY).status_code == 403
    assert not Company.objects.exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.SUPERVISOR])
def test_other_importers_may_not_create_the_company(
    make_user: Callable[..., User], role: str
) -> None:
    user = make_user("someone", role)
    assert client_for(user).post(reverse("ledger:company_new"), COMPANY).status_code == 403
    assert not Company.objects.exists()


def test_collectors_teammates_and_outsiders_are_refused(
    collector: User, teammate: User, outsider: User
) -> None:
    for user in (collector, teammate, outsider):
        client = client_for(user)
        assert client.get(reverse("ledger:company_new")).status_code == 403
        assert client.post(reverse("ledger:company_new"), COMPANY).status_code == 403
    assert not Company.objects.exists()


def upload_users(client: Client) -> Any:
    return client.post(
        reverse("ledger:import_new"),
        {
            "kind": "users",
            "file": SimpleUploadedFile("users.csv", b"username;role\nana;collector\n"),
        },
    )


def test_an_administrator_uploads_a_users_file(
    company: Company, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(admin)
    response = upload_users(client)
    assert response.status_code == 302
    run = ImportRun.objects.get()
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"col_0": "username", "col_1": "role"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created == 1
    assert User.objects.get(username="ana").role == Role.COLLECTOR


def test_other_importers_cannot_upload_or_run_a_users_file(
    company: Company, admin: User, make_user: Callable[..., User]
) -> None:
    finance = make_user("fiona", Role.FINANCE)
    client = client_for(finance)
    page = client.get(reverse("ledger:import_new"))
    assert 'value="users"' not in page.content.decode()
    response = upload_users(client)
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not ImportRun.objects.exists()
    # A users run an administrator uploaded is not theirs to start or run again.
    upload_users(client_for(admin))
    run = ImportRun.objects.get()
    assert client.get(reverse("ledger:import_preview", args=[run.pk])).status_code == 403
    assert client.post(reverse("ledger:import_rerun", args=[run.pk])).status_code == 403
    assert not User.objects.filter(username="ana").exists()


REQUISITES = {
    "name": "Carpați SRL",
    "tax_id": "18547290",
    "legal_address": "Str. Fabricii nr. 12, Cluj-Napoca",
    "registration_number": "J12/3456/2006",
}
ACCOUNT = {
    "currency": "RON",
    "bank_name": "Banca Transilvania",
    "bank_account": "RO39 BTRL 0130 1202 5417 0901",
    "bank_code": "btrlro22",
}
EUR_ACCOUNT = {**ACCOUNT, "currency": "EUR", "bank_account": "RO22BTRL0130420254170901"}


def new_account_url(company: Company) -> str:
    return reverse("ledger:bank_account_new", args=[company.pk])


def test_the_administrator_gives_the_company_its_address_and_bank_details(
    company: Company, admin: User
) -> None:
    client = client_for(admin)
    imports = client.get(reverse("ledger:imports")).content.decode()
    assert reverse("ledger:company_edit", args=[company.pk]) in imports
    response = client.post(reverse("ledger:company_edit", args=[company.pk]), REQUISITES)
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.legal_address, company.registration_number) == (
        "Str. Fabricii nr. 12, Cluj-Napoca",
        "J12/3456/2006",
    )
    assert client.post(new_account_url(company), ACCOUNT).status_code == 302
    account = company.bank_accounts.get()
    assert (account.currency, account.bank_name, account.account, account.bank_code) == (
        "RON",
        "Banca Transilvania",
        "RO39BTRL0130120254170901",
        "BTRLRO22",
    )
    assert account.is_default
    url = reverse("ledger:bank_account_edit", args=[company.pk, account.pk])
    assert 'value="RO39 BTRL 0130 1202 5417 0901"' in client.get(url).content.decode()


def test_a_bad_iban_is_shown_on_its_field_and_what_was_typed_is_kept(
    company: Company, admin: User
) -> None:
    client = client_for(admin)
    bad = {**ACCOUNT, "bank_account": "RO39 BTRL 0130 1202 5417 0902"}
    response = client.post(new_account_url(company), bad)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "bank_account": ["The bank account RO39 BTRL 0130 1202 5417 0902 is not a valid IBAN."]
    }
    page = response.content.decode()
    for value in ("Banca Transilvania", "btrlro22", "RO39 BTRL 0130 1202 5417 0902"):
        assert f'value="{value}"' in page
    assert not company.bank_accounts.exists()


def test_bad_requisites_are_explained_in_the_administrators_language(
    company: Company, admin: User
) -> None:
    User.objects.filter(pk=admin.pk).update(language="ru")
    bad = {**ACCOUNT, "bank_account": "4070281000000000000X", "bank_code": "04452522"}
    response = client_for(admin).post(new_account_url(company), bad)
    errors = response.context["form"].errors
    assert errors["bank_account"] == [
        "Расчётный счёт должен быть IBAN или номером из 5–34 цифр: 4070281000000000000X"
    ]
    bad = {**ACCOUNT, "bank_code": "XX12"}
    response = client_for(admin).post(new_account_url(company), bad)
    assert response.context["form"].errors["bank_code"][0].startswith("Код банка должен быть BIC")


def test_a_russian_account_and_bik_are_digits(company: Company, admin: User) -> None:
    account = {**ACCOUNT, "bank_account": "40702810900000012345", "bank_code": "044525225"}
    client_for(admin).post(new_account_url(company), account)
    saved = company.bank_accounts.get()
    assert (saved.account, saved.bank_code) == ("40702810900000012345", "044525225")


def test_the_new_company_form_checks_the_bank_code_too(admin: User) -> None:
    response = client_for(admin).post(
        reverse("ledger:company_new"), {**COMPANY, "bank_code": "BTRLXX22"}
    )
    assert list(response.context["form"].errors) == ["bank_code"]
    assert not Company.objects.exists()


def test_the_new_company_s_account_is_the_one_of_its_own_currency(admin: User) -> None:
    client_for(admin).post(
        reverse("ledger:company_new"), {**COMPANY, **{k: ACCOUNT[k] for k in ACCOUNT if
                                                       k != "currency"}}
    )  # fmt: skip
    account = Company.objects.get().bank_accounts.get()
    assert (account.currency, account.account, account.is_default) == (
        "RON",
        "RO39BTRL0130120254170901",
        True,
    )


def test_only_an_administrator_edits_the_company(
    company: Company, make_user: Callable[..., User], collector: User, outsider: User
) -> None:
    url = reverse("ledger:company_edit", args=[company.pk])
    for user in (make_user("fiona", Role.FINANCE), make_user("dan", Role.DIRECTOR), collector,
                 outsider):  # fmt: skip
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, REQUISITES).status_code == 403
    company.refresh_from_db()
    assert company.legal_address == ""
    imports = client_for(make_user("sam", Role.SUPERVISOR)).get(reverse("ledger:imports"))
    assert url not in imports.content.decode()


def test_finance_and_the_administrator_keep_the_bank_accounts_nobody_else(
    company: Company, admin: User, make_user: Callable[..., User], collector: User,
    outsider: User,
) -> None:  # fmt: skip
    finance = make_user("fiona", Role.FINANCE)
    for user in (finance, admin):
        assert client_for(user).get(reverse("ledger:bank_accounts")).status_code == 200
    assert client_for(finance).post(new_account_url(company), ACCOUNT).status_code == 302
    account = company.bank_accounts.get()
    urls = [
        reverse("ledger:bank_accounts"),
        new_account_url(company),
        reverse("ledger:bank_account_edit", args=[company.pk, account.pk]),
    ]
    delete = reverse("ledger:bank_account_delete", args=[company.pk, account.pk])
    for user in (make_user("dan", Role.DIRECTOR), make_user("sam", Role.SUPERVISOR), collector,
                 outsider):  # fmt: skip
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 403
        assert client.post(new_account_url(company), EUR_ACCOUNT).status_code == 403
        assert client.post(delete).status_code == 403
    assert list(company.bank_accounts.values_list("currency", flat=True)) == ["RON"]
    assert client_for(finance).post(delete).status_code == 302
    assert not company.bank_accounts.exists()


def test_a_second_account_in_a_currency_is_a_spare_unless_it_is_asked_to_replace_the_first(
    company: Company, admin: User
) -> None:
    client = client_for(admin)
    client.post(new_account_url(company), EUR_ACCOUNT)
    second = {**EUR_ACCOUNT, "bank_account": "RO92BTRL0130420254170902"}
    client.post(new_account_url(company), second)
    printed = dict(company.bank_accounts.values_list("account", "is_default"))
    assert printed == {"RO22BTRL0130420254170901": True, "RO92BTRL0130420254170902": False}
    spare = company.bank_accounts.get(is_default=False)
    url = reverse("ledger:bank_account_edit", args=[company.pk, spare.pk])
    response = client.post(url, {**second, "is_default": "on"}, follow=True)
    assert (
        "The documents in EUR now print RO92 BTRL 0130 4202 5417 0902 instead of "
        "RO22 BTRL 0130 4202 5417 0901, which is kept as a spare."
    ) in response.content.decode()
    printed = dict(company.bank_accounts.values_list("account", "is_default"))
    assert printed == {"RO22BTRL0130420254170901": False, "RO92BTRL0130420254170902": True}


def test_the_same_account_twice_is_refused_on_its_field(company: Company, admin: User) -> None:
    client = client_for(admin)
    client.post(new_account_url(company), ACCOUNT)
    response = client.post(new_account_url(company), {**ACCOUNT, "currency": "EUR"})
    assert response.context["form"].errors == {
        "bank_account": [
            "The account RO39 BTRL 0130 1202 5417 0901 is already among the company's "
            "accounts, in RON."
        ]
    }
    response = client.post(new_account_url(company), {**EUR_ACCOUNT, "currency": "EUX"})
    assert response.context["form"].errors == {"currency": ["Not an ISO 4217 currency code: EUX"]}


def test_an_administrators_typing_mistakes_are_refused_on_their_fields_in_their_language(
    company: Company, admin: User
) -> None:
    """Bank code "zz", a BIC of 7 letters, an IBAN with a wrong check digit, an account number
    with letters, and a BIC of a bank in another country than the IBAN's (copied from another
    account): each is refused on its field, in Ukrainian, and nothing is saved."""
    User.objects.filter(pk=admin.pk).update(language="uk")
    client = client_for(admin)
    mistakes = [
        ({"bank_code": "zz"}, "bank_code", "Код банку має бути BIC"),
        ({"bank_code": "BTRLRO2"}, "bank_code", "Код банку має бути BIC"),
        ({"bank_account": "RO39 BTRL 0130 1202 5417 0902"}, "bank_account", "не є правильним IBAN"),
        ({"bank_account": "40702810ABC0000012345"}, "bank_account", "номером із 5–34 цифр"),
        (
            {"bank_account": "MD24 AG00 0225 1000 1310 4168"},
            "bank_code",
            "Код банку BTRLRO22 належить банку в RO, а IBAN MD24 AG00 0225 1000 1310 4168 — "
            "рахунку в MD: один із них від іншого рахунку.",
        ),
    ]
    for typed, field, said in mistakes:
        response = client.post(new_account_url(company), {**ACCOUNT, **typed})
        errors = response.context["form"].errors
        assert list(errors) == [field], typed
        assert said in errors[field][0], (typed, errors)
    assert not company.bank_accounts.exists()
    # an account in a bank of another country, with that bank's code, is the company's choice
    abroad = {**ACCOUNT, "bank_account": "MD24AG000225100013104168", "bank_code": "AGRNMD2X"}
    assert client.post(new_account_url(company), abroad).status_code == 302
    assert company.bank_accounts.get().bank_code == "AGRNMD2X"


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        ("en", "No account in EUR: the documents in EUR print the account in RON."),
        ("ro", "Niciun cont în EUR: documentele în EUR tipăresc contul în RON."),
    ],
)
def test_the_page_warns_of_a_currency_owed_without_an_account(
    company: Company,
    admin: User,
    make_counterparty: Any,
    make_document: Any,
    language: str,
    warning: str,
) -> None:
    User.objects.filter(pk=admin.pk).update(language=language)
    client = client_for(admin)
    client.post(new_account_url(company), ACCOUNT)
    make_document(make_counterparty(), "800.00", currency="EUR")
    page = client.get(reverse("ledger:bank_accounts")).content.decode()
    assert warning in page
    assert f"{new_account_url(company)}?currency=EUR" in page
    client.post(new_account_url(company), EUR_ACCOUNT)
    assert "missing-account" not in client.get(reverse("ledger:bank_accounts")).content.decode()


def test_the_demo_company_has_requisites_the_form_accepts() -> None:
    from dunwell.demo.setup import DEMO_BANK_ACCOUNTS, DEMO_REQUISITES
    from dunwell.ledger.requisites import normalize_bank_account, normalize_bank_code
    from dunwell.ledger.services import clean_requisites

    assert clean_requisites(**DEMO_REQUISITES) == {
        **DEMO_REQUISITES,
        "bank_name": "",
        "bank_account": "",
        "bank_code": "",
    }
    for account in DEMO_BANK_ACCOUNTS:
        assert normalize_bank_account(account["bank_account"]) == account["bank_account"]
        assert normalize_bank_code(account["bank_code"]) == account["bank_code"]


HELP = {
    "ru": "BIC (SWIFT), БИК или МФО: в письмах этот код подписан «%s».",
    "uk": "BIC (SWIFT), БІК або МФО: у листах цей код підписано «%s».",
}


def account_of(company: Company, code: str) -> BankAccount:
    return BankAccount.objects.create(
        company=company, currency="RON", account="RO39BTRL0130120254170901", bank_code=code
    )


@pytest.mark.parametrize(
    ("code", "kind"),
    [("BTRLRO22", "SWIFT (BIC)"), ("044525225", "БИК"), ("305299", "МФО")],
)
@pytest.mark.parametrize("language", ["ru", "uk"])
def test_the_bank_code_is_shown_with_its_kind(
    company: Company, admin: User, code: str, kind: str, language: str
) -> None:
    """A SWIFT code was listed as a bare "Код банка"; the letters called it "БИК" / "МФО"."""
    account = account_of(company, code)
    User.objects.filter(pk=admin.pk).update(language=language)
    client = client_for(admin)
    listed = client.get(reverse("ledger:companies")).content.decode()
    assert f'{code}<br><small class="code-kind">{kind}</small>' in listed
    url = reverse("ledger:bank_account_edit", args=[company.pk, account.pk])
    assert HELP[language] % kind in client.get(url).content.decode()


def test_a_bank_code_of_no_known_kind_is_shown_without_one(company: Company, admin: User) -> None:
    account_of(company, "1234567")
    listed = client_for(admin).get(reverse("ledger:companies")).content.decode()
    assert "1234567</td>" in listed and "code-kind" not in listed


def test_the_ukrainian_tax_id_label_does_not_name_the_register_code(
    company: Company, admin: User
) -> None:
    """In Ukrainian the company's tax id read 'Податковий номер (ЄДРПОУ)' while the field below
    it, the registration number, says 'У державному реєстрі: ЄДРПОУ, ...', and a Romanian
    company's tax id typed wrong answered 'Неправильний CUI': two fields for one code, and the
    wrong code for the field. The tax id is 'Податковий номер', as ro 'Cod fiscal'."""
    User.objects.filter(pk=admin.pk).update(language="uk")
    client = client_for(admin)
    url = reverse("ledger:company_edit", args=[company.pk])
    response = client.post(url, {**REQUISITES, "tax_id": "RO-bad tax"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_tax_id">Податковий номер:</label>' in page
    assert "Неправильний CUI" in page
    assert page.count("ЄДРПОУ") == 1  # the registration number's help only
    listing = client.get(reverse("ledger:companies")).content.decode()
    assert "<th>Податковий номер</th>" in listing and "ЄДРПОУ" not in listing
